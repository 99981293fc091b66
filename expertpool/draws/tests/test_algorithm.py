"""The draw algorithm against its specification (docs/draw.md) and its published vectors. Pure: no database."""

from __future__ import annotations

import ast
import copy
import decimal
import hashlib
import hmac
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from expertpool.draws import vectors
from expertpool.draws.algorithm import (
    PANEL,
    RESERVE,
    SKIP_CATEGORY_FULL,
    SKIP_NO_CATEGORY,
    SKIP_SAME_EMPLOYER,
    Candidate,
    CategoryCount,
    Commitment,
    DrawInputError,
    Exclusion,
    PanelRule,
    RandomnessGroup,
    RandomnessInputs,
    Reserve,
    Seat,
    bits_text,
    candidate_columns,
    candidate_hmac,
    canonical_json,
    check_values,
    commit,
    commitment_from_document,
    commitment_from_stored,
    draw,
    entropy_warning,
    group_outcomes,
    next_reserve,
    randomness_string,
    rank,
    seed,
    seed_material,
    server_commitment_of,
    verify,
    walk,
)

DOCS = Path(__file__).resolve().parents[3] / "docs"
SECRET = hashlib.sha256(b"test server secret").hexdigest()
RED = RandomnessGroup("red", "public", 6, 1, 33, distinct=True, ordered=False)
BLUE = RandomnessGroup("blue", "public", 1, 1, 16, distinct=True, ordered=False)
TYPED = RandomnessGroup("typed", "supervisor", 3, 0, 999, distinct=False, ordered=True)
DIGIT = RandomnessGroup("digit", "supervisor", 1, 0, 9, distinct=False, ordered=True)
LOTTERY = RandomnessInputs("a public lottery and the supervisor", (RED, BLUE, TYPED))
VALUES = [[30, 2, 17, 9, 25, 11], [4], [512, 7, 512]]
CP, ES, ENV = "cleaner_production", "energy_saving", "environmental"


def make(
    candidates: list[Candidate] | None = None,
    panel: PanelRule | None = None,
    randomness: RandomnessInputs = LOTTERY,
    exclusions: list[Exclusion] | None = None,
) -> Commitment:
    return commit(
        pool="gz-cleaner-production",
        activity="A-1",
        committed_at="2026-11-20T10:00:00+08:00",
        candidates=candidates if candidates is not None else [Candidate(f"C{n:02d}") for n in range(1, 9)],
        exclusions=exclusions or [],
        panel=panel or PanelRule(size=3, reserves=2),
        randomness=randomness,
        server_commitment=server_commitment_of(SECRET),
    )


def load_verifier() -> ModuleType:
    spec = importlib.util.spec_from_file_location("draw_verify", DOCS / "draw_verify.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_verifier(path: Path) -> subprocess.CompletedProcess[str]:
    # -S: no site-packages, so the script proves it needs the standard library only.
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, "-S", str(DOCS / "draw_verify.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
    )


# --- canonical form and commitment ---------------------------------------------------


def test_canonical_json_sorts_keys_has_no_spaces_and_keeps_characters() -> None:
    text = canonical_json({"b": [1, True, None], "a": '清洁生产 /\n\x01"\\'})
    assert text == '{"a":"清洁生产 /\\n\\u0001\\"\\\\","b":[1,true,null]}'


def test_no_float_reaches_a_commitment() -> None:
    document = make([Candidate("A")]).document()
    document["candidates"][0]["weight"] = 1.0
    with pytest.raises(DrawInputError, match=r"candidates\[A\]\.weight: must be an integer"):
        commitment_from_document(document)


def test_commitment_hash_is_sha256_of_the_canonical_text() -> None:
    commitment = make()
    assert commitment.canonical == canonical_json(commitment.document())
    assert commitment.hash == hashlib.sha256(commitment.canonical.encode("utf-8")).hexdigest()
    assert commitment.document()["version"] == "expertpool-draw/1"


def test_commitment_does_not_depend_on_the_order_given() -> None:
    people = [Candidate("B", 1, (ES, CP), "E1"), Candidate("A", 2, (CP,), None), Candidate("C")]
    banned = [Exclusion("X2", "pool_staff", "GZ 三（四）"), Exclusion("X1", "declared_conflict", "GZ 三（四）")]
    one = make(people, exclusions=banned)
    other = make(
        [Candidate("C"), Candidate("A", 2, (CP,), None), Candidate("B", 1, (CP, ES, CP), "E1")],
        exclusions=banned[::-1],
    )
    assert one.hash == other.hash
    assert [c.label for c in one.candidates] == ["A", "B", "C"]
    assert one.candidates[1].categories == (CP, ES)
    assert [e.label for e in one.exclusions] == ["X1", "X2"]


@pytest.mark.parametrize(
    ("candidates", "exclusions", "panel", "field"),
    [
        ([Candidate("A"), Candidate("A")], [], None, "candidates[A]"),
        ([Candidate("A b")], [], None, "candidates.label"),
        ([Candidate("A", 0)], [], None, "candidates[A].weight"),
        ([Candidate("A", 1001)], [], None, "candidates[A].weight"),
        ([Candidate("A", True)], [], None, "candidates[A].weight"),
        ([Candidate("A", 1.5)], [], None, "candidates[A].weight"),  # type: ignore[arg-type]
        ([Candidate("A", 1, ("Energy",))], [], None, "candidates[A].categories"),
        ([Candidate("A", 1, (), "雇主")], [], None, "candidates[A].employer_key"),
        ([Candidate("A")], [Exclusion("A", "pool_staff", "UR 第十三条")], None, "exclusions[A]"),
        ([Candidate("A")], [Exclusion("X", "pool_staff", "")], None, "exclusions[X].clause"),
        ([Candidate("A")], [Exclusion("X", "pool_staff", "c")] * 2, None, "exclusions[X]"),
        ([Candidate("A")], [], PanelRule(0, 0), "panel.size"),
        ([Candidate("A")], [], PanelRule(3, -1), "panel.reserves"),
        ([Candidate("A")], [], PanelRule(3, 0, (CategoryCount(CP, 2),)), "panel.category_counts"),
        ([Candidate("A")], [], PanelRule(2, 0, (CategoryCount(CP, 1),) * 2), "panel.category_counts[1]"),
        ([Candidate("A")], [], PanelRule(3, 0, one_per_employer=1), "panel.one_per_employer"),  # type: ignore[arg-type]
    ],
)
def test_commit_names_the_rule_broken(
    candidates: list[Candidate], exclusions: list[Exclusion], panel: PanelRule | None, field: str
) -> None:
    with pytest.raises(DrawInputError) as raised:
        make(candidates, panel, exclusions=exclusions)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("randomness", "field"),
    [
        (RandomnessInputs("s", ()), "randomness.groups"),
        (RandomnessInputs("", (RED,)), "randomness.source"),
        (RandomnessInputs("s", (RED, RED)), "randomness.groups[1].name"),
        (RandomnessInputs("s", (RandomnessGroup("g", "public", 3, 1, 2, True, False),)), "randomness.groups[0].count"),
        (RandomnessInputs("s", (RandomnessGroup("g", "public", 1, 5, 4, True, False),)), "randomness.groups[0].max"),
        (RandomnessInputs("s", (RandomnessGroup("g", "server", 1, 1, 4, True, False),)), "randomness.groups[0].kind"),  # type: ignore[arg-type]
    ],
)
def test_commit_checks_the_declared_randomness(randomness: RandomnessInputs, field: str) -> None:
    with pytest.raises(DrawInputError) as raised:
        make(randomness=randomness)
    assert raised.value.field == field


def test_commit_needs_a_timestamp_with_offset_and_a_hex_server_commitment() -> None:
    fields: dict[str, Any] = {
        "pool": "p",
        "activity": "a",
        "candidates": [],
        "exclusions": [],
        "panel": PanelRule(3, 0),
        "randomness": LOTTERY,
    }
    with pytest.raises(DrawInputError, match="UTC offset"):
        commit(**fields, committed_at="2026-11-20T10:00:00", server_commitment=server_commitment_of(SECRET))
    with pytest.raises(DrawInputError, match="64 lower-case hexadecimal"):
        commit(**fields, committed_at="2026-11-20T10:00:00+08:00", server_commitment=SECRET.upper())


def test_commitment_document_reads_back_to_the_same_commitment() -> None:
    commitment = make([Candidate("A", 3, (CP, ES), "E1"), Candidate("B")], PanelRule(1, 1, (CategoryCount(CP, 1),)))
    assert commitment_from_document(json.loads(commitment.canonical)) == commitment


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("pool"), "commitment: missing key 'pool'"),
        (lambda d: d.update(extra=1), "commitment: unknown key 'extra'"),
        (lambda d: d.update(version="expertpool-draw/0"), "commitment.version"),
        (lambda d: d["candidates"][0].update(categories="cleaner"), "commitment.candidates[A].categories: must be"),
        (lambda d: d["panel"].update(size="3"), "panel.size: must be an integer"),
    ],
)
def test_commitment_document_is_read_strictly(change: Any, message: str) -> None:
    document = make([Candidate("A")]).document()
    change(document)
    with pytest.raises(DrawInputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        commitment_from_document(document)


# --- randomness and seed -------------------------------------------------------------


def test_server_commitment_is_sha256_of_the_secret_bytes() -> None:
    assert server_commitment_of(SECRET) == hashlib.sha256(bytes.fromhex(SECRET)).hexdigest()
    with pytest.raises(DrawInputError, match="server_secret"):
        server_commitment_of("not hex")


def test_randomness_string_sorts_unordered_groups_and_keeps_ordered_ones() -> None:
    assert randomness_string(LOTTERY, VALUES) == "2.9.11.17.25.30./4./512.7.512./"


def test_seed_material_is_byte_exact() -> None:
    commitment = make()
    expected = (
        "expertpool-draw/1\n"
        f"commitment:{commitment.hash}\n"
        "randomness:2.9.11.17.25.30./4./512.7.512./\n"
        f"server:{SECRET}\n"
    )
    assert seed_material(commitment, VALUES, SECRET) == expected
    assert seed(commitment, VALUES, SECRET) == hashlib.sha256(expected.encode()).digest()


def test_seed_refuses_a_secret_that_does_not_match_its_commitment() -> None:
    with pytest.raises(DrawInputError, match="does not match the server commitment"):
        seed(make(), VALUES, hashlib.sha256(b"another secret").hexdigest())


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([[1, 2, 3, 4, 5, 6], [1]], "3 groups are declared, 2 given"),
        ([[1, 2, 3, 4, 5], [1], [0, 0, 0]], r"values\[0\] \(red\): 6 numbers are declared, 5 given"),
        ([[1, 2, 3, 4, 5, 34], [1], [0, 0, 0]], "from 1 to 33"),
        ([[1, 2, 3, 4, 5, 5], [1], [0, 0, 0]], "must be distinct"),
        ([[1, 2, 3, 4, 5, 6], [True], [0, 0, 0]], "from 1 to 16"),
        ([[1, 2, 3, 4, 5, 6], [1], [0, 0, 1000]], "from 0 to 999"),
    ],
)
def test_revealed_numbers_must_match_the_declared_groups(values: list[list[int]], message: str) -> None:
    with pytest.raises(DrawInputError, match=message):
        check_values(LOTTERY, values)


# --- rank ----------------------------------------------------------------------------


def test_equal_weights_rank_by_hmac_descending() -> None:
    commitment = make([Candidate(f"C{n:03d}") for n in range(200)])
    the_seed = seed(commitment, VALUES, SECRET)
    lots = {c.label: hmac.new(the_seed, c.label.encode(), "sha256").digest() for c in commitment.candidates}
    assert [c.label for c in rank(the_seed, commitment.candidates)] == sorted(lots, key=lambda x: lots[x], reverse=True)
    assert all(candidate_hmac(the_seed, label) == lot for label, lot in lots.items())


def test_weighted_rank_is_the_exact_efraimidis_spirakis_order() -> None:
    """Cross-check the integer comparison against u**(1/w) in 120-digit logarithms."""
    candidates = [Candidate(f"C{n:03d}", 1 + n % 7) for n in range(300)]
    the_seed = seed(make(candidates), VALUES, SECRET)
    context = decimal.Context(prec=120)

    def log_key(candidate: Candidate) -> decimal.Decimal:
        lot = int.from_bytes(candidate_hmac(the_seed, candidate.label), "big")
        u = context.divide(decimal.Decimal(2 * lot + 1), decimal.Decimal(2**257))
        return context.divide(u.ln(context), decimal.Decimal(candidate.weight))

    expected = sorted(candidates, key=log_key, reverse=True)
    assert rank(the_seed, candidates) == expected


def test_rank_of_a_weighted_candidate_follows_its_weight() -> None:
    """Raising one weight can only move that candidate up, never anyone else."""
    candidates = [Candidate(f"C{n:02d}") for n in range(30)]
    the_seed = seed(make(candidates), VALUES, SECRET)
    before = [c.label for c in rank(the_seed, candidates)]
    last = before[-1]
    heavier = [Candidate(c.label, 1000 if c.label == last else 1) for c in candidates]
    after = [c.label for c in rank(the_seed, heavier)]
    assert after.index(last) < before.index(last)
    assert [x for x in after if x != last] == before[:-1]


# --- walk ----------------------------------------------------------------------------


def outcomes(steps: Any) -> list[tuple[str, str, str | None]]:
    return [(s.label, s.outcome, s.category) for s in steps]


def test_walk_seats_in_the_first_still_needed_category_in_request_order() -> None:
    rule = PanelRule(3, 0, (CategoryCount(ES, 1), CategoryCount(CP, 2)), one_per_employer=False)
    order = [
        Candidate("A", 1, (CP, ES)),
        Candidate("B", 1, (CP, ES)),
        Candidate("C", 1, (ES,)),
        Candidate("D", 1, (CP,)),
    ]
    panel, reserves, steps = walk(rule, order)
    assert outcomes(steps) == [("A", PANEL, ES), ("B", PANEL, CP), ("C", SKIP_CATEGORY_FULL, None), ("D", PANEL, CP)]
    assert panel == [Seat("A", ES), Seat("B", CP), Seat("D", CP)]
    assert reserves == []


def test_walk_checks_category_before_employer_and_skips_who_fits_no_request() -> None:
    rule = PanelRule(2, 0, (CategoryCount(CP, 1), CategoryCount(ES, 1)))
    order = [
        Candidate("A", 1, (CP,), "E1"),
        Candidate("B", 1, (CP,), "E1"),
        Candidate("C", 1, (ENV,), "E2"),
        Candidate("D", 1, (ES,), "E1"),
        Candidate("E", 1, (ES,), "E3"),
    ]
    _panel, _reserves, steps = walk(rule, order)
    assert outcomes(steps) == [
        ("A", PANEL, CP),
        ("B", SKIP_CATEGORY_FULL, None),
        ("C", SKIP_NO_CATEGORY, None),
        ("D", SKIP_SAME_EMPLOYER, None),
        ("E", PANEL, ES),
    ]


def test_reserves_keep_one_per_employer_against_the_panel_and_earlier_reserves() -> None:
    rule = PanelRule(1, 3)
    order = [
        Candidate("A", 1, (), "E1"),
        Candidate("B", 1, (), "E1"),
        Candidate("C", 1, (), "E2"),
        Candidate("D", 1, (), "E2"),
        Candidate("E", 1, (), None),
        Candidate("F", 1, (), None),
        Candidate("G"),
    ]
    panel, reserves, steps = walk(rule, order)
    assert panel == [Seat("A", None)]
    assert [r.label for r in reserves] == ["C", "E", "F"]
    assert [s.outcome for s in steps] == [PANEL, SKIP_SAME_EMPLOYER, RESERVE, SKIP_SAME_EMPLOYER, RESERVE, RESERVE]


def test_reserves_need_a_requested_category_and_list_those_they_hold() -> None:
    rule = PanelRule(1, 2, (CategoryCount(CP, 1),), one_per_employer=False)
    order = [
        Candidate("A", 1, (CP,)),
        Candidate("B", 1, (ENV,)),
        Candidate("C", 1, (CP, ENV)),
        Candidate("D", 1, (CP,)),
    ]
    _panel, reserves, steps = walk(rule, order)
    assert reserves == [Reserve("C", (CP,)), Reserve("D", (CP,))]
    assert steps[1].outcome == SKIP_NO_CATEGORY


def test_without_one_per_employer_colleagues_can_sit_together() -> None:
    panel, _reserves, _steps = walk(
        PanelRule(2, 0, one_per_employer=False), [Candidate("A", 1, (), "E1"), Candidate("B", 1, (), "E1")]
    )
    assert [s.label for s in panel] == ["A", "B"]


def test_too_few_candidates_draw_nothing_and_say_why() -> None:
    commitment = make([Candidate("A", 1, (CP,), "E1"), Candidate("B", 1, (CP,), "E1")], PanelRule(3, 2))
    result = draw(commitment, VALUES, SECRET)
    assert result.status == "insufficient"
    assert result.panel == ()
    assert result.reserves == ()
    assert result.shortfall is not None
    assert result.shortfall.message == (
        "Too few candidates: the panel needs 3, the walk over all 2 candidates filled 1; nothing was drawn."
    )


def test_shortfall_names_each_short_category() -> None:
    rule = PanelRule(3, 0, (CategoryCount(CP, 2), CategoryCount(ES, 1)))
    commitment = make([Candidate("A", 1, (CP,)), Candidate("B", 1, (ES,)), Candidate("C", 1, (ES,))], rule)
    result = draw(commitment, VALUES, SECRET)
    assert result.shortfall is not None
    assert result.shortfall.as_dict()["categories"] == [{"category": CP, "needed": 2, "filled": 1, "holders": 1}]
    assert "Category cleaner_production needs 2, filled 1; 1 candidates hold it." in result.shortfall.message


def test_a_full_panel_with_too_few_reserves_is_drawn_with_a_warning() -> None:
    result = draw(
        make([Candidate("A"), Candidate("B"), Candidate("C"), Candidate("D")], PanelRule(3, 2)), VALUES, SECRET
    )
    assert result.status == "drawn"
    assert len(result.panel) == 3
    assert len(result.reserves) == 1
    assert [w.as_dict() for w in result.warnings] == [{"code": "reserves_short", "drawn": 1, "requested": 2}]
    assert result.warnings[0].message == "Only 1 of the 2 reserves could be drawn."


# --- reserves after the draw -----------------------------------------------------------


def vector_result(name: str) -> Any:
    commitment, values = vectors.VECTORS[name][0]()
    return draw(commitment, values, vectors.secret(name))


def test_next_reserve_fills_the_seat_of_the_same_category() -> None:
    result = vector_result(
        "categories-and-employers"
    )  # reserves: K05 (energy_saving, E02), K06 (cleaner_production, E03)
    assert [r.label for r in result.reserves] == ["K05", "K06"]
    stay = {"E01", "E07"}
    assert next_reserve(result, category=CP, panel_employers=stay, used=()) == Reserve("K06", (CP,))
    assert next_reserve(result, category=ES, panel_employers=stay, used=()) == Reserve("K05", (ES,))
    assert next_reserve(result, category=ES, panel_employers=stay, used={"K05"}) is None


def test_next_reserve_skips_an_employer_already_on_the_panel() -> None:
    result = vector_result("categories-and-employers")
    assert next_reserve(result, category=CP, panel_employers={"E03"}, used=()) is None


def test_next_reserve_without_categories_takes_the_first_unused() -> None:
    result = vector_result("weights")
    assert next_reserve(result, category=None, panel_employers=(), used=()) == result.reserves[0]
    assert next_reserve(result, category=None, panel_employers=(), used={"W04"}) == result.reserves[1]


# --- entropy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("distinct", "ordered", "expected"),
    [(True, False, 10), (True, True, 20), (False, True, 25), (False, False, 15)],
)
def test_group_outcomes_count_every_kind_of_group(distinct: bool, ordered: bool, expected: int) -> None:
    assert group_outcomes(RandomnessGroup("g", "public", 2, 1, 5, distinct, ordered)) == expected


def test_bits_are_log2_rounded_down_to_hundredths_exactly() -> None:
    assert group_outcomes(RED) * group_outcomes(BLUE) == 1_107_568 * 16
    assert bits_text(1_107_568 * 16) == "24.07"
    assert bits_text(1) == "0.00"
    assert bits_text(1024) == "10.00"
    for x in range(2, 5000, 7):
        assert bits_text(x) == f"{math.floor(math.log2(x) * 100) / 100:.2f}"


def test_low_entropy_warning_compares_input_outcomes_with_possible_panels() -> None:
    lottery_only = RandomnessInputs("双色球", (RED, BLUE))
    pool = [Candidate(f"C{n:03d}") for n in range(100)]
    warning = entropy_warning(make(pool, PanelRule(5, 2), lottery_only))
    assert warning is not None
    assert warning.as_dict() == {
        "code": "low_entropy",
        "input_bits": "24.07",
        "needed_bits": "26.16",
        "candidates": 100,
        "size": 5,
    }
    assert warning.message.startswith("The randomness inputs carry 24.07 bits, fewer than the 26.16 bits")
    with_supervisor = RandomnessInputs("双色球 and the supervisor", (RED, BLUE, TYPED))
    assert entropy_warning(make(pool, PanelRule(5, 2), with_supervisor)) is None


# --- records and verification -----------------------------------------------------------


def published() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DOCS / "draw_vectors.json").read_text(encoding="utf-8"))
    return document


def record_of(name: str) -> dict[str, Any]:
    record: dict[str, Any] = next(v["record"] for v in published()["vectors"] if v["name"] == name)
    return record


def test_published_vectors_are_current() -> None:
    assert (DOCS / "draw_vectors.json").read_text(encoding="utf-8") == vectors.render()


def test_published_vectors_cover_every_outcome() -> None:
    results = [v["record"]["result"] for v in published()["vectors"]]
    seen = {step["outcome"] for r in results for step in r["walk"]}
    assert seen == {PANEL, RESERVE, SKIP_CATEGORY_FULL, SKIP_NO_CATEGORY, SKIP_SAME_EMPLOYER}
    assert {r["status"] for r in results} == {"drawn", "insufficient"}
    assert any(w["code"] == "low_entropy" for r in results for w in r["warnings"])
    assert len({v["record"]["commitment"]["candidates"][0]["weight"] for v in published()["vectors"]}) == 2


def test_the_worked_example_of_the_specification_is_the_first_vector() -> None:
    text = (DOCS / "draw.md").read_text(encoding="utf-8")
    vector = published()["vectors"][0]
    record = vector["record"]
    assert vector["name"] == "equal-weights"
    assert f"\n{vector['canonical_commitment']}\n" in text
    assert f"\n{vector['seed_material']}```" in text
    for value in (record["commitment_hash"], record["seed"], record["reveal"]["server_secret"]):
        assert f"`{value}`" in text
    for lot in vector["hmac"]:
        assert f"| {lot['label']} | `{lot['hmac']}` | {vector['ranked'].index(lot['label']) + 1} |" in text


def test_every_published_record_verifies() -> None:
    for vector in published()["vectors"]:
        assert verify(vector["record"]) == []


def test_verify_names_a_changed_panel_member() -> None:
    record = record_of("equal-weights")
    record["result"]["panel"][1]["label"] = "C04"
    assert verify(record) == ['result.panel[1].label: recorded "C04", recomputed "C02"']


def test_verify_notices_a_changed_candidate_list() -> None:
    record = record_of("equal-weights")
    record["commitment"]["candidates"][0]["weight"] = 2
    problems = verify(record)
    assert problems[0].startswith('commitment_hash: recorded "ad28b1c9')
    assert problems[1].startswith("seed: recorded")


def test_verify_notices_a_secret_that_does_not_match_its_commitment() -> None:
    record = record_of("weights")
    record["reveal"]["server_secret"] = hashlib.sha256(b"chosen after the lottery").hexdigest()
    problems = verify(record)
    assert problems[0].startswith("reveal.server_secret: its SHA-256 is ")
    assert any(p.startswith("seed: recorded") for p in problems)


def test_verify_notices_a_changed_lottery_number() -> None:
    record = record_of("weights")
    record["reveal"]["values"][1] = [12]
    assert any(p.startswith("seed: recorded") for p in verify(record))


def test_verify_refuses_a_commitment_out_of_normal_form() -> None:
    record = record_of("equal-weights")
    record["commitment"]["candidates"].reverse()
    assert verify(record) == [
        "commitment: not in normal form (lists sorted as docs/draw.md §3 says, no duplicates)",
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r.pop("seed"), "record: missing key 'seed'"),
        (lambda r: r.update(format="other/1"), 'format: recorded "other/1"'),
        (lambda r: r["reveal"].update(values=[[1, 2, 3, 4, 5, 6]]), "values: 2 groups are declared, 1 given"),
        (lambda r: r["reveal"].update(server_secret="xyz"), "reveal.server_secret: must be 64"),
        (lambda r: r["result"].pop("walk"), 'result.walk: missing; recomputed [{"category"'),
        (lambda r: r["result"].update(status="drawn "), 'result.status: recorded "drawn ", recomputed "drawn"'),
    ],
)
def test_verify_reports_a_malformed_record_without_failing(change: Any, problem: str) -> None:
    record = record_of("weights")
    change(record)
    problems = verify(record)
    assert len(problems) == 1
    assert problems[0].startswith(problem)
    assert verify("not a record") == ["record: must be an object"]


def test_verify_ignores_what_the_algorithm_does_not_compute() -> None:
    record = record_of("weights") | {"ran_by": "pool admin", "supervisor": "监督人"}
    assert verify(record) == []


# --- the standalone verifier -----------------------------------------------------------


def test_standalone_verifier_imports_the_standard_library_only() -> None:
    tree = ast.parse((DOCS / "draw_verify.py").read_text(encoding="utf-8"))
    modules = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    modules |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


def test_standalone_verifier_checks_the_published_vectors() -> None:
    completed = run_verifier(DOCS / "draw_vectors.json")
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "verified\n", "")


def test_standalone_verifier_reports_a_tampered_record(tmp_path: Path) -> None:
    record = record_of("categories-and-employers")
    record["result"]["reserves"][0]["label"] = "K04"
    (tmp_path / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    completed = run_verifier(tmp_path / "record.json")
    assert completed.returncode == 1
    assert completed.stdout == 'result.reserves[0].label: recorded "K04", recomputed "K05"\n'


def test_standalone_verifier_reports_tampered_vectors(tmp_path: Path) -> None:
    document = published()
    document["vectors"][0]["hmac"][0]["hmac"] = "00" * 32
    (tmp_path / "vectors.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    completed = run_verifier(tmp_path / "vectors.json")
    assert completed.returncode == 1
    assert completed.stdout.startswith('vector equal-weights: hmac[0].hmac: recorded "0000')


def test_standalone_verifier_agrees_with_the_platform_on_varied_draws() -> None:
    """Two implementations of one text: varied weights, categories, employers and reserves."""
    verifier = load_verifier()
    categories = (CP, ES, ENV)
    seen: set[str] = set()
    for trial in range(60):
        pick = hashlib.sha256(f"trial {trial}".encode()).digest()
        candidates = [
            Candidate(
                f"P{n:02d}",
                1 + pick[n] % 4,
                tuple(c for i, c in enumerate(categories) if (pick[n] >> i) & 1),
                None if pick[n] % 5 == 0 else f"E{pick[n] % 7}",
            )
            for n in range(2 + trial % 20)
        ]
        counts = (CategoryCount(CP, 1 + trial % 2), CategoryCount(ES, 1)) if trial % 3 else ()
        panel = PanelRule(sum(c.count for c in counts) or 3, trial % 4, counts, one_per_employer=trial % 5 != 0)
        values = [[1 + (trial + 5 * i) % 33 for i in range(6)], [1 + trial % 16], [trial, 999 - trial, trial]]
        commitment = make(candidates, panel)
        if trial % 7 == 0:
            commitment = make(candidates, panel, RandomnessInputs("one digit", (DIGIT,)))
            values = [[trial % 10]]
        result = draw(commitment, values, SECRET)
        seen.update([result.status, *(w.code for w in result.warnings), *(s.outcome for s in result.walk)])
        record = copy.deepcopy(result.record())
        assert verifier.verify_record(record) == [], trial
        record["result"]["walk"][0]["outcome"] = "tampered"
        assert verifier.verify_record(record) != [], trial
    assert len(seen) == 9  # both statuses, both warnings, every outcome of the walk


def varied_candidates() -> list[Candidate]:
    """Weights, several categories given out of order, shared and missing employers."""
    return [
        Candidate("C03", 2, (ES, CP), "E1"),
        Candidate("C01", 1, (CP,), None),
        Candidate("b-7.x:y", 1000, (ENV, CP, ES), "E1"),
        Candidate("C02", 1, (), "E2"),
        Candidate("A9", 3, (CP,), None),
    ]


def test_canonical_text_is_the_canonical_json_of_the_document() -> None:
    commitment = make(
        candidates=varied_candidates(),
        exclusions=[Exclusion("X1", "employer_is_subject", "UR 第十一条（三）")],
        panel=PanelRule(size=3, reserves=1, category_counts=(CategoryCount(CP, 2), CategoryCount(ES, 1))),
    )

    assert commitment.canonical == canonical_json(commitment.document())
    assert commitment.hash == hashlib.sha256(canonical_json(commitment.document()).encode("utf-8")).hexdigest()


def test_commitment_read_from_its_stored_parts_is_the_commitment() -> None:
    committed = make(candidates=varied_candidates())
    columns = candidate_columns(committed.candidates)

    stored = commitment_from_stored(committed.summary(), columns, committed.hash)

    assert stored == committed
    assert list(stored.candidates) == list(committed.candidates)
    assert stored.candidates[1:3] == list(committed.candidates[1:3])
    assert rank(b"\x01" * 32, stored.candidates) == rank(b"\x01" * 32, committed.candidates)
    assert draw(stored, VALUES, SECRET).record() == draw(committed, VALUES, SECRET).record()
    assert len(columns["employers"]) == 2  # each employer pseudonym stored once
