/* Polls a background report job and shows its progress and download link. */
(function () {
  "use strict";
  // The Wagtail admin loads page scripts before the content: wait for it.
  function start() {
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  var link = box.querySelector("a[data-job-download]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) { bar.max = job.total || 1; bar.value = job.done; }
        if (text) { text.textContent = job.label; }
        if (job.status === "done" && job.download_url) {
          link.href = job.download_url; link.hidden = false;
        } else if (job.status !== "failed") {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
