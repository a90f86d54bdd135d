// The mentor's ticks against the step's success criteria, saved as each box changes.
import { postForm } from "../lib/http.js";

export function initTicks(root) {
  const tickError = document.getElementById("tick-error");
  const tickCount = document.getElementById("tick-count");
  const boxes = Array.from(root.querySelectorAll("input.tick"));

  function countTicks() {
    const met = boxes.filter(function (b) { return b.checked; }).length;
    tickCount.textContent = met + " of " + boxes.length + " met in this attempt.";
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      tickError.textContent = "";
      box.disabled = true;
      postForm(box.dataset.url, { met: box.checked ? "1" : "0" })
        .then(function (res) {
          if (!res.ok) {
            box.checked = !box.checked;
            tickError.textContent = res.data.error || "The tick was not saved.";
          }
        })
        .catch(function () {
          box.checked = !box.checked;
          tickError.textContent = "The tick was not saved: check your connection and try again.";
        })
        .finally(function () { box.disabled = false; countTicks(); });
    });
  });
}
