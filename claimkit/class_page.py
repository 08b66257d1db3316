"""class.html: a class's grades as one page a teacher can hand out or keep.

One self-contained HTML file (plotly.js inline, so it opens offline; tables in the look of
:mod:`claimkit.present`): a title and what was graded, the class chart, the scores per
student, the scores per article and student, the key claims the class got wrong (each with
its source and sentence), the claims students added that the key does not hold, and the files
that could not be read. Scores carry their names in words; the CSV files keep the keys.

Not handled: a class of many articles gives long tables (no paging); names are shown as the
students' folder or file names.
"""
from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .grade import Grades

#: Rows of the disagreement table shown on the page (the most troublesome first).
TOP_CLAIMS = 15
PAGE_CSS = ("body { font-family: 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; color: #111; margin: 20px auto; "
            "max-width: 1180px; padding: 0 16px; line-height: 1.45 } "
            "h1 { font-size: 24px; margin: 0 0 4px } h2 { font-size: 18px; margin: 22px 0 4px } "
            "p.ck-note { color: #444; margin: 2px 0 8px } .ck-scroll { overflow-x: auto }")


def _section(heading: str, note: str, body: str) -> str:
    return (f"<h2>{html.escape(heading)}</h2><p class=\"ck-note\">{html.escape(note)}</p>"
            f"<div class=\"ck-scroll\">{body}</div>")


def class_page(grades: "Grades", title: str = "The class against the key") -> str:
    """The whole page (see the module docstring) as an HTML string."""
    from . import present
    from .grade import CHART_METRICS, MACHINE

    students = [s for s in grades.scores["student"] if s != MACHINE]
    articles = sorted(grades.per_article["doc"].unique()) if grades.per_article is not None else []
    chart = grades.chart(title="Scores per student (the machine in black)")
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p class=\"ck-note\">{len(students)} student{'s' if len(students) != 1 else ''} graded on "
             f"{len(articles)} article{'s' if len(articles) != 1 else ''} · {date.today().isoformat()} · "
             "1.00 means exactly as the key; a claim counts as found when its cue overlaps the key's.</p>",
             chart.to_html(include_plotlyjs=True, full_html=False, config={"displayModeBar": False})]
    parts.append(_section("Scores per student", "Over all articles; an article without a file counts as no claims.",
                          present.table(grades.scores, columns=["student", *CHART_METRICS, "tp", "fp", "fn"],
                                        uuid="ck_scores").to_html()))
    per_article = grades.by_article("attribution_F1")
    if len(per_article.columns) > 1:
        parts.append(_section("Per article: claims with the right speaker (F1)",
                              "One row per article, one column per student; empty: no file read for that article.",
                              present.table(per_article, kinds={c: "decimal" for c in per_article.columns
                                                                if c != "doc"}, uuid="ck_per_article").to_html()))
    d = grades.disagreements
    key_rows = d[d["kind"] == "key"] if "kind" in d else d
    wrong = ["missed", "entity_wrong", "source_type_wrong", "mode_wrong", "hedging_wrong"]
    key_rows = key_rows[key_rows[wrong].sum(axis=1) > 0]   # claims everybody got right are not listed
    cols = ["doc", "cue", "source", "entity", "sentence_text", "students", "missed", "entity_wrong",
            "source_type_wrong", "mode_wrong", "hedging_wrong", *students]
    parts.append(_section("The claims the class got wrong",
                          f"The key's claims that some student missed or mislabelled, the most troublesome "
                          f"first (at most {TOP_CLAIMS}); optional claims last. Per student: ok, missed, the "
                          "wrong fields, or no file.",
                          present.table(key_rows.head(TOP_CLAIMS), columns=cols, uuid="ck_claims").to_html()))
    extra = d[d["kind"] == "extra"] if "kind" in d else d.iloc[0:0]
    if len(extra):
        parts.append(_section("Claims students added that the key does not hold",
                              "Each may be a claim the key missed, or a mistake: worth discussing in class.",
                              present.table(extra, columns=["doc", "cue", "source", "entity", "sentence_text",
                                                            "added_by", *students], uuid="ck_extra").to_html()))
    if grades.problems:
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in grades.problems)
        parts.append(_section("Files with problems", "Bad records are left out; unreadable files are not graded.",
                              f"<ul>{items}</ul>"))
    return ("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")
