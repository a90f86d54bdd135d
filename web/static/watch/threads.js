// One feedback thread in the list: the comment with its kind, author and moment, its
// replies, and the buttons and inline forms to mark it seen, reply, edit or delete.
// `page` (from comments.js) carries who may do what, the drafts, and how to save and redraw.
import { button, el } from "../lib/dom.js";
import { stamp } from "../lib/time.js";
import { playFrom } from "./player.js";
import { kindIcon, span } from "./timeline.js";

function kindChoices() {
  return Array.prototype.map.call(document.querySelectorAll("#comment-kinds input"), function (input) {
    return { value: input.value, label: input.parentNode.textContent.trim() };
  });
}

function errorLine() {
  const error = el("span", "inline-error");
  error.setAttribute("role", "alert");
  return error;
}

function textBox(value, label, onInput) {
  const box = el("textarea");
  box.rows = 2;
  box.maxLength = 5000;
  box.value = value;
  box.setAttribute("aria-label", label);
  box.addEventListener("input", function () { onInput(box.value); });
  return box;
}

function inlineForm(className, box, submitLabel, onSubmit, onCancel) {
  const f = el("form", "inline-form " + className);
  const row = el("div", "comment-row");
  const save = el("button", "primary small", submitLabel);
  save.type = "submit";
  const error = errorLine();
  row.append(save, button("small", "Cancel", onCancel), error);
  f.append(box, row);
  f.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!box.value.trim()) { error.textContent = "Please write something first."; return; }
    onSubmit(error);
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); f.requestSubmit(); }
    if (e.key === "Escape") { e.preventDefault(); onCancel(); }
  });
  return f;
}

function kindSelect(draft) {
  const select = el("select", "kind-select");
  select.setAttribute("aria-label", "Kind of feedback");
  kindChoices().forEach(function (k) {
    const option = el("option", null, k.label);
    option.value = k.value;
    select.append(option);
  });
  select.value = draft.kind;
  select.addEventListener("change", function () { draft.kind = select.value; });
  return select;
}

function editForm(c, topLevel, page) {
  const draft = page.drafts.edit[c.id];
  const box = textBox(draft.body, "Edit the comment", function (v) { draft.body = v; });
  const f = inlineForm("edit-form", box, "Save", function (error) {
    const fields = { body: box.value };
    if (topLevel) fields.kind = draft.kind;
    page.write(c.urls.edit, fields, error, function () {
      delete page.drafts.edit[c.id];
      page.focusNext('[data-id="' + c.id + '"] .body');
    });
  }, function () {
    delete page.drafts.edit[c.id];
    page.rerender('[data-id="' + c.id + '"] .edit');
  });
  if (topLevel && kindChoices().length) f.insertBefore(kindSelect(draft), box);
  return f;
}

function replyForm(c, page) {
  const replyButton = '[data-id="' + c.id + '"] > .comment-actions .reply';
  const box = textBox(page.drafts.reply[c.id], "Reply to " + (c.author || "this thread"), function (v) {
    page.drafts.reply[c.id] = v;
  });
  return inlineForm("reply-form", box, "Reply", function (error) {
    page.write(c.urls.reply, { body: box.value }, error, function () {
      delete page.drafts.reply[c.id];
      page.focusNext(replyButton);
    });
  }, function () {
    delete page.drafts.reply[c.id];
    page.rerender(replyButton);
  });
}

function ownActions(c, actions, error, topLevel, page) {
  if (!c.can_edit) return;
  actions.append(
    button("small edit", "Edit", function () {
      page.drafts.edit[c.id] = { body: c.body, kind: c.kind };
      page.rerender('[data-id="' + c.id + '"] textarea');
    }),
    button("small delete", "Delete", function () {
      const what = topLevel && c.replies.length ? "Delete this comment? Its replies stay." : "Delete this comment?";
      if (!window.confirm(what)) return;
      page.write(c.urls.delete, {}, error);
    })
  );
}

function renderReply(r, page) {
  const item = el("li", "reply");
  item.dataset.id = r.id;
  const head = el("div", "comment-head");
  head.append(el("span", "author", r.author));
  if (r.edited) head.append(el("span", "edited", "edited"));
  item.append(head);
  if (page.drafts.edit[r.id]) item.append(editForm(r, false, page));
  else item.append(el("p", "body", r.body));
  const actions = el("div", "comment-actions");
  const error = errorLine();
  if (!page.drafts.edit[r.id]) ownActions(r, actions, error, false, page);
  if (actions.childElementCount) { actions.append(error); item.append(actions); }
  return item;
}

function threadHead(c, page) {
  const head = el("div", "comment-head");
  const at = button("at", span(c), function () { playFrom(c.at_seconds, c.end_seconds); });
  at.title = "Play from " + stamp(c.at_seconds);
  head.append(at);
  if (!c.deleted) {
    const badge = el("span", "kind-badge");
    badge.append(kindIcon(), document.createTextNode(c.kind_label));
    head.append(badge, el("span", "author", c.author));
    if (c.edited) head.append(el("span", "edited", "edited"));
    if (c.seen && !page.canMarkSeen) head.append(el("span", "seen-state", "Seen"));
  }
  return head;
}

function threadActions(c, actions, error, page) {
  if (page.canMarkSeen && !c.by_owner) {
    const seen = button("small seen-toggle", c.seen ? "Seen \u2713" : "Mark seen", function () {
      page.write(c.urls.seen, { seen: c.seen ? "false" : "true" }, error);
    });
    seen.setAttribute("aria-pressed", String(c.seen));
    seen.title = c.seen ? "Mark as not seen yet" : "Let your mentor know you have seen this";
    actions.append(seen);
  }
  if (page.canComment && page.drafts.reply[c.id] === undefined) {
    actions.append(button("small reply", "Reply", function () {
      page.drafts.reply[c.id] = "";
      page.rerender('[data-id="' + c.id + '"] .reply-form textarea');
    }));
  }
  ownActions(c, actions, error, true, page);
  // A comment on a range can become a highlight, where the page offers to save one.
  if (c.end_seconds != null && document.getElementById("highlight")) {
    actions.append(button("small cut-highlight", "Save as highlight", function () {
      const detail = { start: c.at_seconds, end: c.end_seconds, title: c.body.slice(0, 80) };
      document.dispatchEvent(new CustomEvent("highlight-range", { detail: detail }));
    }));
  }
  if (page.newStepUrl && c.kind === "next_step") {
    const link = el("a", "small step-link", "Make this the next step");
    link.href = page.newStepUrl + "?comment=" + encodeURIComponent(c.id);
    actions.append(link);
  }
}

export function renderThread(c, page) {
  const item = el("li", "comment kind-" + c.kind + (c.deleted ? " deleted" : "") + (c.seen ? " seen" : ""));
  item.dataset.at = c.at_seconds;
  if (c.end_seconds != null) item.dataset.end = c.end_seconds;
  item.dataset.id = c.id;
  item.append(threadHead(c, page));
  if (c.deleted) item.append(el("p", "tombstone", "Comment deleted"));
  else if (page.drafts.edit[c.id]) item.append(editForm(c, true, page));
  else item.append(el("p", "body", c.body));

  const actions = el("div", "comment-actions");
  const error = errorLine();
  if (!c.deleted && !page.drafts.edit[c.id]) threadActions(c, actions, error, page);
  if (actions.childElementCount) { actions.append(error); item.append(actions); }
  if (c.replies.length) {
    const replies = el("ol", "replies");
    c.replies.forEach(function (r) { replies.append(renderReply(r, page)); });
    item.append(replies);
  }
  if (page.drafts.reply[c.id] !== undefined && !c.deleted) item.append(replyForm(c, page));
  return item;
}
