// The rehearsal page: the rehearsal and the model side by side, playing, pausing and seeking
// together with an adjustable offset (model time = rehearsal time + offset, remembered per
// rehearsal), and the mentor's ticks against the step's success criteria.
import { initSync } from "./rehearsal/sync.js";
import { initTicks } from "./rehearsal/ticks.js";

const root = document.getElementById("rehearsal");
if (root) {
  initTicks(root);
  const rehearsal = document.getElementById("rehearsal-video");
  const model = document.getElementById("model-video");
  if (root.dataset.linked === "1" && rehearsal && model) initSync(root, rehearsal, model);
}
