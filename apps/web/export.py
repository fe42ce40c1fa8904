"""Findings lists as CSV and JSON, exactly the rows the list shows; a coalition's outlook as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from apps.gaps.models import Finding
from apps.gaps.outlook import Outlook

COLUMNS = (
    "id",
    "key",
    "rule",
    "severity",
    "status",
    "nation_a",
    "nation_b",
    "coalition",
    "protocol",
    "object",
    "years_left",
    "title",
    "explanation",
    "first_seen_at",
    "last_seen_at",
    "resolved_at",
    "rests_on",
    "unconfirmed",
)

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def finding_row(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "key": finding.key,
        "rule": finding.rule,
        "severity": finding.severity,
        "status": finding.status,
        "nation_a": finding.nation_a.code if finding.nation_a else None,
        "nation_b": finding.nation_b.code if finding.nation_b else None,
        "coalition": finding.coalition.code if finding.coalition else None,
        "protocol": finding.protocol.code if finding.protocol else None,
        "object": finding.object,
        "years_left": float(finding.years_left),
        "title": finding.title,
        "explanation": finding.explanation,
        "first_seen_at": finding.first_seen_at.isoformat(),
        "last_seen_at": finding.last_seen_at.isoformat(),
        "resolved_at": finding.resolved_at.isoformat() if finding.resolved_at else None,
        # What its evidence rests on (blank: no record with a source), and whether none of it was confirmed.
        "rests_on": finding.rests_on,
        "unconfirmed": finding.unconfirmed,
    }


def safe_cell(value: Any) -> str:
    """The value as text a spreadsheet will not run: formula-like text is prefixed with a quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def findings_csv(findings: Iterable[Finding]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for finding in findings:
        row = finding_row(finding)
        writer.writerow([safe_cell(row[column]) for column in COLUMNS])
    return buffer.getvalue()


def findings_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    return [finding_row(finding) for finding in findings]


OUTLOOK_COLUMNS = ("nation_a", "nation_b", "rule", "start", "end", "severity", "detail")


def outlook_csv(outlook: Outlook) -> str:
    """One line per period of the outlook (``end`` inclusive)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OUTLOOK_COLUMNS)
    for bar in outlook.bars:
        row = [bar.nation_a, bar.nation_b, bar.rule, bar.start, bar.end, bar.severity, "; ".join(bar.objects)]
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
