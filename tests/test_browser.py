"""What a reader sees in a real browser: JupyterLab opening each stored notebook, and the report at 1,366 px.

Headless Chromium (Selenium), JupyterLab started by the test, the network off for the page:

- every notebook in ``notebooks/`` is opened as a reader who cloned the repository opens it
  (untrusted, nothing re-run, the mouse never over a chart): each figure must be drawn
  interactively by plotly (its ``main-svg``), not shown as a picture, and no table or
  text block may reach outside the notebook's view;
- ``claimkit report`` on the 30 PADT dev documents (gold trees) is opened at 1,366 × 768:
  every chart drawn and within one screen's height, no table wider than the page,
  and "Print to PDF" (Chromium ``--print-to-pdf``) gives A4 pages.

Set ``CLAIMKIT_SCREENSHOTS=DIR`` to keep screenshots of what was checked (the README's
images come from there).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import browser  # tests/browser.py
import headless  # tests/headless.py

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PADT_DEV = ROOT.parent / "shared" / "gold" / "padt_dev"
PLOTLY = "application/vnd.plotly.v1+json"
LAB_SIZE, REPORT_SIZE = (1400, 1000), (1366, 768)
SHOTS = os.environ.get("CLAIMKIT_SCREENSHOTS")

pytestmark = pytest.mark.skipif(browser.missing(lab=True) is not None, reason=str(browser.missing(lab=True)))

#: The notebook shown in JupyterLab (hidden tabs excluded).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def shot(driver, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / name))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the notebooks (fresh trust database: untrusted), and one browser window."""
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    with browser.jupyterlab(root, tmp_path_factory.mktemp("lab-home")) as server, \
            browser.chrome(*LAB_SIZE) as driver:
        yield server, driver


def figures_in(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(PLOTLY in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_interactive_charts_and_tables_within_the_view(lab, path):
    server, driver = lab
    cells = len(json.loads(path.read_text(encoding="utf-8"))["cells"])
    driver.get(browser.lab_url(server, f"notebooks/{path.name}") + "&reset")
    shown = browser.wait_for(driver, f"return document.querySelectorAll('{PANEL} .jp-Cell').length >= {cells}")
    assert shown, f"JupyterLab did not show the {cells} cells of {path.name}"
    expected = figures_in(path)
    # Read it as a reader does: scroll from top to bottom (never hovering a chart).
    for k in range(cells):
        driver.execute_script(f"const c = document.querySelectorAll('{PANEL} .jp-Cell')[{k}];"
                              "if (c) c.scrollIntoView({block: 'start'});")
        time.sleep(0.15)
    drawn = browser.wait_for(driver, f"""
        const figs = [...document.querySelectorAll('{PANEL} .jp-RenderedPlotly')];
        const done = figs.filter(f => f.querySelectorAll('svg.main-svg').length > 0);
        return figs.length === {expected} && done.length === figs.length ? done.length : 0;""", timeout=120)
    per_figure = driver.execute_script(f"""
        return [...document.querySelectorAll('{PANEL} .jp-RenderedPlotly')].map(f => ({{
            svgs: f.querySelectorAll('svg.main-svg').length,
            picture: (() => {{ const i = f.querySelector('img.plot-img');
                               return !!i && !!i.getAttribute('src') && getComputedStyle(i).display !== 'none'; }})()}}));""")
    assert drawn == expected, f"{path.name}: {per_figure} (expected {expected} figures drawn)"
    assert all(f["svgs"] >= 1 and not f["picture"] for f in per_figure), per_figure
    wide = driver.execute_script(browser.OVERFLOWING, f"{PANEL} .jp-OutputArea-output table, "
                                                      f"{PANEL} .ck-text-block, {PANEL} .ck-sentence, "
                                                      f"{PANEL} .jp-RenderedPlotly",
                                 ".jp-Notebook")
    assert not wide, f"{path.name}: wider than the notebook's view: {wide}"
    # The first chart, table and text block, scrolled into view, for the screenshots.
    for what, selector in (("chart", ".jp-RenderedPlotly"), ("table", ".jp-OutputArea-output table"),
                           ("text", ".ck-text-block")):
        if SHOTS and driver.execute_script(f"const f = document.querySelector('{PANEL} {selector}');"
                                           "if (f) f.scrollIntoView({block: 'start'}); return !!f;"):
            time.sleep(0.5)
            shot(driver, f"lab_{path.stem}_{what}.png")


# ---------------------------------------------------------------------------
# The report at 1,366 px, and printed
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def newswire_report(tmp_path_factory):
    """``claimkit report`` on the 30 PADT dev documents, from their gold trees (no model needed)."""
    if not PADT_DEV.is_dir():
        pytest.skip(f"{PADT_DEV} (PADT dev gold trees) is not beside the checkout")
    from claimkit.cli import main

    out = tmp_path_factory.mktemp("report") / "padt.html"
    assert main(["report", str(PADT_DEV), "--conllu", "--out", str(out), "--title", "PADT dev newswires"]) == 0
    return out


def test_report_fits_a_laptop_screen(newswire_report):
    with browser.chrome(*REPORT_SIZE) as driver:
        driver.get(newswire_report.resolve().as_uri())
        n = len(re.findall(r'class="plotly-graph-div"', newswire_report.read_text(encoding="utf-8")))
        drawn = browser.wait_for(driver, f"""
            const figs = [...document.querySelectorAll('.js-plotly-plot')];
            return figs.length === {n} && figs.every(f => f.querySelector('svg.main-svg')) ? figs.length : 0;""")
        assert drawn == n and n >= 3
        heights = driver.execute_script("return [...document.querySelectorAll('.js-plotly-plot')]"
                                        ".map(f => Math.round(f.getBoundingClientRect().height));")
        assert max(heights) <= REPORT_SIZE[1], heights  # every chart within one screen
        assert not driver.execute_script("return document.querySelectorAll('img.ck-figure-png').length")
        wide = driver.execute_script(browser.OVERFLOWING, "table, .js-plotly-plot, .claimkit-article", "body")
        assert not wide, f"wider than the page: {wide}"
        assert driver.execute_script("return document.documentElement.scrollWidth <= "
                                     "document.documentElement.clientWidth")
        # long names are cut on the axes, whole in the data the hover shows
        ticks = driver.execute_script("return [...document.querySelectorAll('.js-plotly-plot .ytick text')]"
                                      ".map(t => t.textContent);")
        assert ticks and max(map(len, ticks)) <= 40
        shot(driver, "report_1366.png")
        driver.execute_script("window.scrollTo(0, document.querySelector('.js-plotly-plot').getBoundingClientRect()"
                              ".top + window.scrollY - 40)")
        time.sleep(0.5)
        shot(driver, "report_1366_charts.png")


def test_report_prints_to_a4_pages(newswire_report, tmp_path):
    """Chromium's --print-to-pdf with the report's print stylesheet: A4 pages, every chart on the pages."""
    pdf = tmp_path / "report.pdf"
    subprocess.run([headless.browser(), "--headless", "--disable-gpu", "--no-sandbox", "--proxy-server=127.0.0.1:9",
                    "--virtual-time-budget=20000", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    newswire_report.resolve().as_uri()], capture_output=True, timeout=180)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(pages) >= 3
    assert all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in pages)  # A4 in points
    if SHOTS:
        shutil.copy(pdf, Path(SHOTS) / "report_print.pdf")
