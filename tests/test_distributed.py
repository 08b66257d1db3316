"""Corpus runs on real Dask clusters: same records as one process, failures kept, killed workers, CLI.

Every cluster here is real: LocalClusters of worker processes, and a scheduler and a worker
started with the ``dask`` command line, all on 127.0.0.1. Workers parse the gold texts with
Stanza (one model per worker process); later runs reuse those parses from the parse cache.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="Dask is not installed (pip install 'claimkit[dask]')")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed")

from distributed import Client, LocalCluster  # noqa: E402

import claimkit  # noqa: E402
from claimkit import parsing  # noqa: E402
from claimkit.cli import main  # noqa: E402
from claimkit.distributed import FAILURES_NAME, analyze_to_parquet, read_claims  # noqa: E402
from claimkit.writers import RecordWriter  # noqa: E402
from conftest import env_var  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"
# The seed and the shortest PADT dev articles: real news text, a few seconds of parsing.
GOLD_TEXTS = [GOLD / "libya_haftar_moscow_2016.ar.txt"] + [GOLD / "padt_dev" / f"padtdev{n}.ar.txt"
                                                         for n in ("19", "15", "27", "22", "23")]
BAD = {"english.txt": "The minister said the talks went well.".encode(),
       "latin1.txt": "قال".encode("utf-8") + "\xe9t\xe9".encode("latin-1")}

pytestmark = [
    pytest.mark.skipif(not all(p.is_file() for p in GOLD_TEXTS), reason=f"gold texts not found in {GOLD}"),
    pytest.mark.skipif(not parsing.model_available(), reason="no Stanza Arabic model (STANZA_RESOURCES_DIR)"),
]


def _local_cluster(n: int, **kw) -> LocalCluster:
    return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address="127.0.0.1:0", **kw)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """A parse cache of this module's own, set before any worker starts (workers inherit it)."""
    with env_var("CLAIMKIT_CACHE_DIR", str(tmp_path_factory.mktemp("dask-cache"))):
        yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for p in GOLD_TEXTS:
        shutil.copy(p, d / p.name)
    for name, raw in BAD.items():
        (d / name).write_bytes(raw)
    return d


@pytest.fixture(scope="module")
def client(cache_dir):
    with _local_cluster(2) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def dist_run(client, folder, tmp_path_factory):
    """The gold texts and two bad files on two worker processes, two documents per batch."""
    out = tmp_path_factory.mktemp("dask-out") / "claims"
    return analyze_to_parquet(folder, out, client=client, batch_size=2, progress=False)


@pytest.fixture(scope="module")
def single_parquet(dist_run, folder, tmp_path_factory) -> Path:
    """The single-process run of the same folder (the parses the workers cached are reused)."""
    out = tmp_path_factory.mktemp("single") / "claims.parquet"
    with RecordWriter(out) as w:
        for r in claimkit.analyze_corpus(folder):
            w.write(r.records())
    return out


def test_cluster_gives_the_single_process_records(dist_run, single_parquet, folder):
    ok = [r for r in dist_run.results if r.ok]
    assert [Path(r.path).name for r in dist_run.results] == sorted(p.name for p in folder.iterdir())
    assert len(ok) == len(GOLD_TEXTS) and not any(r.cached for r in ok)  # the workers parsed every text
    assert dist_run.partitions == 4  # 8 files, 2 a batch: one Parquet file each, named in input order
    parts = sorted(p.name for p in Path(dist_run.out).iterdir())
    assert parts == [FAILURES_NAME] + [f"part-00000{i}.parquet" for i in range(4)]

    got, want = pq.read_table(dist_run.out), pq.read_table(single_parquet)
    assert got.schema == want.schema
    assert got.num_rows == dist_run.summary.claims > 10
    assert got.to_pylist() == want.to_pylist()  # same records, same order
    docs = got.column("doc").to_pylist()
    assert list(dict.fromkeys(docs)) == [r.doc for r in ok if r.doc in set(docs)]  # documents in input order
    ddf = read_claims(dist_run.out)  # the dask DataFrame view: one partition per batch
    assert ddf.npartitions == 4 and list(ddf.columns) == list(claimkit.RECORD_KEYS)
    assert ddf["doc"].compute().tolist() == docs


def test_failed_documents_are_reported_and_the_rest_written(dist_run, folder):
    lines = (Path(dist_run.out) / FAILURES_NAME).read_text(encoding="utf-8").splitlines()
    failures = {f["doc"]: f for f in map(json.loads, lines)}
    assert set(failures) == {"english", "latin1"}
    assert failures["english"]["error"].startswith("NotArabicError")
    assert failures["latin1"]["error"].startswith("InputFileError") and "UTF-8" in failures["latin1"]["error"]
    assert failures["latin1"]["path"] == str(folder / "latin1.txt")
    assert dist_run.failures == [failures["english"], failures["latin1"]]
    written = set(pq.read_table(dist_run.out).column("doc").to_pylist())
    assert written == {p.name[:-4] for p in GOLD_TEXTS}  # every gold article has claims in the output
    assert "6 of 8 files analysed" in dist_run.summary.report()


def test_cli_dask_local_matches_the_single_machine_cli(dist_run, folder, tmp_path, capsys):
    out, single = tmp_path / "claims", tmp_path / "x.parquet"
    assert main(["analyze", str(folder), "--dask", "local:2", "--out", str(out)]) == 1  # two files skipped
    err = capsys.readouterr().err
    assert "2 workers" in err and "dashboard http://127.0.0.1:" in err
    assert "6 of 8 files analysed" in err and "english.txt: NotArabicError" in err
    assert main(["analyze", str(folder), "--out", str(single)]) == 1
    assert pq.read_table(out).to_pylist() == pq.read_table(single).to_pylist()
    assert (out / FAILURES_NAME).read_text(encoding="utf-8") == (Path(dist_run.out) / FAILURES_NAME).read_text(
        encoding="utf-8")


def test_cli_dask_usage_errors(folder, tmp_path, capsys):
    assert main(["analyze", str(folder), "--dask", "local:2"]) == 2
    assert "--dask needs --out DIR" in capsys.readouterr().err
    assert main(["analyze", str(folder), "--dask", "local:2", "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "Parquet dataset folder" in capsys.readouterr().err
    assert main(["analyze", str(folder), "--dask", "local:0", "--out", str(tmp_path / "o")]) == 2
    assert "local:N with N ≥ 1" in capsys.readouterr().err


def _set_version(v: str) -> str:
    import claimkit as ck

    old, ck.__version__ = ck.__version__, v
    return old


def test_workers_with_another_claimkit_are_refused(client, folder, tmp_path):
    from claimkit.distributed import DistributedError

    old = client.run(_set_version, "0.0.0-other")
    try:
        with pytest.raises(DistributedError, match="2 of 2 Dask workers have claimkit 0.0.0-other"):
            analyze_to_parquet(folder, tmp_path / "out", client=client, progress=False)
    finally:
        client.run(_set_version, next(iter(old.values())))
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_fsspec_inputs_and_output(dist_run, cache_dir, folder):
    """memory:// is visible to workers in this process only: a LocalCluster of threads."""
    fsspec = pytest.importorskip("fsspec")
    threads = parsing._THREADS  # the in-process worker's set-up sets this process's threads
    mem = fsspec.filesystem("memory")
    for p in GOLD_TEXTS:
        mem.pipe_file(f"/ck-in/{p.name}", p.read_bytes())
    try:
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0") \
                as cluster, Client(cluster) as c:
            run = analyze_to_parquet(["memory://ck-in/", "memory://ck-in/missing.txt"], "memory://ck-out",
                                     client=c, batch_size=3, progress=False)
    finally:
        parsing.set_threads(threads)
    assert [r.doc for r in run.results] == sorted(p.name[:-4] for p in GOLD_TEXTS) + ["missing"]
    assert run.failures == [{"doc": "missing", "path": "memory://ck-in/missing.txt",
                             "error": "InputFileError: memory://ck-in/missing.txt: no such file"}]
    got = pq.read_table("/ck-out", filesystem=mem)
    want = pq.read_table(dist_run.out)
    assert got.to_pylist() == want.to_pylist()
    assert json.loads(mem.cat_file(f"/ck-out/{FAILURES_NAME}"))["doc"] == "missing"


@pytest.mark.parametrize("allowed_failures", [3, 0], ids=["batch-rerun", "batch-split"])
def test_killed_worker_loses_nothing(allowed_failures, dist_run, folder, tmp_path):
    """SIGKILL a worker process while it runs a batch: nothing is lost or written twice.

    With Dask's default (3 allowed failures) the scheduler re-runs the batch on another worker.
    With 0, the batch fails at once with KilledWorker and claimkit re-runs its documents one by one.
    """
    import dask

    out = tmp_path / "claims"
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}), \
            _local_cluster(2) as cluster, Client(cluster) as c:
        pids = c.run(os.getpid)
        done: dict = {}

        def run() -> None:  # no cache: each worker loads the model and parses, so its first batch takes seconds
            try:
                done["run"] = analyze_to_parquet(folder, out, client=c, batch_size=2, cache=False, progress=False)
            except BaseException as exc:  # reported by the assertion below
                done["error"] = exc

        th = threading.Thread(target=run)
        th.start()
        victim, deadline = None, time.monotonic() + 120
        while victim is None and time.monotonic() < deadline and th.is_alive():
            for addr, keys in c.processing().items():
                batch = next((str(k) for k in keys if str(k).startswith("claimkit-batch")), None)
                if addr in pids and batch:
                    victim = addr
                    break
            time.sleep(0.02)
        assert victim is not None, "no batch started on a worker"
        os.kill(pids[victim], signal.SIGKILL)
        th.join(timeout=300)
        assert not th.is_alive() and "error" not in done, done.get("error")
        assert pids[victim] not in c.run(os.getpid).values()  # the worker really died (its nanny restarted one)
    kept = done["run"]
    assert [(r.doc, r.error) for r in kept.results] == [(r.doc, r.error) for r in dist_run.results]
    assert pq.read_table(out).to_pylist() == pq.read_table(dist_run.out).to_pylist()
    names = sorted(p.name for p in out.iterdir())
    if allowed_failures:
        assert names == sorted(p.name for p in Path(dist_run.out).iterdir())
    else:  # the killed batch (and any other batch queued on that worker) has a file per document instead
        i = int(batch.split("-")[2])
        assert f"part-{i:06d}.parquet" not in names
        for k in range(dist_run.partitions):
            subs = [n for n in names if n.startswith(f"part-{k:06d}-")]
            assert (f"part-{k:06d}.parquet" in names) != bool(subs)
            assert subs in ([], [f"part-{k:06d}-0000.parquet", f"part-{k:06d}-0001.parquet"])
        assert f"part-{i:06d}-0000.parquet" in names


def test_scheduler_and_worker_started_with_the_dask_command(dist_run, folder, tmp_path, capsys):
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed beside this Python")
    sched_file = tmp_path / "scheduler.json"
    logs = {name: open(tmp_path / f"{name}.log", "wb") for name in ("scheduler", "worker")}
    procs = []
    try:
        procs.append(subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                       "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(sched_file)],
                                      stdout=logs["scheduler"], stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sched_file.exists(), (tmp_path / "scheduler.log").read_text()
        address = json.loads(sched_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        procs.append(subprocess.Popen([str(dask), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                       "--no-dashboard", "--local-directory", str(tmp_path / "worker")],
                                      stdout=logs["worker"], stderr=subprocess.STDOUT))
        with Client(address, timeout="30s") as c:
            c.wait_for_workers(1, timeout=60)
        out = tmp_path / "claims"
        assert main(["analyze", str(folder), "--dask", address, "--out", str(out)]) == 1
        assert f"Dask scheduler {address}, 1 worker" in capsys.readouterr().err
        assert pq.read_table(out).to_pylist() == pq.read_table(dist_run.out).to_pylist()
        # the scheduler file works as the address too
        assert main(["analyze", str(folder), "--dask", str(sched_file), "--out", str(out)]) == 1
        assert pq.read_table(out).to_pylist() == pq.read_table(dist_run.out).to_pylist()
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for f in logs.values():
            f.close()


_SCHEDULER_WITHOUT_BOKEH = """
import sys
sys.modules["bokeh"] = None  # as on a machine where bokeh is not installed
from distributed.cli.dask_scheduler import main
sys.argv = ["dask-scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
            "--scheduler-file", sys.argv[1]]
main()
"""


def test_dashboard_address_only_when_the_scheduler_serves_one(tmp_path):
    """A scheduler without bokeh still answers on its HTTP port (a page asking for bokeh): no address then."""
    from claimkit.distributed import NO_DASHBOARD, dashboard

    with LocalCluster(n_workers=0, processes=False, dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster) as c:
        assert dashboard(c) == c.dashboard_link and dashboard(c).endswith("/status")
    sched_file = tmp_path / "scheduler.json"
    with open(tmp_path / "scheduler.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", _SCHEDULER_WITHOUT_BOKEH, str(sched_file)], stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sched_file.exists(), (tmp_path / "scheduler.log").read_text()
        with Client(json.loads(sched_file.read_text())["address"], timeout="30s") as c:
            assert c.dashboard_link  # the template is filled in anyway…
            assert dashboard(c) == NO_DASHBOARD  # …but no dashboard is claimed
    finally:
        proc.terminate()
        proc.wait(timeout=20)
