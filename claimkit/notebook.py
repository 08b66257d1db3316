"""Notebook set-up: figures that draw in JupyterLab, in exported HTML offline and in static viewers.

Call :func:`setup` once at the top of a notebook. It

- registers the plotly renderer ``"claimkit"`` and makes it the default. Every
  ``fig.show()`` then stores one output with two representations of the figure:

  * ``application/vnd.plotly.v1+json`` — JupyterLab (plotly's own mime renderer, which
    is "safe", so it draws in an untrusted notebook too) and VS Code draw it
    interactively as soon as the notebook is opened. No ``image/png`` sits next to it:
    plotly's JupyterLab renderer shows a bundle's PNG *instead of* the chart and builds
    the chart only when the mouse enters the picture.
  * ``text/html`` — what nbconvert's HTML export and nbviewer use (nbconvert ranks
    ``text/html`` above images, and JupyterLab ranks plotly's mime renderer above
    ``text/html``): a ``<div>`` with a ``Plotly.newPlot`` call and, when kaleido and a
    local Chrome/Chromium are available, the PNG of the figure as an ``<img>`` in front
    of it. Where scripts run (an exported page with the plotly.js below) the chart is
    drawn and the picture removed; where they do not (GitHub's viewer, a page opened with
    JavaScript off) the PNG is what the reader sees. :class:`StaticFigures` copies that
    PNG to ``image/png`` for exports that take no HTML (nbconvert's LaTeX/PDF).
- displays plotly.js itself once, inline (no CDN), so the HTML of every figure finds
  ``window.Plotly`` when the notebook is exported with ``jupyter nbconvert --to html``
  and opened without a network;
- silences tqdm's "IProgress not found" warning, which Stanza's progress bars raise in a
  kernel without ipywidgets (install the ``notebook`` extra to have ipywidgets).

What it does not do: it never downloads a browser; without kaleido or Chromium the PNG
fallback is simply left out (:func:`png_available` says whether it is there). Once a
figure has been drawn in JupyterLab, plotly's extension writes a PNG into the output
itself, so a notebook *saved* from JupyterLab shows pictures until hovered the next
time it is opened; re-run it, or store it with ``jupyter nbconvert --execute`` as this
repository does.
"""
from __future__ import annotations

import atexit
import base64
import re
import warnings
from typing import Any

RENDERER = "claimkit"
#: Size of the PNG fallback when the figure sets none (JupyterLab's output width).
PNG_WIDTH, PNG_HEIGHT = 900, 500

_png_state: dict[str, Any] = {"checked": False, "ok": False}


def silence_progress_warnings() -> None:
    """Ignore tqdm's ``TqdmWarning: IProgress not found`` (a notebook without ipywidgets)."""
    warnings.filterwarnings("ignore", message=r"IProgress not found")
    try:
        from tqdm import TqdmWarning

        warnings.filterwarnings("ignore", category=TqdmWarning)
    except ImportError:
        pass


def png_available() -> bool:
    """True when a PNG can be made here: kaleido installed and a local Chrome/Chromium found.

    The first call starts kaleido's browser once for the whole session (stopped at exit),
    so each later figure costs a fraction of a second instead of a browser start.
    """
    if _png_state["checked"]:
        return _png_state["ok"]
    _png_state["checked"] = True
    from .plots import find_browser

    browser = find_browser()
    try:
        import kaleido
    except ImportError:
        return False
    if browser is None:
        return False
    import os

    os.environ.setdefault("BROWSER_PATH", browser)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kaleido.start_sync_server(silence_warnings=True)
        atexit.register(_stop_server)
        _png_state["ok"] = True
    except Exception:  # a browser that does not start headless: no fallback, no error
        _png_state["ok"] = False
    return _png_state["ok"]


def _stop_server() -> None:
    try:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
    except Exception:
        pass


def figure_png(fig: Any) -> bytes | None:
    """The figure as PNG bytes (its own width/height, else :data:`PNG_WIDTH` × :data:`PNG_HEIGHT`), or None."""
    if not png_available():
        return None
    import plotly.io as pio

    layout = fig.get("layout", {}) if isinstance(fig, dict) else fig.to_dict().get("layout", {})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kaleido warns that options are ignored when a server runs
            return pio.to_image(fig, format="png", width=layout.get("width") or PNG_WIDTH,
                                height=layout.get("height") or PNG_HEIGHT)
    except Exception:
        return None


#: Class of the PNG ``<img>`` inside a figure's HTML, removed once plotly.js has drawn the chart.
FALLBACK_CLASS = "ck-figure-png"
_REMOVE_FALLBACK = ("var g = document.getElementById('{plot_id}'); var box = g && g.closest('.ck-figure');"
                    " var img = box && box.querySelector('img." + FALLBACK_CLASS + "'); if (img) { img.remove(); }")


def figure_html(fig_dict: dict, png: bytes | None = None) -> str:
    """The figure as an HTML fragment: the PNG (if any) as an ``<img>``, then the chart's div and script.

    The script needs ``window.Plotly`` (see :func:`setup`); once the chart is drawn it
    removes the picture. Without scripts the picture stays.
    """
    import plotly.io as pio

    height = (fig_dict.get("layout") or {}).get("height") or PNG_HEIGHT
    chart = pio.to_html(fig_dict, include_plotlyjs=False, include_mathjax=False, full_html=False,
                        default_width="100%", default_height=height, validate=False, post_script=_REMOVE_FALLBACK)
    img = ""
    if png:
        data = base64.b64encode(png).decode("ascii")
        img = (f'<img class="{FALLBACK_CLASS}" alt="chart (static picture)" src="data:image/png;base64,{data}" '
               'style="max-width:100%;height:auto">')
    return f'<div class="ck-figure">{img}{chart}</div>'


def _renderer_class() -> type:
    from plotly.io._base_renderers import MimetypeRenderer, PlotlyRenderer

    class OfflineRenderer(MimetypeRenderer):
        """plotly JSON alone for JupyterLab/VS Code + HTML (chart and PNG fallback) for exports and static viewers."""

        def __init__(self, png: bool = True) -> None:
            self.png = png

        def to_mimebundle(self, fig_dict: dict) -> dict:
            bundle = PlotlyRenderer().to_mimebundle(dict(fig_dict))
            bundle["text/html"] = figure_html(fig_dict, figure_png(fig_dict) if self.png else None)
            return bundle

    return OfflineRenderer


_PNG_IN_HTML = re.compile(r'<img class="' + FALLBACK_CLASS + r'"[^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def fallback_png(html_text: str) -> str | None:
    """The base64 PNG that :func:`figure_html` put in a figure's HTML, or None."""
    m = _PNG_IN_HTML.search(html_text)
    return m.group(1) if m else None


def _preprocessor_base() -> type:
    try:
        from nbconvert.preprocessors import Preprocessor
    except ImportError:  # nbconvert is an optional extra: the class is only needed with it
        return object
    return Preprocessor


class StaticFigures(_preprocessor_base()):  # type: ignore[misc]
    """nbconvert preprocessor: each figure's PNG fallback also as ``image/png``, for exports without HTML.

    ``jupyter nbconvert --to pdf --Exporter.preprocessors=claimkit.notebook.StaticFigures NB.ipynb``
    (nbconvert's LaTeX route ignores ``text/html``). Not needed for ``--to html`` or
    ``--to webpdf``, which draw the charts themselves.
    """

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "application/vnd.plotly.v1+json" in data and "image/png" not in data:
                png = fallback_png("".join(data.get("text/html", "")))
                if png:
                    data["image/png"] = png
        return cell, resources


def plotlyjs_html() -> str:
    """plotly.js inline in one ``<script>`` (about 4.8 MB), guarded so a second copy is not run."""
    from plotly.offline import get_plotlyjs

    return ('<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: "local"};</script>\n'
            '<script type="text/javascript">if (!window.Plotly) {\n' + get_plotlyjs() + '\n}</script>')


def setup(png: bool = True, display_plotlyjs: bool = True) -> None:
    """Make notebook figures work in JupyterLab, in offline HTML exports and in static viewers.

    ``png=False`` leaves out the PNG fallback (faster, smaller notebooks).
    ``display_plotlyjs=False`` skips displaying plotly.js (for a notebook that already did).
    Outside a Jupyter kernel only the renderer is registered.
    """
    silence_progress_warnings()
    import plotly.io as pio

    pio.renderers[RENDERER] = _renderer_class()(png=png)
    pio.renderers.default = RENDERER
    if display_plotlyjs and _in_kernel():
        from IPython.display import HTML, display

        display(HTML(plotlyjs_html()))


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "zmqshell" in str(type(shell)).lower()
