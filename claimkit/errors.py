"""claimkit's own exceptions.

Every error a user can provoke with bad input or a missing model is a
:class:`ClaimkitError`, with a message that says what is wrong and what to do.
The command line prints the message (no traceback) and exits with status 2.
"""
from __future__ import annotations


class ClaimkitError(Exception):
    """Base class for every error claimkit raises on purpose."""


class EmptyTextError(ClaimkitError, ValueError):
    """The input holds no text to analyse (empty, whitespace or only page boilerplate)."""


class NotArabicError(ClaimkitError, ValueError):
    """The input has too few Arabic letters to be an Arabic article."""


class TextTooLongError(ClaimkitError, ValueError):
    """The input is longer than the ``max_chars`` limit given to :func:`claimkit.analyze`."""


class ConlluError(ClaimkitError, ValueError):
    """A CoNLL-U input that cannot be read as dependency trees."""


class ModelNotFoundError(ClaimkitError, RuntimeError):
    """No Arabic Stanza model could be found or downloaded."""


class InputFileError(ClaimkitError, OSError):
    """An input path that does not exist, is not readable or is not UTF-8 text."""
