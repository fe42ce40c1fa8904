from datetime import date

import pytest

from apps.core.dates import DatePrecision, PartialDate


@pytest.mark.parametrize(
    ("text", "value", "precision", "start", "end"),
    [
        ("2030", date(2030, 1, 1), DatePrecision.YEAR, date(2030, 1, 1), date(2030, 12, 31)),
        ("2024-02", date(2024, 2, 1), DatePrecision.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2024-08-13", date(2024, 8, 13), DatePrecision.DAY, date(2024, 8, 13), date(2024, 8, 13)),
    ],
)
def test_parse_keeps_the_precision_the_source_gave(text, value, precision, start, end) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.value, parsed.precision, parsed.start, parsed.end) == (value, precision, start, end)
    assert str(parsed) == text


def test_a_year_only_target_written_as_december_31_prints_as_the_year() -> None:
    parsed = PartialDate.parse("2030-12-31", DatePrecision.YEAR)
    assert parsed.value == date(2030, 12, 31)
    assert str(parsed) == "2030"


@pytest.mark.parametrize("text", ["30", "2030-13", "2030-02-30", "2030/01/01", "soon", ""])
def test_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)
