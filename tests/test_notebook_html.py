"""The stored notebooks as readers open them: static viewers, `jupyter nbconvert --to html` offline, Chromium."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import headless  # tests/headless.py
from claimkit import notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"


def outputs(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def test_the_notebooks_are_there():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_", "06_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_work_in_every_viewer(path):
    """No warning boxes; every chart as plotly JSON alone (JupyterLab draws it, not a picture), HTML with a PNG."""
    outs = outputs(path)
    assert not [o for o in outs if o.get("name") == "stderr" or o["output_type"] == "error"]
    charts = [o for o in outs if PLOTLY in o.get("data", {})]
    assert charts, "no chart in the notebook"
    for o in charts:
        assert set(o["data"]) == {PLOTLY, "text/html"}, "plotly's JupyterLab renderer shows a bundle's PNG instead"
        assert "cdn.plot.ly" not in "".join(o["data"]["text/html"])
        if headless.browser():
            assert notebook.fallback_png("".join(o["data"]["text/html"])), "a chart without its PNG for static viewers"
    plotlyjs = [o for o in outs if "window.PlotlyConfig" in "".join(o.get("data", {}).get("text/html", ""))]
    assert len(plotlyjs) == 1  # plotly.js embedded once, before the first chart


@pytest.mark.skipif(headless.browser() is None, reason="no Chromium/Chrome for the browser check")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exported_html_draws_every_chart_offline(path, tmp_path):
    """`jupyter nbconvert --to html` (JupyterLab template, as is), opened from disk with the network off."""
    nbconvert = pytest.importorskip("nbconvert", reason="nbconvert (notebook extra) is not installed")
    body, _ = nbconvert.HTMLExporter().from_filename(str(path))
    page = tmp_path / f"{path.stem}.html"
    page.write_text(body, encoding="utf-8")
    dom = headless.dump_dom(page)
    expected = sum(PLOTLY in o.get("data", {}) for o in outputs(path))
    if notebook.png_available():  # a viewer that runs no script shows each chart's picture
        assert body.count('class="ck-figure-png"') == expected
    assert headless.charts_drawn(dom) == expected
    views = sum('class="claimkit-article"' in "".join(o.get("data", {}).get("text/html", "")) for o in outputs(path))
    assert dom.count('class="claimkit-article"') == views
    assert 'class="ck-figure-png"' not in dom  # drawn charts replace their pictures


def test_static_figures_gives_latex_pdf_exports_a_png():
    """nbconvert's LaTeX route takes no HTML: StaticFigures copies each chart's PNG to image/png."""
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbconvert")
    nb = nbformat.read(str(NOTEBOOKS[0]), as_version=4)
    if not any(notebook.fallback_png("".join(o.get("data", {}).get("text/html", ""))) for c in nb.cells
               for o in c.get("outputs", [])):
        pytest.skip("the stored notebook has no PNG fallbacks (made without Chromium)")
    nb, _ = notebook.StaticFigures().preprocess(nb, {})
    charts = [o for c in nb.cells for o in c.get("outputs", []) if PLOTLY in o.get("data", {})]
    assert charts and all(o["data"]["image/png"].startswith("iVBORw0KGgo") for o in charts)  # PNG signature


def test_notebook_renderer_bundles_json_html_and_png():
    """What `fig.show()` stores after `notebook.setup()`: plotly JSON, HTML without plotly.js or CDN, the PNG inside it."""
    import base64
    import warnings

    import plotly.io as pio

    from claimkit import notebook, plots

    old = pio.renderers.default
    with warnings.catch_warnings():
        notebook.setup()
        try:
            fig = plots.source_type_composition([{"source_type": "person", "cue_start": 0, "cue_end": 1,
                                                  "content": "نص", "hedging_level": 1, "hedging": "neutral"}])
            bundle = pio.renderers[notebook.RENDERER].to_mimebundle(fig.to_dict())
            assert pio.renderers.default == notebook.RENDERER
            # Stanza's progress bars in a kernel without ipywidgets: no warning box
            from tqdm import TqdmWarning

            with warnings.catch_warnings(record=True) as caught:
                warnings.warn("IProgress not found. Please update jupyter and ipywidgets.", TqdmWarning)
            assert not caught
        finally:
            pio.renderers.default = old
    assert bundle["application/vnd.plotly.v1+json"]["data"][0]["y"] == [1, 0, 0, 0, 0, 0, 0]
    html = bundle["text/html"]
    assert "Plotly.newPlot" in html and "cdn" not in html and len(html) < 100_000
    assert "image/png" not in bundle
    if headless.browser() and notebook.png_available():
        assert base64.b64decode(notebook.fallback_png(html))[:8] == b"\x89PNG\r\n\x1a\n"
    assert "window.Plotly" in notebook.plotlyjs_html() and len(notebook.plotlyjs_html()) > 1_000_000
