"""Canonical names and stable entity ids.

``canonical`` is what analysts count: the name as written, without clitics, with spelling variants
collapsed. Rules (:func:`canonical_form`):

- tashkeel and tatweel deleted (``السرّاج`` -> ``السراج``);
- alef forms أ إ آ ٱ -> ا; alef maksura ى -> ي; hamza on ya ئ -> ي (``فائز`` -> ``فايز``);
  hamza on waw ؤ -> و; Persian look-alikes ی ک -> ي ك; Arabic-Indic digits -> ASCII;
- teh marbuta ة is kept (readable names: ``حكومة الوفاق الوطني``), but keys that compare names
  (:func:`match_key`) also fold ة -> ه;
- hyphens and runs of white space become one space.

Within one article a short form joins the longest full name of the same label that contains it as a run
of whole words (:func:`unify_document`): ``السراج`` -> ``فايز السراج``, ``حفتر`` -> ``خليفة حفتر``. Across
articles the same canonical + label is one entity (:func:`entity_id`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

__all__ = ["canonical_form", "match_key", "unify_document", "entity_id"]

_DELETE = {c: None for c in range(0x064B, 0x0660)}
_DELETE.update({0x0670: None, 0x0640: None, 0x200B: None, 0x200C: None, 0x200D: None,
                0x200E: None, 0x200F: None, 0x061C: None, 0xFEFF: None})
_MAP = {ord("أ"): "ا", ord("إ"): "ا", ord("آ"): "ا", ord("ٱ"): "ا", ord("ى"): "ي", ord("ئ"): "ي",
        ord("ؤ"): "و", ord("ی"): "ي", ord("ک"): "ك", ord("-"): " ", ord("\u00a0"): " ",
        ord("ـ"): None}
_MAP.update({0x0660 + i: str(i) for i in range(10)})
_MAP.update({0x06F0 + i: str(i) for i in range(10)})
_TABLE = {**_DELETE, **_MAP}


def canonical_form(text: str) -> str:
    """Canonical spelling of a mention's surface text (clitics must already be outside the text).

    Args:
        text: the mention text as found in the raw document.
    Returns:
        the canonical name (see module rules); ``""`` if nothing is left.

    >>> canonical_form("فائز السرّاج")
    'فايز السراج'
    >>> canonical_form("الأمم المتحدة")
    'الامم المتحدة'
    """
    return " ".join(text.translate(_TABLE).split())


def match_key(canonical: str) -> tuple[str, ...]:
    """Words of a canonical name folded further (ة -> ه) for comparing names.

    >>> match_key("حكومة الوفاق")
    ('حكومه', 'الوفاق')
    """
    return tuple(canonical.replace("ة", "ه").split())


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


def unify_document(mentions: Sequence[tuple[str, str]]) -> list[str]:
    """Give each mention of one document its document-level canonical name.

    A mention whose words occur, as a contiguous run, inside a longer name of the same label in the same
    document takes that longer name; among several, the one with the most words wins, then the most
    frequent, then the first seen. Mentions with identical match keys share one spelling (the most
    frequent canonical, then the first seen).

    Args:
        mentions: ``(canonical_form, label)`` per mention, in document order.
    Returns:
        the unified canonical name per mention, same order.

    >>> unify_document([("فايز السراج", "PER"), ("السراج", "PER"), ("السراج", "LOC")])
    ['فايز السراج', 'فايز السراج', 'السراج']

    An empty name (nothing left of the mention's text) stays empty, so the caller can drop it:

    >>> unify_document([("", "PER"), ("فايز السراج", "PER")])
    ['', 'فايز السراج']
    """
    # one spelling per (key, label)
    spell_counts: dict[tuple[tuple[str, ...], str], Counter[str]] = {}
    first_seen: dict[str, int] = {}
    for i, (can, lab) in enumerate(mentions):
        spell_counts.setdefault((match_key(can), lab), Counter())[can] += 1
        first_seen.setdefault(can, i)
    spelling = {k: min(c, key=lambda s: (-c[s], first_seen[s])) for k, c in spell_counts.items()}
    names: dict[str, list[tuple[tuple[str, ...], int, int]]] = {}
    for (key, lab), c in spell_counts.items():
        first = min(first_seen[s] for s in c)
        names.setdefault(lab, []).append((key, sum(c.values()), first))
    target: dict[tuple[tuple[str, ...], str], tuple[tuple[str, ...], str]] = {}
    for lab, entries in names.items():
        words = {other: frozenset(other) for other, _, _ in entries}
        for key, _, _ in entries:
            best = None
            for other, count, first in entries:
                # the cheap tests first: longer, and holding the first word at all
                if key and len(other) > len(key) and key[0] in words[other] and _contains(other, key):
                    rank = (-len(other), -count, first)
                    if best is None or rank < best[0]:
                        best = (rank, other)
            target[(key, lab)] = (best[1] if best else key, lab)
    out = []
    for can, lab in mentions:
        t = target[(match_key(can), lab)]
        out.append(spelling[t])
    return out


def entity_id(canonical: str, label: str) -> str:
    """Stable id of a canonical entity: first 16 hex digits of SHA-1 over ``label``, U+001F, ``canonical``.

    >>> entity_id("فايز السراج", "PER") == entity_id("فايز السراج", "PER")
    True
    >>> entity_id("فايز السراج", "PER") != entity_id("فايز السراج", "ORG")
    True
    """
    return hashlib.sha1(f"{label}\x1f{canonical}".encode()).hexdigest()[:16]
