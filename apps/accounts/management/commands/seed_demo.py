from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from apps.accounts.models import Role, User
from apps.nations.models import Nation

DEMO_PASSWORD = "pqctrack-demo"  # noqa: S105 - printed for the local demo; refused when DEBUG is off

# username, role, clearance nation, nations written for
DEMO_USERS = [
    ("officer-gb", Role.LIAISON_OFFICER, "GB", ["GB"]),
    ("officer-fr", Role.LIAISON_OFFICER, "FR", ["FR"]),
    ("planner", Role.PLANNER, "US", []),
    ("analyst", Role.STANDARDS_ANALYST, "US", []),
    ("admin", Role.ADMINISTRATOR, None, []),
]


class Command(BaseCommand):
    help = "Create the demo users (development only) and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo users are for development; refusing with DEBUG off (use --force).")
        nations = {n.code: n for n in Nation.objects.all()}
        for username, role, nation_code, writes_for in DEMO_USERS:
            if nation_code and nation_code not in nations:
                raise CommandError(f"Nation {nation_code} is missing: run `manage.py load_reference` first.")
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = role
            user.nation = nations.get(nation_code) if nation_code else None
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            validate_password(DEMO_PASSWORD, user)
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.liaison_for.set([nations[code] for code in writes_for])
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, nation_code, _ in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {role.label}{f' ({nation_code})' if nation_code else ''}")
