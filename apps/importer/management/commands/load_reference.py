from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.importer.loader import DEFAULT_DIRECTORY, load_reference
from apps.importer.rows import ReferenceDataError


class Command(BaseCommand):
    help = "Load the shipped reference data (fixtures/*.csv). Loading the same files twice changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            report = load_reference(directory)
        except ReferenceDataError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(str(report)))
