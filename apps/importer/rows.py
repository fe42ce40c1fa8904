"""Reading the shipped CSV files row by row, with errors that name the file, the row and the field."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import models

from apps.core.dates import DatePrecision, PartialDate


class ReferenceDataError(Exception):
    """A row of a shipped data file is malformed. Nothing of the load that met it is written."""

    def __init__(self, file: str, line: int, field: str, message: str) -> None:
        super().__init__(f"{file}, row {line}, field {field!r}: {message}")
        self.file, self.line, self.field, self.message = file, line, field, message


@dataclass
class Row:
    """One data row; ``line`` is its line number in the file (the header is line 1)."""

    file: str
    line: int
    values: dict[str, str]

    def error(self, field: str, message: str) -> ReferenceDataError:
        return ReferenceDataError(self.file, self.line, field, message)

    def text(self, field: str) -> str:
        return (self.values.get(field) or "").strip()

    def required(self, field: str) -> str:
        value = self.text(field)
        if not value:
            raise self.error(field, "is required")
        return value

    def choice(self, field: str, choices: type[models.TextChoices], *, blank_as: str | None = None) -> str:
        value = self.text(field)
        if not value and blank_as is not None:
            return blank_as
        if value not in choices.values:
            raise self.error(field, f"{value!r} is not one of {', '.join(choices.values)}")
        return value

    def yes_no(self, field: str) -> bool:
        value = self.text(field).lower()
        if value not in ("yes", "no"):
            raise self.error(field, f"{value!r} must be yes or no")
        return value == "yes"

    def date(self, field: str, precision: str | None = None) -> PartialDate | None:
        value = self.text(field)
        if not value:
            return None
        try:
            return PartialDate.parse(value, precision)
        except ValueError as exc:
            raise self.error(field, str(exc)) from None

    def dated(self, field: str, precision_field: str) -> PartialDate | None:
        """The date in ``field`` at the precision ``precision_field`` names (blank: as the date is written)."""
        precision = self.text(precision_field)
        if precision and precision not in DatePrecision.values:
            raise self.error(precision_field, f"{precision!r} is not one of {', '.join(DatePrecision.values)}")
        if precision and not self.text(field):
            raise self.error(precision_field, f"gives a precision but {field} is blank")
        return self.date(field, precision or None)

    def items(self, field: str) -> list[str]:
        return [item.strip() for item in self.text(field).split(";") if item.strip()]


def read_rows(path: Path, required_columns: list[str], name: str | None = None) -> Iterator[Row]:
    """Rows of ``path`` (called ``name`` in errors, its file name by default); a missing column or a row
    with the wrong number of cells stops the load."""
    name = name or path.name
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise ReferenceDataError(name, 1, "-", "the file is empty") from None
        missing = [column for column in required_columns if column not in header]
        if missing:
            raise ReferenceDataError(name, 1, missing[0], f"missing column(s): {', '.join(missing)}")
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise ReferenceDataError(name, line, "-", f"has {len(cells)} cells, the header has {len(header)}")
            yield Row(name, line, dict(zip(header, cells, strict=True)))
