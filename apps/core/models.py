"""Abstract bases shared by every app."""

from django.db import models


class TimeStamped(models.Model):
    """Creation and last-change times, kept by the database row itself."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A database check that ``field`` holds one of ``choices`` (TextChoices alone are only a form hint)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
