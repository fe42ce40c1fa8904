"""Nations, coalitions and memberships: public reference data, which anyone signed in reads and only
administrators write (the services say so). Memberships decide every user's clearance, so each change says
why. No token scope grants these writes: a token may not act for an administrator (it would bypass
releasability), so an administrator signs in. POST creates (409 if it exists: update it with PUT); PUT and
PATCH need If-Match."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_administer_clearance, ensure_can_administer_nations
from apps.api import filters
from apps.api.etag import lock_for_update
from apps.api.pagination import Pages
from apps.api.serializers import nations as s
from apps.api.views.base import ReadOnlyApiViewSet
from apps.core.exceptions import NotFound
from apps.nations.models import Coalition, Membership, Nation, NationQuerySet
from apps.nations.services import coalition_upsert, membership_set, nation_upsert


class AdministeredViewSet(ReadOnlyApiViewSet):
    """Reads for everyone signed in; writes for administrators signed in (``write_scope`` None: no token)."""

    write_scope = None
    etag_enabled = True

    @staticmethod
    def ensure_may_write(actor: User | None) -> None:
        ensure_can_administer_nations(actor)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """The services' own permission check, asked first on every write: a refused caller gets 403 whatever
        the record, the body or the ETag (issue 9), so it learns nothing from the status."""
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            self.ensure_may_write(self.actor)

    def fresh(self, instance: models.Model) -> models.Model:
        """``instance`` as the reads show it (their annotations and related records)."""
        return self.get_queryset().get(pk=instance.pk)  # type: ignore[no-any-return]

    def write(self, request: Request, key: dict[str, str], apply: Callable[[Any], models.Model]) -> Response:
        """Lock the record ``key`` names, check If-Match, and ``apply`` the change to it (one service call)."""
        model: Any = self.get_queryset().model
        pk = model.objects.filter(**key).values_list("pk", flat=True).first()
        if pk is None:
            raise NotFound("Not found.")
        with transaction.atomic():
            record = lock_for_update(request, model.objects.all(), pk)
            apply(record)
        return self.respond(self.fresh(record), self.get_serializer_class())


@extend_schema_view(
    create=extend_schema(request=s.NationCreateInput, responses={201: s.NationOutput}),
    update=extend_schema(request=s.NationUpdateInput, responses=s.NationOutput),
    partial_update=extend_schema(request=s.NationUpdateInput, responses=s.NationOutput),
)
class NationViewSet(AdministeredViewSet):
    """Every nation; ``?undeclared=true`` lists only those that have said nothing the caller may see."""

    queryset = Nation.objects.order_by("code")
    serializer_class = s.NationOutput
    filterset_class = filters.NationFilter
    lookup_field = "code"
    pagination_class = Pages
    ordering_fields = ("code", "name")

    def get_queryset(self) -> NationQuerySet:
        return Nation.objects.with_declared(self.actor).order_by("code")

    def create(self, request: Request) -> Response:
        data = self.validated(s.NationCreateInput)
        return self.create_once(request, lambda: self.fresh(nation_upsert(**data, actor=self.actor, first=True)))

    def update(self, request: Request, code: str, partial: bool = False) -> Response:
        data = self.validated(s.NationUpdateInput, partial=partial)
        return self.write(
            request,
            {"code": code},
            lambda n: nation_upsert(code=n.code, **{"name": n.name, "kind": n.kind, **data}, actor=self.actor),
        )

    def partial_update(self, request: Request, code: str) -> Response:
        return self.update(request, code, partial=True)


@extend_schema_view(
    create=extend_schema(request=s.CoalitionCreateInput, responses={201: s.CoalitionOutput}),
    update=extend_schema(request=s.CoalitionUpdateInput, responses=s.CoalitionOutput),
    partial_update=extend_schema(request=s.CoalitionUpdateInput, responses=s.CoalitionOutput),
)
class CoalitionViewSet(AdministeredViewSet):
    """The coalitions (NATO, EU, FVEY…) records may be releasable to; membership of one is clearance."""

    queryset = Coalition.objects.order_by("code")
    serializer_class = s.CoalitionOutput
    lookup_field = "code"
    pagination_class = Pages
    ordering_fields = ("code", "name")

    def create(self, request: Request) -> Response:
        data = self.validated(s.CoalitionCreateInput)
        return self.create_once(request, lambda: coalition_upsert(**data, actor=self.actor, first=True))

    def update(self, request: Request, code: str, partial: bool = False) -> Response:
        data = self.validated(s.CoalitionUpdateInput, partial=partial)

        def apply(c: Coalition) -> Coalition:
            values = {"name": c.name, "kind": c.kind, "is_defence": c.is_defence, "note": c.note, **data}
            return coalition_upsert(code=c.code, **values, actor=self.actor)

        return self.write(request, {"code": code}, apply)

    def partial_update(self, request: Request, code: str) -> Response:
        return self.update(request, code, partial=True)


@extend_schema_view(
    create=extend_schema(request=s.MembershipCreateInput, responses={201: s.MembershipOutput}),
    update=extend_schema(request=s.MembershipUpdateInput, responses=s.MembershipOutput),
)
class MembershipViewSet(AdministeredViewSet):
    """Coalition memberships. A change replaces the membership's dates (PUT, no PATCH) and says why."""

    queryset = Membership.objects.select_related("coalition", "nation").order_by("coalition__code", "nation__code")
    serializer_class = s.MembershipOutput
    filterset_class = filters.MembershipFilter
    pagination_class = Pages
    ordering_fields = ("joined_on",)

    @staticmethod
    def ensure_may_write(actor: User | None) -> None:
        ensure_can_administer_clearance(actor)

    def create(self, request: Request) -> Response:
        data = self.validated(s.MembershipCreateInput)
        return self.create_once(request, lambda: self.fresh(membership_set(**data, actor=self.actor, first=True)))

    def update(self, request: Request, pk: str) -> Response:
        data = self.validated(s.MembershipUpdateInput)
        return self.write(
            request,
            {"pk": pk},
            lambda m: membership_set(coalition=m.coalition, nation=m.nation, **data, actor=self.actor),
        )
