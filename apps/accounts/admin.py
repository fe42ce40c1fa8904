"""Administration of users and API tokens. Tokens are issued and revoked through the services; the raw
secret is shown once, in a message after the token is created."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from apps.accounts.models import ApiToken, TokenScope, User
from apps.accounts.services import token_issue, token_revoke
from apps.audit.context import attribute
from apps.core.exceptions import DomainError


@admin.register(User)
class PqctrackUserAdmin(UserAdmin):
    list_display = ("username", "role", "nation", "standards_feed", "is_active", "last_login")
    list_filter = ("role", "standards_feed", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("pqctrack", {"fields": ("role", "nation", "liaison_for", "standards_feed")}),
    )
    filter_horizontal = ("liaison_for", "groups", "user_permissions")

    # The admin runs each change in one transaction; attributing it there names the administrator on every
    # audit event it writes (the user row, its liaison nations), as the services do for their writes.
    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        attribute(actor=request.user, reason=f"user {obj.username} {'changed' if change else 'added'} in the admin")  # type: ignore[arg-type]
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            attribute(actor=request.user, reason="password set in the admin")  # type: ignore[arg-type]
            return super().user_change_password(request, id, form_url)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        attribute(actor=request.user, reason=f"user {obj.username} deleted in the admin")  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # The list's bulk delete, unlike the delete page, runs outside a transaction of the admin's own.
        with transaction.atomic():
            attribute(actor=request.user, reason="users deleted in the admin")  # type: ignore[arg-type]
            super().delete_queryset(request, queryset)


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ("user", "name", "scopes", "write_nations", "expires_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "prefix", "user", "scopes", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("scopes",)
    list_select_related = ("user",)
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("user", "name", "prefix", "scopes", "write_nations", "expires_at", "revoked_at", "last_used_at")

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ApiTokenForm.Meta.fields
        return self.get_readonly_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form: forms.ModelForm, change: bool) -> None:
        if change:
            return
        try:
            token, secret = token_issue(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                write_nations=form.cleaned_data["write_nations"],
                expires_at=form.cleaned_data["expires_at"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk, obj.prefix = token.pk, token.prefix
        self.message_user(request, f"Token secret (shown once, copy it now): {secret}", messages.WARNING)

    def log_addition(self, request: HttpRequest, obj: ApiToken, message: Any) -> Any:
        if obj.pk is None:  # the service refused; nothing was added
            return None
        return super().log_addition(request, obj, message)

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None) -> HttpResponse:
        if obj.pk is None:
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        """The service has set the nations already."""

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
