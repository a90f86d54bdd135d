// Feedback markers on the timeline under the player, and how a comment's moment (or range)
// reads on screen and aloud.
import { button, el } from "../lib/dom.js";
import { stamp } from "../lib/time.js";
import { playFrom } from "./player.js";

export function span(c) {
  return c.end_seconds != null ? stamp(c.at_seconds) + "\u2013" + stamp(c.end_seconds) : stamp(c.at_seconds);
}

function spoken(c) {
  return c.end_seconds != null
    ? " from " + stamp(c.at_seconds) + " to " + stamp(c.end_seconds)
    : " at " + stamp(c.at_seconds);
}

// The kind's icon is drawn by the stylesheet (.kind-praise .kind-icon), so the colour and
// the shape that tells kinds apart without colour live in one place.
export function kindIcon() {
  const icon = el("span", "kind-icon");
  icon.setAttribute("aria-hidden", "true");
  return icon;
}

export function renderMarker(c, duration) {
  const marker = button("marker kind-" + c.kind, null, function () {
    playFrom(c.at_seconds, c.end_seconds);
  });
  const left = Math.min(100, (c.at_seconds / duration) * 100);
  marker.style.left = left + "%";
  if (c.end_seconds != null) {
    marker.classList.add("range");
    marker.style.width = Math.max(0, Math.min(100, (c.end_seconds / duration) * 100) - left) + "%";
  }
  marker.append(kindIcon());
  marker.title = c.kind_label + " " + span(c) + ": " + c.body.slice(0, 80);
  marker.setAttribute("aria-label", c.kind_label + spoken(c));
  return marker;
}
