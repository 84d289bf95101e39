// Live PDF preview of a certificate template while it is being edited:
// the form is posted (not saved) to the preview view and shown in a frame.
// Wagtail loads form media before the page content: wait for the form.
function certificatePreviewStart() {
  "use strict";
  const body = document.querySelector("[data-certificate-preview-url]");
  if (!body) return;
  const form = body.closest("form");
  const url = body.dataset.certificatePreviewUrl;
  const labels = body.dataset;

  const panel = document.createElement("section");
  panel.className = "certificate-preview";
  panel.innerHTML = "<h2></h2><p class='certificate-preview-status'></p><iframe title=''></iframe>";
  panel.querySelector("h2").textContent = labels.previewTitle;
  panel.querySelector("iframe").title = labels.previewTitle;
  form.after(panel);
  const status = panel.querySelector(".certificate-preview-status");
  const frame = panel.querySelector("iframe");
  let timer = null;
  let objectUrl = null;

  function refresh() {
    status.textContent = labels.previewRendering;
    const data = new FormData(form);
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.blob();
      })
      .then((blob) => {
        if (objectUrl) URL.revokeObjectURL(objectUrl);
        objectUrl = URL.createObjectURL(blob);
        frame.src = objectUrl;
        status.textContent = "";
      })
      .catch(() => { status.textContent = labels.previewFailed; });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 800);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  refresh();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", certificatePreviewStart);
} else {
  certificatePreviewStart();
}
