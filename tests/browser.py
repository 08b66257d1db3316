"""A real browser for the tests: headless Chromium driven by Selenium, and a JupyterLab server to open.

Both run with the network off for the page (``--proxy-server`` to a closed port, loopback
excepted, as Chromium does by default), so what draws here draws offline. :func:`missing` says what is not installed,
for a clear skip reason; CI installs Chromium and chromedriver (``.ci/run``) and the
``test`` and ``notebook`` extras (Selenium, JupyterLab).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import headless  # tests/headless.py

DRIVER_NAMES = ("chromedriver", "chromium-driver")


def chromedriver() -> str | None:
    """The chromedriver beside the system Chromium (Debian: ``/usr/bin/chromedriver``), or None."""
    return next((p for p in map(shutil.which, DRIVER_NAMES) if p), None)


def missing(*, lab: bool = False) -> str | None:
    """What the browser tests lack here (a sentence), or None when everything is installed."""
    if headless.browser() is None:
        return "no Chromium/Chrome (apt-get install chromium)"
    if chromedriver() is None:
        return "no chromedriver (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Selenium is not installed (pip install 'claimkit[test]')"
    if lab:
        try:
            import jupyterlab  # noqa: F401
        except ImportError:
            return "JupyterLab is not installed (pip install 'claimkit[notebook]')"
    return None


@contextmanager
def chrome(width: int, height: int) -> Iterator[Any]:
    """A headless Chromium window of ``width`` × ``height`` CSS pixels (device scale 1)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = headless.browser()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={width},{height}",
                "--proxy-server=127.0.0.1:9", "--lang=en-US"):  # loopback (JupyterLab) bypasses the proxy
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver()), options=opts)
    try:
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])  # the viewport, not the window
        yield driver
    finally:
        driver.quit()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_USER_SETTINGS = {
    # no "Would you like to get notified about official Jupyter news?" toast over the outputs
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


@contextmanager
def jupyterlab(root: Path, home: Path, timeout: float = 120) -> Iterator[str]:
    """JupyterLab serving ``root``, with its own config, data (trust database) and settings under ``home``.

    Yields the base URL with the token (``http://127.0.0.1:PORT``, ``?token=…`` appended by
    :func:`lab_url`). A fresh data folder means no notebook is trusted: what a reader who
    cloned the repository sees.
    """
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "run"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        env[var] = str(home / sub)
        (home / sub).mkdir(parents=True, exist_ok=True)
    for name, value in _USER_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    log = open(home / "jupyterlab.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                             f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                             "--LabApp.extension_manager=readonly",  # no look-ups on a package index
                             *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            try:
                opener.open(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (home / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield f"{base}|{token}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def lab_url(server: str, path: str) -> str:
    """The JupyterLab URL that opens ``path`` (relative to the served root)."""
    base, token = server.split("|")
    return f"{base}/lab/tree/{path}?token={token}"


def wait_for(driver: Any, script: str, timeout: float = 90, poll: float = 0.5) -> Any:
    """Run ``script`` (returning a value) until it returns something truthy; that value, or the last one."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(poll)
    return value


#: JavaScript: every element matching arguments[0] that reaches outside the view it sits in (the closest
#: arguments[1], else the window): a table or text a reader would have to scroll sideways to read.
OVERFLOWING = """
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  const boxEl = el.closest(arguments[1]);
  const box = boxEl ? boxEl.getBoundingClientRect() : {left: 0, right: document.documentElement.clientWidth};
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1)) {
    out.push({what: el.tagName + '.' + el.className, left: Math.round(r.left), right: Math.round(r.right),
              view: [Math.round(box.left), Math.round(box.right)]});
  }
}
return out;
"""
