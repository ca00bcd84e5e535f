import pytest

from reviewq.domain.passwords import common_passwords, password_problem

pytestmark = pytest.mark.domain_only


def test_the_list_holds_the_ten_thousand_most_common_passwords() -> None:
    common = common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwertyuiop", "1234567890"} <= common


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "needs 10+ characters"),
        ("1234567890", "most common passwords"),
        ("QwertyUiop", "most common passwords"),  # case does not make it rarer
        (" password123 ", "most common passwords"),
        ("correct-horse-battery", None),
    ],
)
def test_password_problem(password: str, problem: str | None) -> None:
    found = password_problem(password)
    assert found == problem if problem is None else problem in (found or "")
