"""SIGTERM and Ctrl-C (SIGINT) of ``claimkit analyze`` while worker processes are parsing.

Each case starts a real corpus run in a subprocess, with two worker processes (``--workers 2``)
or a local Dask cluster of two (``--dask local:2``), waits until the workers are busy and the
first batch is written, then signals the client process only. The promise: exit status 143 /
130 with a one-line message, ``--out`` left exactly as it was (or complete, had the run
finished), no temporary file or staging folder left, and no worker process of the run still
alive (the process table is read with psutil).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import claimkit
from claimkit import parsing

psutil = pytest.importorskip("psutil", reason="psutil is not installed (pip install 'claimkit[test]')")

GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "gold" / "padt_dev"
TEXTS = [GOLD / f"padtdev{n:02d}.ar.txt" for n in range(1, 13)]

#: How long ``docker stop`` (10 s) and Slurm (``KillWait``, 30 s) wait after SIGTERM before SIGKILL, which
#: would leave the workers of a client still waiting for its running batches orphaned.
GRACE_SECONDS = 30

pytestmark = [
    pytest.mark.skipif(not all(p.is_file() for p in TEXTS), reason=f"gold texts not found in {GOLD}"),
    pytest.mark.skipif(not parsing.model_available(), reason="no Stanza Arabic model (STANZA_RESOURCES_DIR)"),
]


def _descendants(pid: int) -> set[tuple[int, float]]:
    try:
        return {(c.pid, c.create_time()) for c in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def _alive(procs: set[tuple[int, float]]) -> list[int]:
    alive = []
    for pid, created in procs:
        try:
            p = psutil.Process(pid)
            if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.Error:
            pass
    return alive


def _first_part_written(tmp_path: Path, mode: str) -> bool:
    if mode == "workers":  # the hidden temporary output file has received records
        return any(p.name.endswith(".tmp") and p.stat().st_size > 0 for p in tmp_path.iterdir())
    return any(p.name != "part-000000.parquet" or p.parent.name != "out" for p in tmp_path.rglob("part-*.parquet"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("mode", ["workers", "dask"])
def test_signal_leaves_out_untouched_and_no_process_behind(mode, sig, tmp_path):
    if mode == "dask":
        pytest.importorskip("distributed", reason="Dask is not installed (pip install 'claimkit[dask]')")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in TEXTS:
        shutil.copy(p, corpus / p.name)
    if mode == "workers":
        out = tmp_path / "claims.jsonl"
        out.write_text("previous run\n", encoding="utf-8")
        previous = {out.name: b"previous run\n"}
        extra = ["--workers", "2"]
    else:
        out = tmp_path / "out"
        out.mkdir()
        (out / "part-000000.parquet").write_bytes(b"previous run")
        previous = {"part-000000.parquet": b"previous run"}
        extra = ["--dask", "local:2"]
    env = dict(os.environ, PYTHONPATH=str(Path(claimkit.__file__).resolve().parent.parent), OMP_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-m", "claimkit.cli", "analyze", str(corpus), "--out", str(out),
                             "--no-cache", "--no-progress", "--batch-size", "1", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen: set[tuple[int, float]] = set()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and not _first_part_written(tmp_path, mode):
            seen |= _descendants(proc.pid)
            time.sleep(0.1)
        seen |= _descendants(proc.pid)
        assert proc.poll() is None, "the run ended before it could be signalled: " + proc.communicate()[1][-500:]
        assert _first_part_written(tmp_path, mode), "no batch was written within 300 s"
        assert len(seen) >= 2, f"expected two worker processes, saw {seen}"
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {GRACE_SECONDS} s after {sig.name}, when a scheduler would SIGKILL it")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "Traceback" not in err, err[-2000:]
    assert proc.returncode == (143 if sig == signal.SIGTERM else 130), err[-2000:]
    assert err.rstrip().endswith("claimkit: terminated" if sig == signal.SIGTERM else "claimkit: interrupted")

    folder = tmp_path if mode == "workers" else out
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == previous  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["corpus", out.name])  # nothing left beside it

    deadline = time.monotonic() + 30
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _alive(seen), f"worker processes left running: {_alive(seen)}"
