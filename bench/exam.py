"""Exam-day benchmark (`make bench-exam`): see bench/README.md.

Builds its own PostgreSQL database (bench_exam), migrates it with
production settings (bench.settings), seeds candidates, an exam and
signed-in sessions, serves the project with gunicorn pinned to core 0 and
drives it with locust pinned to core 1, all on 127.0.0.1. Phases:

1. saturation: a bare Django JSON view, then answer saves, same load;
2. start spike: 1,000 candidates press Start in the same second;
3. capacity: candidates saving every 60 s, stepped up until p95 > 500 ms
   or an error;
4. faults: a gunicorn worker is SIGKILLed and Redis restarted during a run,
   then every acknowledged save and submit is checked in the database.

Prints a summary and writes it to docs/benchmarks.md ("Exam day").
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench" / "exam"
LOCUSTFILE = ROOT / "bench" / "locustfile_exam.py"
DOCS = ROOT / "docs" / "benchmarks.md"
PY = sys.executable
DB_NAME = "bench_exam"
# Start answers with the paper page, which names its own URL.
PAPER_URL = re.compile(r'data-paper-url="(/exams/attempts/\d+/)"')
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_DB = 3
SHARED_REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
    "--port", "6379", "--save", "", "--appendonly", "no",
    "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
# Ahead of whatever else the machine runs on the two pinned cores; no
# effect on an idle machine.
NICE = -5
TARGETS = {
    "ratio": 0.5,
    "capacity": 3000,
    "spike_p95_ms": 2000,
    "capacity_p95_ms": 500,
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--port", type=int, default=8765)
    # gunicorn has one core here (core 0): one process, four threads (the
    # threads overlap the waits on PostgreSQL and Redis). More processes on
    # one core only take turns on it and each keeps its own caches cold:
    # in the Start spike (session 8, 1,000 Starts) gunicorn's CPU per Start
    # was 2.3 ms with 3 x 4, 2.3 ms with 2 x 4, 2.0 ms with 2 x 2 and
    # 1.7-2.1 ms with 1 x 4 (1 x 6: 2.3 ms, 1 x 8: 2.1 ms). With one worker
    # the fault phase's SIGKILL takes the whole server down until the master
    # forks another (the harder case for "no acknowledged answer lost").
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn's (to compare)"
    )
    parser.add_argument("--saturation-users", type=int, default=40)
    parser.add_argument("--saturation-seconds", type=int, default=60)
    parser.add_argument("--spike", type=int, default=1000)
    parser.add_argument(
        "--levels", default="500,1000,2000,3000,4000,5000,6000",
        help="capacity steps (candidates)",
    )  # fmt: skip
    parser.add_argument("--hold", type=int, default=65, help="seconds per step")
    parser.add_argument("--spawn-rate", type=float, default=30)
    parser.add_argument("--fault-users", type=int, default=100)
    parser.add_argument(
        "--redis-port", type=int, default=6390,
        help="6390: a private redis-server the bench starts and restarts; "
        "6379: the machine's shared Redis (restarted too!)",
    )  # fmt: skip
    parser.add_argument(
        "--phases", default="saturation,spike,capacity,faults",
        help="comma-separated subset to run (docs are written only for all)",
    )  # fmt: skip
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    args.phases = set(args.phases.split(","))
    if args.phases != {"saturation", "spike", "capacity", "faults"}:
        args.no_docs = True
    if args.quick:
        args.saturation_seconds, args.spike, args.hold = 10, 200, 20
        args.levels, args.fault_users, args.no_docs = "200,400", 30, True
    return args


# --- services ---------------------------------------------------------------


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


class Redis:
    """The broker/cache; a private instance unless --redis-port 6379."""

    def __init__(self, port: int):
        self.port = port
        self.shared = port == 6379

    def command(self) -> list[str]:
        if self.shared:
            return SHARED_REDIS_START
        return [
            "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
            "--port", str(self.port), "--save", "", "--appendonly", "no",
            "--dir", str(VAR), "--logfile", str(VAR / "redis.log"),
        ]  # fmt: skip

    def ping(self) -> bool:
        done = subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(self.port), "ping"],  # noqa: S607
            capture_output=True,
            text=True,
        )
        return done.stdout.strip() == "PONG"

    def start(self) -> None:
        if not self.ping():
            _run(self.command())
        _wait(self.ping, seconds=10, what="redis")

    def shutdown(self) -> None:
        subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],  # noqa: S607
            capture_output=True,
        )

    def stop(self) -> None:
        if not self.shared:
            self.shutdown()


def _which(program: str) -> str:
    return shutil.which(program) or program


def _wait(check, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {seconds} s")


def _environment(args) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{args.redis_port}/{REDIS_DB}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "PYTHONPATH": str(ROOT),
    }


def database_recreate() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')


class Gunicorn:
    """The project under gunicorn, pinned to core 0."""

    def __init__(self, args):
        self.args = args
        self.url = f"http://127.0.0.1:{args.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        log = open(VAR / "gunicorn.log", "w")  # noqa: SIM115
        command = (
            f"{_which('taskset')} -c 0 {_which('nice')} -n {NICE} "
            f"{Path(PY).parent / 'gunicorn'} -c python:training_site.gunicorn_conf "
            f"training_site.wsgi:application --bind 127.0.0.1:{self.args.port} "
            f"--workers {self.args.workers} --worker-class {self.args.worker_class} "
            f"--threads {self.args.threads} --backlog 4096 --keep-alive 5 "
            "--timeout 60 --graceful-timeout 10 --log-level warning"
        )
        self.process = subprocess.Popen(  # noqa: S603
            command.split(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait(self.ready, seconds=60, what="gunicorn")
        return self

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/bench/bare/", timeout=2) as reply:  # noqa: S310
                return reply.status == 200
        except OSError:
            return False

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers."""
        import psutil

        total = 0.0
        master = psutil.Process(self.process.pid)
        for process in [master, *master.children()]:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    def workers(self) -> list[int]:
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def kill_one_worker(self) -> int:
        victim = self.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class CeleryWorker:
    """One solo Celery worker on core 0 beside gunicorn, as in production."""

    def __enter__(self):
        log = open(VAR / "celery.log", "w")  # noqa: SIM115
        command = (
            f"{_which('taskset')} -c 0 {_which('nice')} -n {NICE} "
            f"{Path(PY).parent / 'celery'} -A training_site worker --pool solo "
            "--without-gossip --without-mingle --without-heartbeat "
            "--loglevel warning"
        )
        self.process = subprocess.Popen(  # noqa: S603
            command.split(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- locust ---------------------------------------------------------------


def locust_run(
    tag,
    user_class,
    *,
    url,
    users=0,
    rate=1,
    seconds=30,
    env=None,
    during=None,
    server=None,
):  # noqa: E501
    """Run one locust class headless on core 1; return its files (and, given
    the server, the CPU seconds its processes used meanwhile)."""
    prefix = VAR / tag
    files = {
        "csv": prefix,
        "events": VAR / f"{tag}_events.csv",
        "acks": VAR / f"{tag}_acks.jsonl",
    }
    for name in ("events", "acks"):
        files[name].unlink(missing_ok=True)
    cmd = [
        "taskset", "-c", "1", "nice", "-n", str(NICE), PY, "-m", "locust",
        "-f", str(LOCUSTFILE),
        "--headless", "--host", url, "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--stop-timeout", "15", "-t", f"{seconds}s",
    ]  # fmt: skip
    if users:
        cmd += ["-u", str(users), "-r", str(rate)]
    environment = {
        **os.environ,
        "BENCH_EVENTS_FILE": str(files["events"]),
        "BENCH_ACKS_FILE": str(files["acks"]),
        **(env or {}),
    }
    before = cpu_times()
    server_before = server.cpu_seconds() if server else 0.0
    with open(VAR / f"{tag}_locust.log", "w") as log:
        process = subprocess.Popen(  # noqa: S603
            [*cmd, user_class], cwd=ROOT, env=environment, stdout=log, stderr=log
        )
        if during:
            during(process)
        process.wait(timeout=seconds + 120)
    files["cpu"] = cpu_busy(before, cpu_times())
    if server:
        files["server_cpu"] = server.cpu_seconds() - server_before
    files["cpu"] += f"; load average {os.getloadavg()[0]:.1f}"
    return files


def cpu_times() -> dict[str, tuple[int, int]]:
    """{"cpu0": (busy, total), ...} jiffies from /proc/stat."""
    times = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name != "cpu":
            numbers = [int(v) for v in values[:8]]
            idle = numbers[3] + numbers[4]
            times[name] = (sum(numbers) - idle, sum(numbers))
    return times


def cpu_busy(before: dict, after: dict) -> str:
    """ "core 0 97%, core 1 41%" between two cpu_times() readings."""
    parts = []
    for name, (busy, total) in sorted(after.items()):
        old_busy, old_total = before.get(name, (0, 0))
        share = (busy - old_busy) / max(1, total - old_total)
        parts.append(f"core {name[3:]} {share:.0%}")
    return ", ".join(parts)


def locust_stats(prefix: Path) -> dict[str, dict]:
    """Rows of locust's <prefix>_stats.csv by request name."""
    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["Name"]: {
            "count": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": _number(row["50%"]),
            "p95": _number(row["95%"]),
            "p99": _number(row["99%"]),
        }
        for row in rows
    }


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def events_read(path: Path) -> list[tuple[float, str, float, bool]]:
    if not path.exists():
        return []
    rows = []
    with path.open() as handle:
        for line in handle:
            end, name, ms, ok = line.rstrip("\n").rsplit(",", 3)
            rows.append((float(end), name, float(ms), ok == "1"))
    return rows


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def acks_read(paths: list[Path]) -> tuple[list[dict], set[int]]:
    saves, submits = [], set()
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if "submit" in record:
                submits.add(record["submit"])
            else:
                saves.append(record)
    return saves, submits


# --- setup ------------------------------------------------------------------


def django_ready() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def exam_endpoints_exist() -> bool:
    from django.urls import Resolver404, resolve

    try:
        return all(
            resolve(path).namespace == "assessments"
            for path in (
                "/exams/1/start/",
                "/exams/attempts/1/answers/",
                "/exams/attempts/1/state/",
                "/exams/attempts/1/submit/",
            )
        )
    except Resolver404:
        return False


def seed(args) -> dict:
    """Candidates in pools, one exam, sessions; writes the users file."""
    from bench import exam_data

    levels = [int(n) for n in args.levels.split(",")]
    sizes = {
        "save": args.saturation_users,
        "spike": args.spike,
        "capacity": max(levels),
        "fault": args.fault_users,
        "probe": 26,
    }
    users = exam_data.candidates_create(count=sum(sizes.values()))
    credentials = exam_data.sessions_create(users)
    pools, start = {}, 0
    for pool, size in sizes.items():
        pools[pool] = credentials[start : start + size]
        start += size
    (VAR / "users.json").write_text(json.dumps(pools))
    exam = exam_data.exam_create()
    fault_exam = exam_data.exam_create(
        title="2026年度生态环境监测岗位练兵考试", paper=exam_data.AUTO_PAPER
    )
    (VAR / "catalogue.json").write_text(json.dumps(exam_data.catalogue()))
    by_pk = {user.pk: user for user in users}
    for pool, its_exam in (("save", exam), ("capacity", exam), ("fault", fault_exam)):
        exam_data.attempts_predraw(
            exam=its_exam, users=[by_pk[entry["user"]] for entry in pools[pool]]
        )
    # The exam-day exam draws papers in advance, as a trainer sets a large
    # exam: everyone without an attempt yet (the spike's and the probe's
    # candidates) gets a paper; the probe's first six draw theirs at Start.
    prepared = exam_data.papers_prepare(
        exam=exam, drawn_at_start=[entry["user"] for entry in pools["probe"][:6]]
    )
    return {
        "exam": exam.pk,
        "fault_exam": fault_exam.pk,
        "candidates": len(users),
        "probe": pools["probe"],
        "prepared": prepared,
    }


def _exam_env(pool: str, exam_id: int) -> dict[str, str]:
    return {
        "BENCH_POOL": pool,
        "BENCH_EXAM_ID": str(exam_id),
        "BENCH_USERS_FILE": str(VAR / "users.json"),
        "BENCH_CATALOGUE_FILE": str(VAR / "catalogue.json"),
    }


def request_costs(exam_id: int, probe: list[dict]) -> dict[str, dict]:
    """CPU milliseconds and SQL queries per request, one process, no load.

    Django's test client in this process, so the figures show what each
    request costs the server apart from network and concurrency.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench.exam_paper import answer_for, paper_items

    clients = []
    for entry in probe:
        clients.append(Client(HTTP_HOST="127.0.0.1"))
        clients[-1].force_login(
            get_user_model().objects.get(pk=entry["user"]),
            backend=settings.AUTHENTICATION_BACKENDS[-1],
        )
        # A first request puts the user in the cache, as the seeding does for
        # every candidate of the load phases (a signed-in candidate on an
        # exam day): the costs below are not a first sign-in's.
        clients[-1].get("/exams/")
    client, others, prepared = clients[0], iter(clients[1:6]), iter(clients[6:])
    calls = {"statements": 0}

    def count(execute, sql, params, many, context):
        calls["statements"] += 1
        return execute(sql, params, many, context)

    def measure(request, repeat=20):
        calls["statements"] = 0
        begun = time.process_time()
        with connection.execute_wrapper(count):
            for _ in range(repeat):
                reply = request()
        return reply, {
            "cpu_ms": (time.process_time() - begun) * 1000 / repeat,
            "queries": calls["statements"] / repeat,
        }

    start = f"/exams/{exam_id}/start/"
    costs: dict[str, dict] = {}
    _reply, costs["Start, drawing the paper"] = measure(
        lambda: next(others).post(start), 5
    )
    opened = []

    def paper_url(reply) -> str:
        return PAPER_URL.search(reply.content.decode()).group(1)

    def start_prepared():
        candidate = next(prepared)
        reply = candidate.post(start)
        opened.append((candidate, paper_url(reply)))
        return reply

    _reply, costs["Start, prepared paper (answered with the paper)"] = measure(
        start_prepared, len(clients) - 6
    )
    first_loads = iter(opened)
    _reply, costs["paper page again, nothing answered yet"] = measure(
        lambda: (lambda pair: pair[0].get(pair[1]))(next(first_loads)),
        len(opened),
    )
    paper = paper_url(client.post(start))
    _reply, costs["Start again (resume)"] = measure(lambda: client.post(start))
    _reply, costs["paper page (50 questions)"] = measure(lambda: client.get(paper))
    reply, costs["state"] = measure(lambda: client.get(paper + "state/"))
    # As paper.js does: saves and resyncs carry the attempt key.
    keyed = {"X-Attempt-Key": reply.json()["key"]}
    _reply, costs["clock"] = measure(
        lambda: client.get(paper + "clock/", headers=keyed)
    )
    catalogue = json.loads((VAR / "catalogue.json").read_text())
    item = paper_items(reply.json(), catalogue)[0]
    sequence = iter(range(1, 1000))

    def save():
        body = {"question": item["question"], "response": answer_for(item)}
        body["seq"] = next(sequence)
        return client.post(
            paper + "answers/", body, content_type="application/json", headers=keyed
        )

    _reply, costs["answer save"] = measure(save)
    _reply, costs["bare view"] = measure(lambda: client.get("/bench/bare/"))
    return costs


# --- phases -----------------------------------------------------------------


def steady_throughput(events_file: Path, name: str, after: tuple = ()) -> float:
    """Requests of ``name`` a second, counted from the moment every user has
    made its first requests (``after``: each save user first presses Start
    and loads the state) to the last request: the closed loop at full
    strength, without the ramp."""
    events = events_read(events_file)
    ends = sorted(end for end, n, _ms, ok in events if n == name and ok)
    if len(ends) < 2:
        return 0.0
    begin = max((end for end, n, _ms, _ok in events if n in after), default=ends[0])
    counted = [end for end in ends if end > begin]
    return len(counted) / (ends[-1] - begin) if counted else 0.0


def phase_saturation(args, url: str, exam_id: int | None) -> dict:
    users, seconds = args.saturation_users, args.saturation_seconds
    bare = locust_run(
        "bare", "BareUser", url=url, users=users, rate=users, seconds=seconds
    )
    figures = {"bare": locust_stats(bare["csv"]).get("bare"), "cpu": {}}
    figures["cpu"]["bare"] = bare["cpu"]
    if figures["bare"]:
        figures["bare"]["rps"] = steady_throughput(bare["events"], "bare")
    if exam_id:
        save = locust_run(
            "save", "SaveUser", url=url, users=users, rate=users, seconds=seconds,
            env=_exam_env("save", exam_id),
        )  # fmt: skip
        figures["save"] = locust_stats(save["csv"]).get("save")
        figures["cpu"]["save"] = save["cpu"]
        if figures["save"]:
            figures["save"]["rps"] = steady_throughput(
                save["events"], "save", after=("start", "state")
            )
    return figures


def phase_spike(args, server, exam_id: int) -> dict:
    # The floor first: the same arrival (a new connection each, all within
    # one second) on the bare view, which does nothing but answer.
    bare = locust_run(
        "arrival", "BareArrivalUser", url=server.url, users=args.spike,
        rate=args.spike, seconds=20, server=server,
    )  # fmt: skip
    files = locust_run(
        "spike", "SpikeUser", url=server.url, users=args.spike, rate=args.spike,
        seconds=30 if args.quick else 150, env=_exam_env("spike", exam_id),
        server=server,
    )  # fmt: skip
    stats = locust_stats(files["csv"])
    events = [e for e in events_read(files["events"]) if e[1] == "start"]
    last_start = max((end for end, _n, _ms, _ok in events), default=0.0)
    first = min((end - ms / 1000 for end, _n, ms, _ok in events), default=0.0)
    return {
        "users": args.spike,
        "start": stats.get("start"),
        "bare": locust_stats(bare["csv"]).get("bare arrival"),
        "server_ms": {
            "start": files["server_cpu"] * 1000 / args.spike,
            "bare": bare["server_cpu"] * 1000 / args.spike,
        },
        "all_started_in": last_start - first,
        "cpu": files["cpu"],
    }


def phase_capacity(args, url: str, exam_id: int) -> dict:
    levels = [int(n) for n in args.levels.split(",")]
    seconds = int(len(levels) * (args.hold + 2) + max(levels) / args.spawn_rate)
    files = locust_run(
        "capacity", "CandidateUser", url=url, seconds=seconds + 30,
        env={**_exam_env("capacity", exam_id), "BENCH_LEVELS": args.levels,
             "BENCH_HOLD": str(args.hold), "BENCH_SPAWN_RATE": str(args.spawn_rate)},
    )  # fmt: skip
    steps = _capacity_steps(files["events"], VAR / "capacity_locust.log")
    held = max((step["users"] for step in steps if step["ok"]), default=0)
    return {"steps": steps, "held": held, "cpu": files["cpu"], "rate": args.spawn_rate}


def _capacity_steps(events_file: Path, log: Path) -> list[dict]:
    """Each step the shape finished: users, its last minute's p95 and errors."""
    events = events_read(events_file)
    steps = []
    for line in log.read_text().splitlines() if log.exists() else []:
        if not line.startswith("capacity step "):
            continue
        words = line.split()
        users, ended = int(words[2]), float(words[5])
        window = [(ms, ok) for end, _n, ms, ok in events if ended - 60 <= end <= ended]
        steps.append(
            {
                "users": users,
                "ok": words[-1] == "ok",
                "requests": len(window),
                "p95": percentile([ms for ms, _ok in window], 0.95),
                "errors": sum(1 for _ms, ok in window if not ok),
            }
        )
    return steps


def phase_faults(args, url: str, exam_id: int, server: Gunicorn, redis: Redis):
    timeline: list[str] = []

    def inject(process):
        # Submits come 37-50 s in: the Redis outage overlaps them, so the
        # result's Celery hand-off meets a missing broker.
        time.sleep(15)
        timeline.append(
            f"t=15 s: SIGKILL to gunicorn worker {server.kill_one_worker()}"
        )
        time.sleep(23)
        redis.shutdown()
        timeline.append("t=38 s: `redis-cli shutdown nosave` (Redis down, data gone)")
        time.sleep(7)
        redis.start()
        timeline.append("t=45 s: Redis started again")

    files = locust_run(
        "fault", "FaultUser", url=url, users=args.fault_users,
        rate=args.fault_users, seconds=90, during=inject,
        env={**_exam_env("fault", exam_id), "BENCH_PHASE_START": str(time.time())},
    )  # fmt: skip
    stats = locust_stats(files["csv"])
    failures = sum(
        row["failures"] for name, row in stats.items() if name != "Aggregated"
    )
    return {"timeline": timeline, "failures": failures, "users": args.fault_users}


def machine() -> dict[str, str]:
    from importlib.metadata import version

    import django

    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    redis = (
        subprocess.run(  # noqa: S603
            [_which("redis-server"), "--version"], capture_output=True, text=True
        )
        .stdout.split()[2]
        .removeprefix("v=")
    )
    # How fast this machine runs Python, to compare runs across machines.
    begun = time.process_time()
    sum(i * i for i in range(10**7))
    calibration = time.process_time() - begun
    return {
        "calibration": f"{calibration:.2f} s",
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "software": f"Python {platform.python_version()}, Django {django.__version__}, "
        f"gunicorn {version('gunicorn')}, locust {version('locust')}, "
        f"PostgreSQL {postgres}, Redis {redis}",
    }


def _ms(value) -> str:
    return "–" if value is None or value != value else f"{value:,.0f} ms"


def _row(name: str, stats: dict | None) -> str:
    if not stats:
        return f"| {name} | not run | | | | |"
    return (
        f"| {name} | {stats['rps']:,.0f}/s | {_ms(stats['p50'])} | "
        f"{_ms(stats['p95'])} | {_ms(stats['p99'])} | "
        f"{stats['failures']} of {stats['count']} |"
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(args, figures: dict) -> str:
    """The Markdown section for docs/benchmarks.md (also printed)."""
    machine_ = figures["machine"]
    lines = [
        f"Measured {figures['when']} on {machine_['cpu']}, {machine_['memory']}; "
        f"{machine_['software']}. gunicorn {args.workers} {args.worker_class} "
        f"workers × "
        f"{args.threads} threads (and, for the fault phase, one solo Celery "
        "worker) pinned to core 0, locust (FastHttpUser) pinned to core 1, both "
        f"at nice {NICE}; PostgreSQL and Redis unpinned on the same machine, all on "
        "127.0.0.1; production settings (`bench.settings`: production over "
        f"plain HTTP); {figures.get('candidates', 0):,} candidates, one exam "
        "with a 50-question paper drawn per candidate from a 200-question bank. "
        "Speed of this machine: a pure-Python loop summing 10⁷ squares took "
        f"{machine_.get('calibration', '?')} of CPU.",
        "",
        "Command: `make bench-exam` (runs `.venv/bin/python bench/exam.py"
        + (" --quick" if args.quick else "")
        + "`; about 20 minutes). Raw CSVs and logs: `var/bench/exam/`.",
        "",
    ]
    parts = (
        _report_costs,
        _report_saturation,
        _report_spike,
        _report_capacity,
        _report_faults,
        _report_notes,
    )
    for part in parts:
        lines += part(figures)
    return "\n".join(lines) + "\n"


def _report_costs(figures: dict) -> list[str]:
    costs = figures.get("costs")
    if not costs:
        return []
    return [
        "### Cost of one request (one process, no load)",
        "",
        "Each candidate has made one request before (its user is in the cache, "
        "as for the candidates of the load phases).",
        "",
        "| request | CPU | SQL queries (without BEGIN/COMMIT) |",
        "|---|---|---|",
        *(
            f"| {name} | {cost['cpu_ms']:.1f} ms | {cost['queries']:.0f} |"
            for name, cost in costs.items()
        ),
        "",
    ]


def _report_saturation(figures: dict) -> list[str]:
    sat = figures.get("saturation")
    if not sat:
        return []
    lines = [
        "### Answer saves at saturation",
        "",
        "Closed loop, no think time, the same number of users for both rows; "
        "throughput counted once every user is in the loop (a save user first "
        "presses Start and loads the state, which the bare user has no need "
        "of), latencies over the whole run.",
        "",
        "| request | throughput | p50 | p95 | p99 | failed |",
        "|---|---|---|---|---|---|",
        _row("bare Django view (small JSON)", sat.get("bare")),
        _row("answer save", sat.get("save")),
        "",
        f"CPU: bare run {sat['cpu'].get('bare')}; save run {sat['cpu'].get('save')}.",
    ]
    if sat.get("save") and sat.get("bare"):
        ratio = sat["save"]["rps"] / sat["bare"]["rps"]
        lines += [
            "",
            f"- save / bare throughput: **{ratio:.2f}** (target ≥ "
            f"{TARGETS['ratio']}: {_verdict(ratio >= TARGETS['ratio'])}).",
        ]
    elif not sat.get("save"):
        lines += ["", "The exam endpoints were not there yet: only the bare view ran."]
    return lines + [""]


def _report_spike(figures: dict) -> list[str]:
    spike = figures.get("spike")
    if not spike:
        return []
    start = spike.get("start") or {}
    failed = start.get("failures", 0)
    ok = failed == 0 and start.get("p95", 1e9) < TARGETS["spike_p95_ms"]
    prepared = figures.get("prepared") or {}
    return [
        f"### Start spike: {spike['users']:,} candidates press Start in one second",
        "",
        "The exam draws papers in advance (`prepare_papers`): the worker drew "
        f"{prepared.get('count', 0):,} papers in {prepared.get('seconds', 0):.0f} s "
        "before the exam day, so each Start opens its candidate's paper in one "
        "statement. An exam without it draws at Start (see the cost table).",
        "",
        "| request | throughput | p50 | p95 | p99 | failed |",
        "|---|---|---|---|---|---|",
        _row("Start (POST → the paper page)", spike.get("start")),
        _row("reference: bare view, the same arrival", spike.get("bare")),
        "",
        f"- the last Start was answered {spike['all_started_in']:.0f} s after "
        f"the first was sent; CPU {spike['cpu']}.",
        *_spike_server(spike),
        *_spike_floor(figures.get("costs"), spike["users"]),
        f"- target zero errors and p95 < 2 s: {_verdict(ok)}.",
        "",
    ]


def _spike_server(spike: dict) -> list[str]:
    """gunicorn's CPU per request, measured during each run."""
    used = spike.get("server_ms")
    if not used:
        return []
    return [
        f"- gunicorn's CPU (master and workers, core 0) per request during the "
        f"runs: {used['start']:.1f} ms per Start, {used['bare']:.1f} ms per "
        "bare request on a new connection (the arrival itself: accepting the "
        "connection, parsing, the middleware, answering).",
    ]


def _spike_floor(costs: dict | None, users: int) -> list[str]:
    """What one core needs for the spike, from the cost table alone."""
    name = "Start, prepared paper (answered with the paper)"
    if not costs or name not in costs:
        return []
    start = costs[name]["cpu_ms"]
    return [
        f"- floor, from the cost table (not a measurement): a Start, answered "
        f"with the paper, costs {start:.1f} ms of CPU in the application, so "
        f"{users:,} candidates need at least {users * start / 1000:.1f} s of "
        "one core before HTTP and PostgreSQL.",
    ]


def _report_capacity(figures: dict) -> list[str]:
    capacity = figures.get("capacity")
    if not capacity:
        return []
    held = capacity["held"]
    return [
        "### Capacity: candidates saving every 60 s, changing page every 3 min",
        "",
        "Candidates in the middle of the exam, as `paper.js` behaves: the "
        "clock (countdown resync) every 60 s, a save every 60 s, and a full "
        "reload of the paper every 3 minutes (a page change counted as the "
        "costly case). Each step adds "
        f"candidates at {figures['capacity']['rate']:.0f}/s and is judged on "
        "its last minute.",
        "",
        "| candidates | requests in the last minute | p95 | errors | verdict |",
        "|---|---|---|---|---|",
        *(
            f"| {s['users']:,} | {s['requests']:,} | {_ms(s['p95'])} | "
            f"{s['errors']} | {'ok' if s['ok'] else 'failed'} |"
            for s in capacity["steps"]
        ),
        "",
        f"- held: **{held:,}** candidates (target ≥ {TARGETS['capacity']:,}: "
        f"{_verdict(held >= TARGETS['capacity'])}); CPU {capacity['cpu']}.",
        *_capacity_estimate(figures.get("costs")),
        "",
    ]


def _capacity_estimate(costs: dict | None) -> list[str]:
    """Candidates one idle core could serve, from the cost table alone."""
    if not costs:
        return []
    per_minute = (
        costs["clock"]["cpu_ms"]
        + costs["answer save"]["cpu_ms"]
        + costs["paper page (50 questions)"]["cpu_ms"] / 3
    )
    return [
        f"- estimate, not a measurement: a candidate costs the application "
        f"{per_minute:.0f} ms of CPU a minute (1 clock, 1 save, 1/3 paper), "
        f"so one idle core would serve about {60_000 / per_minute:,.0f} "
        "candidates before PostgreSQL's own share.",
    ]


def _report_faults(figures: dict) -> list[str]:
    faults, checks = figures.get("faults"), figures.get("checks")
    if not faults or not checks:
        return []
    archive = figures.get("archive", {})
    ok = (
        checks["lost"] == 0
        and checks["results_missing"] == 0
        and checks["results_extra"] == 0
        and archive.get("archive_missing") == 0
        and archive.get("archive_extra") == 0
    )
    return [
        f"### Faults: {faults['users']} candidates saving every second, then "
        "submitting",
        "",
        "A machine-graded exam (results are final at submit and posted to the "
        "training archive by a Celery worker running beside gunicorn).",
        "",
        *(f"- {event}" for event in faults["timeline"]),
        f"- requests that failed during the run: {faults['failures']} (a client "
        "retries; a save without an acknowledgement is not counted as lost).",
        f"- acknowledged saves (all phases) checked in the database: "
        f"{checks['acknowledged']:,}; **lost: {checks['lost']}**.",
        f"- submitted attempts: {checks['submitted']}; without a result: "
        f"{checks['results_missing']}; with more than one: "
        f"{checks['results_extra']}; still open: {checks['still_open']}.",
        f"- training archive (personnel), after the Celery worker had up to 60 s "
        f"to drain: submitted attempts without an archive record: "
        f"**{archive.get('archive_missing')}**; with more than one: "
        f"{archive.get('archive_extra')}.",
        f"- target zero lost answers, exactly one result per submitted attempt: "
        f"{_verdict(ok)}.",
        "",
    ]


def _report_notes(figures: dict) -> list[str]:
    notes = []
    # The load during the run is mostly the benchmark's own; what was there
    # before it started is other work.
    if figures.get("load_before", 0) > 1.5:
        notes.append(
            f"The machine was busy when this run started (load average "
            f"{figures['load_before']:.1f}; it has 2 cores): throughput, "
            "latency and capacity figures are lower bounds for a dedicated "
            "server. The cost table and the fault checks do not depend on that."
        )
    if figures.get("archive", {}).get("archive_missing"):
        notes.append(
            "Results submitted while Redis was down have a Result row but never "
            "reach the training archive: the hand-off is a Celery task sent from "
            "`transaction.on_commit(..., robust=True)`, which logs the broker "
            "error and drops the task, and nothing re-sends it later. A "
            "periodic sweep that posts final results without an archive record "
            "(or an outbox row written in the same transaction) would close it."
        )
    if not notes:
        return []
    return ["### Notes", "", *(f"- {note}" for note in notes), ""]


def docs_write(section: str) -> None:
    """Replace the body of '## Exam day' in docs/benchmarks.md."""
    text = DOCS.read_text()
    start = text.index("## Exam day")
    body_start = text.index("\n", start) + 1
    following = text.find("\n## ", body_start)
    end = following + 1 if following != -1 else len(text)
    DOCS.write_text(text[:body_start] + "\n" + section + "\n" + text[end:])


# --- main -------------------------------------------------------------------


def run(args, redis: Redis) -> dict:
    database_recreate()
    django_ready()
    figures: dict = {"when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}
    figures["load_before"] = os.getloadavg()[0]
    figures["machine"] = machine()
    ready = exam_endpoints_exist()
    seeded = seed(args) if ready else {"exam": None, "candidates": 0}
    figures["candidates"] = seeded["candidates"]
    figures["prepared"] = seeded.get("prepared")
    (ROOT / "var" / "bench" / "static").mkdir(parents=True, exist_ok=True)
    if ready:
        figures["costs"] = request_costs(seeded["exam"], seeded["probe"])
    with Gunicorn(args) as server:
        if "saturation" in args.phases:
            print("phase: saturation", flush=True)
            figures["saturation"] = phase_saturation(args, server.url, seeded["exam"])
        if not ready:
            return figures
        if "spike" in args.phases:
            print("phase: start spike", flush=True)
            figures["spike"] = phase_spike(args, server, seeded["exam"])
        if "capacity" in args.phases:
            print("phase: capacity", flush=True)
            figures["capacity"] = phase_capacity(args, server.url, seeded["exam"])
        if "faults" in args.phases:
            print("phase: faults", flush=True)
            with CeleryWorker():
                figures["faults"] = phase_faults(
                    args, server.url, seeded["fault_exam"], server, redis
                )
                figures["archive"] = archive_drained()
    from bench import exam_data

    saves, submits = acks_read(
        [VAR / f"{tag}_acks.jsonl" for tag in ("save", "capacity", "fault")]
    )
    figures["checks"] = exam_data.acknowledged_check(saves=saves, submits=submits)
    return figures


def archive_drained(seconds: float = 60) -> dict:
    """Wait (bounded) for the worker to post results; return the check."""
    from bench import exam_data

    _saves, submits = acks_read([VAR / "fault_acks.jsonl"])
    deadline = time.monotonic() + seconds
    while True:
        check = exam_data.archive_check(submits=submits)
        if check["archive_missing"] == 0 or time.monotonic() > deadline:
            return check
        time.sleep(2)


def main() -> int:
    args = _arguments()
    if shutil.which("taskset") is None or shutil.which("redis-server") is None:
        print("bench-exam needs taskset and redis-server on this machine")
        return 2
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    os.environ.update(_environment(args))
    sys.path.insert(0, str(ROOT))
    redis = Redis(args.redis_port)
    redis.start()
    try:
        figures = run(args, redis)
    finally:
        redis.stop()
    (VAR / "figures.json").write_text(json.dumps(figures, indent=1, default=str))
    section = report(args, figures)
    print("\n" + section)
    if not args.no_docs:
        docs_write(section)
        print(f"written to {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
