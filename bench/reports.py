"""Reports benchmark (`make bench-reports`).

Builds its own PostgreSQL database (bench_reports) with a province of
30,000 cadres, 3 million training records and 1 million exam results
(bulk-loaded with COPY), then times, on the same database in the same run:

1. the training compliance report over the whole province
   (personnel.compliance.compliance_table + compliance_by_unit, the code the
   report pages and exports use), against the same aggregates written by
   hand in one SQL statement;
2. the evaluation of a talent pool (young enforcement cadres with minimum
   hours, exam average and a dimension minimum), against hand-written SQL
   computing the same per-person aggregates.

Each timing is the best of three runs. Results are checked to agree, and
the figures are written to docs/benchmarks.md ("Reports").

    python bench/reports.py [--cadres 30000] [--records 3000000]
                            [--results 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOCS = ROOT / "docs" / "benchmarks.md"
DB_NAME = "bench_reports"
PG_URL = "postgres://postgres@127.0.0.1:5432"
YEAR = 2026
TODAY = dt.date(2026, 11, 30)
TARGET_SECONDS = 5.0
TARGET_RATIO = 3.0


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=30_000)
    parser.add_argument("--records", type=int, default=3_000_000)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the database")
    parser.add_argument("--no-docs", action="store_true")
    return parser.parse_args()


def _create_database(keep: bool) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
        ).fetchone()
        if exists and keep:
            return False
        if exists:
            conn.execute(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return True


def _setup_django():
    os.environ["DATABASE_URL"] = f"{PG_URL}/{DB_NAME}"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_site.settings.dev")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    args = _arguments()
    fresh = _create_database(args.keep)
    _setup_django()
    from bench import reports_data

    if fresh:
        started = time.perf_counter()
        counts = reports_data.generate(
            cadres=args.cadres, records=args.records, results=args.results
        )
        print(f"generated {counts} in {time.perf_counter() - started:.0f} s")
    rows = reports_data.measure(year=YEAR, today=TODAY)
    table = _table(rows)
    print(table)
    if not args.no_docs:
        _write_docs(table, args)


def _table(rows) -> str:
    lines = [
        "| measurement | application | hand-written SQL | ratio | target | result |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, app, sql, note in rows:
        ratio = app / sql if sql else float("inf")
        ok = app < TARGET_SECONDS and ratio <= TARGET_RATIO
        lines.append(
            f"| {name} | {app:.2f} s | {sql:.2f} s | {ratio:.1f}× "
            f"| < {TARGET_SECONDS:.0f} s and ≤ {TARGET_RATIO:.0f}× SQL "
            f"| {'met' if ok else 'NOT met'}{note} |"
        )
    return "\n".join(lines)


def _write_docs(table: str, args) -> None:
    text = DOCS.read_text(encoding="utf-8")
    heading = "## Reports (`make bench-reports`)"
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    end = len(text) if following == -1 else following
    body = (
        f"{heading}\n\n"
        f"Run on {dt.date.today():%Y-%m-%d}, "  # noqa: DTZ011
        f"{platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, PostgreSQL database `{DB_NAME}`: "
        f"{args.cadres:,} cadres, {args.records:,} training records, "
        f"{args.results:,} exam results (3 knowledge points each, 2 % regraded). "
        "Best of three runs after a warm-up run (a measurement over 10 s is "
        "timed once); both columns on the same "
        "database in the same process.\n\n"
        f"{table}\n\n"
        "- *Compliance*: the report's `compliance_report` (personnel.compliance."
        "compliance_table, rolled up by unit, plus who is behind) for the "
        "whole province, year "
        f"{YEAR}, the two default hour rules; SQL: one statement grouping hours "
        "by cadre and rolling up by unit with the same rules.\n"
        "- *Talent pool*: `pool_evaluate` for young enforcement cadres (≤ 35, "
        "≥ 60 h in 3 years, exam average ≥ 60, laws dimension ≥ 50) with the "
        "composite score and its breakdown; SQL: the same per-person "
        "aggregates (hours, current-revision exam average, recency-weighted "
        "dimension scores from `jsonb_each`, appraisals) in one statement.\n"
        "- Reproduce: `make bench-reports` (add `--keep` to reuse the data).\n"
    )
    DOCS.write_text(text[:start] + body + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
