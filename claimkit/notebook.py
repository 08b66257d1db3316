"""Notebook set-up: figures that draw in JupyterLab, in exported HTML offline and in static viewers.

Call :func:`setup` once at the top of a notebook. It

- registers the plotly renderer ``"claimkit"`` and makes it the default. Every
  ``fig.show()`` then stores three representations of the figure:
  ``application/vnd.plotly.v1+json`` (JupyterLab, VS Code draw it interactively),
  ``text/html`` (a ``<div>`` and a ``Plotly.newPlot`` call, which nbconvert's HTML export
  and nbviewer show) and, when kaleido and a local Chrome/Chromium are available,
  ``image/png`` (GitHub and other viewers that run no JavaScript);
- displays plotly.js itself once, inline (no CDN), so the HTML of every figure finds
  ``window.Plotly`` when the notebook is exported with ``jupyter nbconvert --to html``
  and opened without a network;
- silences tqdm's "IProgress not found" warning, which Stanza's progress bars raise in a
  kernel without ipywidgets (install the ``notebook`` extra to have ipywidgets).

What it does not do: it never downloads a browser; without kaleido or Chromium the PNG
fallback is simply left out (:func:`png_available` says whether it is there).
"""
from __future__ import annotations

import atexit
import base64
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


def _renderer_class() -> type:
    from plotly.io._base_renderers import MimetypeRenderer, PlotlyRenderer

    class OfflineRenderer(MimetypeRenderer):
        """plotly JSON + HTML (needs the plotly.js that :func:`setup` displays) + optional PNG."""

        def __init__(self, png: bool = True) -> None:
            self.png = png

        def to_mimebundle(self, fig_dict: dict) -> dict:
            import plotly.io as pio

            bundle = PlotlyRenderer().to_mimebundle(dict(fig_dict))
            height = (fig_dict.get("layout") or {}).get("height") or PNG_HEIGHT
            bundle["text/html"] = pio.to_html(fig_dict, include_plotlyjs=False, include_mathjax=False,
                                              full_html=False, default_width="100%", default_height=height,
                                              validate=False)
            if self.png:
                data = figure_png(fig_dict)
                if data:
                    bundle["image/png"] = base64.b64encode(data).decode("ascii")
            return bundle

    return OfflineRenderer


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
