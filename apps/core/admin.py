"""Admin plumbing: every admin write goes through the app's service function."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from apps.accounts.models import User
from apps.core.exceptions import DomainError


def actor_of(request: HttpRequest) -> User:
    """The signed-in staff user behind an admin request (the admin site lets no one else in)."""
    return cast(User, request.user)


class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose saves call ``save_via_service`` instead of ``Model.save``. Deleting is not
    offered: records are superseded or withdrawn, never deleted, so the history stays whole."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_via_service(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> models.Model:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        try:
            saved = self.save_via_service(request, obj, form, change)
        except DomainError as exc:
            self.message_user(request, f"Not saved: {exc.message}", level=messages.ERROR)
            return
        # The admin redirects to the object it passed in; point it at the row the service wrote.
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        """Related rows are written by the service too (see ``save_via_service``)."""


class DeclarationAdmin(ServiceAdmin):
    """National declarations are never edited: a new one is added and supersedes the old."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)
