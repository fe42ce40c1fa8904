"""Issue an API token for an external system and print its secret once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.accounts.models import TokenScope, User
from apps.accounts.services import token_issue
from apps.core.exceptions import DomainError, InvalidInput
from apps.nations.models import Nation


class Command(BaseCommand):
    help = "Issue an API token acting as USER; prints the secret, which is shown only this once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="username the token acts as (normally a 'system' user)")
        parser.add_argument("--name", required=True, help="the system that will use the token")
        parser.add_argument(
            "--scope",
            action="append",
            choices=TokenScope.values,
            required=True,
            dest="scopes",
            help="read; write (national data, with --write-nation); triage; catalogue (for a standards analyst, "
            "or an external system registered as a standards feed)",
        )
        parser.add_argument("--write-nation", action="append", default=[], dest="nations", help="nation code")
        parser.add_argument("--days", type=int, default=90, help="days until the token expires (default 90)")
        parser.add_argument("--by", default=None, help="administrator issuing it (username), for the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["user"])
            actor = User.objects.get(username=options["by"]) if options["by"] else None
        except User.DoesNotExist as error:
            raise CommandError(str(error)) from None
        try:
            nations = Nation.objects.coded(dict.fromkeys(options["nations"]))
        except InvalidInput as error:
            raise CommandError(error.message) from None
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        try:
            token, secret = token_issue(
                user=user,
                name=options["name"],
                scopes=options["scopes"],
                write_nations=nations,
                expires_at=timezone.now() + timedelta(days=options["days"]),
                actor=actor,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stderr.write(f"Issued token {token.pk} ({token.name}), expires {token.expires_at:%Y-%m-%d}.")
        self.stdout.write(secret)
