"""Serializer building blocks shared by every area: strict input (unknown fields are errors), dates at the
precision the source gives, and sources."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

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


_YEAR = r"(\d{3}[1-9]|\d{2}[1-9]\d|\d[1-9]\d{2}|[1-9]\d{3})"  # 0001 to 9999


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [
            {"pattern": f"^{_YEAR}$"},
            {"pattern": f"^{_YEAR}-(0[1-9]|1[0-2])$"},
            {"format": "date", "pattern": f"^{_YEAR}-\\d{{2}}-\\d{{2}}$"},
        ],
        "example": "2030-06",
    }
)
class PartialDateField(serializers.Field):
    """A date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a real day, year 1 onwards); the precision is kept."""

    default_error_messages = {"invalid": "Give a date as YYYY, YYYY-MM or YYYY-MM-DD ({message})."}

    def to_internal_value(self, data: Any) -> PartialDate:
        if not isinstance(data, str):
            self.fail("invalid", message="not a string")
        if data != data.strip():
            self.fail("invalid", message="no spaces around it")
        try:
            return PartialDate.parse(data)
        except ValueError as error:
            self.fail("invalid", message=str(error))

    def to_representation(self, value: PartialDate) -> str:
        return str(value)


@extend_schema_field({"type": "string", "format": "date"})
class StrictDateField(serializers.DateField):
    """A day as ``YYYY-MM-DD`` exactly: DRF's own also takes ``2030-1-1`` and ``20300101``."""

    def get_value(self, dictionary: Any) -> Any:
        # DRF reads a blank query parameter as an absent one; here it is a malformed date.
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)

    def to_internal_value(self, value: Any) -> Any:
        if not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,28}[A-Za-z0-9])?"
_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
#: A source's web address as the API takes it: http or https; a host name of up to seven labels (of up to 30
#: characters) before a top-level domain of letters, or an IPv4 address; an optional port; a path, query or
#: fragment of visible ASCII (anything else percent-encoded). Every such address also passes Django's
#: URLValidator (the model field's), which has rules a pattern can hardly say (a host name under 253
#: characters, Unicode spaces refused): the schema declares this pattern and the API enforces both.
WEB_ADDRESS = rf"^https?://(({_LABEL}\.){{1,7}}[A-Za-z]{{2,24}}|{_OCTET}(\.{_OCTET}){{3}})(:\d{{1,4}})?([/?#][!-~]*)?$"


class ExactRegexValidator(RegexValidator):
    """A RegexValidator that matches the whole value, as JSON Schema reads a ``^...$`` pattern (Python's
    ``$`` also matches before a final newline); drf-spectacular declares its pattern."""

    def __call__(self, value: Any) -> None:
        if not cast(re.Pattern[str], self.regex).fullmatch(str(value)):  # compiled by RegexValidator
            raise DjangoValidationError(self.message, code=self.code, params={"value": value})


class WebAddressField(serializers.URLField):
    """A web address in the form ``WEB_ADDRESS`` says, or blank (drf-spectacular declares the validator's
    pattern, the URL format and the blank alternative)."""

    def __init__(self, **kwargs: Any) -> None:
        # Not trimmed: the pattern allows no spaces around the address, so neither does the API.
        super().__init__(max_length=600, allow_blank=True, default="", trim_whitespace=False, **kwargs)
        self.validators.append(ExactRegexValidator(re.compile(WEB_ADDRESS, re.ASCII), "Enter an http(s) address."))


class SourceInput(StrictInput):
    """A citation, validated into the ``SourceCitation`` the writing services take (they store it)."""

    authority = serializers.CharField(max_length=300, allow_blank=True, default="")
    document = serializers.CharField(max_length=5000, allow_blank=True, default="")
    url = WebAddressField()
    primary_url = WebAddressField()
    primary_seen = serializers.ChoiceField(choices=PrimarySeen.choices, default=PrimarySeen.UNKNOWN)
    published = PartialDateField(required=False, allow_null=True, default=None)
    verified = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=SourceKind.choices, default=SourceKind.UNKNOWN)
    confirmed_on = StrictDateField(
        required=False, allow_null=True, default=None, help_text="The day the source was confirmed to say it."
    )

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
    confirmed_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day someone last confirmed the source still says it."
    )

    class Meta:
        model = Source
        fields = (
            "id", "authority", "document", "kind", "url", "primary_url", "primary_seen", "published", "verified",
            "unconfirmed", "basis", "confirmed_on", "note",
        )  # fmt: skip
        read_only_fields = fields


class CodeField(serializers.SlugRelatedField):
    """A related record named by its code; an unknown code is a field error, not a 500."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # DRF reads "" as null for related fields; here it is no code at all (the schema says minLength 1).
        if data == "":
            self.fail("invalid")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
