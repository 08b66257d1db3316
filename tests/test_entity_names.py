"""How the entity tagger's persons and organisations cover a speaker candidate's name key
(``claimkit.entity_names``): the feature that tells a name from a title or a common noun."""
from __future__ import annotations

import pytest

from claimkit.entity_names import key_entity_type

KNOWN = {("سيرغي", "لافروف"): "PER", ("وكاله", "نوفوستي"): "ORG", ("لافروف",): "PER"}


@pytest.mark.parametrize("key, expected", [
    (("سيرغي", "لافروف"), "PER"),                              # the entity itself
    (("لافروف",), "PER"),                                      # a surname tagged on its own elsewhere
    (("وزير", "الخارجيه", "سيرغي", "لافروف"), "PER-in"),      # a title before the name
    (("مراسل", "وكاله", "نوفوستي", "في", "موسكو"), "ORG-in"),  # an outlet inside a longer phrase
    (("اهميه",), "none"),                                      # an abstract noun no entity covers
    ((), "none"),
])
def test_key_entity_type(key, expected):
    assert key_entity_type(KNOWN, key) == expected
