"""Fairness of the draw: frequencies follow the weights, and input order never matters.

Every "random" input here is derived from a counter, so each run sees the same
seeds and a test can never flake; the thresholds are the 0.999 quantiles of the
chi-square distribution, so a correct algorithm fails them for one seed set in
a thousand and these fixed sets were checked to pass.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from expertpool.draws.algorithm import (
    Candidate,
    CategoryCount,
    Commitment,
    Exclusion,
    PanelRule,
    RandomnessGroup,
    RandomnessInputs,
    candidate_hmac,
    commit,
    draw,
    rank,
    server_commitment_of,
)

SECRET = hashlib.sha256(b"fairness server secret").hexdigest()
TYPED = RandomnessGroup("typed", "supervisor", 1, 0, 999_999, distinct=False, ordered=True)
# 0.999 quantiles of chi-square with 3 and 9 degrees of freedom.
CHI2_3_DOF_999 = 16.27
CHI2_9_DOF_999 = 27.88


def committed(candidates: Sequence[Candidate], panel: PanelRule, exclusions: Sequence[Exclusion] = ()) -> Commitment:
    return commit(
        pool="urumqi-eco-environment",
        activity="A-fairness",
        committed_at="2026-11-20T10:00:00+08:00",
        candidates=candidates,
        exclusions=exclusions,
        panel=panel,
        randomness=RandomnessInputs("the supervisor's number", (TYPED,)),
        server_commitment=server_commitment_of(SECRET),
    )


def chi_square(observed: Sequence[int], expected: Sequence[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


def shuffled(items: Sequence[Candidate], round_: int) -> list[Candidate]:
    """A different, reproducible order for each round."""
    return sorted(items, key=lambda c: hashlib.sha256(f"{round_}:{c.label}".encode()).digest())


def test_single_pick_frequencies_match_the_weights() -> None:
    weights = [1, 1, 2, 4]
    commitment = committed([Candidate(f"C{i}", w) for i, w in enumerate(weights)], PanelRule(1, 0))
    trials = 4000
    picks = Counter(draw(commitment, [[n]], SECRET).panel[0].label for n in range(trials))
    observed = [picks[f"C{i}"] for i in range(len(weights))]
    expected = [trials * w / sum(weights) for w in weights]
    assert sum(observed) == trials
    assert chi_square(observed, expected) < CHI2_3_DOF_999
    # The same counts are far from equal chances: the test can tell weights apart.
    assert chi_square(observed, [trials / len(weights)] * len(weights)) > 10 * CHI2_3_DOF_999


def test_panel_membership_is_uniform_with_equal_weights() -> None:
    """Each of 10 equal candidates sits on a panel of 3 in 30 % of draws.

    Memberships of one draw are negatively correlated (always 3 in all), which
    makes the statistic smaller than a chi-square with 9 dof: the test is conservative.
    """
    commitment = committed([Candidate(f"C{i}") for i in range(10)], PanelRule(3, 0))
    trials = 3000
    seats = Counter(s.label for n in range(trials) for s in draw(commitment, [[n]], SECRET).panel)
    observed = [seats[f"C{i}"] for i in range(10)]
    assert sum(observed) == 3 * trials
    assert chi_square(observed, [trials * 3 / 10] * 10) < CHI2_9_DOF_999


def test_the_order_of_candidates_never_changes_who_is_drawn() -> None:
    cp, es = "cleaner_production", "energy_saving"
    pool = [
        Candidate(f"K{i:02d}", 1 + i % 3, ((cp,), (es,), (cp, es))[i % 3], None if i % 4 == 0 else f"E{i % 5}")
        for i in range(24)
    ]
    exclusions = [
        Exclusion("X1", "pool_staff", "UR 第十三条"),
        Exclusion("X2", "declared_conflict", "UR 第十一条（三）"),
    ]
    rule = PanelRule(5, 2, (CategoryCount(cp, 3), CategoryCount(es, 2)))
    reference = draw(committed(pool, rule, exclusions), [[271828]], SECRET).record()
    for round_ in range(50):
        again = committed(shuffled(pool, round_), rule, exclusions[:: 1 if round_ % 2 else -1])
        assert draw(again, [[271828]], SECRET).record() == reference


def test_rank_depends_on_labels_and_seed_not_on_list_position() -> None:
    pool = [Candidate(f"C{i:02d}", 1 + i % 2) for i in range(40)]
    the_seed = hashlib.sha256(b"any seed").digest()
    reference = rank(the_seed, pool)
    for round_ in range(20):
        assert rank(the_seed, shuffled(pool, round_)) == reference


def test_a_new_label_gets_a_new_lot_and_leaves_the_others_in_order() -> None:
    pool = [Candidate(f"C{i:02d}") for i in range(40)]
    renamed = [Candidate("C07-b") if c.label == "C07" else c for c in pool]
    moved = 0
    for n in range(20):
        the_seed = hashlib.sha256(f"seed {n}".encode()).digest()
        assert candidate_hmac(the_seed, "C07") != candidate_hmac(the_seed, "C07-b")
        before = [c.label for c in rank(the_seed, pool)]
        after = [c.label for c in rank(the_seed, renamed)]
        assert [x for x in before if x != "C07"] == [x for x in after if x != "C07-b"]
        moved += before.index("C07") != after.index("C07-b")
    assert moved >= 15
