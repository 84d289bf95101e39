// The exam paper: saves every answer on the server as it changes (debounced),
// shows saved/unsaved state, a countdown that follows the server's deadline,
// a navigator with answered/flagged questions, and a confirmed submit.
(() => {
  "use strict";
  const root = document.getElementById("paper");
  if (!root) return;
  // Start answers with the paper itself (one request per candidate on an
  // exam day); the address bar then names the paper, so a reload asks for
  // the paper again instead of resending Start.
  const paperUrl = root.dataset.paperUrl;
  if (paperUrl && window.location.pathname !== paperUrl) {
    window.history.replaceState(null, "", paperUrl);
  }
  const gettext = window.gettext || ((s) => s);
  const fmt = window.interpolate
    || ((text, values) => text.replace(/%\((\w+)\)s/g, (_m, key) => values[key]));
  const answerUrl = root.dataset.answerUrl;
  const clockUrl = root.dataset.clockUrl;
  const stateUrl = root.dataset.stateUrl;
  const form = document.getElementById("submit-form");
  const statusEl = document.getElementById("save-status");
  const countdownEl = document.getElementById("countdown");
  const dialog = document.getElementById("submit-dialog");
  const questions = Array.from(root.querySelectorAll("fieldset.question"));
  const flagUrl = root.dataset.flagUrl;
  const pending = new Map(); // question id -> debounce timer
  const inflight = new Map(); // question id -> number of saves on the wire
  let lastSeq = Math.max(0, ...questions.map((q) => Number(q.dataset.seq) || 0));
  let closed = false;
  let submitting = false;

  // Saves, flags and clock resyncs carry the page's attempt key (the server
  // needs no session lookup for them). A key retired by signing out
  // elsewhere is replaced by asking the state endpoint, signed in, once.
  let key = root.dataset.key;
  let keyRefresh = null;
  const SIGNED_OUT = gettext("You are signed out. Sign in again and reopen the exam: your saved answers are kept.");
  function refreshKey() {
    if (!keyRefresh) {
      keyRefresh = fetch(stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(async (response) => {
          const type = response.headers.get("Content-Type") || "";
          if (!response.ok || !type.includes("application/json")) return false;
          const data = await response.json();
          if (!data.key) return false;
          key = data.key;
          return true;
        })
        .catch(() => false)
        .finally(() => { keyRefresh = null; });
    }
    return keyRefresh;
  }
  const keyRetired = async (response) => response.status === 403
    && (await response.clone().json().catch(() => ({}))).key === "retired";
  // The key is the whole proof, so these requests leave the cookies at home
  // (nothing for the server to parse or the network to carry on every save)
  // and name the page's language themselves, for the messages they answer.
  const language = document.documentElement.lang || navigator.language;
  async function keyed(url, init = {}) {
    const go = () => fetch(url, {
      ...init,
      credentials: "omit",
      headers: {
        Accept: "application/json",
        "Accept-Language": language,
        ...(init.headers || {}),
        "X-Attempt-Key": key,
      },
    });
    const response = await go();
    if (await keyRetired(response) && await refreshKey()) return go();
    return response;
  }

  const nextSeq = () => {
    // Monotonic per page, and later than anything saved before (from any tab).
    lastSeq = Math.max(lastSeq + 1, Date.now());
    return lastSeq;
  };

  function readResponse(fieldset) {
    const qtype = fieldset.dataset.qtype;
    const inputs = Array.from(fieldset.querySelectorAll("input, textarea"));
    if (qtype === "single_choice") {
      const on = inputs.find((i) => i.checked);
      return on ? Number(on.value) : null;
    }
    if (qtype === "multiple_choice") {
      return inputs.filter((i) => i.checked).map((i) => Number(i.value));
    }
    if (qtype === "true_false") {
      const on = inputs.find((i) => i.checked);
      return on ? on.value === "true" : null;
    }
    const value = inputs[0].value;
    return value === "" ? null : value;
  }

  function isAnswered(response) {
    return !(response === null || (Array.isArray(response) && response.length === 0));
  }

  function showStatus(kind, text) {
    statusEl.className = `save-status ${kind}`;
    statusEl.textContent = text;
  }

  function refreshStatus() {
    const busy = pending.size + Array.from(inflight.values()).reduce((a, b) => a + b, 0);
    if (busy === 0 && !statusEl.classList.contains("error")) {
      const time = new Date().toLocaleTimeString();
      showStatus("saved", gettext("All answers saved") + ` (${time})`);
    }
  }

  function setClosed(message) {
    closed = true;
    showStatus("error", message);
    questions.forEach((q) => q.querySelectorAll("input, textarea").forEach((i) => { i.disabled = true; }));
    window.setTimeout(() => { window.location.href = window.location.pathname.replace(/\/$/, "") + "/result/"; }, 2500);
  }

  async function send(fieldset, seq, attempt = 0) {
    const qid = Number(fieldset.dataset.question);
    const body = JSON.stringify({ question: qid, response: readResponseAt(fieldset, seq), seq });
    inflight.set(qid, (inflight.get(qid) || 0) + 1);
    try {
      const response = await keyed(answerUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
      });
      if (await keyRetired(response)) {
        showStatus("error", SIGNED_OUT);
        return;
      }
      const data = await response.json().catch(() => ({}));
      if (response.status === 409) return setClosed(data.error || gettext("Answers can no longer be saved."));
      if (!response.ok) {
        showStatus("error", data.error || gettext("This answer could not be saved."));
        return;
      }
      fieldset.dataset.seq = String(data.seq);
    } catch (_error) {
      // Network trouble: keep the change and retry the same save (idempotent).
      showStatus("unsaved", gettext("Not saved yet - retrying…"));
      const delay = Math.min(10000, 1000 * 2 ** attempt);
      await new Promise((resolve) => { window.setTimeout(resolve, delay); });
      if (!closed) await send(fieldset, seq, attempt + 1);
    } finally {
      inflight.set(qid, inflight.get(qid) - 1);
      if (inflight.get(qid) === 0) inflight.delete(qid);
      if (!closed) refreshStatus();
    }
  }

  // The value is read when the save is queued, so a retry sends what that
  // seq meant even if the candidate has typed more since (a newer seq follows).
  const queuedValues = new Map();
  function readResponseAt(fieldset, seq) {
    return queuedValues.has(seq) ? queuedValues.get(seq) : readResponse(fieldset);
  }

  function flushOne(fieldset) {
    const qid = Number(fieldset.dataset.question);
    window.clearTimeout(pending.get(qid));
    pending.delete(qid);
    const seq = nextSeq();
    queuedValues.set(seq, readResponse(fieldset));
    return send(fieldset, seq);
  }

  function onChange(fieldset, delay) {
    if (closed) return;
    const qid = Number(fieldset.dataset.question);
    const nav = root.querySelector(`[data-nav="${qid}"]`);
    if (nav) nav.classList.toggle("answered", isAnswered(readResponse(fieldset)));
    showStatus("unsaved", gettext("Unsaved changes"));
    window.clearTimeout(pending.get(qid));
    pending.set(qid, window.setTimeout(() => { flushOne(fieldset); }, delay));
  }

  questions.forEach((fieldset) => {
    fieldset.addEventListener("change", () => onChange(fieldset, 150));
    fieldset.addEventListener("input", (event) => {
      if (event.target.matches("textarea, input[type=text]")) onChange(fieldset, 800);
    });
  });

  async function flushAll() {
    const waits = questions
      .filter((q) => pending.has(Number(q.dataset.question)))
      .map((q) => flushOne(q));
    await Promise.all(waits);
    while (inflight.size > 0) {
      await new Promise((resolve) => { window.setTimeout(resolve, 100); });
    }
  }

  // Flags ("come back to this") are kept on the server, so that they follow
  // the attempt to a reloaded page or another device; not graded.
  const flags = new Set(
    questions.filter((q) => q.classList.contains("flagged")).map((q) => Number(q.dataset.question)),
  );
  function showFlags() {
    root.querySelectorAll("[data-nav]").forEach((nav) => {
      nav.classList.toggle("flagged", flags.has(Number(nav.dataset.nav)));
    });
    questions.forEach((q) => q.classList.toggle("flagged", flags.has(Number(q.dataset.question))));
    root.querySelectorAll("[data-flag]").forEach((button) => {
      const flagged = flags.has(Number(button.dataset.flag));
      button.setAttribute("aria-pressed", flagged ? "true" : "false");
      button.textContent = flagged ? gettext("Remove flag") : gettext("Flag for review");
    });
  }
  async function sendFlag(qid, flagged) {
    try {
      const response = await keyed(flagUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: qid, flagged }),
      });
      if (await keyRetired(response)) return showStatus("error", SIGNED_OUT);
      const data = await response.json().catch(() => ({}));
      if (response.status === 409) return setClosed(data.error || gettext("Answers can no longer be saved."));
      if (!response.ok) showStatus("error", data.error || gettext("The flag could not be saved."));
    } catch (_error) {
      showStatus("unsaved", gettext("The flag could not be saved - check your connection."));
    }
  }
  root.querySelectorAll("[data-flag]").forEach((button) => {
    button.addEventListener("click", () => {
      if (closed) return;
      const qid = Number(button.dataset.flag);
      if (flags.has(qid)) flags.delete(qid); else flags.add(qid);
      showFlags();
      sendFlag(qid, flags.has(qid));
    });
  });
  showFlags();

  // Countdown from the server's remaining seconds, measured with the
  // monotonic clock so that changing the computer's clock changes nothing.
  let endAt = performance.now() + Number(root.dataset.remaining) * 1000;
  function tick() {
    const left = Math.max(0, Math.ceil((endAt - performance.now()) / 1000));
    const h = Math.floor(left / 3600);
    const m = Math.floor((left % 3600) / 60);
    const s = left % 60;
    const pad = (n) => String(n).padStart(2, "0");
    countdownEl.textContent = (h ? `${h}:` : "") + `${pad(m)}:${pad(s)}`;
    countdownEl.classList.toggle("urgent", left <= 300);
    if (left === 0 && !submitting && !closed) autoSubmit();
  }
  async function resync() {
    try {
      const response = await keyed(clockUrl);
      if (await keyRetired(response)) return showStatus("error", SIGNED_OUT);
      const data = await response.json();
      if (data.status !== "in_progress") return setClosed(gettext("Time is up: your saved answers have been submitted."));
      endAt = performance.now() + data.remaining_seconds * 1000;
    } catch (_error) { /* the next resync will try again */ }
  }
  async function autoSubmit() {
    submitting = true;
    showStatus("saving", gettext("Time is up: submitting your answers…"));
    await flushAll();
    form.submit();
  }
  tick();
  window.setInterval(tick, 1000);
  window.setInterval(resync, 60000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) resync(); });

  // Submit with confirmation, after every pending save has reached the server.
  document.getElementById("submit-open").addEventListener("click", () => {
    const answered = questions.filter((q) => isAnswered(readResponse(q))).length;
    document.getElementById("submit-summary").textContent = fmt(
      gettext("You have answered %(answered)s of %(total)s questions; %(flagged)s flagged."),
      { answered, total: questions.length, flagged: flags.size }, true,
    );
    dialog.showModal();
  });
  document.getElementById("submit-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    if (submitting) return;
    event.preventDefault();
    submitting = true;
    document.getElementById("submit-confirm").disabled = true;
    showStatus("saving", gettext("Saving your last answers…"));
    await flushAll();
    form.submit();
  });

  window.addEventListener("beforeunload", (event) => {
    if (!submitting && (pending.size || inflight.size)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
