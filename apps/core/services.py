"""Helpers shared by the service functions of every app."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from apps.core.exceptions import InvalidInput

M = TypeVar("M", bound=models.Model)


def validate(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Run model validation and turn its errors into the domain's ``InvalidInput`` (field -> messages)."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        summary = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
        raise InvalidInput(summary, errors=errors) from None


def update_if_changed(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``instance`` and save only the fields that really changed, so reloading the same
    data writes nothing (and leaves nothing in the audit trail). Returns whether anything was saved."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(instance, name, values[name])
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        changed.append("updated_at")
    validate(instance, exclude=[f.name for f in instance._meta.fields if f.name not in changed])
    instance.save(update_fields=changed)
    return True


def upsert(model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, bool]:
    """The row matching ``lookup``, locked and brought up to ``values``, or created with them. Returns the
    row and whether anything was written. Callers run it inside their service's transaction."""
    instance = model._default_manager.select_for_update().filter(**lookup).order_by("pk").first()
    if instance is None:
        instance = model(**lookup, **values)
        validate(instance)
        instance.save()
        return instance, True
    return instance, update_if_changed(instance, values)
