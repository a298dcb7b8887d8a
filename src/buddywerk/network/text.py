"""Plain text for the network app: no markup in text fields, and Dutch search terms.

Text that anyone can submit (practice sheets) or that platform admins type (Q&A, local
services) is shown as plain text. Markup is refused outright, with a clear message, rather
than silently stripped: the author sees what happened and nothing is stored (issue 6).

The search fallback on SQLite stems Dutch words with Snowball's Dutch (Porter) stemmer,
the algorithm PostgreSQL's `dutch` text-search configuration is built on.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A tag opening or closing (`<b>`, `</p>`, `<script`, `<!--`, `<img/`), or an inline
# event handler or javascript: URL typed without brackets. A lone "<" in "3 < 5" is fine.
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|\bjavascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)
# "buddy's", "baby’s": the Dutch plural with an apostrophe; stem the word without it.
_APOSTROPHE_S = re.compile(r"(\w)['’`]s\b")
_WORD = re.compile(r"\w+")


def validate_no_markup(value: str) -> None:
    """Refuse HTML or script in a plain-text field (issue 6, bad input)."""
    if value and _MARKUP.search(str(value)):
        raise ValidationError(
            _(
                "Use plain text without HTML tags or code (for example no < > around words). "
                "Nothing was saved."
            ),
            code="markup",
        )


def normalise(text: str) -> str:
    """Lower case, the apostrophe plural folded into its word ("buddy's" -> "buddy")."""
    return _APOSTROPHE_S.sub(r"\1", unicodedata.normalize("NFC", text or "")).lower()


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("dutch_porter")


def _fold(word: str) -> str:
    """Strip accents after stemming (é -> e), so "coördinator" finds "coordinator"."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


_VOWELS = set("aeiouy")


def _canonical(stem: str) -> str:
    """Snowball's Dutch stemmer undoubles only kk, dd and tt: "gezinnen" -> "gezinn" but
    "gezin" -> "gezin". Undoubling every final consonant makes plural and singular meet."""
    if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        return stem[:-1]
    return stem


def words(text: str) -> list[str]:
    """The words of `text` (normalised), without one-letter words."""
    return [w for w in _WORD.findall(normalise(text)) if len(w) > 1]


def stems(text: str) -> list[str]:
    """The canonical Dutch stems of the words in `text`, in order."""
    return [_canonical(_fold(stem)) for stem in _stemmer().stemWords(words(text))]


def tsquery_text(text: str) -> str:
    """A raw tsquery for PostgreSQL's `dutch` configuration: every word must match, in any of
    its forms. PostgreSQL stems "gezinnen" to "gezinn" and "gezin" to "gezin", so each word
    is offered as itself, as its undoubled stem and as its doubled stem ("gezin" |
    "gezinn"). Words are \\w+ only, so the text cannot break the tsquery syntax."""
    groups = []
    for word in dict.fromkeys(words(text)):
        stem = _canonical(_stemmer().stemWord(word))
        variants = {word, stem}
        if len(stem) >= 3 and stem[-1] not in _VOWELS and stem[-2] in _VOWELS:
            variants.add(stem + stem[-1])
        groups.append("(" + " | ".join(sorted(variants)) + ")")
    return " & ".join(groups)


def stem_document(text: str) -> str:
    """Distinct stems between spaces (" gezin buddy "), so `contains(" stem ")` is a whole
    stem match on any database."""
    return " " + " ".join(dict.fromkeys(stems(text))) + " "
