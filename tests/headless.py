"""Headless Chromium for the tests: load a page from disk with the network off and read what it drew."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser() -> str | None:
    """A local Chrome/Chromium (``BROWSER_PATH`` first), or None."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).is_file():
        return env
    return next((p for p in map(shutil.which, NAMES) if p), None)


def dump_dom(page: Path, budget_ms: int = 20000) -> str:
    """The DOM after the page's scripts ran, loaded from file:// with every network request refused.

    ``--proxy-server=127.0.0.1:9`` sends any http(s) request to a closed port, so a page that
    needs a CDN draws nothing, as it would offline.
    """
    exe = browser()
    assert exe, "no Chromium"
    out = subprocess.run([exe, "--headless", "--disable-gpu", "--no-sandbox", "--proxy-server=127.0.0.1:9",
                          "--proxy-bypass-list=<-loopback>", f"--virtual-time-budget={budget_ms}", "--dump-dom",
                          Path(page).resolve().as_uri()], capture_output=True, text=True, timeout=180)
    return out.stdout


def screenshot(page: Path, png: Path, width: int = 1200, height: int = 2400, budget_ms: int = 20000) -> Path:
    exe = browser()
    assert exe, "no Chromium"
    subprocess.run([exe, "--headless", "--disable-gpu", "--no-sandbox", "--proxy-server=127.0.0.1:9",
                    f"--virtual-time-budget={budget_ms}", f"--window-size={width},{height}", "--hide-scrollbars",
                    f"--screenshot={Path(png).resolve()}", Path(page).resolve().as_uri()],
                   capture_output=True, text=True, timeout=180)
    return Path(png)


def charts_drawn(dom: str) -> int:
    """plotly figures actually drawn: each gets one ``plot-container`` holding its rendered SVG."""
    return len(re.findall(r'<div class="plot-container plotly"[^>]*>\s*<div class="[^"]*svg-container"[^>]*>\s*'
                          r'<svg class="main-svg"', dom))
