"""Modules that can be called: ``claimkit.review(...)`` and ``claimkit.grade(...)``.

``claimkit.review`` is both the function that opens the review widget and the module holding
:class:`~claimkit.review.Review`; likewise ``claimkit.grade``. Python makes a submodule an
attribute of its package once it is imported, which would hide a function of the same name,
so the module itself is made callable instead: its class is swapped for one whose
``__call__`` runs the module's main function.
"""
from __future__ import annotations

import sys
import types
from typing import Any, Callable


def make_callable(module_name: str, function: Callable[..., Any]) -> None:
    """Make ``sys.modules[module_name](...)`` call ``function(...)`` (with its docstring)."""

    class CallableModule(types.ModuleType):
        __call__ = staticmethod(function)

    module = sys.modules[module_name]
    module.__class__ = CallableModule
