// claimkit review widget: the article with its claims and a panel to correct the selected one.
// Plain ES module for anywidget (no build step). Every action is a message to the kernel, which
// applies it to claimkit.review.Review, saves the file and sends back `article` and `state`.
// Each message is numbered; the kernel sends the number back (`state.ack`). No answer, a failed
// send or a closed comm (the kernel restarted) turns the widget grey: "re-run the notebook".

const ANSWER_MS = 20000;   // a kernel busy with a long cell may take this long before it reads a click
const AUTHOR = "\u0000author";

const FIELDS = [["source_type", "source type"], ["mode", "mode"], ["hedging", "hedging"], ["cue_class", "cue class"]];

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children) el.append(c);
  return el;
}

// Offset (in Unicode code points, as Python counts) of a DOM position inside the text box.
function offsetOf(box, node, nodeOffset) {
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let total = 0;
  while (walker.nextNode()) {
    const t = walker.currentNode;
    if (t === node) return total + Array.from(t.data.slice(0, nodeOffset)).length;
    total += Array.from(t.data).length;
  }
  if (node.nodeType === Node.ELEMENT_NODE) {  // a position between elements
    const range = document.createRange();
    range.setStart(box, 0);
    range.setEnd(node, nodeOffset);
    return Array.from(range.toString()).length;
  }
  return null;
}

function pointOffset(box, x, y) {
  const range = document.caretRangeFromPoint ? document.caretRangeFromPoint(x, y) : null;
  if (range && box.contains(range.startContainer)) return offsetOf(box, range.startContainer, range.startOffset);
  const pos = document.caretPositionFromPoint ? document.caretPositionFromPoint(x, y) : null;
  if (pos && box.contains(pos.offsetNode)) return offsetOf(box, pos.offsetNode, pos.offset);
  return null;
}

function selectionOffsets(box) {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const r = sel.getRangeAt(0);
  if (!box.contains(r.startContainer) || !box.contains(r.endContainer)) return null;
  const a = offsetOf(box, r.startContainer, r.startOffset), b = offsetOf(box, r.endContainer, r.endOffset);
  return a === null || b === null || a === b ? null : [Math.min(a, b), Math.max(a, b)];
}

function render({ model, el }) {
  let addMode = false;
  let picked = null;     // the last text selection made in the article, [start, end] (see "selectionchange")
  let note = "";         // a message from the front end itself (nothing selected…)
  let sent = 0, dead = false, gone = false, waiting = null;   // gone: the comm itself is closed
  const root = h("div", { class: "ck-review" });
  const bar = h("div", { class: "ck-review-bar" });
  const panel = h("div", { class: "ck-review-panel" });
  const article = h("div", { class: "ck-review-article" });
  root.append(bar, h("div", { class: "ck-review-main" }, panel, article));
  el.append(root);
  const send = (msg) => {
    if (dead) return;
    note = "";
    sent += 1;
    try {
      model.send({ ...msg, n: sent });
    } catch (err) {   // "Cannot send": the comm is gone with its kernel
      die(true);
      return;
    }
    clearTimeout(waiting);
    waiting = setTimeout(() => { if ((model.get("state").ack ?? 0) < sent) die(); }, ANSWER_MS);
  };

  function die(closed = false) {
    dead = true;
    gone = gone || closed;
    clearTimeout(waiting);
    root.classList.add("ck-dead");
    redraw();
  }
  // the widget manager marks the model's comm dead when its kernel restarts or stops
  model.on("comm_live_update", () => {
    if (dead) return;
    try {
      model.send({ action: "ping", n: ++sent });   // throws when the comm is gone
      clearTimeout(waiting);
      waiting = setTimeout(() => { if ((model.get("state").ack ?? 0) < sent) die(); }, 4000);
    } catch (err) {
      die(true);
    }
  });

  // JupyterLab clears the page selection on a mousedown anywhere in the notebook (it focuses the
  // cell), before a button's click: so the selection is remembered while it is made.
  const onSelection = () => {
    const box = article.querySelector(".ck-text");
    const now = box && selectionOffsets(box);
    if (now) picked = now;
  };
  document.addEventListener("selectionchange", onSelection);

  article.addEventListener("click", (e) => {
    const box = article.querySelector(".ck-text");
    if (!box || !box.contains(e.target)) return;
    const chosen = selectionOffsets(box);
    if (addMode) {
      const start = chosen ? chosen[0] : pointOffset(box, e.clientX, e.clientY);
      if (start === null) return;
      addMode = false;
      picked = null;
      send({ action: "add", start, end: chosen ? chosen[1] : null });
      return;
    }
    if (chosen) return;  // a selection made for "content = selection"
    const span = e.target.closest("[data-claim]");
    if (span) {
      picked = null;
      send({ action: "select", i: Number(span.dataset.claim) });
    }
  });

  function drawBar(state) {
    const s = state.summary || {};
    if (dead) {
      bar.replaceChildren(
        h("span", { class: "ck-review-counts", "data-role": "summary" },
          `kept ${s.kept ?? 0} · corrected ${s.corrected ?? 0} · rejected ${s.rejected ?? 0} · added ${s.added ?? 0}`),
        h("div", { class: "ck-review-dead", "data-role": "dead" },
          h("b", {}, "This widget is no longer connected to a kernel"),
          " (the kernel was restarted or stopped), so clicks here do nothing. Every correction made so far is saved in ",
          h("code", {}, state.path || "the review file"),
          ". Re-run the notebook from the top (Run → Run All Cells) to open a live widget with those corrections."));
      return;
    }
    bar.replaceChildren(
      h("span", { class: "ck-review-counts", "data-role": "summary" },
        `kept ${s.kept ?? 0} · corrected ${s.corrected ?? 0} · rejected ${s.rejected ?? 0} · added ${s.added ?? 0}`),
      h("button", { "data-action": "undo", title: state.last ? `undo: ${state.last}` : "nothing to undo",
                    disabled: state.last ? null : "", onclick: () => send({ action: "undo" }) }, "↶ Undo"),
      h("button", { "data-action": "redo", title: state.next ? `redo: ${state.next}` : "nothing to redo",
                    disabled: state.next ? null : "", onclick: () => send({ action: "redo" }) }, "↷ Redo"),
      h("button", { "data-action": "add", class: addMode ? "ck-on" : "",
                    onclick: () => { addMode = !addMode; drawBar(state); } },
        addMode ? "Click the cue word in the article…" : "+ Add a missed claim"),
      h("span", { class: "ck-review-path", title: "every change is saved here at once" }, `saved to ${state.path || ""}`),
    );
    const message = note || state.message;
    if (message) bar.append(h("div", { class: state.error || note ? "ck-review-message ck-error" : "ck-review-message",
                                       "data-role": "message" }, message));
  }

  function select(field, label, options, current, onchange) {
    const sel = h("select", { "data-field": field, onchange: (e) => onchange(e.target.value) });
    for (const [value, text] of options) {
      const opt = h("option", { value }, text);
      if (value === current) opt.selected = true;
      sel.append(opt);
    }
    return h("label", { class: "ck-review-row" }, h("span", {}, label), sel);
  }

  function drawPanel(state) {
    const c = state.claim, i = state.selected;
    if (!c) {
      panel.replaceChildren(h("p", { class: "ck-review-hint" },
        "Click a highlighted claim to correct it, or “+ Add a missed claim” and then the cue word."));
      return;
    }
    const rejected = state.status === "rejected";
    const names = state.speakers.includes(c.entity) || !c.entity ? state.speakers : [c.entity, ...state.speakers];
    const speakerOptions = [...names.map((n) => [n, n]), [AUTHOR, "no entity (the author)"]];
    const currentSpeaker = c.entity ? c.entity : (c.source_type === "author" ? AUTHOR : "");
    if (!currentSpeaker) speakerOptions.unshift(["", "— no speaker: choose one —"]);
    const typed = h("input", { type: "text", dir: "rtl", "data-field": "speaker-typed",
                               placeholder: "or type a name" });
    panel.replaceChildren(
      h("div", { class: "ck-review-head" },
        h("b", {}, `Claim ${i}`), " ", h("span", { class: `ck-status ck-status-${state.status}`,
                                               "data-role": "status" }, state.status)),
      h("div", { class: "ck-review-cue", dir: "rtl" }, c.cue, " ← ", c.entity || "(no entity)"),
      h("div", { class: "ck-review-buttons" },
        h("button", { "data-action": "keep", disabled: rejected ? null : "", onclick: () => send({ action: "keep", i }) },
          "✓ Keep"),
        h("button", { "data-action": "reject", onclick: () => send({ action: "reject", i }) }, "✗ Reject")),
      select("speaker", "speaker", speakerOptions, currentSpeaker, (v) => {
        if (v) send({ action: "speaker", i, entity: v === AUTHOR ? "" : v });
      }),
      h("div", { class: "ck-review-row" }, h("span", {}, ""), typed,
        h("button", { "data-action": "speaker-typed",
                      onclick: () => typed.value.trim() && send({ action: "speaker", i, entity: typed.value }) }, "Set")),
      ...FIELDS.map(([f, label]) => select(f, label, state.choices[f].map((v) => [v, v]), c[f],
                                           (v) => send({ action: "label", i, field: f, value: v }))),
      h("label", { class: "ck-review-row" }, h("span", {}, "optional"),
        h("input", { type: "checkbox", "data-field": "optional", ...(c.optional ? { checked: "" } : {}),
                     onchange: (e) => send({ action: "optional", i, value: e.target.checked }) })),
      h("div", { class: "ck-review-content", dir: "rtl" }, c.content),
      h("button", { "data-action": "content", title: "select the words in the article first, then press this",
                    onmousedown: (e) => { onSelection(); e.preventDefault(); },
                    onclick: () => {
        onSelection();
        if (picked) {
          const [start, end] = picked;
          picked = null;
          send({ action: "content", i, start, end });
        } else {
          note = "Select the content in the article first (drag over its words), then press “Content = the text selected”.";
          drawBar(model.get("state"));
        }
      } }, "Content = the text selected in the article"),
    );
  }

  function drawArticle() {
    article.innerHTML = model.get("article");
    const i = model.get("state").selected;
    for (const span of article.querySelectorAll(`[data-claim="${i}"]`)) span.classList.add("ck-selected");
  }

  function redraw() {
    const state = model.get("state");
    drawBar(state);
    drawPanel(state);
    drawArticle();
  }
  model.on("change:article", drawArticle);
  model.on("change:state", () => {
    if ((model.get("state").ack ?? 0) >= sent) {
      clearTimeout(waiting);
      if (dead && !gone) {   // only slow: the kernel answered after all
        dead = false;
        root.classList.remove("ck-dead");
      }
    }
    redraw();
  });
  redraw();
  return () => {
    clearTimeout(waiting);
    document.removeEventListener("selectionchange", onSelection);
  };
}

export default { render };
