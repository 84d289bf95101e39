"""Certificate benchmark (`make bench-certificates`).

On PostgreSQL (database certs_bench, rebuilt each run) with production
settings and two real Celery worker processes (Redis DB 4), it times:

1. naive: one WeasyPrint render per certificate, 50 certificates, in one
   process (the way a first implementation would do it);
2. issue: a class of 1,000 closing -- rows, serials and events in one
   transaction, then the frozen PDFs rendered by the workers in chunks
   (each chunk laid out once, written once, split into one file per
   certificate) and stored with their SHA-256;
3. print: a unit printing those 1,000 as one PDF -- a batch print job
   whose chunks are rendered by the workers and joined;
4. for comparison, joining the 1,000 stored frozen PDFs instead.

Prints certificates per second for each and rewrites the "Certificates"
section of docs/benchmarks.md. Worker start-up and WeasyPrint's one-off
font loading are warmed up before timing, as in a long-running worker.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench" / "certificates"
DOCS = ROOT / "docs" / "benchmarks.md"
DB_NAME = "certs_bench"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/4"
TARGETS = {"print_s": 10, "print_x": 8, "issue_s": 15, "issue_x": 5}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕䶮鑫淼"


def _environment(workers: int) -> dict[str, str]:
    shutil.rmtree(VAR / "media", ignore_errors=True)  # last run's ~0.5 GB
    VAR.mkdir(parents=True, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "training_site.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "CACHE_URL": "locmemcache://bench",
        "MEDIA_ROOT": str(VAR / "media"),
        "LOG_LEVEL": "WARNING",
        "BENCH_WORKERS": str(workers),
    }
    os.environ.update(env)
    return env


def _database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
    )


def _seed(count: int):
    """A unit, ``count`` cadres with Chinese names, a template with a seal."""
    import io
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from personnel.certificates.artwork import ASSETS
    from personnel.id_numbers import id_number_make
    from personnel.models import Cadre, CertificateTemplate, Unit

    rng = random.Random(2026)  # noqa: S311 - names for a benchmark
    root = Unit.add_root(name="甘肃省生态环境厅", code="GS", kind="department")
    unit = root.add_child(name="兰州市生态环境局", code="GS-LZ", kind="city")
    password = make_password("bench")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"b{i:05d}", password=password) for i in range(count)
    )
    Cadre.objects.bulk_create(
        Cadre(
            user=user,
            employee_no=f"B{i:05d}",
            unit=unit,
            gender="male",
            name=rng.choice(SURNAMES)
            + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
            id_number=id_number_make(
                region="620102",
                birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=i),
                sequence=(i * 2 + 1) % 1000,
            ),
            birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=i),
            education="bachelor",
            rank="level1_clerk",
            joined_on=dt.date(2010, 7, 1),
        )
        for i, user in enumerate(users)
    )
    seal = get_image_model().objects.create(
        title="seal",
        file=ImageFile(
            io.BytesIO((ASSETS / "demo-seal.png").read_bytes()), name="seal.png"
        ),
    )
    template = CertificateTemplate.objects.create(
        name="培训合格证书",
        title="培训合格证书",
        seal=seal,
        issuing_organisation="甘肃省生态环境厅",
        body=(
            "{name} 同志：\n于 {start_date} 至 {end_date} 参加{subject}，"
            "完成全部学习内容，共计 {hours} 学时，经考核成绩合格，特发此证。"
        ),
    )
    hr = get_user_model().objects.create_superuser("bench-hr", password="bench")  # noqa: S106
    return list(Cadre.objects.order_by("pk").values_list("pk", flat=True)), template, hr


def _worker(env: dict[str, str], processes: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "training_site",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(processes),
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--prefetch-multiplier",
            "1",
            "-n",
            "bench-certificates@%h",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=(VAR / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    from training_site.celery import app

    for _attempt in range(120):
        if app.control.ping(
            timeout=0.5, destination=["bench-certificates@" + platform.node()]
        ):
            return process
        time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"the Celery worker did not start: see {VAR / 'worker.log'}")


def _issue(template, cadre_ids, subject_id: str, hours="40"):
    from personnel.certificates.services import Award, certificates_issue_bulk

    awards = [
        Award(pk, dt.date(2026, 3, 20), Decimal(hours), None, dt.date(2026, 3, 16))
        for pk in cadre_ids
    ]
    return certificates_issue_bulk(
        template_id=template.pk,
        subject_type="class",
        subject_id=subject_id,
        subject_title="2026年全省生态环境执法能力提升培训班",
        awards=awards,
    )


def _wait(predicate, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the workers did not finish in time")
        time.sleep(0.05)


def _rendered(subject_id: str) -> int:
    from personnel.models import Certificate

    return Certificate.objects.filter(subject_id=subject_id).exclude(pdf="").count()


def _warm_up(template, cadre_ids, hr, processes: int) -> None:
    """Each worker process loads WeasyPrint and the fonts once."""
    from personnel.certificates.services import batch_print_create
    from personnel.models import BatchPrintJob

    time.sleep(5)  # worker processes load WeasyPrint and fonts as they start
    ids = cadre_ids[: processes * 2]
    _issue(template, ids, "warm-up")
    _wait(lambda: _rendered("warm-up") == len(ids))
    job = batch_print_create(user=hr, subject_query="warm-up")
    _wait(lambda: BatchPrintJob.objects.get(pk=job.pk).status == "done")


def _naive(count: int) -> float:
    from personnel.certificates import pdf
    from personnel.models import Certificate

    printed = [c.printed for c in Certificate.objects.filter(subject_id="main")[:count]]
    pdf.pdf_render_document(printed[:1])  # this process's own warm-up
    started = time.perf_counter()
    for facts in printed:
        pdf.pdf_render_document([facts])
    return time.perf_counter() - started


def _join_frozen(subject_id: str) -> tuple[float, int]:
    import io

    import pikepdf

    from personnel.models import Certificate

    started = time.perf_counter()
    output = pikepdf.new()
    sources = []
    for certificate in Certificate.objects.filter(subject_id=subject_id).order_by("pk"):
        with certificate.pdf.open("rb") as handle:
            source = pikepdf.open(io.BytesIO(handle.read()))
        sources.append(source)
        output.pages.extend(source.pages)
    buffer = io.BytesIO()
    output.save(buffer)
    return time.perf_counter() - started, len(buffer.getvalue())


def run(count: int, processes: int, naive_count: int) -> dict:
    load_before = os.getloadavg()[0]
    # How fast this machine runs Python (same loop as bench/exam.py), so that
    # runs on different days can be compared.
    begun = time.process_time()
    sum(i * i for i in range(10**7))
    calibration = time.process_time() - begun
    env = _environment(processes)
    _database()
    import django

    django.setup()
    from personnel.certificates.services import batch_print_create
    from personnel.models import BatchPrintJob

    cadre_ids, template, hr = _seed(count)
    worker = _worker(env, processes)
    try:
        _warm_up(template, cadre_ids, hr, processes)
        started = time.perf_counter()
        _issue(template, cadre_ids, "main")
        rows_s = time.perf_counter() - started
        _wait(lambda: _rendered("main") == count)
        issue_s = time.perf_counter() - started
        started = time.perf_counter()
        job = batch_print_create(user=hr, subject_query="main")
        _wait(lambda: BatchPrintJob.objects.get(pk=job.pk).status in ("done", "failed"))
        print_s = time.perf_counter() - started
        job = BatchPrintJob.objects.get(pk=job.pk)
        if job.status != "done":
            raise RuntimeError(f"batch print failed: {job.error}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    naive_s = _naive(naive_count)
    join_s, join_bytes = _join_frozen("main")
    from pypdf import PdfReader

    with job.output.open("rb") as handle:
        pages = len(PdfReader(handle).pages)
    return {
        "count": count,
        "load_before": load_before,
        "calibration": calibration,
        "processes": processes,
        "naive_count": naive_count,
        "naive_s": naive_s,
        "issue_s": issue_s,
        "rows_s": rows_s,
        "print_s": print_s,
        "print_pages": pages,
        "print_mb": job.output.size / 1e6,
        "join_s": join_s,
        "join_mb": join_bytes / 1e6,
    }


def report(r: dict) -> str:
    naive_rate = r["naive_count"] / r["naive_s"]
    issue_rate = r["count"] / r["issue_s"]
    print_rate = r["count"] / r["print_s"]
    join_rate = r["count"] / r["join_s"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    issue_x, print_x = issue_rate / naive_rate, print_rate / naive_rate
    issue_verdict = (
        f"time {verdict(r['issue_s'] < TARGETS['issue_s'])}, "
        f"ratio {verdict(issue_x >= TARGETS['issue_x'])}"
    )
    print_verdict = (
        f"time {verdict(r['print_s'] < TARGETS['print_s'])}, "
        f"ratio {verdict(print_x >= TARGETS['print_x'])}"
    )
    n = r["count"]
    lines = [
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on "
        f"{os.cpu_count()} cores, PostgreSQL, {r['processes']} Celery worker "
        "processes (prefork), Noto Serif CJK SC, a seal image and a QR code on "
        "every certificate, A4 landscape. Load average when the run started: "
        f"{r['load_before']:.1f}, when it ended: {os.getloadavg()[0]:.1f} "
        "(other work on the machine slows every row, the naive one included). "
        "Speed of this machine: a pure-Python loop summing 10⁷ squares took "
        f"{r['calibration']:.2f} s of CPU.",
        "",
        "| what | certificates | time | certificates/s | vs naive |",
        "|---|---:|---:|---:|---:|",
        f"| naive: one WeasyPrint render each (1 process) | {r['naive_count']} | "
        f"{r['naive_s']:.1f} s | {naive_rate:.1f} | 1.0× |",
        f"| issue a class of {n:,} (rows + frozen PDFs stored) | {n:,} | "
        f"{r['issue_s']:.1f} s | {issue_rate:.1f} | {issue_rate / naive_rate:.1f}× |",
        f"| … of which rows, serials, events (one transaction) | {n:,} | "
        f"{r['rows_s']:.2f} s | | |",
        f"| batch print {n:,} as one PDF ({r['print_pages']} pages, "
        f"{r['print_mb']:.1f} MB) | {n:,} | {r['print_s']:.1f} s | "
        f"{print_rate:.1f} | {print_rate / naive_rate:.1f}× |",
        f"| (compared) join the {n:,} stored frozen PDFs, 1 process "
        f"({r['join_mb']:.0f} MB) | {n:,} | {r['join_s']:.1f} s | {join_rate:.1f} | "
        f"{join_rate / naive_rate:.1f}× |",
        "",
        f"- Issuing target (< {TARGETS['issue_s']} s and ≥ {TARGETS['issue_x']}× "
        f"naive): **{issue_verdict}**.",
        f"- Batch print target (< {TARGETS['print_s']} s and ≥ {TARGETS['print_x']}× "
        f"naive): **{print_verdict}**.",
    ]
    return "\n".join(lines)


def docs_update(text: str) -> None:
    heading = "## Certificates (`make bench-certificates`)"
    content = DOCS.read_text(encoding="utf-8")
    start = content.index(heading) + len(heading)
    end = content.find("\n## ", start)
    end = len(content) if end == -1 else end
    marker_start = "<!-- bench-certificates:start -->"
    marker_end = "<!-- bench-certificates:end -->"
    section = content[start:end]
    block = f"{marker_start}\n{text}\n{marker_end}"
    if marker_start in section:
        before, rest = section.split(marker_start, 1)
        after = rest.split(marker_end, 1)[1]
        section = before + block + after
    else:
        section = f"\n\n{block}\n\n"
    DOCS.write_text(content[:start] + section + content[end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--naive", type=int, default=50)
    parser.add_argument("--no-docs", action="store_true")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    result = run(arguments.count, arguments.processes, arguments.naive)
    text = report(result)
    print(text)
    if not arguments.no_docs:
        docs_update(text)


if __name__ == "__main__":
    main()
