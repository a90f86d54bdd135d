// Sharing a clip from its watch page: the share and revoke forms post in the background, so
// a refusal (a colleague who already sees the clip, say) shows beside the form; on success
// the page reloads at the sharing section and says what changed. Without JavaScript the
// forms post normally and the answer comes back as a message at the top of the page.
import { postForm } from "./lib/http.js";

const KEY = "coachreel-share-status";
const section = document.getElementById("sharing");

function showSavedStatus(status) {
  const saved = window.sessionStorage.getItem(KEY);
  if (saved && status) {
    status.textContent = saved;
    window.sessionStorage.removeItem(KEY);
  }
}

function sendInBackground(form, status) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const error = form.querySelector(".inline-error") || status;
    const button = form.querySelector("button[type=submit]");
    error.textContent = "";
    button.disabled = true;
    postForm(form.action, new FormData(form))
      .then(function (res) {
        if (!res.ok) {
          button.disabled = false;
          error.textContent = res.data.error || "That did not work. Please try again.";
          return;
        }
        window.sessionStorage.setItem(KEY, res.data.message || "");
        window.location.hash = "sharing";
        window.location.reload();
      })
      .catch(function () {
        button.disabled = false;
        error.textContent = "That did not work: check your connection and try again.";
      });
  });
}

if (section) {
  const status = document.getElementById("share-status");
  showSavedStatus(status);
  section.querySelectorAll("form.share-form, form.share-revoke").forEach(function (form) {
    sendInBackground(form, status);
  });
}
