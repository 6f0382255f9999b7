"""Feature-level Arabic orthography for the recogniser: one frozen normalisation and proclitic split.

The recogniser's model was trained on strings produced by these two functions, so they are owned by the
entities package and kept stable on purpose: a change to the pipeline-wide normaliser
(:mod:`akhbar.normalise`) must not silently shift the features a shipped model was trained on. They are
used for features, gazetteer keys, word-cluster keys and canonical keys, never for spans (spans always
come from the tokeniser's raw offsets).

Rules (the usual Arabic IR/NER light normalisation, cf. CAMeL Tools' ``normalize_alef_ar``,
``normalize_alef_maksura_ar``, ``normalize_teh_marbuta_ar``, ``dediac_ar``):

- tashkeel (U+064B..U+065F, U+0670 superscript alef) and tatweel (U+0640) are deleted;
- alef with hamza above/below, madda and wasla (أ إ آ ٱ) become bare alef ا;
- alef maksura ى becomes ya ي; hamza on ya ئ becomes ya ي; hamza on waw ؤ becomes waw و;
- teh marbuta ة becomes heh ه;
- Arabic-Indic and extended Arabic-Indic digits become ASCII digits;
- zero-width and bidi control characters are deleted.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from akhbar.caches import word_cache

__all__ = ["feature_norm", "split_proclitics", "clitic_length", "PROCLITIC_LETTERS"]

_DELETE = {c: None for c in range(0x064B, 0x0660)}
_DELETE.update({0x0670: None, 0x0640: None, 0x200B: None, 0x200C: None, 0x200D: None,
                0x200E: None, 0x200F: None, 0x061C: None, 0xFEFF: None})
_MAP = {
    ord("أ"): "ا", ord("إ"): "ا", ord("آ"): "ا", ord("ٱ"): "ا",
    ord("ى"): "ي", ord("ئ"): "ي", ord("ؤ"): "و", ord("ة"): "ه",
}
_MAP.update({0x0660 + i: str(i) for i in range(10)})
_MAP.update({0x06F0 + i: str(i) for i in range(10)})
_TABLE = {**_DELETE, **_MAP}

#: Single-letter proclitics: conjunctions و ف, prepositions ب ك ل, future/interrogative not included.
PROCLITIC_LETTERS = "وفبكل"


def feature_norm(word: str) -> str:
    """Normalise one word (or any string) for features and keys.

    Args:
        word: raw surface text.
    Returns:
        The normalised string (may be shorter than the input; no offsets are kept).

    >>> feature_norm("فائز السرّاج")
    'فايز السراج'
    >>> feature_norm("ألمانيا")
    'المانيا'
    """
    return word.translate(_TABLE)


@word_cache
def split_proclitics(norm: str) -> tuple[str, str, str]:
    """Split the proclitics off one normalised word.

    Greedy and conservative: at most one conjunction (و or ف), then at most one preposition (ب ك ل),
    then the article ال (after ل the article's alef is dropped in writing: لل + stem). A split is only
    made if at least three letters remain (two after the article), so short words keep their letters.

    Args:
        norm: a word already passed through :func:`feature_norm`.
    Returns:
        ``(prefix, core_with_article, core)``: ``prefix`` the stripped conjunction/preposition letters,
        ``core_with_article`` the word without them but with its article (ال) if any, ``core`` the word
        without article as well. ``prefix + core_with_article == norm``.

    >>> split_proclitics("والسراج")
    ('و', 'السراج', 'سراج')
    >>> split_proclitics("ببرلين")
    ('ب', 'برلين', 'برلين')
    >>> split_proclitics("للامم")
    ('ل', 'لامم', 'امم')
    """
    i = 0
    n = len(norm)
    if n - i > 3 and norm[i] in "وف":
        i += 1
    if n - i > 3 and norm[i] in "بكل":
        # "لل" after a preposition-less start is ل + (ا)ل
        i += 1
    prefix = norm[:i]
    rest = norm[i:]
    core = rest
    if rest.startswith("ال") and len(rest) - 2 >= 2:
        core = rest[2:]
    elif prefix.endswith("ل") and rest.startswith("ل") and len(rest) - 1 >= 2:
        # لل: the article's alef is elided after the preposition ل
        core = rest[1:]
    return prefix, rest, core


@functools.lru_cache(maxsize=1)
def _word_ranks() -> dict[str, int]:
    """Frequency rank of the words of the unlabelled corpus (the cluster file is in frequency order)."""
    path = Path(__file__).resolve().parent / "data" / "clusters.tsv.gz"
    ranks: dict[str, int] = {}
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                ranks[line.split("\t", 1)[0]] = i
    return ranks


def clitic_length(word: str, tokeniser_prefix: str = "") -> int:
    """How many normalised letters of proclitic (conjunction/preposition, not the article) start ``word``.

    The greedy split of :func:`akhbar.entities.text.split_proclitics` is accepted when it is followed by
    the article (``وال``, ``بال``, ``لل``) or when the remainder is a more frequent word of the unlabelled
    corpus than the whole (``وحفتر`` -> ``حفتر``; but ``فرنسا`` stays whole: ``رنسا`` is not a word). When
    the corpus knows neither form, the tokeniser's proclitic (article removed) decides.

    Args:
        word: raw surface word.
        tokeniser_prefix: ``Token.prefix`` from :func:`akhbar.tokenise.tokenise` (may be empty).
    Returns:
        number of letters (in :func:`feature_norm` letters) to leave outside the span.

    >>> clitic_length("وحفتر"), clitic_length("فرنسا"), clitic_length("والسراج")
    (1, 0, 1)
    """
    norm = feature_norm(word)
    prefix, rest, _ = split_proclitics(norm)
    if not prefix:
        return 0
    if rest.startswith("ال") or (prefix.endswith("ل") and rest.startswith("ل")):
        return len(prefix)
    ranks = _word_ranks()
    r_rest = ranks.get(rest)
    r_word = ranks.get(norm)
    if r_rest is not None and (r_word is None or r_rest < r_word):
        return len(prefix)
    if r_word is not None:
        # the whole word is known and the remainder is not (or rarer): try a shorter split (و + ب...)
        if len(prefix) == 2:
            r1 = ranks.get(norm[1:])
            if r1 is not None and r1 < r_word:
                return 1
        return 0
    tp = feature_norm(tokeniser_prefix)
    if tp.endswith("ال"):
        tp = tp[:-2]
    if tp and norm.startswith(tp) and all(ch in "وفبكل" for ch in tp):
        return min(len(tp), len(prefix))
    return 0
