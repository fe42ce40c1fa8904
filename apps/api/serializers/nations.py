"""Nations, coalitions and memberships: what anyone signed in reads, and what administrators write."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.api.serializers.base import CodeField, ExactRegexValidator, PartialDateField, StrictInput
from apps.nations.models import Coalition, CoalitionKind, Membership, Nation, NationKind

#: Text that says something: no blank, no spaces around it, no NUL (matched whole, as the schema reads it).
SAID = r"^[^\s\u0000]([^\u0000]*[^\s\u0000])?$"


def _said(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, trim_whitespace=False, validators=[ExactRegexValidator(SAID)], **kwargs
    )


class NationOutput(serializers.ModelSerializer):
    undeclared = serializers.SerializerMethodField(
        help_text="True when the nation has no stance, approval or milestone in force that the caller may see."
    )

    class Meta:
        model = Nation
        fields = ("code", "name", "kind", "undeclared")
        read_only_fields = fields

    def get_undeclared(self, obj: Nation) -> bool:
        return not obj.has_declared


class CoalitionOutput(serializers.ModelSerializer):
    class Meta:
        model = Coalition
        fields = ("code", "name", "kind", "is_defence", "note")
        read_only_fields = fields


class MembershipOutput(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True)
    coalition = serializers.CharField(source="coalition.code", read_only=True)
    nation = serializers.CharField(source="nation.code", read_only=True)
    joined = serializers.SerializerMethodField(help_text="The join date at its precision (YYYY, YYYY-MM, …).")
    left = serializers.SerializerMethodField(help_text="The last day of membership at its precision, if it ended.")

    class Meta:
        model = Membership
        fields = ("id", "coalition", "nation", "joined", "left")
        read_only_fields = fields

    def get_joined(self, obj: Membership) -> str | None:
        return str(obj.joined) if obj.joined else None

    def get_left(self, obj: Membership) -> str | None:
        return str(obj.left) if obj.left else None


#: PUT replaces a record, so it names every field (one left out is an error, never silently its default);
#: PATCH changes some; POST takes the defaults.
KIND_HELP = "A state's code is its ISO 3166-1 alpha-2."


class NationUpdateInput(StrictInput):
    name = _said(120)
    kind = serializers.ChoiceField(choices=NationKind.choices, help_text=KIND_HELP)


class NationCreateInput(NationUpdateInput):
    kind = serializers.ChoiceField(choices=NationKind.choices, default=NationKind.STATE, help_text=KIND_HELP)
    code = serializers.CharField(
        max_length=8, trim_whitespace=False, validators=[ExactRegexValidator(r"^[A-Z][A-Z0-9]{1,7}$")]
    )


class CoalitionUpdateInput(StrictInput):
    name = _said(120)
    kind = serializers.ChoiceField(choices=CoalitionKind.choices)
    is_defence = serializers.BooleanField()
    note = serializers.CharField(max_length=5000, allow_blank=True)


class CoalitionCreateInput(CoalitionUpdateInput):
    is_defence = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=5000, allow_blank=True, default="")
    code = serializers.CharField(
        max_length=16, trim_whitespace=False, validators=[ExactRegexValidator(r"^[A-Z0-9][A-Z0-9-]{0,15}$")]
    )


class MembershipUpdateInput(StrictInput):
    joined = PartialDateField(allow_null=True, default=None, help_text="Since when, where known.")
    left = PartialDateField(allow_null=True, default=None, help_text="Its last day as a member, if it ended.")
    reason = _said(300, help_text="Why the membership (and so every member's clearance) changes: kept in the audit.")


class MembershipCreateInput(MembershipUpdateInput):
    coalition = CodeField(queryset=Coalition.objects.all())
    nation = CodeField(queryset=Nation.objects.all())
