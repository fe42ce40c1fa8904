"""Every page of the UI requires a signed-in user: each pattern is wrapped in ``login_required`` here, in
one place (a test walks them all). Only the sign-in page is open."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, path

from apps.web.views import algorithms, common_ground, findings, mechanisms, nations, reports, runs, standards


def _page(route: str, view: Callable[..., Any], name: str, **kwargs: Any) -> URLPattern:
    return path(route, login_required(view), kwargs, name=name)


urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    _page("", nations.home, "home"),
    _page("nations/", nations.nation_list, "nations"),
    _page("nations/<str:code>/", nations.nation_detail, "nation"),
    _page("nations/<str:code>/history/", nations.nation_history, "nation-history"),
    _page("nations/<str:code>/<str:claim>/<int:pk>/reconfirm/", nations.claim_reconfirm, "claim-reconfirm"),
    _page("nations/<str:code>/positions/new/", nations.position_new, "position-new"),
    _page("nations/<str:code>/approvals/new/", nations.approval_new, "approval-new"),
    _page("nations/<str:code>/milestones/new/", nations.milestone_new, "milestone-new"),
    _page("matrix/", reports.matrix, "matrix"),
    _page("timeline/", reports.timeline, "timeline"),
    _page("outlook/", reports.outlook, "outlook"),
    _page("outlook/export.csv", reports.outlook_export, "outlook-csv"),
    _page("readiness/", reports.readiness, "readiness"),
    _page("readiness/<int:protocol>/<int:algorithm>/", reports.readiness_cell, "readiness-cell"),
    _page("changes/", reports.changes, "changes"),
    _page("common-ground/", common_ground.common_ground_page, "common-ground"),
    _page("common-ground/export.csv", common_ground.common_ground_csv, "common-ground-csv"),
    _page("mechanisms/", mechanisms.mechanism_list, "mechanisms"),
    _page("mechanisms/<int:pk>/", mechanisms.mechanism_detail, "mechanism"),
    _page("work-items/", standards.work_item_list, "work-items"),
    _page("work-items/<int:pk>/", standards.work_item_detail, "work-item"),
    _page("work-items/<int:pk>/statuses/new/", standards.work_item_status_new, "work-item-status-new"),
    _page("algorithms/", algorithms.algorithm_list, "algorithms"),
    _page("algorithms/<int:pk>/", algorithms.algorithm_detail, "algorithm"),
    _page("algorithms/<int:pk>/edit/", algorithms.algorithm_edit, "algorithm-edit"),
    _page("parameter-sets/", algorithms.parameter_set_list, "parameter-sets"),
    _page("parameter-sets/<int:pk>/", algorithms.parameter_set_detail, "parameter-set"),
    _page("parameter-sets/<int:pk>/edit/", algorithms.parameter_set_edit, "parameter-set-edit"),
    _page("findings/", findings.finding_list_view, "findings"),
    _page("findings/export.csv", findings.finding_export, "findings-csv", fmt="csv"),
    _page("findings/export.json", findings.finding_export, "findings-json", fmt="json"),
    _page("findings/<int:pk>/", findings.finding_detail, "finding"),
    _page("findings/<int:pk>/acknowledge/", findings.finding_acknowledge_view, "finding-acknowledge"),
    _page("findings/<int:pk>/waive/", findings.finding_waive_view, "finding-waive"),
    _page("runs/", runs.run_list, "runs"),
    _page("runs/start/", runs.run_start, "run-start"),
    _page("runs/<int:pk>/", runs.run_detail, "run"),
]
