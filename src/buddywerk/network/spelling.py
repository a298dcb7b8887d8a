"""A spelling suggestion for the practice search (issue 16, point 10): a query that finds
nothing, with a word that appears in no published sheet, gets the nearest word the sheets
do use ("huiswek" -> "huiswerk"), as the programme finder suggests a place.

The vocabulary is every word of the published sheets (the search's own document parts),
so a suggestion always names a word someone wrote; difflib keeps it dependency-free and
the same on SQLite and PostgreSQL."""

import difflib
import re

from .models import Practice
from .search import _document_parts

_WORD = re.compile(r"[^\W\d_]{3,}")
# How alike a word must be (difflib's ratio): "huiswek"/"huiswerk" is 0.93.
_CUTOFF = 0.8


def _vocabulary() -> set[str]:
    practices = Practice.objects.published().prefetch_related(
        "places", "categories", "policy_domains", "target_groups"
    )
    words: set[str] = set()
    for practice in practices:
        words.update(_WORD.findall(" ".join(_document_parts(practice)).lower()))
    return words


def practice_spelling_suggestion(q: str) -> str | None:
    """The query with each unknown word replaced by its nearest known word, or None when no
    word is unknown or none has a near neighbour."""
    words = q.lower().split()
    if not words:
        return None
    vocabulary = _vocabulary()
    suggested, changed = [], False
    for word in words:
        bare = word.strip(".,;:!?\"'()")
        if not _WORD.fullmatch(bare) or bare in vocabulary:
            suggested.append(word)
            continue
        close = difflib.get_close_matches(bare, vocabulary, n=1, cutoff=_CUTOFF)
        if close:
            suggested.append(close[0])
            changed = True
        else:
            suggested.append(word)
    return " ".join(suggested) if changed else None
