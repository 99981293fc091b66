"""Draw benchmark: a full draw against the bare candidate query, on pools of 10k to 1M members.

    .venv/bin/python benchmarks/draw.py --sizes 10000 100000 1000000 --database-url sqlite://
    .venv/bin/python benchmarks/draw.py --database-url "postgres://postgres@:5432/postgres?host=<socket dir>"

Each size runs in its own process against a database the benchmark creates and
removes: a file in a new temporary directory (SQLite), or the database
``expertpool_bench`` on the given server, which must not exist yet (PostgreSQL).
It never touches an existing database. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "expertpool_bench"
LARGE = 100_000  # sizes above this get --repeat-large runs
FULL_TO_BARE = 2.0
ONE_SECOND_AT = 100_000


def main() -> int:
    args = _arguments()
    if args.worker:
        return _worker(args)
    results = []
    with _databases(args.database_url) as fresh:
        for size in args.sizes:
            with fresh(size) as url:
                results.append(_run_size(args, size, url))
    report = markdown(results)
    print(report)
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--database-url", default="sqlite://", help="sqlite:// or a PostgreSQL server URL")
    parser.add_argument("--repeat", type=int, default=15, help="timed draws per size up to 100,000 members")
    parser.add_argument("--repeat-large", type=int, default=5, help="timed draws per larger size")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", help="write every sample as JSON to this file")
    parser.add_argument("--profile-dir", help="profile one extra draw per size; pstats and a summary go here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- databases the benchmark owns -------------------------------------------------------


@contextmanager
def _databases(url: str) -> Iterator[Any]:
    """Yields ``fresh(size)``: a context manager giving the URL of a new, empty database."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        if url.rstrip("/") not in ("sqlite:", "sqlite:/"):
            sys.exit("Give sqlite:// with no path: the benchmark makes its own file in a temporary directory.")
        with tempfile.TemporaryDirectory(prefix="expertpool-bench-") as directory:
            yield lambda size: _sqlite_file(Path(directory) / f"bench-{size}.sqlite3")
    elif scheme in ("postgres", "postgresql"):
        yield lambda size: _postgres_database(url)
    else:
        sys.exit(f"Unsupported database URL scheme: {scheme!r}")


@contextmanager
def _sqlite_file(path: Path) -> Iterator[str]:
    try:
        yield f"sqlite:///{path}"
    finally:
        path.unlink(missing_ok=True)


@contextmanager
def _postgres_database(server_url: str) -> Iterator[str]:
    """Create ``expertpool_bench`` (refusing if it exists), yield its URL, drop it afterwards."""
    import psycopg  # noqa: PLC0415 (only the PostgreSQL runs need the driver)

    parsed = urlparse(server_url)
    if parsed.path.strip("/") == BENCH_DATABASE:
        sys.exit(f"Give the server's URL with another database to connect to, not {BENCH_DATABASE}.")
    with psycopg.connect(server_url, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]).fetchone()
        if found is not None:
            sys.exit(f"Database {BENCH_DATABASE} exists already; the benchmark only drops what it created.")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        yield parsed._replace(path=f"/{BENCH_DATABASE}").geturl()
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def _run_size(args: argparse.Namespace, size: int, url: str) -> dict[str, Any]:
    repeat = args.repeat if size <= LARGE else args.repeat_large
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--size", str(size)]
        command += ["--repeat", str(repeat), "--seed", str(args.seed), "--result", result.name]
        if args.profile_dir:
            command += ["--profile-dir", str(Path(args.profile_dir).resolve())]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "expertpool.settings",
            "DATABASE_URL": url,
            # As in production: no query log, and a throwaway key for the throwaway data.
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_hex(32),
            # Invitations to the synthetic experts are built but kept in memory, never printed or sent.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SMS_BACKEND": "expertpool.core.sms.LocmemBackend",
        }
        subprocess.run(command, env=env, check=True, cwd=ROOT)  # noqa: S603 (our own script, fixed arguments)
        loaded: dict[str, Any] = json.loads(Path(result.name).read_text(encoding="utf-8"))
        return loaded


# --- one size, in its own process --------------------------------------------------------


def _worker(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415 (the worker's imports need the project on the path and Django set up)

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from benchmarks import synthetic, timing  # noqa: PLC0415
    from expertpool.experts.models import Expert  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    if Expert.objects.exists():
        sys.exit("The benchmark database holds experts already: it only runs on a database it created.")
    _say(f"{connection.vendor} {args.size:,}: building")
    bench = synthetic.build_pool(members=args.size, seed=args.seed)
    _say(f"{connection.vendor} {args.size:,}: built in {bench.seconds:.1f} s {bench.rows}")
    rng = random.Random(args.seed)
    timing.serve_once(bench, rng)
    samples = []
    for run in range(args.repeat):
        started = time.perf_counter()
        samples.append(timing.sample(bench, run, rng))
        _say(f"{connection.vendor} {args.size:,}: run {run + 1}/{args.repeat} {time.perf_counter() - started:.1f} s")
    # After the timed runs, in a slot of its own, so it cannot change them.
    statements = timing.count_statements(bench, args.repeat + 1, rng)
    if args.profile_dir:
        directory = Path(args.profile_dir)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"draw-{connection.vendor}-{args.size}"
        text = timing.profile(bench, args.repeat, rng, directory / f"{name}.pstats")
        (directory / f"{name}.txt").write_text(text, encoding="utf-8")
    result = {
        "database": connection.vendor,
        "version": _version(connection),
        "members": args.size,
        "build_seconds": bench.seconds,
        # Other work on the machine skews the times: the 1-minute load average when the runs ended.
        "load_average": os.getloadavg()[0],
        "rows": bench.rows,
        "statements": statements,
        "samples": [{**vars(s), "full": s.full} for s in samples],
    }
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


def _version(connection: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return str(cursor.fetchone()[0]).split()[0]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the table ----------------------------------------------------------------------------


def markdown(results: list[dict[str, Any]]) -> str:
    """The goals table, then where the time goes."""
    head = (
        "| database | members | candidates | excluded | runs | bare median | bare p95 "
        "| full median | full p95 | full / bare | ≤ 2× bare | < 1 s at 100k |\n"
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|:-:|\n"
    )
    detail = (
        "| database | members | build | report median | commit median | reveal median "
        "| statements | same ids | load |\n"
        "|---|--:|--:|--:|--:|--:|--:|:-:|--:|\n"
    )
    for result in results:
        samples = result["samples"]
        column = {key: [s[key] for s in samples] for key in ("bare", "report", "commit", "reveal", "full")}
        ratio = median(column["full"]) / median(column["bare"])
        second = "—" if result["members"] != ONE_SECOND_AT else _mark(median(column["full"]) < 1.0)
        name = f"{result['database']} {result['version']}"
        head += (
            f"| {name} | {result['members']:,} | {samples[0]['candidates']:,} | {samples[0]['exclusions']:,} "
            f"| {len(samples)} | {_ms(median(column['bare']))} | {_ms(p95(column['bare']))} "
            f"| {_ms(median(column['full']))} | {_ms(p95(column['full']))} | {ratio:.1f}× "
            f"| {_mark(ratio <= FULL_TO_BARE)} | {second} |\n"
        )
        same = all(s["same_candidates"] for s in samples)
        detail += (
            f"| {name} | {result['members']:,} | {result['build_seconds']:.0f} s | {_ms(median(column['report']))} "
            f"| {_ms(median(column['commit']))} | {_ms(median(column['reveal']))} "
            f"| {result['statements']['commit']} + {result['statements']['reveal']} | {_mark(same)} "
            f"| {result.get('load_average', 0):.1f} |\n"
        )
    return head + "\n" + detail


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile: with 15 runs, the 15th (the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _mark(passed: bool) -> str:
    return "pass" if passed else "FAIL"


if __name__ == "__main__":
    sys.exit(main())
