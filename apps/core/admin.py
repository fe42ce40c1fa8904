"""Admin plumbing: every admin write goes through the app's service function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from apps.core.exceptions import DomainError


def actor_of(request: HttpRequest) -> Any:
    """The signed-in staff user behind an admin request (the admin site lets no one else in), for a
    service's ``actor``. (The base app names no other app's model, so it is not typed as ``User`` here.)"""
    return request.user


class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose saves call the app's ``service`` instead of ``Model.save``: with the model
    attributes named in ``service_fields`` (a partial date by its property; ``renamed_fields`` where the
    argument's name differs), the form's own values named in
    ``form_fields`` (many-to-many choices as lists) and, if ``service_takes_actor``, the actor. Deleting is
    not offered: records are superseded or withdrawn, never deleted, so the history stays whole."""

    service: ClassVar[Callable[..., models.Model]]
    service_fields: ClassVar[tuple[str, ...]] = ()
    #: Arguments whose attribute has another name (argument: attribute).
    renamed_fields: ClassVar[dict[str, str]] = {}
    form_fields: ClassVar[tuple[str, ...]] = ()
    service_takes_actor: ClassVar[bool] = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_via_service(self, request: HttpRequest, obj: Any, form: ModelForm) -> models.Model:
        values = {name: getattr(obj, name) for name in self.service_fields}
        values.update((argument, getattr(obj, name)) for argument, name in self.renamed_fields.items())
        for name in self.form_fields:
            value = form.cleaned_data[name]
            values[name] = list(value) if isinstance(value, QuerySet) else value
        if self.service_takes_actor:
            values["actor"] = actor_of(request)
        return type(self).service(**values)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        try:
            saved = self.save_via_service(request, obj, form)
        except DomainError as exc:
            self.message_user(request, f"Not saved: {exc.message}", level=messages.ERROR)
            return
        # The admin redirects to the object it passed in; point it at the row the service wrote.
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        """Related rows are written by the service too (see ``save_via_service``)."""


class AppendOnlyAdmin(ServiceAdmin):
    """Records that are history (declarations, statuses, sources): a new one is added, an old one is never
    edited."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)
