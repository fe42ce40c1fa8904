"""The shipped mechanisms file: every code point comes from the row it cites, and it loads as a domain
expert expects."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from apps.importer.loader import DEFAULT_DIRECTORY, load_reference
from apps.importer.rows import ReferenceDataError
from apps.standards.models import Mechanism

MECHANISMS = list(csv.DictReader((DEFAULT_DIRECTORY / "mechanisms.csv").open(encoding="utf-8")))


def cited(row: dict[str, str]) -> dict[str, str]:
    """The reference row a mechanism row cites ("file: BODY identifier")."""
    file, _, rest = row["cited_row"].partition(": ")
    body, _, identifier = rest.partition(" ")
    matches = [
        r
        for r in csv.DictReader((DEFAULT_DIRECTORY / file).open(encoding="utf-8"))
        if r["body"] == body and r["identifier"] == identifier
    ]
    assert len(matches) == 1, row["cited_row"]
    return matches[0]


def given_by(code_point: str, text: str) -> bool:
    """Whether ``text`` states ``code_point``: literally, or as the last arc of an OID range "p.17-19"."""
    if re.search(rf"(?<![\w.]){re.escape(code_point)}(?![\w.])", text):
        return True
    prefix, _, arc = code_point.rpartition(".")
    ranges = re.findall(rf"{re.escape(prefix)}\.(\d+)-(\d+)", text)
    return arc.isdigit() and any(int(low) <= int(arc) <= int(high) for low, high in ranges)


@pytest.mark.parametrize("row", MECHANISMS, ids=lambda r: f"{r['protocol_code']} {r['name']}")
def test_every_code_point_is_stated_in_the_row_it_cites(row: dict[str, str]) -> None:
    source = cited(row)
    assert source["protocol_code"] == row["protocol_code"]
    if row["code_point"]:
        assert given_by(row["code_point"], source["algorithms"]), (row["code_point"], source["algorithms"])
    else:
        assert "0x" not in source["algorithms"] and "OID" not in source["algorithms"]


def test_the_code_point_check_catches_an_invented_one() -> None:
    text = "ML-DSA-44/65/87 (OIDs 2.16.840.1.101.3.4.3.17-19)"
    assert given_by("2.16.840.1.101.3.4.3.18", text)
    assert not given_by("2.16.840.1.101.3.4.3.20", text)
    assert not given_by("0x11EE", "X25519MLKEM768 (0x11EC)")


def test_the_shipped_catalogue_loads_as_an_expert_expects(db: None) -> None:
    load_reference()
    group = Mechanism.objects.catalogue().get(protocol__code="TLS", name="X25519MLKEM768")
    assert (group.code_point, group.hybrid, group.classical_component) == ("0x11EC", True, "X25519")
    assert [p.name for p in group.parameter_sets.all()] == ["ML-KEM-768"]
    # The update renames the draft to the RFC it became; it still defines the group.
    assert [w.identifier for w in group.work_items.all()] == ["RFC 10024 (draft-ietf-tls-ecdhe-mlkem)"]
    top = Mechanism.objects.get(protocol__code="TLS", name="SecP384r1MLKEM1024")
    assert (top.code_point, top.classical_component) == ("0x11ED", "P-384")
    assert Mechanism.objects.get(protocol__code="TLS", name="MLKEM1024").hybrid is False
    assert Mechanism.objects.get(protocol__code="X.509", name="ML-DSA-87").code_point == "2.16.840.1.101.3.4.3.19"
    # CMS rows give no OIDs, so none is shipped even where X.509's are the same values
    assert not Mechanism.objects.filter(protocol__code="CMS").exclude(code_point="").exists()
    ssh = Mechanism.objects.get(protocol__code="SSH", name="mlkem768x25519-sha256")
    assert ssh.hybrid and ssh.code_point == ""
    assert Mechanism.objects.count() == len(MECHANISMS)


def test_a_mechanism_naming_an_unknown_work_item_stops_the_load(db: None, tmp_path: Path) -> None:
    for path in DEFAULT_DIRECTORY.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        if path.name == "mechanisms.csv":
            text = text.replace("IETF:draft-ietf-tls-mlkem,", "IETF:draft-ietf-tls-nothing,", 1)
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError) as refused:
        load_reference(tmp_path)
    assert (refused.value.file, refused.value.field) == ("mechanisms.csv", "work_items")
    assert "draft-ietf-tls-nothing" in refused.value.message
    assert not Mechanism.objects.exists()
