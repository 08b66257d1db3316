"""claimkit: who says what in an Arabic news article.

Finds reported-speech constructions with Stanza dependency parses, links each claim
to its speaker across the article, types the source and grades how hedged the claim
is. See the README for the pipeline and the output schema.

    >>> import claimkit
    >>> analysis = claimkit.analyze(text)       # doctest: +SKIP
    >>> analysis.claims                         # pandas DataFrame, one row per claim

Heavy modules (pandas, Stanza/PyTorch, plotly) are imported only when used.
"""
from __future__ import annotations

from .errors import (ClaimkitError, ConlluError, EmptyTextError, InputFileError, ModelNotFoundError,
                     NotArabicError, TextTooLongError)
from .pipeline import analyze, analyze_conllu, analyze_document, analyze_file, parse
from .records import RECORD_KEYS, Analysis, Claim

__version__ = "0.1.0"

__all__ = [
    "__version__", "analyze", "analyze_conllu", "analyze_document", "analyze_file", "analyze_corpus", "parse",
    "Analysis", "Claim", "RECORD_KEYS", "ClaimkitError", "ConlluError", "EmptyTextError", "InputFileError",
    "ModelNotFoundError", "NotArabicError", "TextTooLongError", "review", "grade",
]


def __getattr__(name: str):
    if name == "analyze_corpus":
        from .corpus import analyze_corpus

        return analyze_corpus
    if name in ("review", "grade"):  # callable modules: claimkit.review(analysis, save_to=…), claimkit.grade(key, students)
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'claimkit' has no attribute {name!r}")
