// Study-time heartbeats: while the lesson page is visible, tell the server
// every few seconds that the learner is still here. The server measures the
// time between beats (capped), so nothing here can add time by itself.
(function () {
  "use strict";
  const meter = document.querySelector("[data-heartbeat-url]");
  if (!meter) return;
  const url = meter.dataset.heartbeatUrl;
  const interval = Math.max(1, Number(meter.dataset.interval || 20)) * 1000;
  const required = Number(meter.dataset.required || 1);
  const bar = meter.querySelector(".progress > span");
  const status = meter.querySelector(".study-status");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  let timer = null;
  let finished = meter.dataset.completed === "1";

  function show(data) {
    const percent = data.lesson_completed ? 100 : Math.min(99, Math.floor((data.seconds * 100) / required));
    if (bar) bar.style.width = percent + "%";
    if (data.course_completed) {
      status.textContent = meter.dataset.courseDoneText;
    } else if (data.lesson_completed) {
      status.textContent = meter.dataset.doneText;
    }
    finished = data.course_completed;
  }

  function beat() {
    if (document.visibilityState !== "visible" || finished) return;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "X-Requested-With": "fetch" },
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
      .then(({ ok, data }) => {
        if (ok) show(data);
        else if (data.error) status.textContent = data.error;
      })
      .catch(() => {});
  }

  function start() {
    if (timer === null) {
      beat();
      timer = window.setInterval(beat, interval);
    }
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") start();
    else stop();
  });
  if (document.visibilityState === "visible") start();
})();
