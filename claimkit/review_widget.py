"""The review widget: the article with its claims, a panel to correct the selected claim, a live summary.

An anywidget (plain ES module and CSS in ``templates/review/``, no build step) shown under a
plotly ``FigureWidget`` of the reliance chart. Every click is sent to the kernel as a small
message (``{"action": "reject", "i": 3}``) and carried out by the :class:`~claimkit.review.Review`
the widget wraps, the same methods a notebook or a test calls; the kernel then sends back the
redrawn article and the panel state. So what the widget shows is always what the file holds.

Every message carries a number the kernel sends back (``state["ack"]``). A message that no
kernel answers, a ``send`` that fails, or the comm closing (a restarted or stopped kernel)
turns the widget grey with "re-run the notebook from the top": the corrections are in the
file, and running the notebook again opens a live widget on them.

Controls: click a claim (any of its highlighted words) to select it; Keep / Reject; the speaker
from the article's mentions, "no entity (the author)" or a typed name; source type, mode,
hedging and cue class from their closed lists (each list shows the claim's current value);
optional; the content set to the text selected in the article (the selection is remembered
as it is made, since JupyterLab clears it when a button is pressed); "Add a missed claim" then
click the cue word (or select a longer cue first); Undo and Redo. Rejected claims stay in the
view in grey so they can be kept again. Each speaker keeps its colour for the whole review.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets

from .errors import ClaimkitError
from .render import entity_of, render_article
from .review import CHOICES, Review, ReviewError

ASSETS = Path(__file__).parent / "templates" / "review"
#: The grey of rejected claims in the article.
REJECTED_COLOR = "#9e9e9e"
#: Height of the reliance chart above the article (px).
CHART_HEIGHT = 230
#: The closed lists of the panel's choosers, as the front end receives them.
CHOICE_LISTS = {field: list(values) for field, values in CHOICES.items()}


class ReviewView(anywidget.AnyWidget):
    """The article and the correction panel (front end in ``templates/review/review.js``)."""

    _esm = ASSETS / "review.js"
    _css = ASSETS / "review.css"
    article = traitlets.Unicode("").tag(sync=True)
    state = traitlets.Dict({}).tag(sync=True)


class ReviewWidget(ipywidgets.VBox):
    """Reliance chart and :class:`ReviewView` for one :class:`~claimkit.review.Review` (``.review``)."""

    def __init__(self, review: Review, **kwargs: Any):
        import plotly.graph_objects as go

        self.review = review
        self.selected: int | None = None
        self.message, self.error = "", False
        self.ack = 0   # the number of the last front-end message carried out
        self.view = ReviewView()
        self.chart = go.FigureWidget()
        self.chart._config = {"displayModeBar": False}   # its tool bar would cover the title (the numbers)
        super().__init__([self.chart, self.view], **kwargs)
        self._in_message = False
        self.view.on_msg(self._on_message)
        # API calls from the notebook redraw it too; a click redraws once, when it is carried out
        review.listeners.append(lambda _r: self._in_message or self.refresh())
        self.refresh()

    def __repr__(self) -> str:  # the plain-text view (static notebook viewers, terminals)
        s = self.review.summary()
        return (f"<claimkit review of {self.review.doc}: {s['kept']} kept, {s['corrected']} corrected, "
                f"{s['rejected']} rejected, {s['added']} added; saved to {self.review.path}>")

    # -- kernel side of the clicks --------------------------------------------------------
    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any = None) -> None:
        self.message, self.error, self._in_message = "", False, True
        if isinstance(content.get("n"), int):
            self.ack = content["n"]
        try:
            self.apply(content)
        except ClaimkitError as exc:
            self.message, self.error = str(exc), True
        finally:
            self._in_message = False
        self.refresh()

    def apply(self, msg: dict[str, Any]) -> None:
        """Carry out one front-end message on the review (also usable from Python)."""
        r, action, i = self.review, msg.get("action"), msg.get("i")
        if action == "ping":   # the front end asks whether a kernel still answers
            return
        if action == "select":
            self.selected = i if isinstance(i, int) and 0 <= i < len(r.claims) else None
        elif action == "keep":
            r.keep(i)
        elif action == "reject":
            r.reject(i)
        elif action == "speaker":
            r.set_speaker(i, msg.get("entity", ""))
        elif action == "label":
            r.set_label(i, msg["field"], msg["value"])
        elif action == "optional":
            r.set_optional(i, bool(msg.get("value")))
        elif action == "content":
            r.set_content(i, msg["start"], msg["end"])
        elif action == "add":
            if msg.get("end") is not None and msg["end"] > msg["start"]:
                self.selected = r.add_claim(msg["start"], msg["end"])
            else:
                self.selected = r.add_claim_at(msg["start"])
        elif action == "undo":
            what = r.undo()
            self.message = f"undone: {what}" if what else "nothing to undo"
        elif action == "redo":
            what = r.redo()
            self.message = f"redone: {what}" if what else "nothing to redo"
        else:
            raise ReviewError(f"unknown action {action!r}")

    # -- what the front end shows -----------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the article, the panel state and the reliance chart from the review."""
        r = self.review
        self.view.article = article_html(r)
        if self.selected is not None and self.selected >= len(r.claims):   # an added claim undone
            self.selected = None
        i = self.selected
        self.view.state = {
            "selected": i if i is not None else -1,
            "claim": r.claims[i] if i is not None else None,
            "status": r.status[i] if i is not None else "",
            "summary": r.summary(),
            "speakers": r.speakers(),
            "choices": CHOICE_LISTS,
            "path": str(r.path),
            "last": r.history[-1].description if r.history else "",
            "next": r.undone[-1].description if r.undone else "",
            "ack": self.ack,
            "message": self.message,
            "error": self.error,
        }
        fig = r.reliance_figure()
        fig.update_layout(height=CHART_HEIGHT)
        with self.chart.batch_update():
            self.chart.data = []
            self.chart.add_traces(list(fig.data))
            self.chart.layout = fig.layout


def article_html(review: Review) -> str:
    """The article view (``render.render_article``) of every claim; ``data-claim`` is the claim's number.

    Rejected claims are drawn in grey under the name "(rejected)" so they can be selected and kept again;
    every other speaker in its colour of :meth:`Review.colors`, fixed for the life of the review.
    """
    records = [dict(c, entity="(rejected)", source_type="rejected") if i in review.rejected else c
               for i, c in enumerate(review.claims)]
    fixed = dict(review.colors(), **{"(rejected)": REJECTED_COLOR})
    shown = {entity_of(r) for r in records}   # the legend lists the colours it is given
    return render_article(records, review.text, colors={k: v for k, v in fixed.items() if k in shown})
