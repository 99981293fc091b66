"""The GB/T 4754-2017 table: complete, and every code nested under its parent."""

import pytest

from expertpool.industries.models import IndustryCode, Level

# The standard with its 2019 amendment (第1号修改单); see docs/industry-codes.md
# for the class count.
EXPECTED_COUNTS = {Level.SECTION: 20, Level.DIVISION: 97, Level.GROUP: 473, Level.CLASS: 1381}
SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
CODE_LENGTH = {Level.SECTION: 1, Level.DIVISION: 2, Level.GROUP: 3, Level.CLASS: 4}


@pytest.mark.django_db
@pytest.mark.parametrize(("level", "count"), EXPECTED_COUNTS.items())
def test_each_level_is_complete(level: str, count: int) -> None:
    assert IndustryCode.objects.filter(level=level).count() == count


@pytest.mark.django_db
def test_every_code_nests_under_its_parent() -> None:
    for code in IndustryCode.objects.select_related("parent"):
        assert len(code.code) == CODE_LENGTH[Level(code.level)], code
        if code.level == Level.SECTION:
            assert code.parent is None
        elif code.level == Level.DIVISION:
            assert code.parent is not None
            low, high = SECTION_RANGES[code.parent.code]
            assert low <= int(code.code) <= high, code
        else:
            assert code.parent is not None
            assert code.code.startswith(code.parent.code), code
            assert len(code.parent.code) == len(code.code) - 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [("3211", "铜冶炼", "321"), ("0111", "稻谷种植", "011"), ("4411", "火力发电", "441"), ("C", "制造业", None)],
)
def test_known_codes(code: str, name: str, parent: str | None) -> None:
    row = IndustryCode.objects.get(code=code)
    assert row.name == name
    assert row.parent_id == parent
