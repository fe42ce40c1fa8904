"""Serializer building blocks shared by every area: strict input (unknown fields are errors), dates at the
precision the source gives, and sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.dates import PartialDate
from apps.sources.models import Basis, PrimarySeen, Source, SourceKind
from apps.sources.services import SourceCitation


class StrictInput(serializers.Serializer):
    """Input serializer that refuses fields it does not know, rather than silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "example": "2030-06"})
class PartialDateField(serializers.Field):
    """A date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the precision is kept."""

    default_error_messages = {"invalid": "Give a date as YYYY, YYYY-MM or YYYY-MM-DD ({message})."}

    def to_internal_value(self, data: Any) -> PartialDate:
        if not isinstance(data, str):
            self.fail("invalid", message="not a string")
        try:
            return PartialDate.parse(data)
        except ValueError as error:
            self.fail("invalid", message=str(error))

    def to_representation(self, value: PartialDate) -> str:
        return str(value)


class SourceInput(StrictInput):
    """A citation, validated into the ``SourceCitation`` the writing services take (they store it)."""

    authority = serializers.CharField(max_length=300, allow_blank=True, default="")
    document = serializers.CharField(max_length=5000, allow_blank=True, default="")
    url = serializers.URLField(max_length=600, allow_blank=True, default="")
    primary_url = serializers.URLField(max_length=600, allow_blank=True, default="")
    primary_seen = serializers.ChoiceField(choices=PrimarySeen.choices, default=PrimarySeen.UNKNOWN)
    published = PartialDateField(required=False, allow_null=True, default=None)
    verified = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=SourceKind.choices, default=SourceKind.UNKNOWN)

    def to_internal_value(self, data: Any) -> Any:
        return SourceCitation(**super().to_internal_value(data))


class SourceOutput(serializers.ModelSerializer):
    # Plain strings: a blank URL is not a URI, and a blank "primary seen" would match two enums.
    url = serializers.CharField(read_only=True)
    primary_url = serializers.CharField(read_only=True)
    primary_seen = serializers.CharField(read_only=True)
    published = PartialDateField(read_only=True, allow_null=True)
    kind = serializers.CharField(
        read_only=True, help_text="law, directive, guidance, statement, secondary; blank: not recorded."
    )
    basis = serializers.ChoiceField(choices=Basis.choices, read_only=True, help_text="What a claim citing it rests on.")
    unconfirmed = serializers.BooleanField(read_only=True, help_text="The fact was not confirmed in the source.")

    class Meta:
        model = Source
        fields = (
            "id", "authority", "document", "kind", "url", "primary_url", "primary_seen", "published", "verified",
            "unconfirmed", "basis", "note",
        )  # fmt: skip
        read_only_fields = fields


class CodeField(serializers.SlugRelatedField):
    """A related record named by its code; an unknown code is a field error, not a 500."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
