// Polls a batch print job and shows its progress and, when ready, the link.
(function () {
  "use strict";
  const box = document.querySelector(".batch-job[data-status-url]");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const finished = (status) => status === "done" || status === "failed";

  function show(data) {
    box.querySelector("[data-job-status]").textContent = data.status_label;
    box.querySelector("[data-job-count]").textContent = data.done + " / " + data.total;
    box.querySelector("[data-job-bar]").style.width = data.percent + "%";
    box.querySelector(".batch-progress").setAttribute("aria-valuenow", data.percent);
    const error = box.querySelector("[data-job-error]");
    error.textContent = data.error;
    error.hidden = !data.error;
    box.querySelector("[data-job-download]").hidden = !data.download_url;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => {
        show(data);
        if (!finished(data.status)) window.setTimeout(poll, 1000);
      })
      .catch(() => window.setTimeout(poll, 3000));
  }

  if (!finished(box.dataset.status)) poll();
})();
