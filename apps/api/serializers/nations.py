"""Nations, coalitions and memberships (read-only through the API)."""

from __future__ import annotations

from rest_framework import serializers

from apps.nations.models import Coalition, Membership, Nation


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
    coalition = serializers.CharField(source="coalition.code", read_only=True)
    nation = serializers.CharField(source="nation.code", read_only=True)
    joined = serializers.SerializerMethodField(help_text="The join date at its precision (YYYY, YYYY-MM, …).")
    left = serializers.SerializerMethodField(help_text="The last day of membership at its precision, if it ended.")

    class Meta:
        model = Membership
        fields = ("coalition", "nation", "joined", "left")
        read_only_fields = fields

    def get_joined(self, obj: Membership) -> str | None:
        return str(obj.joined) if obj.joined else None

    def get_left(self, obj: Membership) -> str | None:
        return str(obj.left) if obj.left else None
