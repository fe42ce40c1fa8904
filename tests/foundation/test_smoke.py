from apps.accounts.models import User
from tests.factories import declare


def test_officer_declares_a_position_for_own_nation(officer_a: User) -> None:
    position = declare(officer_a.nation, actor=officer_a)
    assert position.is_current and position.recorded_by == officer_a
