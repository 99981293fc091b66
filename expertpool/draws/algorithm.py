"""Verifiable random draws: commit, seed, rank, walk and verify.

The published specification is ``docs/draw.md``; this module is its reference
implementation, and ``docs/draw_verify.py`` an independent one written from the
text. Pure and standard library only (no Django, no database), and no floats in
anything hashed or compared. Changing any rule here changes the published
algorithm and needs a new ``VERSION``: old records must keep verifying.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import heapq
import hmac
import json
import math
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any, Literal, NamedTuple, overload

VERSION = "expertpool-draw/1"
RECORD_FORMAT = "expertpool-draw-record/1"
MAX_WEIGHT = 1000
MAX_SIZE = 1000
MAX_NUMBER = 10**15  # below 2**53: every JSON reader keeps it exact
MAX_GROUP_COUNT = 100
# u = (2h + 1) / 2**257 is the midpoint of h's slot in [0, 1): never 0 or 1, and its
# numerator is odd, so two candidates of different weights can never tie.
U_EXPONENT = 257

LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", re.ASCII)
CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,49}", re.ASCII)
HEX64_RE = re.compile(r"[0-9a-f]{64}", re.ASCII)

Kind = Literal["public", "supervisor"]
Status = Literal["drawn", "insufficient"]
PANEL = "panel"
RESERVE = "reserve"
SKIP_CATEGORY_FULL = "skipped: category full"
SKIP_NO_CATEGORY = "skipped: no requested category"
SKIP_SAME_EMPLOYER = "skipped: same employer"

# English texts with %(name)s placeholders: the Django side reuses them as msgids.
WARNING_TEXTS = {
    "low_entropy": (
        "The randomness inputs carry %(input_bits)s bits, fewer than the %(needed_bits)s bits of "
        "log2 C(%(candidates)s, %(size)s): not every possible panel can come out of this draw."
    ),
    "reserves_short": "Only %(drawn)s of the %(requested)s reserves could be drawn.",
}


class DrawInputError(ValueError):
    """Input that breaks a rule of docs/draw.md: ``field`` says where, ``rule`` which rule."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class Candidate(NamedTuple):
    """One expert who may be drawn, under a pseudonymous label (names stay sealed).

    A named tuple rather than a frozen dataclass: a draw in a large pool creates one per
    candidate several times over, and a tuple is several times cheaper to create.
    """

    label: str
    weight: int = 1
    categories: tuple[str, ...] = ()
    # Opaque: equal keys mean the same employer; None (unknown, retired) never conflicts.
    employer_key: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """An expert removed before the draw, with the recusal rule and its clause."""

    label: str
    rule: str
    clause: str


@dataclass(frozen=True)
class CategoryCount:
    category: str
    count: int


@dataclass(frozen=True)
class PanelRule:
    """Panel size and reserves; category counts in the request's order (empty: any category)."""

    size: int
    reserves: int
    category_counts: tuple[CategoryCount, ...] = ()
    one_per_employer: bool = True


@dataclass(frozen=True)
class RandomnessGroup:
    """One declared group of numbers, e.g. the six red balls of a lottery draw."""

    name: str
    kind: Kind
    count: int
    min: int
    max: int
    distinct: bool
    ordered: bool


@dataclass(frozen=True)
class RandomnessInputs:
    """The named future randomness: a description of the source and its groups, in order."""

    source: str
    groups: tuple[RandomnessGroup, ...]


@dataclass(frozen=True)
class Previous:
    """The earlier draw a re-draw or supplementary draw is chained to."""

    commitment_hash: str
    reason: str


@dataclass(frozen=True)
class Commitment:
    """Everything fixed before the randomness exists, in normal form: build it with ``commit``."""

    pool: str
    activity: str
    committed_at: str
    candidates: Sequence[Candidate]
    exclusions: tuple[Exclusion, ...]
    panel: PanelRule
    randomness: RandomnessInputs
    server_commitment: str
    previous: Previous | None = None

    def document(self) -> dict[str, Any]:
        """The commitment as a JSON object (§3); built once, as it lists every candidate."""
        return self._document

    @cached_property
    def _document(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "candidates": [
                {"label": c.label, "weight": c.weight, "categories": list(c.categories), "employer_key": c.employer_key}
                for c in self.candidates
            ],
        }

    def summary(self) -> dict[str, Any]:
        """The document with an empty candidate list: small, whatever the pool's size."""
        previous = self.previous
        return {
            "version": VERSION,
            "pool": self.pool,
            "activity": self.activity,
            "committed_at": self.committed_at,
            "previous": None
            if previous is None
            else {"commitment_hash": previous.commitment_hash, "reason": previous.reason},
            "candidates": [],  # holds its place in the key order of the document
            "exclusions": [{"label": e.label, "rule": e.rule, "clause": e.clause} for e in self.exclusions],
            "panel": {
                "size": self.panel.size,
                "reserves": self.panel.reserves,
                "category_counts": [{"category": cc.category, "count": cc.count} for cc in self.panel.category_counts],
                "one_per_employer": self.panel.one_per_employer,
            },
            "randomness": {
                "source": self.randomness.source,
                "groups": [
                    {
                        "name": g.name,
                        "kind": g.kind,
                        "count": g.count,
                        "min": g.min,
                        "max": g.max,
                        "distinct": g.distinct,
                        "ordered": g.ordered,
                    }
                    for g in self.randomness.groups
                ],
            },
            "server_commitment": self.server_commitment,
        }

    @cached_property
    def canonical(self) -> str:
        """``canonical_json(self.document())``, without building the document's candidate objects."""
        members = {key: canonical_json(value) for key, value in self.summary().items()}
        members["candidates"] = _candidates_json(self.candidates)
        return "{" + ",".join(f'"{key}":{members[key]}' for key in sorted(members)) + "}"

    @cached_property
    def hash(self) -> str:
        return hashlib.sha256(self.canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Seat:
    """A panel member and the requested category they fill (None without category counts)."""

    label: str
    category: str | None


@dataclass(frozen=True)
class Reserve:
    """A reserve and the requested categories they can fill, in the request's order."""

    label: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """One candidate visited by the walk, in rank order, and what happened to them."""

    label: str
    outcome: str
    category: str | None


@dataclass(frozen=True)
class CategoryShortfall:
    category: str
    needed: int
    filled: int
    holders: int


@dataclass(frozen=True)
class Shortfall:
    """Why nothing was drawn: the walk ran out of candidates before the panel was full."""

    candidates: int
    needed: int
    filled: int
    categories: tuple[CategoryShortfall, ...]

    @property
    def message(self) -> str:
        lines = [
            f"Too few candidates: the panel needs {self.needed}, the walk over all {self.candidates} "
            f"candidates filled {self.filled}; nothing was drawn."
        ]
        lines += [
            f"Category {c.category} needs {c.needed}, filled {c.filled}; {c.holders} candidates hold it."
            for c in self.categories
        ]
        return " ".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "needed": self.needed,
            "filled": self.filled,
            "categories": [
                {"category": c.category, "needed": c.needed, "filled": c.filled, "holders": c.holders}
                for c in self.categories
            ],
        }


@dataclass(frozen=True)
class DrawWarning:
    """A warning code with its values; ``message`` renders the English text of ``WARNING_TEXTS``."""

    code: str
    params: Mapping[str, str | int]

    @property
    def message(self) -> str:
        return WARNING_TEXTS[self.code] % self.params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.params}


@dataclass(frozen=True)
class DrawResult:
    """A draw recomputed from its commitment and revealed inputs; ``record()`` is what gets published."""

    commitment: Commitment
    values: tuple[tuple[int, ...], ...]
    server_secret: str
    seed: bytes
    status: Status
    panel: tuple[Seat, ...]
    reserves: tuple[Reserve, ...]
    walk: tuple[Step, ...]
    shortfall: Shortfall | None
    warnings: tuple[DrawWarning, ...]

    def record(self) -> dict[str, Any]:
        """The publishable record: what ``verify`` and docs/draw_verify.py check."""
        return {
            "format": RECORD_FORMAT,
            "commitment": self.commitment.document(),
            "commitment_hash": self.commitment.hash,
            "reveal": {"values": [list(v) for v in self.values], "server_secret": self.server_secret},
            "seed": self.seed.hex(),
            "result": self.result_document(),
        }

    def result_document(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "panel": [{"label": s.label, "category": s.category} for s in self.panel],
            "reserves": [{"label": r.label, "categories": list(r.categories)} for r in self.reserves],
            "walk": [{"label": s.label, "outcome": s.outcome, "category": s.category} for s in self.walk],
            "shortfall": None if self.shortfall is None else self.shortfall.as_dict(),
            "warnings": [w.as_dict() for w in self.warnings],
        }


# --- canonical form and commitment -------------------------------------------------


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 characters as themselves (docs/draw.md §2).

    Floats never reach here: ``commit`` accepts integers, texts, booleans and
    nulls only, and every commitment document is built from a checked commitment.
    """
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def commit(
    *,
    pool: str,
    activity: str,
    committed_at: str,
    candidates: Iterable[Candidate],
    exclusions: Iterable[Exclusion],
    panel: PanelRule,
    randomness: RandomnessInputs,
    server_commitment: str,
    previous: Previous | None = None,
) -> Commitment:
    """Freeze a draw's inputs in normal form, before any randomness exists.

    The order of candidates, exclusions and categories given does not matter:
    they are sorted (by label; by label, rule, clause; by code). Raises
    ``DrawInputError`` naming the first rule broken.
    """
    given = list(candidates)
    _check_candidates(given)
    given_exclusions = list(exclusions)
    for exclusion in given_exclusions:
        _check_exclusion(exclusion)
    commitment = Commitment(
        pool=pool,
        activity=activity,
        committed_at=committed_at,
        candidates=tuple(sorted(_with_sorted_categories(given), key=_label_of)),
        exclusions=tuple(sorted(given_exclusions, key=lambda e: (e.label, e.rule, e.clause))),
        panel=panel,
        randomness=randomness,
        server_commitment=server_commitment,
        previous=previous,
    )
    _check_commitment(commitment)
    return commitment


def _label_of(candidate: Candidate) -> str:
    return candidate.label


def _with_sorted_categories(candidates: list[Candidate]) -> list[Candidate]:
    # Many candidates hold the same categories: sort each distinct tuple once.
    in_order: dict[tuple[str, ...], tuple[str, ...]] = {}
    result = []
    for candidate in candidates:
        given = candidate.categories
        categories = in_order.get(given)
        if categories is None:
            categories = in_order[given] = tuple(sorted(set(given)))
        result.append(candidate if categories == given else candidate._replace(categories=categories))
    return result


def _check_candidates(candidates: list[Candidate]) -> None:
    """``_check_candidate`` for each, but each rule once per distinct value where values repeat.

    A large pool has tens of thousands of candidates and only a few weights, sets of
    categories and employers. When anything is wrong, the candidates are checked one by
    one so that the error names the first broken rule.
    """
    try:
        fine = _all_fine(candidates)
    except TypeError:  # an unhashable value read from a record made elsewhere
        fine = False
    if not fine:
        for candidate in candidates:
            _check_candidate(candidate)


def _all_fine(candidates: list[Candidate]) -> bool:
    # Typed Any, as in _check_candidate: a record read from JSON may hold anything.
    labels: list[Any] = [c.label for c in candidates]
    weights: set[Any] = {c.weight for c in candidates}
    category_sets: set[Any] = {c.categories for c in candidates}
    keys: set[Any] = {c.employer_key for c in candidates}
    return (
        all(isinstance(label, str) for label in labels)
        and all(map(LABEL_RE.fullmatch, labels))
        and all(type(weight) is int and 1 <= weight <= MAX_WEIGHT for weight in weights)
        and all(isinstance(codes, tuple) and all(map(_is_code, codes)) for codes in category_sets)
        and all(key is None or (isinstance(key, str) and LABEL_RE.fullmatch(key)) for key in keys)
    )


def _is_code(value: Any) -> bool:
    return isinstance(value, str) and CODE_RE.fullmatch(value) is not None


def _candidates_json(candidates: Sequence[Candidate]) -> str:
    """The candidates array in canonical form (§2), written directly rather than encoded.

    Every label, code and employer key matched LABEL_RE or CODE_RE, which admit no
    character that JSON escapes, and weights are plain integers: quoting is all the
    encoding they need. Tests hold this to ``canonical_json`` of the document.
    """
    categories_json: dict[tuple[str, ...], str] = {}
    items = []
    for label, weight, categories, key in candidates:
        listed = categories_json.get(categories)
        if listed is None:
            listed = categories_json[categories] = canonical_json(list(categories))
        employer = "null" if key is None else f'"{key}"'
        items.append(f'{{"categories":{listed},"employer_key":{employer},"label":"{label}","weight":{weight}}}')
    return "[" + ",".join(items) + "]"


def _check_candidate(candidate: Candidate) -> None:
    # Test all rules at once, and build the message naming the first broken one only
    # when one is. Typed Any: a record read from JSON may hold anything where a label is due.
    label: Any = candidate.label
    weight: Any = candidate.weight
    categories: Any = candidate.categories
    key: Any = candidate.employer_key
    if (
        isinstance(label, str)
        and LABEL_RE.fullmatch(label)
        and type(weight) is int
        and 1 <= weight <= MAX_WEIGHT
        and isinstance(categories, tuple)
        and all(isinstance(code, str) and CODE_RE.fullmatch(code) for code in categories)
        and (key is None or (isinstance(key, str) and LABEL_RE.fullmatch(key)))
    ):
        return
    _name_broken_rule(candidate)


def _name_broken_rule(candidate: Candidate) -> None:
    _label(candidate.label, "candidates.label")
    where = f"candidates[{candidate.label}]"
    _integer(candidate.weight, f"{where}.weight", 1, MAX_WEIGHT)
    if not isinstance(candidate.categories, tuple):
        raise DrawInputError(f"{where}.categories", "must be a list of category codes")
    for category in candidate.categories:
        _code(category, f"{where}.categories")
    if candidate.employer_key is not None:
        _label(candidate.employer_key, f"{where}.employer_key")


def _check_exclusion(exclusion: Exclusion) -> None:
    _label(exclusion.label, "exclusions.label")
    _code(exclusion.rule, f"exclusions[{exclusion.label}].rule")
    _text(exclusion.clause, f"exclusions[{exclusion.label}].clause")


def _check_commitment(commitment: Commitment) -> None:
    _text(commitment.pool, "pool")
    _text(commitment.activity, "activity")
    _timestamp(commitment.committed_at, "committed_at")
    labels = [c.label for c in commitment.candidates]
    for before, after in pairwise(labels):
        if before == after:
            raise DrawInputError(f"candidates[{after}]", "the label is given twice")
    candidate_labels = set(labels)
    for before_exclusion, exclusion in pairwise(commitment.exclusions):
        if before_exclusion == exclusion:
            raise DrawInputError(f"exclusions[{exclusion.label}]", "the same exclusion is given twice")
    for exclusion in commitment.exclusions:
        if exclusion.label in candidate_labels:
            raise DrawInputError(f"exclusions[{exclusion.label}]", "an excluded label cannot also be a candidate")
    _check_panel(commitment.panel)
    _check_randomness(commitment.randomness)
    _hex64(commitment.server_commitment, "server_commitment")
    if commitment.previous is not None:
        _hex64(commitment.previous.commitment_hash, "previous.commitment_hash")
        _text(commitment.previous.reason, "previous.reason")


def _check_panel(panel: PanelRule) -> None:
    _integer(panel.size, "panel.size", 1, MAX_SIZE)
    _integer(panel.reserves, "panel.reserves", 0, MAX_SIZE)
    _boolean(panel.one_per_employer, "panel.one_per_employer")
    seen: set[str] = set()
    for index, item in enumerate(panel.category_counts):
        _code(item.category, f"panel.category_counts[{index}].category")
        _integer(item.count, f"panel.category_counts[{index}].count", 1, MAX_SIZE)
        if item.category in seen:
            raise DrawInputError(f"panel.category_counts[{index}]", "the category is given twice")
        seen.add(item.category)
    total = sum(item.count for item in panel.category_counts)
    if panel.category_counts and total != panel.size:
        raise DrawInputError(
            "panel.category_counts", f"the counts add up to {total}, not to the panel size {panel.size}"
        )


def _check_randomness(randomness: RandomnessInputs) -> None:
    _text(randomness.source, "randomness.source")
    if not randomness.groups:
        raise DrawInputError("randomness.groups", "at least one group of numbers is needed")
    names: set[str] = set()
    for index, group in enumerate(randomness.groups):
        where = f"randomness.groups[{index}]"
        _text(group.name, f"{where}.name")
        if group.name in names:
            raise DrawInputError(f"{where}.name", "the name is given twice")
        names.add(group.name)
        if group.kind not in ("public", "supervisor"):
            raise DrawInputError(f"{where}.kind", "must be 'public' or 'supervisor'")
        _integer(group.count, f"{where}.count", 1, MAX_GROUP_COUNT)
        _integer(group.min, f"{where}.min", 0, MAX_NUMBER)
        _integer(group.max, f"{where}.max", group.min, MAX_NUMBER)
        _boolean(group.distinct, f"{where}.distinct")
        _boolean(group.ordered, f"{where}.ordered")
        if group.distinct and group.count > group.max - group.min + 1:
            raise DrawInputError(f"{where}.count", "more distinct numbers than the range holds")


def _text(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DrawInputError(where, "must be a non-empty text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise DrawInputError(where, "must be valid Unicode text") from error


def _label(value: Any, where: str) -> None:
    if not isinstance(value, str) or not LABEL_RE.fullmatch(value):
        raise DrawInputError(where, "must be 1-64 ASCII letters, digits or . _ : -, starting with a letter or digit")


def _code(value: Any, where: str) -> None:
    if not isinstance(value, str) or not CODE_RE.fullmatch(value):
        raise DrawInputError(where, "must be a code: lower-case letters, digits and _, starting with a letter")


def _hex64(value: Any, where: str) -> None:
    if not isinstance(value, str) or not HEX64_RE.fullmatch(value):
        raise DrawInputError(where, "must be 64 lower-case hexadecimal digits")


def _integer(value: Any, where: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DrawInputError(where, f"must be an integer from {low} to {high}")


def _boolean(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise DrawInputError(where, "must be true or false")


def _timestamp(value: Any, where: str) -> None:
    _text(value, where)
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as error:
        raise DrawInputError(where, "must be an ISO 8601 date and time") from error
    if moment.tzinfo is None:
        raise DrawInputError(where, "must state its UTC offset, e.g. +08:00")


# --- server secret and seed --------------------------------------------------------


def new_server_secret() -> str:
    """32 random bytes as hex: kept sealed until the draw, published with the record."""
    return secrets.token_hex(32)


def server_commitment_of(server_secret: str) -> str:
    """SHA-256 of the secret's 32 bytes (not of its hex text), as hex."""
    _hex64(server_secret, "server_secret")
    return hashlib.sha256(bytes.fromhex(server_secret)).hexdigest()


def check_values(randomness: RandomnessInputs, values: Sequence[Sequence[int]]) -> None:
    """The revealed numbers must match the declared groups: count, range, distinctness."""
    if len(values) != len(randomness.groups):
        raise DrawInputError("values", f"{len(randomness.groups)} groups are declared, {len(values)} given")
    for index, (group, numbers) in enumerate(zip(randomness.groups, values, strict=True)):
        where = f"values[{index}] ({group.name})"
        if len(numbers) != group.count:
            raise DrawInputError(where, f"{group.count} numbers are declared, {len(numbers)} given")
        for number in numbers:
            _integer(number, where, group.min, group.max)
        if group.distinct and len(set(numbers)) != len(numbers):
            raise DrawInputError(where, "the numbers must be distinct")


def randomness_string(randomness: RandomnessInputs, values: Sequence[Sequence[int]]) -> str:
    """RFC 3797 style: each number in decimal followed by '.', each group followed by '/'.

    A group whose order does not count (lottery balls) is sorted ascending first,
    so the same draw gives the same string however it was announced.
    """
    check_values(randomness, values)
    parts = []
    for group, numbers in zip(randomness.groups, values, strict=True):
        in_order = list(numbers) if group.ordered else sorted(numbers)
        parts.append("".join(f"{number}." for number in in_order) + "/")
    return "".join(parts)


def seed_material(commitment: Commitment, values: Sequence[Sequence[int]], server_secret: str) -> str:
    """The exact text hashed into the seed (docs/draw.md §5)."""
    _hex64(server_secret, "server_secret")
    return (
        f"{VERSION}\n"
        f"commitment:{commitment.hash}\n"
        f"randomness:{randomness_string(commitment.randomness, values)}\n"
        f"server:{server_secret}\n"
    )


def seed(commitment: Commitment, values: Sequence[Sequence[int]], server_secret: str) -> bytes:
    """SHA-256 of the seed material, after checking the secret against its commitment."""
    if server_commitment_of(server_secret) != commitment.server_commitment:
        raise DrawInputError("server_secret", "its SHA-256 does not match the server commitment")
    return _seed(commitment, values, server_secret)


def _seed(commitment: Commitment, values: Sequence[Sequence[int]], server_secret: str) -> bytes:
    return hashlib.sha256(seed_material(commitment, values, server_secret).encode("utf-8")).digest()


# --- rank ---------------------------------------------------------------------------


def candidate_hmac(the_seed: bytes, label: str) -> bytes:
    """HMAC-SHA256 keyed with the seed over the label: the candidate's own lot."""
    return hmac.digest(the_seed, label.encode("utf-8"), "sha256")


# A candidate's place in its weight's run: (-numerator, label, index), where
# u = numerator / 2**257 and the Efraimidis–Spirakis key is u**(1/weight).
_Lot = tuple[int, str, int]


class _Key:
    """Orders lots of different weights exactly; only built for the lots the walk reaches."""

    __slots__ = ("label", "numerator", "weight")

    def __init__(self, lot: _Lot, weights: Sequence[int]) -> None:
        self.numerator = -lot[0]
        self.label = lot[1]
        self.weight = weights[lot[2]]

    def __lt__(self, other: _Key) -> bool:
        """True when self ranks before other: a larger key, or an equal key and a smaller label."""
        mine_w, theirs_w = self.weight, other.weight
        # u1**(1/w1) > u2**(1/w2)  <=>  u1**w2 > u2**w1, multiplied out of the 2**257 denominators.
        mine: int = self.numerator**theirs_w << (U_EXPONENT * mine_w)
        theirs: int = other.numerator**mine_w << (U_EXPONENT * theirs_w)
        if mine != theirs:
            return mine > theirs
        return self.label < other.label


def ranked(the_seed: bytes, candidates: Sequence[Candidate]) -> Iterator[Candidate]:
    """Candidates from first to last rank, lazily: the walk rarely needs more than a few."""
    labels, weights = _labels_and_weights(candidates)
    for index in _rank_order(the_seed, labels, weights):
        yield candidates[index]


def _labels_and_weights(candidates: Sequence[Candidate]) -> tuple[list[str], list[int]]:
    if isinstance(candidates, CandidateColumns):
        return candidates.labels_and_weights()
    return [c.label for c in candidates], [c.weight for c in candidates]


def _rank_order(the_seed: bytes, labels: list[str], weights: list[int]) -> Iterator[int]:
    """Indexes from first to last rank. Labels are unique and, in a commitment, sorted.

    Within one weight the key grows with the HMAC, so each weight's run is a heap of
    plain integers, ties (never seen with SHA-256) going to the smaller label; only
    the merge across weights needs exact powers.
    """
    lot_of = _keyed_sha256(the_seed)
    lots = [-(2 * int.from_bytes(lot, "big") + 1) for lot in map(lot_of, map(str.encode, labels))]
    if len(set(weights)) <= 1:
        # Every pool today: one weight for all (docs/draw.md §6), so one run and no merge.
        for _numerator, _label, index in _in_order(list(zip(lots, labels, range(len(labels)), strict=True))):
            yield index
        return
    runs: dict[int, list[_Lot]] = defaultdict(list)
    for index, (lot, label, weight) in enumerate(zip(lots, labels, weights, strict=True)):
        runs[weight].append((lot, label, index))
    merged = heapq.merge(*map(_in_order, runs.values()), key=lambda lot: _Key(lot, weights))
    for _numerator, _label, index in merged:
        yield index


def _in_order(run: list[_Lot]) -> Iterator[_Lot]:
    # Labels are unique, so tuples never get as far as comparing indexes.
    heapq.heapify(run)
    while run:
        yield heapq.heappop(run)


def _keyed_sha256(key: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA256 (RFC 2104) with the key's padded blocks hashed once, not once per candidate."""
    block = key.ljust(64, b"\0")  # a 32-byte seed never needs hashing down
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(message: bytes) -> bytes:
        inside, outside = inner.copy(), outer.copy()
        inside.update(message)
        outside.update(inside.digest())
        return outside.digest()

    return digest


def rank(the_seed: bytes, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The full ranked list (rank 1 first)."""
    return list(ranked(the_seed, candidates))


# --- entropy ------------------------------------------------------------------------


def group_outcomes(group: RandomnessGroup) -> int:
    """How many different results the group can have."""
    size = group.max - group.min + 1
    if group.distinct:
        return math.perm(size, group.count) if group.ordered else math.comb(size, group.count)
    return size**group.count if group.ordered else math.comb(size + group.count - 1, group.count)


def bits_text(outcomes: int) -> str:
    """log2(outcomes) rounded down to two decimals, exactly: floor(100·log2 x) = bitlength(x**100) - 1."""
    hundredths = (outcomes**100).bit_length() - 1
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def entropy_warning(commitment: Commitment) -> DrawWarning | None:
    """Warn when the declared inputs have fewer outcomes than there are possible panels, C(N, k).

    The server secret does not count: its holder chose it. The comparison is
    exact (integers); the bit counts are only for reading.
    """
    outcomes = math.prod(group_outcomes(g) for g in commitment.randomness.groups)
    candidates, size = len(commitment.candidates), commitment.panel.size
    panels = math.comb(candidates, size)
    if outcomes >= panels:
        return None
    return DrawWarning(
        "low_entropy",
        {"input_bits": bits_text(outcomes), "needed_bits": bits_text(panels), "candidates": candidates, "size": size},
    )


# --- draw ---------------------------------------------------------------------------


def draw(commitment: Commitment, values: Sequence[Sequence[int]], server_secret: str) -> DrawResult:
    """Run a committed draw with its revealed randomness. Raises ``DrawInputError`` on bad input."""
    return _draw(commitment, values, server_secret, seed(commitment, values, server_secret))


def _draw(commitment: Commitment, values: Sequence[Sequence[int]], server_secret: str, the_seed: bytes) -> DrawResult:
    rule = commitment.panel
    panel, reserves, steps = walk(rule, ranked(the_seed, commitment.candidates))
    warnings: list[DrawWarning] = []
    low_entropy = entropy_warning(commitment)
    if low_entropy is not None:
        warnings.append(low_entropy)
    shortfall = None
    if len(panel) < rule.size:
        shortfall = _shortfall(commitment, panel)
        panel, reserves = [], []
    elif len(reserves) < rule.reserves:
        warnings.append(DrawWarning("reserves_short", {"drawn": len(reserves), "requested": rule.reserves}))
    return DrawResult(
        commitment=commitment,
        values=tuple(tuple(v) for v in values),
        server_secret=server_secret,
        seed=the_seed,
        status="drawn" if shortfall is None else "insufficient",
        panel=tuple(panel),
        reserves=tuple(reserves),
        walk=tuple(steps),
        shortfall=shortfall,
        warnings=tuple(warnings),
    )


def walk(rule: PanelRule, order: Iterable[Candidate]) -> tuple[list[Seat], list[Reserve], list[Step]]:
    """Walk a ranked list: the panel, the reserves and what happened to each visitor (docs/draw.md §7).

    The walk only decides; ``draw`` turns a panel left short into "insufficient".
    """
    needed = {cc.category: cc.count for cc in rule.category_counts}
    panel: list[Seat] = []
    reserves: list[Reserve] = []
    steps: list[Step] = []
    employers: set[str] = set()
    for candidate in order:
        if len(panel) == rule.size and len(reserves) == rule.reserves:
            break
        held = tuple(c for c in needed if c in candidate.categories)
        if len(panel) < rule.size:
            outcome, category = _seat_category(needed, held)
        else:
            outcome, category = (RESERVE, None) if held or not needed else (SKIP_NO_CATEGORY, None)
        key = candidate.employer_key
        if outcome in (PANEL, RESERVE) and rule.one_per_employer and key is not None and key in employers:
            outcome, category = SKIP_SAME_EMPLOYER, None
        steps.append(Step(candidate.label, outcome, category))
        if outcome == PANEL:
            panel.append(Seat(candidate.label, category))
            if category is not None:
                needed[category] -= 1
        elif outcome == RESERVE:
            reserves.append(Reserve(candidate.label, held))
        if outcome in (PANEL, RESERVE) and key is not None:
            employers.add(key)
    return panel, reserves, steps


def _seat_category(needed: Mapping[str, int], held: tuple[str, ...]) -> tuple[str, str | None]:
    """The first still-needed category, in the request's order, that the candidate holds."""
    if not needed:
        return PANEL, None
    if not held:
        return SKIP_NO_CATEGORY, None
    for category in held:
        if needed[category] > 0:
            return PANEL, category
    return SKIP_CATEGORY_FULL, None


def _shortfall(commitment: Commitment, panel: Sequence[Seat]) -> Shortfall:
    filled: defaultdict[str, int] = defaultdict(int)
    for seat in panel:
        if seat.category is not None:
            filled[seat.category] += 1
    short = tuple(
        CategoryShortfall(
            category=cc.category,
            needed=cc.count,
            filled=filled[cc.category],
            holders=sum(cc.category in c.categories for c in commitment.candidates),
        )
        for cc in commitment.panel.category_counts
        if filled[cc.category] < cc.count
    )
    return Shortfall(len(commitment.candidates), commitment.panel.size, len(panel), short)


def next_reserve(
    result: DrawResult,
    *,
    category: str | None,
    panel_employers: Collection[str],
    used: Collection[str],
) -> Reserve | None:
    """The reserve who takes a seat a panel member left (docs/draw.md §8).

    ``category`` is the seat's category (None without category counts),
    ``panel_employers`` the employer keys of those who stay on the panel, and
    ``used`` the reserves already called, whatever they answered. The first
    reserve in order that is not used, holds the category and (under one per
    employer) shares no employer with the panel; None when none is left, which
    calls for a supplementary draw.
    """
    employer_of = {c.label: c.employer_key for c in _by_labels(result.commitment, [r.label for r in result.reserves])}
    one_per_employer = result.commitment.panel.one_per_employer
    for reserve in result.reserves:
        if reserve.label in used or (category is not None and category not in reserve.categories):
            continue
        key = employer_of[reserve.label]
        if one_per_employer and key is not None and key in panel_employers:
            continue
        return reserve
    return None


def _by_labels(commitment: Commitment, labels: Iterable[str]) -> list[Candidate]:
    """The commitment's candidates with these labels, found by bisection (candidates are sorted by label)."""
    candidates = commitment.candidates
    found = []
    for label in labels:
        index = bisect.bisect_left(candidates, label, key=_label_of)
        if index < len(candidates) and candidates[index].label == label:
            found.append(candidates[index])
    return found


# --- records and verification -------------------------------------------------------


def commitment_from_document(document: Any) -> Commitment:
    """Read a commitment document (as in a record) back; raises ``DrawInputError``."""
    doc = _object(document, "commitment", COMMITMENT_KEYS)
    fixed = _fixed_parts(doc)
    return commit(
        candidates=[_candidate(item) for item in _array(doc["candidates"], "commitment.candidates")],
        exclusions=[
            Exclusion(**_object(item, "commitment.exclusions", {"label", "rule", "clause"}))
            for item in _array(doc["exclusions"], "commitment.exclusions")
        ],
        **fixed,
    )


def commitment_from_stored(summary: dict[str, Any], columns: dict[str, Any], commitment_hash: str) -> Commitment:
    """A commitment that ``commit`` built and checked, read back from the platform's own
    stored parts: its ``summary()``, its ``candidate_columns`` and the hash computed then.

    For the platform's immutable draw rows only: a large pool has tens of thousands of
    candidates, and parsing the whole document to re-check and rebuild every one of them
    took the reveal longer than ranking them. A record from elsewhere goes through
    ``commitment_from_document``.
    """
    commitment = Commitment(
        candidates=CandidateColumns(columns),
        exclusions=tuple(Exclusion(e["label"], e["rule"], e["clause"]) for e in summary["exclusions"]),
        **_fixed_parts(summary),
    )
    # The seed is derived from the stored hash.
    commitment.__dict__["hash"] = commitment_hash
    return commitment


def candidate_columns(candidates: Sequence[Candidate]) -> dict[str, list[Any]]:
    """The candidates column by column, each distinct category set and employer key stored once."""
    category_sets: dict[tuple[str, ...], int] = {}
    employers: dict[str, int] = {}
    category_set = [category_sets.setdefault(c.categories, len(category_sets)) for c in candidates]
    employer = [
        None if c.employer_key is None else employers.setdefault(c.employer_key, len(employers)) for c in candidates
    ]
    return {
        "labels": [c.label for c in candidates],
        "weights": [c.weight for c in candidates],
        "category_sets": [list(codes) for codes in category_sets],
        "category_set": category_set,
        "employers": list(employers),
        "employer": employer,
    }


class CandidateColumns(Sequence[Candidate]):
    """Candidates stored by ``candidate_columns``, each made when it is asked for.

    The reveal ranks every candidate by label and weight but looks at only the few the
    walk visits.
    """

    __slots__ = ("_columns", "_sets")

    def __init__(self, columns: dict[str, Any]) -> None:
        self._columns = columns
        self._sets = [tuple(codes) for codes in columns["category_sets"]]

    def __len__(self) -> int:
        return len(self._columns["labels"])

    @overload
    def __getitem__(self, index: int) -> Candidate: ...

    @overload
    def __getitem__(self, index: slice) -> list[Candidate]: ...

    def __getitem__(self, index: int | slice) -> Candidate | list[Candidate]:
        if isinstance(index, slice):
            return [self._candidate(i) for i in range(len(self))[index]]
        return self._candidate(index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]  # lists underneath

    def labels_and_weights(self) -> tuple[list[str], list[int]]:
        return self._columns["labels"], self._columns["weights"]

    def _candidate(self, index: int) -> Candidate:
        columns = self._columns
        employer = columns["employer"][index]
        return Candidate(
            columns["labels"][index],
            columns["weights"][index],
            self._sets[columns["category_set"][index]],
            None if employer is None else columns["employers"][employer],
        )


def _fixed_parts(doc: dict[str, Any]) -> dict[str, Any]:
    """Everything in a commitment document but the candidates and exclusions."""
    if doc["version"] != VERSION:
        raise DrawInputError("commitment.version", f"this verifier knows {VERSION!r} only")
    previous = doc["previous"]
    panel = _object(doc["panel"], "commitment.panel", PANEL_KEYS)
    randomness = _object(doc["randomness"], "commitment.randomness", {"source", "groups"})
    return {
        "pool": doc["pool"],
        "activity": doc["activity"],
        "committed_at": doc["committed_at"],
        "panel": PanelRule(
            size=panel["size"],
            reserves=panel["reserves"],
            category_counts=tuple(
                CategoryCount(**_object(item, "commitment.panel.category_counts", {"category", "count"}))
                for item in _array(panel["category_counts"], "commitment.panel.category_counts")
            ),
            one_per_employer=panel["one_per_employer"],
        ),
        "randomness": RandomnessInputs(
            source=randomness["source"],
            groups=tuple(
                RandomnessGroup(**_object(item, "commitment.randomness.groups", GROUP_KEYS))
                for item in _array(randomness["groups"], "commitment.randomness.groups")
            ),
        ),
        "server_commitment": doc["server_commitment"],
        "previous": None
        if previous is None
        else Previous(**_object(previous, "commitment.previous", {"commitment_hash", "reason"})),
    }


COMMITMENT_KEYS = frozenset(
    {
        "version",
        "pool",
        "activity",
        "committed_at",
        "previous",
        "candidates",
        "exclusions",
        "panel",
        "randomness",
        "server_commitment",
    }
)
PANEL_KEYS = frozenset({"size", "reserves", "category_counts", "one_per_employer"})
GROUP_KEYS = frozenset({"name", "kind", "count", "min", "max", "distinct", "ordered"})
CANDIDATE_KEYS = frozenset({"label", "weight", "categories", "employer_key"})
RECORD_KEYS = frozenset({"format", "commitment", "commitment_hash", "reveal", "seed", "result"})


def _candidate(item: Any) -> Candidate:
    fields = _object(item, "commitment.candidates", CANDIDATE_KEYS)
    categories = _array(fields["categories"], f"commitment.candidates[{fields['label']}].categories")
    for category in categories:
        _code(category, f"commitment.candidates[{fields['label']}].categories")
    return Candidate(
        label=fields["label"],
        weight=fields["weight"],
        categories=tuple(categories),
        employer_key=fields["employer_key"],
    )


def _object(value: Any, where: str, keys: Collection[str], *, more_allowed: bool = False) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DrawInputError(where, "must be an object")
    missing = sorted(set(keys) - value.keys())
    if missing:
        raise DrawInputError(where, f"missing key {missing[0]!r}")
    unknown = sorted(value.keys() - set(keys))
    if unknown and not more_allowed:
        raise DrawInputError(where, f"unknown key {unknown[0]!r}")
    return value


def _array(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise DrawInputError(where, "must be a list")
    return value


def _values(value: Any) -> list[list[int]]:
    groups = _array(value, "reveal.values")
    return [_array(group, f"reveal.values[{index}]") for index, group in enumerate(groups)]


def verify(record: Any) -> list[str]:
    """Recompute a draw record. An empty list means verified; otherwise one line per difference.

    Keys of the record other than those of ``DrawResult.record`` (who ran the draw,
    the supervisor present, ...) are not part of the algorithm and are not checked.
    """
    try:
        doc = _object(record, "record", RECORD_KEYS, more_allowed=True)
        if doc["format"] != RECORD_FORMAT:
            return [f"format: recorded {_show(doc['format'])}, this verifier knows {RECORD_FORMAT!r} only"]
        commitment = commitment_from_document(doc["commitment"])
        reveal = _object(doc["reveal"], "reveal", {"values", "server_secret"})
        values = _values(reveal["values"])
        check_values(commitment.randomness, values)
        secret = reveal["server_secret"]
        _hex64(secret, "reveal.server_secret")
    except DrawInputError as error:
        return [str(error)]
    problems = []
    if commitment.document() != doc["commitment"]:
        problems.append("commitment: not in normal form (lists sorted as docs/draw.md §3 says, no duplicates)")
    secret_hash = server_commitment_of(secret)
    if secret_hash != commitment.server_commitment:
        problems.append(
            f"reveal.server_secret: its SHA-256 is {secret_hash}, "
            f"but commitment.server_commitment is {commitment.server_commitment}"
        )
    result = _draw(commitment, values, secret, _seed(commitment, values, secret))
    problems += differences("commitment_hash", doc["commitment_hash"], commitment.hash)
    problems += differences("seed", doc["seed"], result.seed.hex())
    problems += differences("result", doc["result"], result.result_document())
    return problems


def differences(path: str, recorded: Any, recomputed: Any) -> list[str]:
    """Each leaf where the recorded value is not the recomputed one, with its path."""
    if isinstance(recorded, dict) and isinstance(recomputed, dict):
        found = []
        for key in sorted(recorded.keys() | recomputed.keys()):
            where = f"{path}.{key}"
            if key not in recorded:
                found.append(f"{where}: missing; recomputed {_show(recomputed[key])}")
            elif key not in recomputed:
                found.append(f"{where}: recorded {_show(recorded[key])}, which is not part of a result")
            else:
                found += differences(where, recorded[key], recomputed[key])
        return found
    if isinstance(recorded, list) and isinstance(recomputed, list):
        found = []
        if len(recorded) != len(recomputed):
            found.append(f"{path}: recorded {len(recorded)} entries, recomputed {len(recomputed)}")
        for index, (mine, theirs) in enumerate(zip(recorded, recomputed, strict=False)):
            found += differences(f"{path}[{index}]", mine, theirs)
        return found
    if type(recorded) is type(recomputed) and recorded == recomputed:
        return []
    return [f"{path}: recorded {_show(recorded)}, recomputed {_show(recomputed)}"]


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
