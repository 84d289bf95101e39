"""Locust users for the exam-day benchmark (driven by bench/exam.py).

Environment (set by bench/exam.py):
    BENCH_USERS_FILE   JSON {pool: [{"user", "session", "csrf"}, ...]}
    BENCH_POOL         which pool this run's users take credentials from
    BENCH_EXAM_ID      the exam to start
    BENCH_CATALOGUE_FILE  JSON {question id: {"qtype", "choices": [ids]}}
    BENCH_EVENTS_FILE  one line per request: end time, name, ms, ok
    BENCH_ACKS_FILE    one JSON line per acknowledged save or submit
    BENCH_LEVELS       capacity shape: "1000,2000,..." users per step
    BENCH_HOLD         capacity shape: seconds to hold each step
    BENCH_SPAWN_RATE   capacity shape: users started per second

Run one class at a time: ``locust -f bench/locustfile_exam.py BareUser``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import deque
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, LoadTestShape, constant, constant_pacing, events, task
from locust.exception import StopUser

from bench.exam_paper import answer_for, paper_items

_POOL = os.environ.get("BENCH_POOL", "")
_CREDENTIALS = iter(())
if os.environ.get("BENCH_USERS_FILE"):
    with open(os.environ["BENCH_USERS_FILE"], encoding="utf-8") as handle:
        _CREDENTIALS = iter(json.load(handle).get(_POOL, []))
EXAM_ID = os.environ.get("BENCH_EXAM_ID", "0")
CATALOGUE: dict = {}
if os.environ.get("BENCH_CATALOGUE_FILE"):
    with open(os.environ["BENCH_CATALOGUE_FILE"], encoding="utf-8") as handle:
        CATALOGUE = json.load(handle)
_EVENTS = open(os.environ.get("BENCH_EVENTS_FILE", os.devnull), "a", buffering=1 << 16)  # noqa: SIM115
_ACKS = open(os.environ.get("BENCH_ACKS_FILE", os.devnull), "a", buffering=1 << 12)  # noqa: SIM115
# (end time, ms, ok) of recent requests, for the capacity shape's decisions.
RECENT: deque = deque(maxlen=200_000)
_PAPER_URL = re.compile(rb'data-paper-url="/exams/attempts/(\d+)/"')


@events.request.add_listener
def _record(name, response_time, start_time, exception, **_kwargs):
    end = start_time + response_time / 1000
    ok = exception is None
    _EVENTS.write(f"{end:.3f},{name},{response_time:.1f},{int(ok)}\n")
    RECENT.append((end, response_time, ok))


@events.quitting.add_listener
def _flush(**_kwargs):
    _EVENTS.flush()
    _ACKS.flush()


class _Candidate(FastHttpUser):
    """A signed-in candidate: pre-made session cookie and CSRF secret."""

    abstract = True
    network_timeout = 60.0  # nginx proxy_read_timeout default
    connection_timeout = 10.0

    def on_start(self):
        credentials = next(_CREDENTIALS, None)
        if credentials is None:
            raise StopUser()
        self.csrf = credentials["csrf"]
        self.cookie = f"sessionid={credentials['session']}; csrftoken={self.csrf}"
        self.attempt_id = None
        self.key = None
        self.items: list[dict] = []
        self.seq = 0

    def headers(self, **extra) -> dict:
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf, **extra}

    def start_exam(self) -> bool:
        """Press Start; True once the paper came back (Start answers with
        the paper page itself, as a browser receives it)."""
        body = urlencode({"csrfmiddlewaretoken": self.csrf})
        with self.client.post(
            f"/exams/{EXAM_ID}/start/",
            data=body,
            headers=self.headers(
                **{"Content-Type": "application/x-www-form-urlencoded"}
            ),
            name="start",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = None
            if response.status_code == 200:
                found = _PAPER_URL.search(response.content[:16384])
            if found is None:
                response.failure(f"start answered {response.status_code}")
                return False
            self.attempt_id = int(found.group(1))
        return True

    def _get(self, path: str, name: str, headers: dict | None = None) -> bool:
        with self.client.get(
            path, headers=headers or self.headers(), name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
                return False
        return True

    def page(self) -> bool:
        return self._get(f"/exams/attempts/{self.attempt_id}/", "attempt page")

    def state(self) -> bool:
        with self.client.get(
            f"/exams/attempts/{self.attempt_id}/state/",
            headers=self.headers(),
            name="state",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"state answered {response.status_code}")
                return False
            state = response.json()
            self.items = paper_items(state, CATALOGUE)
            self.key = state.get("key")
        return bool(self.items)

    def keyed(self) -> dict:
        """What paper.js sends with saves, flags and resyncs: the attempt key
        (assessments/keys.py) and the page's language, without cookies."""
        return {"X-Attempt-Key": self.key, "Accept-Language": "zh-hans"}

    def clock(self) -> bool:
        path = f"/exams/attempts/{self.attempt_id}/clock/"
        return self._get(path, "clock", headers=self.keyed())

    def save(self) -> None:
        if not self.items:
            return
        item = random.choice(self.items)
        self.seq += 1
        payload = {
            "question": item["question"],
            "response": answer_for(item),
            "seq": self.seq,
        }
        with self.client.post(
            f"/exams/attempts/{self.attempt_id}/answers/",
            json=payload,
            headers=self.keyed(),
            name="save",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not _saved(response):
                response.failure(f"save answered {response.status_code}")
                return
        ack = {"attempt": self.attempt_id, "question": item["question"]}
        _ACKS.write(json.dumps({**ack, "seq": self.seq}) + "\n")

    def submit(self) -> bool:
        with self.client.post(
            f"/exams/attempts/{self.attempt_id}/submit/",
            data=urlencode({"csrfmiddlewaretoken": self.csrf}),
            headers=self.headers(
                **{"Content-Type": "application/x-www-form-urlencoded"}
            ),
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 302):
                response.failure(f"submit answered {response.status_code}")
                return False
        _ACKS.write(json.dumps({"submit": self.attempt_id}) + "\n")
        return True


def _saved(response) -> bool:
    try:
        return response.json().get("saved") is True
    except ValueError:
        return False


class BareUser(FastHttpUser):
    """Saturation baseline: a bare Django JSON view, no think time."""

    wait_time = constant(0)

    @task
    def bare(self):
        self.client.get("/bench/bare/", name="bare")


class SaveUser(_Candidate):
    """Saturation: answer saves back to back, no think time."""

    wait_time = constant(0)

    def on_start(self):
        super().on_start()
        if not (self.start_exam() and self.state()):
            raise StopUser()

    @task
    def save_answer(self):
        self.save()


class CandidateUser(_Candidate):
    """A candidate in the middle of the exam, as paper.js behaves: a save
    every 60 s, the clock every 60 s (the countdown resync), and a page
    change every 3 minutes, counted as a full reload of the paper (the
    costly case: in paper.js moving between questions costs no request).

    Arrival (Start and the first paper load) is the spike phase's subject:
    here each candidate's first reload comes at a random point of its first
    3 minutes, so the load is the steady one of an exam under way.
    """

    wait_time = constant_pacing(60)

    def on_start(self):
        super().on_start()
        if not (self.start_exam() and self.state()):
            raise StopUser()
        self.ticks = itertools.count(random.randrange(3))
        gevent.sleep(random.uniform(0, 60))  # candidates are not in step

    @task
    def work(self):
        tick = next(self.ticks)
        self.clock()
        self.save()
        if tick % 3 == 2:
            self.page()


class SpikeUser(_Candidate):
    """Everyone presses Start in the same second (and receives the paper)."""

    wait_time = constant(3600)

    def on_start(self):
        super().on_start()
        self.start_exam()

    @task
    def idle(self):
        pass


class BareArrivalUser(FastHttpUser):
    """The spike's reference: the same arrival (everyone within one second,
    each on a new connection) on the bare view."""

    wait_time = constant(3600)

    def on_start(self):
        self.client.get("/bench/bare/", name="bare arrival")

    @task
    def idle(self):
        pass


class FaultUser(_Candidate):
    """Saves every second; submits at a random moment 37-50 s into the run
    (BENCH_PHASE_START), retrying until the submit is answered."""

    wait_time = constant_pacing(1)

    def on_start(self):
        super().on_start()
        for _attempt in range(30):
            if self.start_exam() and self.state():
                break
            gevent.sleep(1)
        else:
            raise StopUser()
        phase_start = float(os.environ.get("BENCH_PHASE_START", time.time()))
        self.submit_at = phase_start + random.uniform(37, 50)

    @task
    def work(self):
        if time.time() < self.submit_at:
            self.save()
            return
        if self.submit():
            raise StopUser()


class CapacitySteps(LoadTestShape):
    """Step up the candidates; stop after the first step that fails.

    A step fails when, over its last minute, p95 passes 500 ms or any
    request failed. Only used when the class is named on the command line
    (see bench/exam.py), through BENCH_LEVELS.
    """

    abstract = not os.environ.get("BENCH_LEVELS")
    use_common_options = False

    def __init__(self):
        super().__init__()
        self.levels = [int(n) for n in os.environ.get("BENCH_LEVELS", "0").split(",")]
        self.hold = float(os.environ.get("BENCH_HOLD", "75"))
        self.rate = float(os.environ.get("BENCH_SPAWN_RATE", "50"))
        self.step, self.step_started, self.failed = 0, None, False

    def tick(self):
        if self.step >= len(self.levels) or self.failed:
            return None
        now = time.time()
        target = self.levels[self.step]
        ramp = (target - (self.levels[self.step - 1] if self.step else 0)) / self.rate
        if self.step_started is None:
            self.step_started = now
        if now - self.step_started >= ramp + self.hold:
            self.failed = _window_failed(now - 60, now)
            self.step, self.step_started = self.step + 1, None
            verdict = "FAIL" if self.failed else "ok"
            print(f"capacity step {target} users ended {now:.3f} : {verdict}")
        return target, self.rate


def _window_failed(start: float, end: float) -> bool:
    window = [(ms, ok) for t, ms, ok in RECENT if start <= t <= end]
    if not window:
        return False
    latencies = sorted(ms for ms, _ok in window)
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    return p95 > 500 or not all(ok for _ms, ok in window)
