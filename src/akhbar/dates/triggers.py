"""A fast pre-filter: where in a raw text can a temporal expression be?

Every rule of :mod:`akhbar.dates.grammar` needs at least one *trigger* inside its match: a month or weekday
name, a Hijri month, a relative day word, a calendar period with a cue (``العام الماضي``), a duration unit, a
clock word, a year-like digit pair (``19``/``20``/``14`` as in 1950, 2020, 1441), a ``digit:`` time, and so
on. One Aho-Corasick automaton (pyahocorasick) over the raw text finds them, with every raw spelling
variant of the alef, final yeh/alef maqsura and final teh marbuta/heh, and Arabic-Indic digits. The grammar
then runs only on windows of text around the triggers, merged where they overlap: the normaliser and the
tokeniser never see the rest of the document.

``tests/unit/test_dates_triggers.py`` checks that extraction through the windows gives exactly what a
full-text scan gives on the seed article, the dev cases and a sample of the corpus.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from functools import lru_cache

from akhbar.dates import lexicon as L

__all__ = ["trigger_words", "windows", "BACK_CHARS", "AHEAD_CHARS"]

#: Window margins around a trigger, in code points: the longest expression plus the rules' left context
#: (the word before, and up to eight words back for tense cues).
BACK_CHARS = 80
AHEAD_CHARS = 60

_VARIANTS = {"ا": "اأإآ", "ي": "يى", "ه": "هة"}


def _strip_article(w: str) -> str:
    return w[2:] if w.startswith("ال") and len(w) > 4 else w


@lru_cache(maxsize=1)
def trigger_words() -> frozenset[str]:
    """The folded trigger strings (substrings, not whole words; spaces are literal)."""
    t: set[str] = set()
    for k in L.MONTHS:
        t.add(k.split()[0])
    t.discard("اب")  # آب is added with its madda only: bare اب is inside too many words
    t.discard("ماي")
    t.update({"ماي ", "ماي،", "ماي."})  # Maghreb May; bare ماي is inside حماية
    for k in L.HIJRI_MONTHS:
        t.add(k if k.split()[0] in ("ذو", "ذي", "ربيع", "جمادي") else k.split()[0])
    t.discard("صفر")  # zero: the month needs شهر, or a year (a 14xx trigger)
    t.add("شهر صفر")
    t.update(L.WEEKDAYS)  # with the article: الأحد, not أحد ("one of")
    for bare in L.WEEKDAYS_BARE:
        t.update({f"يوم {bare}", f"كل {bare}"})
    t.update({"امس", "البارحه", "غدا", "الغد", "بعد غد", "يوم غد", "اليوم"})
    t.update({"الليله", "الدقيقه الاولي", "الساعه", "القرن", "منتصف الليل"})
    t.update(k.split()[-1] if k.split()[0] in ("يوم", "وقفه") else " ".join(k.split()[:2]) for k in L.HOLIDAYS)
    periods = [_strip_article(p) for p in L.PERIODS]
    for p in periods:
        for cue in L.CUES:
            t.add(f"{p} {cue}")
        for mod in L.MODS:
            t.add(f"{mod} ال{p}")
    for p in L.PERIODS:
        t.update({f"هذا {p}", f"هذه {p}"})
    for unit, (_, implied) in L.UNITS.items():
        if implied != 1:
            t.add(unit)
    singular = [u for u, (_, implied) in L.UNITS.items() if implied == 1]
    for head in ("قبل", "منذ", "بعد", "كل", "لمده", "مده", "طوال", "طيله", "نحو", "حوالي", "حوالي", "قرابه",
                 "زهاء", "اكثر من", "اقل من", "خلال", "غضون", "مدي"):
        for u in singular:
            t.add(f"{head} {u}")
    t.update({"ساعه", "يوما", "عاما", "شهرا", "اسبوعا"})
    # a count then a singular unit (90 دقيقة، 5000 عام، ثلاثين ثانية): digit or number word + unit
    number_ends = [str(i) for i in range(10)] + [w for w in (*L.CARDINALS, *L.TENS, "عشر", "عشره")]
    for u in singular:
        for num in number_ends:
            t.add(f"{num} {u}")
        for dgt in range(10):
            t.add(f"{dgt}{u}")
    for part in L.PARTS_OF_DAY:
        if " " not in part:
            t.update({f"كل {part}", f"{part} غد", f"{part} الغد"})
    for yw in ("عام", "سنه", "عامي"):
        for dgt in range(10):
            t.add(f"{yw} {dgt}")
    t.update(_strip_article(s) for s in L.SEASONS)
    t.update({"ينيات", "ينات"})
    for plural in ("ايام", "اسابيع", "اشهر", "شهور", "سنوات", "اعوام", "ساعات", "عقود", "دقائق", "سنين"):
        t.add(plural)  # الأيام الماضية (vague spans) and الأيام الثلاثة الماضية
    t.update({"يوميا", "اسبوعيا", "شهريا", "سنويا", "قبل الماضي", "بعد المقبل", "بعد القادم"})
    for ordinal in L.ORDINALS_F:  # الثامنة مساء (a clock time without الساعة)
        for adverb in L.PART_ADVERBS:
            if adverb not in ("ص", "م"):
                t.update({f"{ordinal} {adverb}", f"{ordinal} عشره {adverb}", f"{ordinal} عشر {adverb}",
                          f"{ordinal} والنصف {adverb}"})
    return frozenset(t)


def _raw_variants(phrase: str) -> list[str]:
    """Raw spellings of a folded trigger: the alef that can carry a hamza or madda (a word's first letter, or the
    first letter after the article ال, or the ا of راس) in its four forms; a word-final ي as ي/ى and a
    word-final ه as ه/ة. Other letters are kept as they are (an article's alef is always bare).

    >>> sorted(_raw_variants("امس"))
    ['آمس', 'أمس', 'إمس', 'امس']
    """
    opts: list[str] = []
    n = len(phrase)
    for i, c in enumerate(phrase):
        word_start = i == 0 or phrase[i - 1] == " "
        after_article = i >= 2 and phrase[i - 2:i] == "ال" and (i == 2 or phrase[i - 3] == " ")
        word_end = i == n - 1 or phrase[i + 1] == " "
        if c == "ا" and (after_article or (word_start and phrase[i:i + 2] != "ال") or phrase[max(0, i - 1):i + 2]
                         == "راس"):
            opts.append(_VARIANTS[c])
        elif c in "يه" and word_end:
            opts.append(_VARIANTS[c])
        else:
            opts.append(c)
    return ["".join(p) for p in itertools.product(*opts)]


@lru_cache(maxsize=1)
def _automaton():  # -> ahocorasick.Automaton
    import ahocorasick

    a = ahocorasick.Automaton()
    for w in trigger_words():
        for v in _raw_variants(w):
            a.add_word(v, len(v))
            if " " in v:  # a doubled space (NBSP next to a space folds to two spaces)
                v2 = v.replace(" ", "  ")
                a.add_word(v2, len(v2))
    a.add_word("آب", 2)
    for lo in ("0", "\u0660", "\u06f0"):
        d = [chr(ord(lo) + i) for i in range(10)]
        for pair in ((d[1], d[9]), (d[2], d[0]), (d[1], d[4])):  # 19xx, 20xx, 14xx (Hijri)
            a.add_word(pair[0] + pair[1], 2)
        for x in d:
            a.add_word(x + ":", 2)
            a.add_word("/" + x, 2)  # numeric dates whose year has no 19/20/14 (17/3/1395هـ)
            a.add_word("/ " + x, 3)
    a.make_automaton()
    return a


_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")


def windows(raw: str) -> list[tuple[int, int]]:
    """Disjoint raw spans ``[start, end)`` that hold every possible temporal expression of ``raw``.

    Each trigger occurrence gets ``[end - BACK_CHARS, end + AHEAD_CHARS)``; overlapping windows are merged and
    the edges moved outward to the nearest whitespace, so no word (or letter with its marks) is cut.

    >>> windows("لا شيء هنا")
    []
    """
    a = _automaton()
    spans: list[tuple[int, int]] = []
    n = len(raw)
    cur_a = cur_b = -1
    # Triggers are searched in the text without tashkeel/tatweel (يومًا، ايّام); positions found there are
    # moved back to raw positions by the count of marks deleted before them.
    marks = [m.start() for m in _MARKS_RE.finditer(raw)]
    if "\xa0" in raw:
        raw_s = raw.replace("\xa0", " ")  # one for one: offsets unchanged
    else:
        raw_s = raw
    if marks:
        text = _MARKS_RE.sub("", raw_s)
        stripped_at = [r - k for k, r in enumerate(marks)]  # stripped index where each deleted mark was
        ends = (e + bisect_right(stripped_at, e) for e, _ in a.iter(text))
    else:
        ends = (e for e, _ in a.iter(raw_s))
    for end in ends:
        lo = end - BACK_CHARS
        hi = end + 1 + AHEAD_CHARS
        if lo <= cur_b:
            if hi > cur_b:
                cur_b = hi
            continue
        if cur_b >= 0:
            spans.append((cur_a, cur_b))
        cur_a, cur_b = lo, hi
    if cur_b >= 0:
        spans.append((cur_a, cur_b))
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        lo = max(0, lo)
        hi = min(n, hi)
        while lo > 0 and not raw[lo - 1].isspace():
            lo -= 1
        while hi < n and not raw[hi].isspace():
            hi += 1
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out
