// claimkit review widget: the article with its claims and a panel to correct the selected one.
// Plain ES module for anywidget (no build step). Every action is a message to the kernel, which
// applies it to claimkit.review.Review, saves the file and sends back `article` and `state`.

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
  const root = h("div", { class: "ck-review" });
  const bar = h("div", { class: "ck-review-bar" });
  const panel = h("div", { class: "ck-review-panel" });
  const article = h("div", { class: "ck-review-article" });
  root.append(bar, h("div", { class: "ck-review-main" }, panel, article));
  el.append(root);
  const send = (msg) => model.send(msg);

  article.addEventListener("click", (e) => {
    const box = article.querySelector(".ck-text");
    if (!box || !box.contains(e.target)) return;
    const picked = selectionOffsets(box);
    if (addMode) {
      const start = picked ? picked[0] : pointOffset(box, e.clientX, e.clientY);
      if (start === null) return;
      addMode = false;
      send({ action: "add", start, end: picked ? picked[1] : null });
      return;
    }
    if (picked) return;  // a selection made for "content = selection"
    const span = e.target.closest("[data-claim]");
    if (span) send({ action: "select", i: Number(span.dataset.claim) });
  });

  function drawBar(state) {
    const s = state.summary || {};
    bar.replaceChildren(
      h("span", { class: "ck-review-counts", "data-role": "summary" },
        `kept ${s.kept ?? 0} · corrected ${s.corrected ?? 0} · rejected ${s.rejected ?? 0} · added ${s.added ?? 0}`),
      h("button", { "data-action": "undo", title: state.last ? `undo: ${state.last}` : "nothing to undo",
                    onclick: () => send({ action: "undo" }) }, "↶ Undo"),
      h("button", { "data-action": "add", class: addMode ? "ck-on" : "",
                    onclick: () => { addMode = !addMode; drawBar(state); } },
        addMode ? "Click the cue word in the article…" : "+ Add a missed claim"),
      h("span", { class: "ck-review-path", title: "every change is saved here at once" }, `saved to ${state.path || ""}`),
    );
    if (state.message) bar.append(h("div", { class: state.error ? "ck-review-message ck-error" : "ck-review-message",
                                              "data-role": "message" }, state.message));
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
    const speakerOptions = [["", "— choose a mention —"], ...state.speakers.map((n) => [n, n]),
                            ["\u0000author", "no entity (the author)"]];
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
      select("speaker", "speaker", speakerOptions, "", (v) => {
        if (v) send({ action: "speaker", i, entity: v === "\u0000author" ? "" : v });
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
      h("button", { "data-action": "content", onclick: () => {
        const box = article.querySelector(".ck-text");
        const picked = box && selectionOffsets(box);
        if (picked) send({ action: "content", i, start: picked[0], end: picked[1] });
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
  model.on("change:state", redraw);
  redraw();
}

export default { render };
