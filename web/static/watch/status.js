// Processing, then transcription: poll the clip's status route until both reach a terminal
// state, showing the progress of each, the player as soon as the first part of the clip's
// stream is done (and how far it has got), or why it failed.
import { poller } from "../lib/poll.js";
import { playReadyStream, root, showPlayer, showStream } from "./player.js";
import { showTranscriptStatus } from "./transcript.js";

const TERMINAL = ["ready", "failed"];

function showProgress(s) {
  const pct = Math.floor((s.progress || 0) * 100);
  document.getElementById("processing-bar").style.width = pct + "%";
  document.getElementById("processing-text").textContent = s.stage_label + "… " + pct + "%";
}

// The note under the title says what the clip's status says, and nothing else: it goes when
// the clip has failed (the failure panel says why) and says so once the clip is ready.
function showNote(status) {
  const note = document.getElementById("status-note");
  if (!note) return;
  if (status === "failed") {
    note.textContent = "";
    note.hidden = true;
  } else if (status === "ready" && !note.hidden) {
    note.textContent = note.dataset.ready;
  }
}

function showFailure(s) {
  showNote("failed");
  document.getElementById("processing").hidden = true;
  document.getElementById("failure-reason").textContent = s.failure_reason;
  document.getElementById("failed").hidden = false;
  // Nothing can be done with a clip that failed: sharing it would lend nobody anything.
  const sharing = document.getElementById("sharing");
  if (sharing) sharing.hidden = true;
}

// Returns true once there is nothing more to wait for.
function update(s) {
  if (s.status === "failed") {
    showFailure(s);
    return true;
  }
  if (s.status === "ready") {
    showNote("ready");
    // Feedback may have arrived while it was prepared (a highlight brings its own).
    if (root.dataset.status !== "ready") document.dispatchEvent(new CustomEvent("clip-ready"));
    showPlayer(s);
    showTranscriptStatus(s.transcript);
    return TERMINAL.indexOf(s.transcript.status) >= 0;
  }
  showProgress(s);
  if (s.stream_url) showStream(s);
  return false;
}

export function followStatus() {
  playReadyStream();
  const transcriptDone = TERMINAL.indexOf(root.dataset.transcriptStatus) >= 0;
  if (root.dataset.status === "failed" || (root.dataset.status === "ready" && transcriptDone)) return;
  poller(root.dataset.statusUrl, update, { interval: 1000, retry: 3000 }).start();
}
