#!/usr/bin/env python3
"""Standalone verifier of expert-pool draw records, written from docs/draw.md.

Needs nothing but Python 3.11 or later and its standard library:

    python draw_verify.py record.json         # a draw record, as the platform exports it
    python draw_verify.py draw_vectors.json   # the published test vectors, every intermediate value

Prints "verified" and exits with status 0, or prints each difference, one per
line, and exits with status 1. It shares no code with the platform on purpose:
it is a second implementation of the specification, so a mistake in either
shows up as a difference.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import math
import re
import sys
from functools import cmp_to_key
from typing import Any

VERSION = "expertpool-draw/1"
RECORD_FORMAT = "expertpool-draw-record/1"
VECTORS_FORMAT = "expertpool-draw-vectors/1"
LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", re.ASCII)
CODE = re.compile(r"[a-z][a-z0-9_]{0,49}", re.ASCII)
HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)


class InvalidRecordError(Exception):
    """The record cannot be checked at all: a value breaks the rules of docs/draw.md §3."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidRecordError(message)


def is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


# §2 Canonical JSON ---------------------------------------------------------------


def canonical(value: Any) -> str:
    def no_floats(item: Any) -> None:
        require(not isinstance(item, float), "commitment: floats are not allowed in hashed content")
        for child in item.values() if isinstance(item, dict) else item if isinstance(item, list) else ():
            no_floats(child)

    no_floats(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# §3 The commitment document ------------------------------------------------------


def check_commitment(doc: Any) -> None:
    """Enough of §3 to make the computation meaningful; the hash protects the rest."""
    require(isinstance(doc, dict), "commitment: must be an object")
    require(doc.get("version") == VERSION, f"commitment.version: this verifier knows {VERSION!r} only")
    labels = set()
    for candidate in doc["candidates"]:
        label = candidate["label"]
        require(isinstance(label, str) and bool(LABEL.fullmatch(label)), f"candidate label {label!r} is malformed")
        require(label not in labels, f"candidate {label} is given twice")
        labels.add(label)
        require(is_int(candidate["weight"], 1, 1000), f"candidate {label}: weight must be an integer from 1 to 1000")
        require(all(CODE.fullmatch(c) for c in candidate["categories"]), f"candidate {label}: bad category code")
        key = candidate["employer_key"]
        require(key is None or bool(LABEL.fullmatch(key)), f"candidate {label}: bad employer key")
    for exclusion in doc["exclusions"]:
        require(exclusion["label"] not in labels, f"exclusion {exclusion['label']} is also a candidate")
    panel = doc["panel"]
    require(is_int(panel["size"], 1, 1000) and is_int(panel["reserves"], 0, 1000), "panel: bad size or reserves")
    counts = [item["count"] for item in panel["category_counts"]]
    require(all(is_int(c, 1, 1000) for c in counts), "panel.category_counts: counts must be positive integers")
    require(not counts or sum(counts) == panel["size"], "panel.category_counts: counts must add up to the size")
    require(isinstance(panel["one_per_employer"], bool), "panel.one_per_employer: must be true or false")
    for group in doc["randomness"]["groups"]:
        require(is_int(group["min"], 0, 10**15) and is_int(group["max"], group["min"], 10**15), "bad group range")
        require(is_int(group["count"], 1, 100), "randomness group: count must be from 1 to 100")
    require(bool(HEX64.fullmatch(doc["server_commitment"])), "server_commitment: must be 64 hex digits")
    moment = datetime.datetime.fromisoformat(doc["committed_at"])
    require(moment.tzinfo is not None, "committed_at: must state its UTC offset")


def normal_form(doc: dict[str, Any]) -> dict[str, Any]:
    """Lists sorted as §3 says: candidates by label, categories by code, exclusions by label, rule, clause."""
    normal = dict(doc)
    normal["candidates"] = sorted(
        ({**c, "categories": sorted(set(c["categories"]))} for c in doc["candidates"]), key=lambda c: c["label"]
    )
    normal["exclusions"] = sorted(doc["exclusions"], key=lambda e: (e["label"], e["rule"], e["clause"]))
    return normal


# §4-§5 Randomness and the seed -----------------------------------------------------


def randomness_text(groups: list[dict[str, Any]], values: list[list[int]]) -> str:
    require(len(values) == len(groups), f"reveal.values: {len(groups)} groups are declared, {len(values)} given")
    text = ""
    for index, (group, numbers) in enumerate(zip(groups, values, strict=True)):
        where = f"reveal.values[{index}] ({group['name']})"
        require(len(numbers) == group["count"], f"{where}: {group['count']} numbers are declared")
        require(all(is_int(n, group["min"], group["max"]) for n in numbers), f"{where}: a number is out of range")
        require(not group["distinct"] or len(set(numbers)) == len(numbers), f"{where}: numbers must be distinct")
        for number in numbers if group["ordered"] else sorted(numbers):
            text += f"{number}."
        text += "/"
    return text


def seed_text(commitment_hash: str, groups: list[dict[str, Any]], values: list[list[int]], secret: str) -> str:
    return f"{VERSION}\ncommitment:{commitment_hash}\nrandomness:{randomness_text(groups, values)}\nserver:{secret}\n"


# §6 Rank ---------------------------------------------------------------------------


def lot(seed: bytes, label: str) -> bytes:
    return hmac.new(seed, label.encode("utf-8"), hashlib.sha256).digest()


def ranking(seed: bytes, candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # u = n / 2**257 with n = 2h + 1; the key is u**(1/w); a larger key ranks first.
    numerator = {c["label"]: 2 * int.from_bytes(lot(seed, c["label"]), "big") + 1 for c in candidates}

    def order(a: dict[str, Any], b: dict[str, Any]) -> int:
        wa, wb = a["weight"], b["weight"]
        # u_a**(1/wa) > u_b**(1/wb)  <=>  n_a**wb * 2**(257*wa) > n_b**wa * 2**(257*wb)
        left = numerator[a["label"]] ** wb * 2 ** (257 * wa)
        right = numerator[b["label"]] ** wa * 2 ** (257 * wb)
        if left != right:
            return -1 if left > right else 1
        return -1 if a["label"] < b["label"] else 1

    return sorted(candidates, key=cmp_to_key(order))


# §7 The walk -----------------------------------------------------------------------


def walk(panel_rule: dict[str, Any], ranked: list[dict[str, Any]]) -> tuple[list[Any], list[Any], list[Any]]:
    open_seats = {item["category"]: item["count"] for item in panel_rule["category_counts"]}
    requested = list(open_seats)
    size, wanted = panel_rule["size"], panel_rule["reserves"]
    panel: list[dict[str, Any]] = []
    reserves: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    taken_employers: set[str] = set()
    for candidate in ranked:
        if len(panel) == size and len(reserves) == wanted:
            break
        holds = [c for c in requested if c in candidate["categories"]]
        category = None
        if requested and not holds:
            outcome = "skipped: no requested category"
        elif len(panel) < size:
            free = [c for c in holds if open_seats[c] > 0]
            if requested and not free:
                outcome = "skipped: category full"
            else:
                outcome, category = "panel", (free[0] if requested else None)
        else:
            outcome = "reserve"
        employer = candidate["employer_key"]
        if outcome in ("panel", "reserve") and panel_rule["one_per_employer"] and employer in taken_employers:
            outcome, category = "skipped: same employer", None
        steps.append({"label": candidate["label"], "outcome": outcome, "category": category})
        if outcome == "panel":
            panel.append({"label": candidate["label"], "category": category})
            if category is not None:
                open_seats[category] -= 1
        if outcome == "reserve":
            reserves.append({"label": candidate["label"], "categories": holds})
        if outcome in ("panel", "reserve") and employer is not None:
            taken_employers.add(employer)
    return panel, reserves, steps


# §9 Entropy ------------------------------------------------------------------------


def outcomes(group: dict[str, Any]) -> int:
    r, k = group["max"] - group["min"] + 1, group["count"]
    if group["distinct"]:
        return math.perm(r, k) if group["ordered"] else math.comb(r, k)
    return r**k if group["ordered"] else math.comb(r + k - 1, k)


def bits(x: int) -> str:
    hundredths = (x**100).bit_length() - 1  # floor(100 * log2 x), exactly
    return f"{hundredths // 100}.{hundredths % 100:02d}"


# The record ------------------------------------------------------------------------


def recompute(commitment: dict[str, Any], values: list[list[int]], secret: str) -> dict[str, Any]:
    commitment_hash = sha256_hex(canonical(commitment).encode("utf-8"))
    groups = commitment["randomness"]["groups"]
    seed = hashlib.sha256(seed_text(commitment_hash, groups, values, secret).encode("utf-8")).digest()
    rule = commitment["panel"]
    panel, reserves, steps = walk(rule, ranking(seed, commitment["candidates"]))
    warnings: list[dict[str, Any]] = []
    n, k = len(commitment["candidates"]), rule["size"]
    input_outcomes = math.prod(outcomes(g) for g in groups)
    if input_outcomes < math.comb(n, k):
        warnings.append(
            {"code": "low_entropy", "input_bits": bits(input_outcomes), "needed_bits": bits(math.comb(n, k))}
            | {"candidates": n, "size": k}
        )
    shortfall = None
    if len(panel) < k:
        filled = {c["category"]: sum(s["category"] == c["category"] for s in panel) for c in rule["category_counts"]}
        shortfall = {
            "candidates": n,
            "needed": k,
            "filled": len(panel),
            "categories": [
                {
                    "category": c["category"],
                    "needed": c["count"],
                    "filled": filled[c["category"]],
                    "holders": sum(c["category"] in x["categories"] for x in commitment["candidates"]),
                }
                for c in rule["category_counts"]
                if filled[c["category"]] < c["count"]
            ],
        }
        panel, reserves = [], []
    elif len(reserves) < rule["reserves"]:
        warnings.append({"code": "reserves_short", "drawn": len(reserves), "requested": rule["reserves"]})
    return {
        "commitment_hash": commitment_hash,
        "seed": seed.hex(),
        "result": {
            "status": "drawn" if shortfall is None else "insufficient",
            "panel": panel,
            "reserves": reserves,
            "walk": steps,
            "shortfall": shortfall,
            "warnings": warnings,
        },
    }


def compare(path: str, recorded: Any, expected: Any) -> list[str]:
    if isinstance(recorded, dict) and isinstance(expected, dict):
        found = []
        for key in sorted(recorded.keys() | expected.keys()):
            if key not in recorded:
                found.append(f"{path}.{key}: missing; recomputed {show(expected[key])}")
            elif key not in expected:
                found.append(f"{path}.{key}: recorded {show(recorded[key])}, which is not part of a result")
            else:
                found += compare(f"{path}.{key}", recorded[key], expected[key])
        return found
    if isinstance(recorded, list) and isinstance(expected, list):
        found = (
            []
            if len(recorded) == len(expected)
            else [f"{path}: recorded {len(recorded)} entries, recomputed {len(expected)}"]
        )
        for index, (mine, theirs) in enumerate(zip(recorded, expected, strict=False)):
            found += compare(f"{path}[{index}]", mine, theirs)
        return found
    if type(recorded) is type(expected) and recorded == expected:
        return []
    return [f"{path}: recorded {show(recorded)}, recomputed {show(expected)}"]


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def verify_record(record: Any) -> list[str]:
    try:
        require(isinstance(record, dict), "record: must be an object")
        require(record.get("format") == RECORD_FORMAT, f"format: this verifier knows {RECORD_FORMAT!r} only")
        commitment, reveal = record["commitment"], record["reveal"]
        check_commitment(commitment)
        secret = reveal["server_secret"]
        require(isinstance(secret, str) and bool(HEX64.fullmatch(secret)), "reveal.server_secret: 64 hex digits")
        expected = recompute(commitment, reveal["values"], secret)
    except InvalidRecordError as error:
        return [str(error)]
    except (KeyError, TypeError, ValueError) as error:
        return [f"record: malformed ({type(error).__name__}: {error})"]
    problems = []
    if normal_form(commitment) != commitment:
        problems.append("commitment: not in normal form (lists sorted as docs/draw.md §3 says, no duplicates)")
    if sha256_hex(bytes.fromhex(secret)) != commitment["server_commitment"]:
        problems.append("reveal.server_secret: its SHA-256 does not match commitment.server_commitment")
    for key in ("commitment_hash", "seed", "result"):
        problems += compare(key, record.get(key), expected[key])
    return problems


def verify_vectors(document: dict[str, Any]) -> list[str]:
    problems = []
    for vector in document["vectors"]:
        record, name = vector["record"], vector["name"]
        found = verify_record(record)
        commitment, reveal = record["commitment"], record["reveal"]
        text = canonical(commitment)
        commitment_hash = sha256_hex(text.encode("utf-8"))
        groups = commitment["randomness"]["groups"]
        material = seed_text(commitment_hash, groups, reveal["values"], reveal["server_secret"])
        seed = hashlib.sha256(material.encode("utf-8")).digest()
        found += compare("canonical_commitment", vector["canonical_commitment"], text)
        found += compare("seed_material", vector["seed_material"], material)
        lots = [{"label": c["label"], "hmac": lot(seed, c["label"]).hex()} for c in commitment["candidates"]]
        found += compare("hmac", vector["hmac"], lots)
        found += compare("ranked", vector["ranked"], [c["label"] for c in ranking(seed, commitment["candidates"])])
        problems += [f"vector {name}: {line}" for line in found]
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python draw_verify.py record.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as file:
            document = json.load(file)
        is_vectors = isinstance(document, dict) and document.get("format") == VECTORS_FORMAT
        problems = verify_vectors(document) if is_vectors else verify_record(document)
    except (OSError, ValueError, KeyError, TypeError) as error:
        problems = [f"{argv[1]}: cannot be read as a record ({type(error).__name__}: {error})"]
    print("\n".join(problems) if problems else "verified")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
