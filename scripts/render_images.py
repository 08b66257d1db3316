"""Render the seed article's view and its claims-per-source chart to PNG with headless Chromium.

Writes ``docs/images/article_view.png`` and ``docs/images/chart_claims_per_entity.png``
(the pictures embedded in the README) and checks, by looking at them, that Arabic is
shaped and ordered right to left. Needs a Chrome/Chromium (Debian: ``apt-get install
chromium fonts-noto-core``); nothing is downloaded.

    STANZA_RESOURCES_DIR=/path/to/stanza_resources python scripts/render_images.py
    python scripts/render_images.py --gold    # draw the hand-checked claims instead
    python scripts/render_images.py --pages   # also: docs/images/report.png and notebook_04_newswires.png

``--gold`` uses ``../shared/gold/libya_haftar_moscow_2016.ar.claims.jsonl`` (beside the checkout) and needs no model.
``--pages`` runs ``claimkit report`` on the seed (needs the model and the notebook extra) and
exports the stored ``notebooks/04_newswires.ipynb`` without its code, and screenshots both pages
offline; the 04 picture stops before the article view, so no treebank text is drawn.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "libya_haftar_moscow_2016.ar.txt"
GOLD = ROOT.parent / "shared" / "gold" / "libya_haftar_moscow_2016.ar.claims.jsonl"
OUT = ROOT / "docs" / "images"
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--force-device-scale-factor=1")


def find_chromium() -> str | None:
    """The first Chrome/Chromium on PATH (or BROWSER_PATH), else None."""
    from claimkit.plots import find_browser

    return find_browser()


def screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> Path:
    """Screenshot a local page with headless Chromium, in a throwaway profile."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="claimkit-chromium-") as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               "--virtual-time-budget=5000", f"--screenshot={png}", page.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return png


def load_analysis(gold: bool):
    """The seed article analysed by claimkit, or built from its gold records with ``gold=True``."""
    import claimkit
    from claimkit.plots import as_analysis

    text = SEED.read_text(encoding="utf-8")
    doc = "libya_haftar_moscow_2016.ar"
    if gold:
        records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
        return as_analysis(records, text, doc=doc)
    return claimkit.analyze(text, doc=doc)


def render_images(out_dir: Path = OUT, gold: bool = False, browser: str | None = None) -> list[Path]:
    """Write the two PNGs into ``out_dir``; returns their paths."""
    from claimkit import plots, render

    browser = browser or find_chromium()
    if browser is None:
        raise RuntimeError("no Chrome/Chromium found: apt-get install chromium (or set BROWSER_PATH)")
    analysis = load_analysis(gold)
    with tempfile.TemporaryDirectory(prefix="claimkit-pages-") as tmp:
        view = render.save_html(analysis, Path(tmp) / "article_view.html")
        chart_html = Path(tmp) / "chart.html"
        fig = plots.claims_per_entity(analysis)
        fig.update_layout(width=900, height=520)
        fig.write_html(chart_html, include_plotlyjs=True, full_html=True, config={"staticPlot": True})
        pngs = [screenshot(browser, view, out_dir / "article_view.png", 1100, 1500),
                screenshot(browser, chart_html, out_dir / "chart_claims_per_entity.png", 920, 540)]
    return pngs


def offline_screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> Path:
    """Like :func:`screenshot`, with every network request refused (the pages must work offline)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="claimkit-chromium-") as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               "--proxy-server=127.0.0.1:9", "--virtual-time-budget=15000", f"--screenshot={png}",
               page.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if proc.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return png


def render_pages(out_dir: Path = OUT, browser: str | None = None) -> list[Path]:
    """Screenshots of ``claimkit report`` on the seed and of notebook 04 exported to HTML (outputs only)."""
    from nbconvert import HTMLExporter

    from claimkit.report import build_report

    browser = browser or find_chromium()
    if browser is None:
        raise RuntimeError("no Chrome/Chromium found: apt-get install chromium (or set BROWSER_PATH)")
    with tempfile.TemporaryDirectory(prefix="claimkit-pages-") as tmp:
        rep = build_report([SEED], Path(tmp) / "report.html", command_line=f"claimkit report {SEED.name}")
        exporter = HTMLExporter()
        exporter.exclude_input = True
        exporter.exclude_input_prompt = exporter.exclude_output_prompt = True
        body, _ = exporter.from_filename(str(ROOT / "notebooks" / "04_newswires.ipynb"))
        nb04 = Path(tmp) / "04.html"
        nb04.write_text(body, encoding="utf-8")
        return [offline_screenshot(browser, rep.html, out_dir / "report.png", 1100, 2300),
                offline_screenshot(browser, nb04, out_dir / "notebook_04_newswires.png", 1100, 1990)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", action="store_true", help="draw the hand-checked seed claims (no model needed)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: docs/images)")
    parser.add_argument("--browser", help="Chrome/Chromium executable (default: found on PATH)")
    parser.add_argument("--pages", action="store_true", help="also screenshot the report and notebook 04")
    args = parser.parse_args(argv)
    if args.browser is None and find_chromium() is None:
        print("no Chrome/Chromium found: apt-get install chromium", file=sys.stderr)
        return 2
    for path in render_images(args.out, gold=args.gold, browser=args.browser):
        print(path)
    if args.pages:
        for path in render_pages(args.out, browser=args.browser):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
