"""Nations named by code, as a form, a query string or a command names them: one lookup for all of them."""

from __future__ import annotations

import pytest

from apps.core.exceptions import InvalidInput
from apps.nations.models import Nation
from tests.factories import NationFactory

pytestmark = pytest.mark.django_db


def test_codes_give_their_nations_in_the_order_named() -> None:
    aa, bb = NationFactory(code="AA"), NationFactory(code="BB")
    assert Nation.objects.coded(["BB", "AA"]) == [bb, aa]
    assert Nation.objects.listed(" bb, aa ,, ") == [bb, aa]


def test_every_unknown_code_is_named_once() -> None:
    NationFactory(code="AA")
    with pytest.raises(InvalidInput, match=r"^Unknown nation: ZZ, YY\.$"):
        Nation.objects.coded(["ZZ", "AA", "YY", "ZZ"])
    with pytest.raises(InvalidInput, match=r"^Unknown nation: ZZ\.$"):
        Nation.objects.listed("aa,zz")
