"""``claimkit report``: a reproducible research report for one article or a corpus.

The report is made the notebook way: the template notebook shipped with the package
(``claimkit/templates/report.ipynb``) gets the inputs as parameters, is executed with
nbclient and exported with nbconvert to **one standalone HTML file** that works offline
(plotly.js embedded once, no CDN, no require.js, no MathJax). The executed notebook is
written beside it (``report.ipynb`` next to ``report.html``) so a reader can open it in
JupyterLab and run it again.

Content: a corpus summary and the sourcing profile of each article, the comparison
charts, each article with its claims highlighted (collapsible ``<details>``), a table of
the sources, the sources across articles (the source index: each outlet's top sources, the
share of unnamed voices, the biggest merges with their reasons), and a methods section with provenance: claimkit version, model identity
(the same identity the parse cache uses), SHA-256 of every input, the command line, the
date, and the accuracy table of the README.

The functions the template calls live here too, so the notebook stays a short list of
calls and everything it shows is tested code. Needs the ``notebook`` extra (nbclient,
nbconvert, ipykernel): without it :func:`build_report` raises a :class:`ReportError`.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .errors import ClaimkitError

if TYPE_CHECKING:
    import pandas as pd

    from .index import SourceIndex
    from .records import Analysis

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = TEMPLATES / "report.ipynb"
#: nbconvert template (in :data:`TEMPLATES`): JupyterLab's, without the CDN scripts.
HTML_TEMPLATE = "report_html"


class ReportError(ClaimkitError):
    """The report cannot be built (no inputs, missing notebook tools, a failing cell)."""


# ---------------------------------------------------------------------------
# Inputs and provenance
# ---------------------------------------------------------------------------

def input_files(inputs: Iterable[str | os.PathLike], conllu: bool = False) -> list[Path]:
    """The files a report covers: folders, globs and files expanded as ``claimkit analyze`` does."""
    from .corpus import expand_paths

    files = expand_paths(list(inputs), conllu=conllu)
    if not files:
        raise ReportError("no input files: give articles (.txt/.html), a folder or a quoted glob"
                          + (" (with --conllu, *.conllu)" if conllu else ""))
    missing = [str(p) for p in files if not Path(p).is_file()]
    if missing:
        raise ReportError(f"no such file: {', '.join(missing)}")
    return [Path(os.path.abspath(p)) for p in files]


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _companion_text(path: Path) -> Path | None:
    """``NAME.txt`` beside ``NAME.conllu`` (its offsets point into it), when present."""
    if path.name.endswith(".conllu"):
        sib = path.with_name(path.name[: -len(".conllu")] + ".txt")
        return sib if sib.is_file() else None
    return None


def input_hashes(files: Sequence[Path]) -> list[dict[str, str]]:
    """One row per input file (and per ``.txt`` beside a ``.conllu``): file name and SHA-256."""
    rows = []
    for p in files:
        for q in (p, _companion_text(p)):
            if q is not None and q.is_file():
                rows.append({"file": q.name, "sha256": sha256_file(q)})
    return rows


def accuracy_table(readme: str | os.PathLike | None = None) -> str:
    """The "Accuracy" section of the README (Markdown), or a note when no README is found.

    Looked up beside the package (a checkout), then in the installed package metadata
    (the README is the package's long description).
    """
    text = None
    candidates = [Path(readme)] if readme else [Path(__file__).resolve().parent.parent / "README.md"]
    for c in candidates:
        if c.is_file():
            text = c.read_text(encoding="utf-8")
            break
    if text is None:
        try:
            from importlib.metadata import metadata

            text = metadata("claimkit").get_payload() or None  # type: ignore[attr-defined]
        except Exception:
            text = None
    m = re.search(r"^## Accuracy\s*\n(.*?)(?=^## |^<!--|\Z)", text or "", flags=re.M | re.S)
    return m.group(1).strip() if m else "(the README's accuracy table was not found)"


def provenance(files: Sequence[Path], *, conllu: bool = False, stanza_dir: str | os.PathLike | None = None,
               command_line: str | None = None, date: str | None = None) -> dict[str, Any]:
    """What a reader needs to reproduce the report.

    ``model`` is the identity the parse cache keys on (names, sizes and dates of the model
    files) or ``"not used (CoNLL-U trees)"`` when every input is pre-parsed. ``date`` is
    the only field that changes between two runs on the same inputs.
    """
    from . import __version__
    from .parsing import model_identity, resolve_stanza_dir

    all_trees = conllu or all(p.name.endswith(".conllu") for p in files)
    return {
        "claimkit": __version__,
        "model": "not used (CoNLL-U trees)" if all_trees else model_identity(stanza_dir),
        "model_folder": "" if all_trees else resolve_stanza_dir(stanza_dir),
        "inputs": input_hashes(files),
        "command": command_line if command_line is not None else shlex.join(["claimkit", *sys.argv[1:]]),
        "date": date or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ---------------------------------------------------------------------------
# What the template shows
# ---------------------------------------------------------------------------

@dataclass
class Corpus:
    """The analyses of a report, in input order, and the files that could not be analysed."""

    analyses: list["Analysis"] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def analyze_inputs(files: Sequence[str | os.PathLike], *, conllu: bool = False,
                   stanza_dir: str | os.PathLike | None = None, cache: bool = True) -> Corpus:
    """Analyse the report's files with :func:`claimkit.analyze_corpus` (no progress bar)."""
    from .corpus import analyze_corpus

    out = Corpus()
    for r in analyze_corpus([Path(f) for f in files], cache=cache, stanza_dir=stanza_dir, progress=False,
                            conllu=conllu or all(str(f).endswith(".conllu") for f in files)):
        if r.ok and r.analysis is not None:
            out.analyses.append(r.analysis)
        else:
            out.failures.append((Path(r.path).name, r.error or "unknown error"))
    return out


def summary_table(corpus: Corpus) -> "pd.DataFrame":
    """One row per article: words, sentences and its sourcing profile (:func:`plots.sourcing_profile`)."""
    from .plots import sourcing_profile

    profile = sourcing_profile(corpus.analyses)
    profile.insert(1, "words", [len(a.text.split()) for a in corpus.analyses])
    profile.insert(2, "sentences", [len(a.sentence_spans) for a in corpus.analyses])
    return profile


def all_claims(corpus: Corpus) -> "pd.DataFrame":
    """Every claim of every article in one DataFrame (the output-record columns, ``doc`` first)."""
    import pandas as pd

    from .records import RECORD_KEYS

    frames = [a.claims for a in corpus.analyses if len(a)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RECORD_KEYS))


def sources_table(corpus: Corpus) -> "pd.DataFrame":
    """One row per (article, source): type, claims, share of the article's claims and words, mean hedging."""
    import pandas as pd

    from .plots import entity_table

    frames = []
    for a in corpus.analyses:
        t = entity_table(a)
        if len(t):
            t.insert(0, "doc", a.doc)
            frames.append(t)
    cols = ["doc", "entity", "source_type", "claims", "claim_share", "words", "word_share", "mean_hedging",
            "first_sentence"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def corpus_index(corpus: Corpus) -> "SourceIndex":
    """The cross-article source index of the report's claims (:func:`claimkit.index.build`), with each
    article's outlet and date read from its name and dateline."""
    from .index import build

    return build(all_claims(corpus), texts={a.doc: a.text for a in corpus.analyses})


def corpus_index_markdown(idx: "SourceIndex") -> str:
    """One paragraph on the index: sources, merges, sources quoted in several articles, missing metadata."""
    from .index_views import summary

    s = summary(idx)
    missing = idx.missing_metadata()
    return (f"{s['mentions']} (article, source) pairs resolve to **{s['sources']} sources** ({s['merges']} merges "
            f"of spellings, titles and surnames across articles); {s['multi_article_sources']} sources are quoted in "
            f"more than one article. {len(missing['outlet'])} of {s['articles']} articles name no outlet in their "
            "name or dateline (grouped as “(unknown)”, not guessed).")


def article_views_html(corpus: Corpus, open_first: bool = False) -> str:
    """Each article's view (:func:`render.render_article`) in its own collapsible ``<details>``."""
    from .render import isolate, render_article

    parts = []
    for k, a in enumerate(corpus.analyses):
        n = len(a)
        summary = html.escape(f"{isolate(a.doc)} — {n} claim{'s' * (n != 1)}, {len(a.text.split())} words")
        parts.append(f'<details class="ck-article" data-doc="{html.escape(a.doc, quote=True)}"'
                     f'{" open" if open_first and k == 0 else ""} style="margin:6px 0">'
                     f'<summary style="cursor:pointer;font-weight:bold">{summary}</summary>'
                     f'{render_article(a, title="")}</details>')
    return "\n".join(parts) or "<p>No article could be analysed.</p>"


def methods_markdown(prov: dict[str, Any]) -> str:
    """The methods and provenance section as Markdown."""
    rows = "\n".join(f"| `{r['file']}` | `{r['sha256']}` |" for r in prov["inputs"])
    return f"""## Methods and provenance

Claims were found by claimkit {prov['claimkit']}: each article is parsed with Stanza's Arabic
dependency parser (or read from the given CoNLL-U trees), reporting cues are found and confirmed by
their complement, each claim's source is linked across the article, typed and its hedging graded.

| | |
|---|---|
| claimkit version | `{prov['claimkit']}` |
| model identity | `{prov['model']}` |
| model folder | `{prov['model_folder'] or '—'}` |
| command | `{prov['command']}` |
| date | {prov['date']} |

**Inputs** (SHA-256 of the exact bytes read):

| file | SHA-256 |
|---|---|
{rows}

**Accuracy of this claimkit version** (from its README):

{prov.get('accuracy') or accuracy_table()}
"""


# ---------------------------------------------------------------------------
# Building the report
# ---------------------------------------------------------------------------

def _notebook_tools() -> tuple[Any, Any, Any]:
    try:
        import nbclient
        import nbconvert
        import nbformat
    except ImportError as exc:
        raise ReportError(f"claimkit report needs the notebook tools ({exc.name} is missing): "
                          "pip install 'claimkit[notebook]'") from None
    return nbformat, nbclient, nbconvert


def parameterise(nb: Any, params: dict[str, Any]) -> Any:
    """Insert a cell tagged ``injected-parameters`` after the cell tagged ``parameters`` (papermill's convention)."""
    import nbformat

    source = "# Parameters\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    at = next((k for k, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    nb.cells.insert(at + 1, cell)
    return nb


def export_html(nb: Any) -> str:
    """The executed notebook as one standalone HTML page: outputs only, no CDN scripts."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name=HTML_TEMPLATE, extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    return body


@dataclass(frozen=True)
class Report:
    """Where a report was written."""

    html: Path
    notebook: Path


def build_report(inputs: Iterable[str | os.PathLike], out: str | os.PathLike, *, conllu: bool = False,
                 title: str | None = None, stanza_dir: str | os.PathLike | None = None, cache: bool = True,
                 command_line: str | None = None, timeout: int = 3600) -> Report:
    """Execute the template on ``inputs`` and write ``out`` (HTML) and the executed notebook beside it.

    ``out`` ending in ``.html``; the notebook is ``out`` with ``.ipynb``. Both are written
    atomically. The kernel is the current Python (``python3``), started in the output
    folder with this process's environment, so it imports this claimkit.
    """
    nbformat, nbclient, _ = _notebook_tools()
    from .writers import write_text_atomic

    files = input_files(inputs, conllu=conllu)
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ReportError(f"{out}: the report is an HTML file; give --out NAME.html")
    out.parent.mkdir(parents=True, exist_ok=True)
    params = {"inputs": [str(f) for f in files], "conllu": conllu,
              "stanza_dir": str(stanza_dir) if stanza_dir else None, "cache": cache,
              "title": title or (files[0].stem if len(files) == 1 else f"{len(files)} articles"),
              "command_line": command_line if command_line is not None else shlex.join(["claimkit", *sys.argv[1:]]),
              "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    nb = parameterise(nbformat.read(TEMPLATE, as_version=4), params)
    nb.metadata["title"] = params["title"]
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(out.parent.resolve())}})
    import tempfile

    # The kernel's own stderr (start-up notices) goes to a file, shown only when the run fails.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as kernel_log:
        try:
            client.execute(stderr=kernel_log)
        except nbclient.exceptions.CellExecutionError as exc:
            raise ReportError(f"the report notebook failed: {_last_line(str(exc))}") from None
        except Exception as exc:  # the kernel did not start or died
            kernel_log.seek(0)
            raise ReportError(f"the report kernel failed ({type(exc).__name__}: {exc}); kernel output:\n"
                              f"{kernel_log.read()[-2000:]}") from None
    nb_path = out.with_suffix(".ipynb")
    write_text_atomic(nbformat.writes(nb), nb_path)
    write_text_atomic(export_html(nb), out)
    return Report(html=out, notebook=nb_path)


def _last_line(message: str) -> str:
    lines = [ln for ln in re.sub(r"\x1b\[[0-9;]*m", "", message).splitlines() if ln.strip()]
    return lines[-1] if lines else message


def provenance_json(prov: dict[str, Any]) -> str:
    """Provenance as sorted JSON (what tests and readers compare between runs)."""
    return json.dumps(prov, ensure_ascii=False, sort_keys=True, indent=1)


def claims_html(corpus: Corpus) -> str:
    """Every claim (doc, sentence, cue, entity, type, mode, hedging, content) as one collapsible table.

    The table is :func:`claimkit.present.table`'s: labels, cut names with hover, content
    wrapped between words, so it fits a laptop screen.
    """
    from .present import table

    df = all_claims(corpus)
    cols = ["doc", "sentence", "cue", "entity", "source_type", "mode", "hedging", "content"]
    markup = table(df, columns=cols, uuid="ck_claims").set_table_attributes('class="ck-table ck-claims"').to_html()
    return (f'<details class="ck-claims-table"><summary style="cursor:pointer;font-weight:bold">'
            f'All {len(df)} claims</summary>{markup}</details>')
