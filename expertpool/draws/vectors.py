"""The published test vectors of docs/draw.md, built from the reference implementation.

A test fails while ``docs/draw_vectors.json`` differs from ``render()``; after a
deliberate change of the algorithm (which also needs a new VERSION), regenerate:

    python -m expertpool.draws.vectors > docs/draw_vectors.json
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from expertpool.draws.algorithm import (
    Candidate,
    CategoryCount,
    Commitment,
    Exclusion,
    PanelRule,
    Previous,
    RandomnessGroup,
    RandomnessInputs,
    candidate_hmac,
    commit,
    draw,
    rank,
    seed_material,
    server_commitment_of,
)

FORMAT = "expertpool-draw-vectors/1"
POOL = "urumqi-eco-environment"
COMMITTED_AT = "2026-11-20T10:00:00+08:00"
# 双色球: six distinct red balls of 1-33 (announced sorted) and one blue ball of 1-16.
SSQ = (
    RandomnessGroup(name="双色球红球", kind="public", count=6, min=1, max=33, distinct=True, ordered=False),
    RandomnessGroup(name="双色球蓝球", kind="public", count=1, min=1, max=16, distinct=True, ordered=False),
)
SSQ_SOURCE = "中国福利彩票双色球第2026135期（2026-11-24开奖）开奖号码：红球6个、蓝球1个"
# Chosen so that the walk shows every rule of docs/draw.md §7 at work.
VECTOR_3_SUPERVISOR_NUMBER = 43
SUPERVISOR = RandomnessGroup(
    name="监督人输入", kind="supervisor", count=1, min=0, max=999999, distinct=False, ordered=True
)


def secret(name: str) -> str:
    """A fixed server secret per vector, so the vectors never change; real draws use new_server_secret()."""
    return hashlib.sha256(f"expertpool draw vector {name}".encode()).hexdigest()


def _commitment(name: str, **fields: Any) -> Commitment:
    return commit(pool=POOL, committed_at=COMMITTED_AT, server_commitment=server_commitment_of(secret(name)), **fields)


def equal_weights() -> tuple[Commitment, list[list[int]]]:
    commitment = _commitment(
        "equal-weights",
        activity="A-2026-0042",
        candidates=[Candidate(f"C0{n}", 1, ("eia",), f"E0{n}") for n in range(1, 7)],
        exclusions=[Exclusion("X01", "employer_is_subject", "UR 第十一条（三）")],
        panel=PanelRule(size=3, reserves=1, one_per_employer=True),
        randomness=RandomnessInputs(f"{SSQ_SOURCE}；监督人现场输入的六位数", (*SSQ, SUPERVISOR)),
    )
    return commitment, [[27, 3, 14, 9, 31, 22], [7], [408215]]


def weights() -> tuple[Commitment, list[list[int]]]:
    previous = equal_weights()[0].hash
    commitment = _commitment(
        "weights",
        activity="A-2026-0042",
        candidates=[Candidate(f"W0{n}", 1 + n % 2, ("eia",), None) for n in range(1, 7)],
        exclusions=[],
        panel=PanelRule(size=3, reserves=2, one_per_employer=True),
        randomness=RandomnessInputs(SSQ_SOURCE, SSQ),
        previous=Previous(previous, "supplementary draw: the reserves of the first draw ran out"),
    )
    return commitment, [[2, 8, 15, 19, 26, 33], [11]]


def categories_and_employers() -> tuple[Commitment, list[list[int]]]:
    cp, es, env = "cleaner_production", "energy_saving", "environmental"
    commitment = _commitment(
        "categories-and-employers",
        activity="A-2026-0057",
        candidates=[
            Candidate("K01", 1, (cp,), "E01"),
            Candidate("K02", 1, (cp, es), "E01"),
            Candidate("K03", 1, (es,), "E01"),
            Candidate("K04", 1, (cp,), "E02"),
            Candidate("K05", 1, (es,), "E02"),
            Candidate("K06", 1, (cp, env), "E03"),
            Candidate("K07", 1, (es,), "E04"),
            Candidate("K08", 1, (cp,), None),
            Candidate("K09", 1, (env,), "E05"),
            Candidate("K10", 1, (es, env), "E06"),
            Candidate("K11", 1, (cp,), "E07"),
            Candidate("K12", 1, (es,), "E08"),
        ],
        exclusions=[
            Exclusion("X01", "declared_conflict", "GZ 三（四）"),
            Exclusion("X02", "pool_staff", "GZ 三（四）"),
            Exclusion("X02", "employer_is_consultant", "GZ 三（四）"),
        ],
        panel=PanelRule(size=3, reserves=2, category_counts=(CategoryCount(cp, 2), CategoryCount(es, 1))),
        # Deliberately thin: a supervisor's two-digit number alone, to show the entropy warning.
        randomness=RandomnessInputs(
            "监督人现场输入的两位数", (RandomnessGroup("监督人输入", "supervisor", 1, 0, 99, False, True),)
        ),
    )
    return commitment, [[VECTOR_3_SUPERVISOR_NUMBER]]


def insufficient() -> tuple[Commitment, list[list[int]]]:
    cp, es = "cleaner_production", "energy_saving"
    commitment = _commitment(
        "insufficient",
        activity="A-2026-0061",
        candidates=[
            Candidate("S01", 1, (cp,), "E01"),
            Candidate("S02", 1, (es,), "E01"),
            Candidate("S03", 1, (es,), "E02"),
            Candidate("S04", 1, (es,), None),
        ],
        exclusions=[Exclusion("X01", "served_subject_recently", "UR 第十三条")],
        panel=PanelRule(size=3, reserves=2, category_counts=(CategoryCount(cp, 2), CategoryCount(es, 1))),
        randomness=RandomnessInputs(SSQ_SOURCE, SSQ),
    )
    return commitment, [[5, 6, 12, 20, 24, 30], [3]]


VECTORS = {
    "equal-weights": (equal_weights, "Six candidates, all weight 1, one per employer, no category counts."),
    "weights": (weights, "Weights 1 and 2, no employer known; a supplementary draw chained to the first vector."),
    "categories-and-employers": (
        categories_and_employers,
        "Category counts with one per employer: the walk skips for a full category, a shared employer and "
        "no requested category; the thin randomness input raises the entropy warning.",
    ),
    "insufficient": (
        insufficient,
        "Two cleaner-production seats but one candidate holding that category: nothing is drawn.",
    ),
}


def build() -> dict[str, Any]:
    vectors = []
    for name, (make, description) in VECTORS.items():
        commitment, values = make()
        result = draw(commitment, values, secret(name))
        vectors.append(
            {
                "name": name,
                "description": description,
                "canonical_commitment": commitment.canonical,
                "seed_material": seed_material(commitment, values, secret(name)),
                "hmac": [
                    {"label": c.label, "hmac": candidate_hmac(result.seed, c.label).hex()}
                    for c in commitment.candidates
                ],
                "ranked": [c.label for c in rank(result.seed, commitment.candidates)],
                "record": result.record(),
            }
        )
    return {
        "format": FORMAT,
        "about": "Test vectors of docs/draw.md. The lottery numbers are illustrative, not real results.",
        "vectors": vectors,
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(render(), end="")
