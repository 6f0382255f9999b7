"""The temporal grammar: rules over the tokens of normalised, folded text.

The text is normalised (:func:`akhbar.normalise.normalise`), folded one code point for one
(:func:`akhbar.dates.lexicon.fold`), and cut into tokens (runs of digits, runs of letters, single other
characters). Each word gets a *base*: the word itself, or the word without a proclitic (``و``, ``ف``, ``ب``,
``ل``, ``ك`` and their pairs) when that leaves a lexicon word (``وصباح`` -> ``صباح``). The scanner tries every
rule at each token, keeps the longest match, emits it and continues after it, so mentions never overlap.

Each rule returns a :class:`Match` in token coordinates; :func:`scan` turns them into normalised character
spans. The rule name is recorded on every mention (``rule`` column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, compress
from operator import or_, sub

from akhbar.dates import lexicon as L
from akhbar.dates import resolve as R
from akhbar.dates import timex as T

__all__ = ["Match", "scan", "tokenise_folded"]



@dataclass(slots=True)
class Match:
    """One recognised expression, in token coordinates ``[i, j)`` of the scanned text."""

    i: int
    j: int
    type: str
    value: str
    granularity: str
    rule: str
    mod: str | None = None
    calendar: str = "gregorian"
    hijri: str | None = None
    interval: tuple[date, date] | None = None
    anchored: bool = False


def _k(s: str) -> str:
    return L.fold(s)


def _mw(table: dict[str, object]) -> dict[str, list[tuple[tuple[str, ...], object]]]:
    """Index a lexicon of one- to three-word keys by first word, longest keys first."""
    out: dict[str, list[tuple[tuple[str, ...], object]]] = {}
    for key, val in table.items():
        words = key.split()
        out.setdefault(words[0], []).append((tuple(words[1:]), val))
    for lst in out.values():
        lst.sort(key=lambda x: -len(x[0]))
    return out


_MONTHS = _mw(L.MONTHS)
_HMONTHS = _mw(L.HIJRI_MONTHS)
_REL = _mw({**L.REL_DAYS, _k("غد"): 1, _k("الغد"): 1})
_WEAK_REL = frozenset({_k("غد"), _k("الغد")})
_PARTS = _mw(L.PARTS_OF_DAY)
_HOLIDAYS = _mw(L.HOLIDAYS)
_ADVERBS = _mw(L.PART_ADVERBS)

_YAWM = _k("يوم")
_MIN = _k("من")
_WA = "و"
_SHAHR = _k("شهر")
_KULL = _k("كل")
_AYYAM = _k("أيام")
_SAA = _k("الساعة")
_ASHR = {_k("عشر"), _k("عشرة")}
_HADHA = {_k("هذا"), _k("هذه")}
_YEAR_WORDS = {_k(w) for w in ("عام", "العام", "سنة", "السنة", "عامي", "لعام")}
_ERA_G = {_k(w) for w in ("م", "ميلادي", "ميلادية", "للميلاد", "ميلاديا")}
_ERA_H = {_k(w) for w in ("ه", "هـ", "هجري", "هجرية", "للهجرة", "هجريا")}
_HIJRI_ERA_WORDS = {_k(w) for w in ("الهجري", "للهجرة", "الهجرية", "هجري")}
_DAY_ANCHOR_NOUN = {_k(w) for w in ("الدقيقة",)}
_FIRST_F = _k("الأولى")
_CENTURY = _k("القرن")
_QUARTER = {_k("الربع"): "Q", _k("النصف"): "H"}
_QUARTER_ORD = {_k("الأول"): 1, _k("الثاني"): 2, _k("الثالث"): 3, _k("الرابع"): 4, _k("الأخير"): 0}
_FASL = _k("فصل")
_SET_ADVERBS = {_k("يوميا"): "P1D", _k("أسبوعيا"): "P1W", _k("شهريا"): "P1M", _k("سنويا"): "P1Y"}
_PLURAL_DEF = {_k(w): u for w, u in {
    "الأيام": "D", "الأسابيع": "W", "الأشهر": "M", "الشهور": "M", "السنوات": "Y", "الأعوام": "Y",
    "الساعات": "H", "العقود": "E", "الدقائق": "MIN", "السنين": "Y",
}.items()}
_DEF_CARD = {"ال" + k: v for k, v in L.CARDINALS.items() if v < 100} | {"ال" + k: v for k, v in L.TENS.items()}
_APPROX = {_k(w) for w in ("نحو", "حوالي", "حوالى", "قرابة", "زهاء", "قرب")}
_MORE_LESS = {_k(w) for w in ("أكثر", "أقل")}
_DUAL_CUES = {_k(w) for w in ("الماضيين", "المقبلين", "القادمين", "الأخيرين", "الماضيتين", "المقبلتين",
                              "القادمتين", "الأخيرتين", "المنصرمين", "الفائتين", "السابقين")}
#: Words after which a bare singular unit is a duration of one (لمدة شهر، خلال أسبوع، طوال يوم).
_SINGULAR_HEADS = {_k(w) for w in ("لمدة", "مدة", "طوال", "طيلة", "نحو", "حوالي", "خلال", "غضون", "مدى", "قرابة",
                                   "زهاء", "حوالى")}
_FEW = {_k(w) for w in ("القليلة", "القليله", "الأخيرة")}
_VAGUE_SPAN_ADJ = {_k(w) for w in ("الماضية", "الأخيرة", "المقبلة", "القادمة", "الفائتة", "المنصرمة", "السابقة")}
_LAST_ADJ = {_k(w) for w in ("الأخيرة", "الأخير", "الماضية", "الماضي", "المقبلة", "القادمة", "المنصرمة",
                             "الفائتة", "السابقة", "التالية", "الأولى")}

#: Words before a day-month that make it a name (street, movement, event), not a date (طريق 6 أكتوبر).
_NAME_HEADS = {_k(w) for w in (
    "طريق", "شارع", "جسر", "كوبري", "مدينة", "ميدان", "حي", "ساحة", "محور", "نفق", "حركة", "تيار", "قوى",
    "فريق", "تحالف", "ائتلاف", "ثورة", "انتفاضة", "جامعة", "مستشفى", "نادي", "ملعب", "استاد", "مطار",
    "مدرسة", "مركز", "قناة", "صحيفة", "جريدة", "مجلة", "حزب", "جماعة", "جبهة", "كتلة", "معسكر", "قاعدة",
    "مجمع", "برج", "بناية", "عمارة", "مسجد", "كنيسة", "لواء", "كتيبة", "مؤسسة", "منطقة", "قرية", "بلدة",
    "حركتي", "فريقي", "قوي", "لقوى", "ثوار", "شباب", "اتفاق", "اتفاقية", "بيان", "إعلان", "مبادرة", "قرار",
    "دستور", "نظام", "جمهورية", "عهد", "تظاهرات", "مظاهرات", "احتجاجات", "هجمات", "أحداث", "حرب",
    "اعتداءات", "تفجيرات", "ذكرى", "نواب", "قيادات", "قادة", "أحزاب", "جمهور", "وزراء", "مسيحيي", "فريقا",
)}
_NAME_HEADS |= {p + w for w in _NAME_HEADS for p in ("ل", "و", "ب")}
#: Prepositions that make a day-month a date even where it could be a name (في 14 آذار).
_DATE_PREPS = {_k(w) for w in ("في", "وفي", "يوم", "منذ", "ومنذ", "حتى", "بتاريخ", "تاريخ", "قبل", "بعد", "من",
                               "إلى", "الى", "بين", "الموافق", "لغاية", "بحلول")}
#: Words after اليوم that make it a noun phrase (اليوم العالمي، اليوم التالي), not "today".
_YOUM_BLOCK_NEXT = {_k(w) for w in (
    "العالمي", "الوطني", "الدولي", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع",
    "الثامن", "التاسع", "العاشر", "التالي", "السابق", "الأخير", "الذي", "المفتوح", "الموعود", "الواحد",
    "نفسه", "ذاته", "التالى", "الأخيرة",
)}
_YOUM_BLOCK_PREV = {_k(w) for w in ("صحيفة", "جريدة", "موقع", "قناة", "برنامج", "مجلة", "صحيفه", "عين")}
#: Heads after which العام is the adjective "general" (المدير العام السابق), not "the year".
_GENERAL_HEADS = {_k(w) for w in (
    "المدير", "الأمين", "النائب", "المدعي", "الرأي", "القطاع", "المراقب", "المفتش", "المنسق", "المستشار",
    "الوكيل", "القائد", "المؤتمر", "الإضراب", "العفو", "الاتحاد", "المرشد", "الأمن", "النظام", "الصالح",
    "الشأن", "المال", "الإنفاق", "الدين", "الطابع", "المشهد", "المزاج", "السياق", "الإطار", "التوجه", "الحق",
    "الشارع", "الموقف", "الاتجاه", "الجو", "المجال", "المستوى", "الطلب", "التعليم", "المدعى", "المحامي",
    "الأمانة", "المديرية", "الإدارة", "النيابة", "الهيئة", "القيادة", "الرئاسة", "الوضع", "الشعور", "المعدل",
    "الانطباع", "الاستخدام", "الاستهلاك", "المنظر", "الذوق", "الأداء", "التقييم", "الترتيب", "الهدف",
)}
#: Prepositions and heads that let a bare month name or a bare year stand as a date.
_TRIGGERS = {_k(w) for w in (
    "في", "خلال", "منذ", "حتى", "قبل", "بعد", "شهر", "مطلع", "بداية", "نهاية", "أواخر", "أوائل", "منتصف",
    "أواسط", "مستهل", "طوال", "طيلة", "حلول", "بحلول", "موعد", "غضون", "ابتداء", "اعتبارا", "أواخر",
    "بدءا", "لغاية", "إلى", "الى", "وفي", "ففي", "بين",
)}
_YEAR_TRIGGERS = _TRIGGERS | _YEAR_WORDS
#: Nouns counted by a number (في 2020 حالة): a bare 4-digit number before them is a count, not a year.
_COUNT_NOUNS = {_k(w) for w in (
    "شخص", "شخصا", "أشخاص", "حالة", "حالات", "إصابة", "إصابات", "قتيل", "قتيلا", "جريح", "جريحا", "مواطن",
    "مواطنا", "طالب", "طالبا", "طالبة", "منزل", "منزلا", "وحدة", "دولار", "دولارا", "ريال", "ريالا", "جنيه",
    "جنيها", "درهم", "درهما", "يورو", "ليرة", "دينار", "دينارا", "طن", "طنا", "برميل", "برميلا", "كيلومتر",
    "كيلومترا", "متر", "مترا", "صوت", "صوتا", "مقعد", "مقعدا", "لاعب", "لاعبا", "سيارة", "مشارك", "مشاركا",
    "عامل", "عاملا", "موظف", "موظفا", "لاجئ", "لاجئا", "مهاجر", "مهاجرا", "جندي", "جنديا", "عنصر", "عنصرا",
    "مسلح", "مسلحا", "معتقل", "معتقلا", "سجين", "سجينا", "طفل", "طفلا", "امرأة", "رجل", "رجلا", "فرد", "فردا",
    "نسمة", "زائر", "زائرا", "حاج", "حاجا", "مخالفة", "مخالفات", "عملية", "بلاغ", "بلاغا", "مشروع", "مشروعا",
    "وظيفة", "مدرسة", "قرية", "سرير", "سريرا", "صفحة", "كلمة", "نقطة", "هدف", "هدفا", "مباراة", "مرة",
)}
#: Words before a bare clock ordinal (في الثامنة مساء، تمام العاشرة صباحا).
_CLOCK_PREPS = {_k(w) for w in ("في", "عند", "حتى", "منذ", "قبل", "بعد", "تمام", "من", "إلى", "الى", "حوالي",
                                "نحو", "قرابة", "وفي", "بين", "و")}
_MONTH_TRIGGERS = _TRIGGERS | {_k("من"), _k("ومن")}
_RANGE_JOINERS = {"و", "-", _k("إلى"), _k("حتى"), "/", "–"}
_DAY_RANGE_JOINERS = {"-", "–", "و", _k("إلى"), _k("حتى"), _k("الى")}
_RAMADAN_PREPS = {_k(w) for w in ("في", "خلال", "منذ", "طوال", "طيلة", "حلول", "بحلول", "وفي", "قبيل", "ليالي",
                                 "أيام", "نهار", "صيام", "شهر")}
_CLAUSE_END = {".", "!", "?", "؟", "؛", ":", "،", ",", "\"", "«", "»", "(", ")", "-", "–"}
_PAST_AUX = {_k(w) for w in ("كان", "كانت", "كانوا", "قد", "لم", "ظل", "ظلت")}
#: Words starting with ي that are not imperfect verbs (nouns, names) or are reporting/stative forms.
_Y_NOUN_PREFIXES = tuple(_k(w) for w in (
    "يوم", "يونيو", "يوليو", "يناير", "يونيه", "يوليه", "يمين", "يهود", "يد", "يذكر", "يشار", "يزال", "يلدير",
    "يمن", "يونان", "يابان", "ياسر", "يوسف", "يحيى", "يعقوب", "يونس", "يزيد", "يافا", "يسار", "يورو", "يوتيوب",
    "يونسكو", "يونيسيف", "يقول", "يقال", "يبدو", "يعتبر", "يعد", "ياسين", "يسري", "يوغ", "يوك", "يوه",
))
_QUOTES = {"«", "»", '"', "“", "”", "'", "‘", "’"}
_FROM_ON = {_k(w) for w in ("اعتبارا", "ابتداء", "بدءا", "انطلاقا", "اعتبارًا", "ابتداءً", "بدءًا")}
_PAST_WORDS = {_k(w) for w in ("كان", "كانت", "كانوا", "منذ", "سبق", "وقعت", "وقع", "جرت", "شهدت", "شهد")}
_SENT_END = {".", "!", "?", "؟", "؛", ":", "\n"}
_FUTURE_WORDS = {_k(w) for w in (
    "سوف", "المقرر", "المنتظر", "المتوقع", "يعتزم", "تعتزم", "يرتقب", "المرتقب", "المزمع", "لن", "سيتم",
    "يتوقع", "ينتظر", "مقرر", "مقررا", "غدا",
)}
#: Bare words that start like a future verb (س + ي/ت/ن) but are nouns (سيارة، سياسة، سنوات، ستة ...).
_S_NOUN_PREFIXES = tuple(_k(w) for w in (
    "سيا", "سيطر", "سيد", "سينا", "سينم", "سيول", "سيف", "سيرة", "سنو", "سنة", "سنين", "ستين", "ستون",
    "ستار", "ستوديو", "سنغ", "سنت", "سيار", "سيئ", "ستراتيج", "سيناريو", "سيبر", "سيمف", "سيليكون", "سيراليون",
    "سيشل", "سيول", "سنب", "سنا", "سيام", "سيس", "سيك", "ستوكهولم", "سيدن", "سيريلانكا", "سيتي",
))
#: Month names that are also common words or names: alone they need more evidence (see ``r_date``).
_AMBIGUOUS_MONTHS = {_k(w) for w in ("مارس", "آب", "ماي", "تموز", "أيار")}
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")

_KNOWN: set[str] = set()
for _tbl in (_MONTHS, _HMONTHS, _REL, _PARTS, _ADVERBS, _HOLIDAYS):
    _KNOWN.update(_tbl)
_KNOWN.update(L.WEEKDAYS, L.CUES, L.MODS, L.PERIODS, L.UNITS, L.CARDINALS, L.TENS, L.ORDINALS_M,
              L.ORDINALS_F, L.SEASONS, L.DECADES, _YEAR_WORDS, _SET_ADVERBS, _PLURAL_DEF, _QUARTER,
              {_YAWM, _SHAHR, _KULL, _SAA, _CENTURY, _AYYAM, _FASL, _k("قبل"), _k("منذ"), _k("بعد"),
               _k("الدقيقة"), _k("هذا"), _k("هذه"), _k("لمدة"), _k("مدة")})
_KNOWN.update(_TRIGGERS)
_KNOWN.update({"غره"} | {"ال" + k for k, (_, implied) in L.UNITS.items() if implied == 2})
_KNOWN.update(k[2:] for k in L.DECADES)  # ثمانينيات without the article


#: Words a rule can start at (every run of digits too, tested apart).
_STARTERS = frozenset(
    set(L.MODS) | {_YAWM, _SHAHR, _KULL, _AYYAM, _SAA, _CENTURY, _FASL, "ال", _k("الدقيقة")}
    | set(L.WEEKDAYS) | set(_MONTHS) | set(_HMONTHS) | _YEAR_WORDS | set(L.DECADES) | {k[2:] for k in L.DECADES}
    | set(_REL) | set(_PARTS) | set(_HOLIDAYS) | _HADHA | set(L.PERIODS) | {_k("قبل"), _k("منذ"), _k("بعد")}
    | set(L.UNITS)
    | set(L.CARDINALS) | set(L.TENS) | {_k(w) for w in ("أحد", "احدى", "إحدى", "اثنا", "اثني", "اثنتا", "اثنتي")}
    | set(_PLURAL_DEF) | set(_SET_ADVERBS) | set(_QUARTER) | set(L.SEASONS) | set(L.ORDINALS_M) | {"غره"}
    | {"ال" + k for k, (_, implied) in L.UNITS.items() if implied == 2} | set(L.ORDINALS_F)
)

def _base(w: str) -> tuple[str, int]:
    """(lexicon base, proclitic length) of a folded word; (w, 0) when no proclitic reading is known.

    >>> _base("وصباح")
    ('صباح', 1)
    """
    if len(w) >= 4 and w[0] in _PROCLITIC_FIRST and w not in _KNOWN:
        for p in _PROCLITIC_FIRST[w[0]]:
            if w.startswith(p):
                rest = w[len(p):]
                if len(rest) < 3:
                    continue
                if rest in _KNOWN:
                    return rest, len(p)
                if p[-1] == "ل" and rest[0] == "ل" and ("ا" + rest) in _KNOWN:  # لل + X = ل + الX
                    return "ا" + rest, len(p) - 1
    return w, 0


_PROCLITIC_FIRST: dict[str, tuple[str, ...]] = {
    c: tuple(p for p in _PROCLITICS if p[0] == c) for c in {p[0] for p in _PROCLITICS}
}


class _BaseCache(dict):
    """``cache[word]`` -> base word (see :func:`_base`), filled on first use; bounded in size."""

    def __missing__(self, w: str) -> str:
        b = _base(w)[0]
        if len(self) < 500_000:
            self[w] = b
        return b


_BASES = _BaseCache()
_CHUNK_RE = re.compile(r"\s*(?:[0-9]+|[^\W\d_]+|\S)")


def tokenise_folded(text: str) -> tuple[list[str], list[int], list[int]]:
    """Tokens of folded text as parallel lists (words, starts, ends); offsets are code points of ``text``.

    Tokens are runs of ASCII digits, runs of letters, or single other non-space characters.

    >>> tokenise_folded("في 4 ابريل")
    (['في', '4', 'ابريل'], [0, 3, 5], [2, 4, 10])
    """
    chunks = _CHUNK_RE.findall(text)
    words = list(map(str.lstrip, chunks))
    ends = list(accumulate(map(len, chunks)))
    starts = list(map(sub, ends, map(len, words)))
    return words, starts, ends


def _is_digits(w: str) -> bool:
    return bool(w) and "0" <= w[0] <= "9"


def _dur_value(n: int | None, unit: str) -> str:
    c = "X" if n is None else str(n)
    if unit == "S":
        return f"PT{c}S"
    if unit == "MIN":
        return f"PT{c}M"
    if unit == "H":
        return f"PT{c}H"
    if unit == "E":
        return f"P{'X' if n is None else n * 10}Y"
    if unit == "C":
        return f"P{'X' if n is None else n * 100}Y"
    return f"P{c}{unit}"


class _Doc:
    """One scan over one folded text; ``ref`` is the reference date or None."""

    def __init__(self, text: str, ref: date | None) -> None:
        self.text = text
        self.ref = ref
        self.W, self.S, self.E = tokenise_folded(text)
        self.n = len(self.W)
        self.B = list(map(_BASES.__getitem__, self.W))
        #: the day-month Match behind the last ``anchor_at`` of kind "date" (its calendar and Hijri text)
        self.anchor_match: Match | None = None

    # ---- small readers ---------------------------------------------------------------------------------------
    def w(self, k: int) -> str:
        return self.W[k] if 0 <= k < self.n else ""

    def b(self, k: int) -> str:
        return self.B[k] if 0 <= k < self.n else ""

    def glued_before(self, i: int, chars: tuple[str, ...]) -> bool:
        """Whether token i directly follows (no space) a token in ``chars`` (``2:1``, ``3-1``, ``1/12``)."""
        return i > 0 and self.W[i - 1] in chars and self.S[i] == self.E[i - 1]

    def adjacent(self, k: int) -> bool:
        """True when token k follows token k-1 with only spaces between (no line break)."""
        return "\n" not in self.text[self.E[k - 1]:self.S[k]]

    def lex(self, k: int, table: dict[str, list[tuple[tuple[str, ...], object]]]) -> tuple[object, int] | None:
        if k >= self.n:
            return None
        cands = table.get(self.B[k])
        if not cands:
            return None
        for rest, val in cands:
            m = len(rest)
            if k + 1 + m <= self.n and all(self.W[k + 1 + q] == rest[q] for q in range(m)):
                return val, k + 1 + m
        return None

    def number(self, k: int) -> tuple[int, int] | None:
        """A cardinal at k: digits, a word (ثلاثة), a teen (خمسة عشر) or a compound (خمسة وعشرين)."""
        w = self.w(k)
        if not w:
            return None
        if _is_digits(w):
            if len(w) > 4:
                return None
            return int(w), k + 1
        b = self.B[k]
        val = L.CARDINALS.get(b)
        if val is None and b in ("احد", "احدي", "احدي") and self.w(k + 1) in _ASHR:
            return 11, k + 2
        if val is None and b in ("اثنا", "اثني", "اثنتا", "اثنتي") and self.w(k + 1) in _ASHR:
            return 12, k + 2
        if val is not None:
            if val < 10 and self.w(k + 1) in _ASHR:
                return val + 10, k + 2
            nxt = self.w(k + 1)
            if val < 10 and nxt.startswith(_WA) and nxt[1:] in L.TENS:
                return val + L.TENS[nxt[1:]], k + 2
            return val, k + 1
        if b in L.TENS:
            return L.TENS[b], k + 1
        return None

    def quantity(self, k: int, singular: bool) -> tuple[int | None, str, int] | None:
        """(count or None when vague, unit, end) of ``ثلاثة أيام``, ``3 أيام``, ``يومين``, ``بضعة أشهر``."""
        if k >= self.n:
            return None
        b = self.B[k]
        if b in L.UNITS:
            unit, implied = L.UNITS[b]
            if implied == 2:
                return 2, unit, k + 1
            if implied == 1 and singular:
                return 1, unit, k + 1
            return None
        if b in L.VAGUE:
            u = L.UNITS.get(self.b(k + 1))
            if u:
                return None, u[0], k + 2
            return None
        num = self.number(k)
        if num is None:
            return None
        val, k2 = num
        if self.w(k2) in ("%", "٪"):
            return None
        u = L.UNITS.get(self.b(k2))
        if u is None:
            return None
        if u[1] == 2:
            return None
        if u[1] == 1 and val <= 2:
            return None  # "1 يوم", "2-1 يوم": Arabic counts 1 and 2 with the bare or dual noun
        if _is_digits(self.W[k]) and k > 0 and self.W[k - 1] in ("-", ":", "/", "."):
            return None  # the second half of a score or a ratio
        return val, u[0], k2 + 1

    def year_at(self, k: int) -> tuple[int, int, str | None] | None:
        """(year, end, era) for a 4-digit year at k, with an optional era marker (م / هـ)."""
        w = self.w(k)
        if not w or not _is_digits(w) or len(w) != 4:
            return None
        y = int(w)
        if not 1000 <= y <= 2199:
            return None
        nxt = self.w(k + 1)
        if nxt in _ERA_G and (k + 1 < self.n) and self.adjacent(k + 1):
            return y, k + 2, "g"
        if nxt in _ERA_H:
            return y, k + 2, "h"
        return y, k + 1, None

    def month_at(self, k: int, table: dict) -> tuple[int, int] | None:
        """Month number and end for a month name at k, with a slash pair (أبريل/نيسان, يناير (كانون الثاني))."""
        hit = self.lex(k, table)
        if hit is None:
            return None
        m, k2 = hit
        sep = self.w(k2)
        if sep in ("/", "-", "\\"):
            h2 = self.lex(k2 + 1, table)
            if h2 is not None:
                k2 = h2[1]
        elif sep == "(":
            h2 = self.lex(k2 + 1, table)
            if h2 is not None and self.w(h2[1]) == ")":
                k2 = h2[1] + 1
        else:
            h2 = self.lex(k2, table)  # Reuters style, no slash: في يوليو تموز
            if h2 is not None and h2[0] == m:
                k2 = h2[1]
        return int(m), k2  # type: ignore[arg-type]

    def _month_words(self, k: int) -> tuple[str, ...]:
        """The words of the single month name at k (one or two tokens)."""
        hit = self.lex(k, _MONTHS)
        return tuple(self.W[k:hit[1]]) if hit else ()

    def day_at(self, k: int) -> tuple[int, int] | None:
        """Day of month at k: 1-31 in digits, or an ordinal word (السابع، الحادي عشر، الحادي والعشرين)."""
        w = self.w(k)
        if not w:
            return None
        if w == "ال" and _is_digits(self.w(k + 1)) and self.S[k + 1] == self.E[k]:
            w, k = self.W[k + 1], k + 1  # الـ15 (tatweel removed by the normaliser)
        if _is_digits(w):
            if len(w) <= 2 and 1 <= int(w) <= 31:
                return int(w), k + 1
            return None
        b = self.B[k]
        if b == "غره":  # غرة رمضان: the first day of the month
            return 1, k + 1
        if b not in L.ORDINALS_M:
            return None
        v = L.ORDINALS_M[b]
        k2 = k + 1
        nxt = self.w(k2)
        if v < 10 and nxt in _ASHR:
            v, k2 = v + 10, k2 + 1
        elif v < 10 and nxt.startswith(_WA) and nxt[1:] in ("العشرين", "الثلاثين"):
            v, k2 = v + (20 if nxt[1:] == "العشرين" else 30), k2 + 1
        elif b == "الحادي":
            return None
        if self.w(k2) == _MIN:
            k2 += 1
        return (v, k2) if 1 <= v <= 31 else None

    def cue_at(self, k: int) -> int | None:
        return L.CUES.get(self.b(k))

    def future_context(self, i: int) -> bool:
        """Whether the clause before token i points forward (س-verb, سوف, من المقرر, اعتبارا من ...)."""
        if (self.w(i - 1) == _MIN and self.b(i - 2) in _FROM_ON) or self.b(i - 1) in ("بحلول", "حلول"):
            return True
        for k in range(i + 1, min(self.n, i + 4)):  # a fronted adverb: ويوم الاثنين سيتدفق المشجعون
            w = self.W[k]
            if w in _CLAUSE_END:
                break
            v = w[1:] if w[:1] in ("و", "ف") and len(w) > 5 else w
            if v == "سوف" or (len(v) >= 5 and v[0] == "س" and v[1] in "يتن" and not v.startswith(_S_NOUN_PREFIXES)
                              and v not in L.UNITS):
                return True
        for k in range(i - 1, max(-1, i - 9), -1):
            w = self.W[k]
            if w in _SENT_END or (k + 1 < self.n and "\n" in self.text[self.E[k]:self.S[k + 1]]):
                break
            if w in _FUTURE_WORDS or self.B[k] in _FUTURE_WORDS or (w[:1] in ("و", "ف") and w[1:] in _FUTURE_WORDS):
                return True
            v = w[1:] if w[:1] in ("و", "ف") and len(w) > 5 else w
            if (len(v) >= 5 and v[0] == "س" and v[1] in "يتن" and not v.startswith(_S_NOUN_PREFIXES)
                    and v not in L.UNITS):
                return True
        return False

    def imperfect_context(self, i: int, feminine: bool = False) -> bool:
        """Whether a third-person imperfect verb (يزور، ويلتقي، يبدأ) governs token i from its clause.

        News states scheduled events in the present tense (يختار اللبنانيون الأحد ممثليهم). Looks back at
        most six words, stopping at punctuation, a line break or a past marker (كان، كانت).
        """
        for k in range(i - 1, max(-1, i - 7), -1):
            w = self.W[k]
            if w in _CLAUSE_END or "\n" in self.text[self.E[k]:self.S[k + 1]]:
                return False
            if self.B[k] in _PAST_AUX:
                return False
            v = w[1:] if w[:1] in ("و", "ف") else w
            if len(v) >= 4 and v[0] == "ي" and not v.startswith(_Y_NOUN_PREFIXES):
                return True
            if feminine and len(v) >= 4 and v[0] == "ت" and v[1] != "ا" and not v.endswith(("ه", "ات")):
                return True  # تنطلق، تبدأ (not تقرير-like nouns ending in ة/ات: a weak guard, used with بعد)
        return False

    def lean(self, i: int) -> int | None:
        """+1 when the clause before token i points forward, -1 when it points back (كان، منذ), else None."""
        if self.future_context(i):
            return 1
        for k in range(i - 1, max(-1, i - 7), -1):
            w = self.W[k]
            if w in _SENT_END:
                break
            if self.B[k] in _PAST_WORDS:
                return -1
        return None

    # ---- anchors: a day named by a weekday, a relative word or a date ------------------------------------
    def anchor_at(self, k: int) -> tuple[date | None, str, int, bool, str] | None:
        """(date or None, unresolved value, end, anchored, kind) of a day expression starting at k."""
        if self.b(k) == _YAWM:
            inner = self.anchor_at(k + 1)
            if inner is not None:
                return inner
        rel = self.lex(k, _REL)
        if rel is not None:
            off, k2 = rel
            if self.w(k2) in ("الاول",) and off == -1:
                off, k2 = -2, k2 + 1
            if self.b(k2) in L.WEEKDAYS and not self._weekday_blocked(k2):
                k2 += 1  # مساء اليوم الأحد، صباح أمس السبت
            d = self.ref + timedelta(days=int(off)) if self.ref else None  # type: ignore[arg-type]
            return d, "XXXX-XX-XX", k2, self.ref is not None, "rel"
        wd = L.WEEKDAYS.get(self.b(k))
        if wd is not None and not self._weekday_blocked(k):
            k2 = k + 1
            # a date in apposition: الإثنين 13 يناير 2020
            dm = self._day_month(k2 + (1 if self.w(k2) in ("،", ",") else 0))
            if dm is not None and dm.granularity == "day":
                dd = date.fromisoformat(dm.value) if "X" not in dm.value else None
                self.anchor_match = dm
                return dd, dm.value, dm.j, dm.anchored, "date"
            cue = self.cue_at(k2)
            if cue is not None:
                k2 += 1
            if self.ref is None:
                return None, f"XXXX-WXX-{wd}", k2, False, "weekday"
            d = R.resolve_weekday(self.ref, wd, cue, self.future_context(k) or self.imperfect_context(k))
            return d, "", k2, True, "weekday"
        dm = self._day_month(k)
        if dm is not None and dm.granularity == "day":
            dd = date.fromisoformat(dm.value) if "X" not in dm.value else None
            self.anchor_match = dm
            return dd, dm.value, dm.j, dm.anchored, "date"
        return None

    def _weekday_blocked(self, k: int) -> bool:
        b = self.B[k]
        nxt = self.w(k + 1)
        if b == "الاحد" and nxt in _ASHR:  # الأحد عشر = eleven
            return True
        if b == "الاثنين":
            prev = self.w(k - 1)
            if prev in ("بين", "كلا", "هذين") or nxt in ("معا", "معًا"):
                return True
        return False

    # ---- rules ---------------------------------------------------------------------------------------------
    def _day_month(self, k: int, mod: str | None = None, start: int | None = None) -> Match | None:
        """Day + month [+ year] (Gregorian or Hijri), the core of explicit dates."""
        i = k if start is None else start
        day = self.day_at(k)
        if day is None:
            return None
        d, k2 = day
        if self.w(k2) == _MIN and _is_digits(self.W[k]):
            k2 += 1  # يوم 24 من يوليو
        if self.b(k2) == _SHAHR:
            k2 += 1  # 22 شهر أيلول، الرابع من شهر رمضان
        gm = self.month_at(k2, _MONTHS)
        if gm is not None:
            m, k3 = gm
            yr = self.year_at(k3)
            if yr is not None:
                y, k4, _era = yr
                try:
                    dd = date(y, m, d)
                except ValueError:
                    return None
                return Match(i, k4, "DATE", T.day_value(dd), "day", "day_month_year", mod)
            if self.w(k3) == _MIN:
                ry = self._rel_year(k3 + 1)
                if ry is not None:
                    y, k4, anch = ry
                    if y is None:
                        return Match(i, k4, "DATE", f"XXXX-{m:02d}-{d:02d}", "day", "day_month_rel_year", mod)
                    try:
                        dd = date(y, m, d)
                    except ValueError:
                        return None
                    return Match(i, k4, "DATE", T.day_value(dd), "day", "day_month_rel_year", mod,
                                 anchored=anch)
            cue = self.cue_at(k3)
            k4 = k3 + 1 if cue is not None else k3
            if cue is None and i > 0 and self.B[i - 1] in _NAME_HEADS:
                return None
            if cue is None and m == 3 and d in (8, 14) and self.B[k3 - 1] == "اذار" and not (
                    i > 0 and self.B[i - 1] in _DATE_PREPS):
                return None  # 8 آذار / 14 آذار: the Lebanese political camps, unless "in/on/since"
            if self.ref is None:
                return Match(i, k4, "DATE", f"XXXX-{m:02d}-{d:02d}", "day", "day_month", mod)
            dd2 = R.resolve_month_day(self.ref, m, d, cue, self.lean(i) if cue is None else None)
            if dd2 is None:
                return None
            return Match(i, k4, "DATE", T.day_value(dd2), "day", "day_month", mod, anchored=True)
        km = k2 + 1 if self.w(k2) == _MIN else k2
        if self.b(km) == "الشهر" and self.cue_at(km + 1) is not None:
            # في 15 من الشهر الجاري / الماضي
            if self.ref is None:
                return Match(i, km + 2, "DATE", f"XXXX-XX-{d:02d}", "day", "day_of_rel_month", mod)
            yy, mm = T.add_months(self.ref.year, self.ref.month, self.cue_at(km + 1) or 0)
            try:
                dd3 = date(yy, mm, d)
            except ValueError:
                return None
            return Match(i, km + 2, "DATE", T.day_value(dd3), "day", "day_of_rel_month", mod, anchored=True)
        hm = self.month_at(k2, _HMONTHS)
        if hm is not None:
            m, k3 = hm
            yr = self.year_at(k3)
            if yr is not None:
                hy, k4, era = yr
                if era == "g" or not 1300 <= hy <= 1600:
                    return None
                g = R.hijri_to_gregorian(hy, m, d)
                if g is None:
                    return None
                return Match(i, k4, "DATE", T.day_value(g), "day", "hijri_day_month_year", mod, "hijri",
                             f"{hy:04d}-{m:02d}-{d:02d}", (g, g))
            cue = self.cue_at(k3)
            k4 = k3 + 1 if cue is not None else k3
            if self.ref is None:
                return Match(i, k4, "DATE", "XXXX-XX-XX", "day", "hijri_day_month", mod, "hijri",
                             f"XXXX-{m:02d}-{d:02d}")
            hy2 = R.resolve_hijri_month(self.ref, m, cue)
            if hy2 is None:
                return None
            g = R.hijri_to_gregorian(hy2, m, d)
            if g is None:
                return None
            return Match(i, k4, "DATE", T.day_value(g), "day", "hijri_day_month", mod, "hijri",
                         f"{hy2:04d}-{m:02d}-{d:02d}", (g, g), True)
        return None

    def _rel_year(self, k: int) -> tuple[int | None, int, bool] | None:
        """A year written as ``العام الماضي`` / ``عام 2019`` / ``2019`` after ``من``: (year, end, anchored).

        The year is None for a relative year (العام الماضي) when there is no reference date.
        """
        if self.b(k) in _YEAR_WORDS:
            yr = self.year_at(k + 1)
            if yr is not None:
                return yr[0], yr[1], False
            if self.b(k) in ("العام", "السنه"):
                cue = self.cue_at(k + 1)
                if cue is not None:
                    if self.ref is None:
                        return None, k + 2, False
                    return self.ref.year + cue, k + 2, True
        yr = self.year_at(k)
        if yr is not None:
            return yr[0], yr[1], False
        if self.b(k) in _HADHA and self.b(k + 1) in ("العام", "السنه"):
            if self.ref is None:
                return None, k + 2, False
            return self.ref.year, k + 2, True
        return None

    def r_date(self, i: int) -> Match | None:
        """Explicit dates: [mod] [يوم] [weekday] day month [year] [cue], month [year|cue], Hijri forms."""
        k = i
        mod = L.MODS.get(self.B[k])
        if mod is not None:
            k += 1
        if self.b(k) == _YAWM:
            k += 1
        wd_k = None
        if self.b(k) in L.WEEKDAYS:
            wd_k = k
            k += 1
            if self.w(k) in ("،", ","):
                k += 1
        dm = self._day_month(k, mod, i)
        if dm is not None:
            return dm
        if wd_k is not None:
            return None
        has_shahr = self.b(k) == _SHAHR
        if has_shahr:
            k += 1
        if k == i and i > 0 and _is_digits(self.W[i - 1]) and len(self.W[i - 1]) <= 2:
            return None  # the month of a day-month that was refused as a name (هجمات 11 سبتمبر)
        trig = mod is not None or has_shahr or (i > 0 and self.B[i - 1] in _MONTH_TRIGGERS)
        gm = self.month_at(k, _MONTHS)
        if gm is not None:
            m, k2 = gm
            yr = self.year_at(k2)
            if yr is not None:
                return Match(i, yr[1], "DATE", T.month_value(yr[0], m), "month", "month_year", mod)
            if self.w(k2) == _MIN:
                ry = self._rel_year(k2 + 1)
                if ry is not None:
                    mv = T.month_value(ry[0], m) if ry[0] is not None else f"XXXX-{m:02d}"
                    return Match(i, ry[1], "DATE", mv, "month", "month_rel_year", mod, anchored=ry[2])
            cue = self.cue_at(k2)
            if cue is None and not trig and k2 - k > len(self._month_words(k)):
                trig = True  # a pair (حزيران/يونيو، مايو أيار) is a month, whatever precedes it
            if cue is None and not trig and i > 0 and self.W[i][:1] == "و" and self.B[i - 1] in _MONTHS:
                trig = True  # بين أبريل ويونيو
            if cue is None and not trig:
                return None
            if cue is None and not (mod or has_shahr) and self.B[k] in _AMBIGUOUS_MONTHS:
                # مارس is also a verb, إب a Yemeni city (folded like آب), تموز a name: alone after a
                # preposition they need a slash pair (آب/أغسطس) or the end of the clause
                pair = any(self.W[q] in ("/", "(", "-", "\\") for q in range(k, k2))
                if not pair and self.w(k2) not in (".", "،", ",", ")", "؛", ""):
                    return None
                if not pair and self.B[k] == "اب":
                    return None
            k3 = k2 + 1 if cue is not None else k2
            if self.ref is None:
                return Match(i, k3, "DATE", f"XXXX-{m:02d}", "month", "month", mod)
            y = R.resolve_month(self.ref, m, cue, self.lean(i) if cue is None else None)
            return Match(i, k3, "DATE", T.month_value(y, m), "month", "month", mod, anchored=True)
        hm = self.month_at(k, _HMONTHS)
        if hm is not None:
            m, k2 = hm
            yr = self.year_at(k2)
            if yr is not None and yr[2] != "g" and 1300 <= yr[0] <= 1600:
                iv = R.hijri_month_interval(yr[0], m)
                if iv is None:
                    return None
                return Match(i, yr[1], "DATE", T.month_value(iv[0].year, iv[0].month), "month",
                             "hijri_month_year", mod, "hijri", f"{yr[0]:04d}-{m:02d}", iv)
            cue = self.cue_at(k2)
            word = self.B[k]
            if not (has_shahr or cue is not None or trig):
                return None
            if word in L.HIJRI_AMBIGUOUS and not (
                    has_shahr or (word == "رمضان" and (cue is not None or mod is not None or (
                        i > 0 and self.B[i - 1] in _RAMADAN_PREPS)))):
                return None  # رمضان، رجب، شعبان are also personal names; صفر is "zero"
            k3 = k2 + 1 if cue is not None else k2
            if self.ref is None:
                return Match(i, k3, "DATE", "XXXX-XX", "month", "hijri_month", mod, "hijri", f"XXXX-{m:02d}")
            hy = R.resolve_hijri_month(self.ref, m, cue)
            iv = R.hijri_month_interval(hy, m) if hy is not None else None
            if iv is None:
                return None
            return Match(i, k3, "DATE", T.month_value(iv[0].year, iv[0].month), "month", "hijri_month", mod,
                         "hijri", f"{hy:04d}-{m:02d}", iv, True)
        return None

    def r_day_range(self, i: int) -> Match | None:
        """The first day of a range that shares its month: ``من 10 إلى 15 يناير``, ``بين 3 و5 مارس`` -> 10/3."""
        first = self.day_at(i)
        if first is None:
            return None
        d1, k = first
        if self.w(k) not in _DAY_RANGE_JOINERS:
            return None
        second = self._day_month(k + 1)
        if second is None or second.granularity != "day":
            return None
        d2 = self.day_at(k + 1)
        if d2 is None or not d1 < d2[0]:
            return None
        if second.calendar == "hijri" and second.hijri:
            if "X" in second.hijri:
                return Match(i, k, "DATE", "XXXX-XX-XX", "day", "day_range_start", None, "hijri",
                             f"{second.hijri[:7]}-{d1:02d}")
            hy, hm, _ = (int(x) for x in second.hijri.split("-"))
            g = R.hijri_to_gregorian(hy, hm, d1)
            if g is None:
                return None
            return Match(i, k, "DATE", T.day_value(g), "day", "day_range_start", None, "hijri",
                         f"{hy:04d}-{hm:02d}-{d1:02d}", (g, g), second.anchored)
        y, m = second.value[:4], second.value[5:7]
        if "X" in y:
            return Match(i, k, "DATE", f"XXXX-{m}-{d1:02d}", "day", "day_range_start")
        try:
            dd = date(int(y), int(m), d1)
        except ValueError:
            return None
        return Match(i, k, "DATE", T.day_value(dd), "day", "day_range_start", anchored=second.anchored)

    def r_numeric(self, i: int) -> Match | None:
        """Numeric dates, day first: 12/01/2020, ١٠/٠١/٢٠٢٠, 3 /3 /1436هـ, 2020-01-09 (year first)."""
        w = self.W[i]
        if not _is_digits(w) or i + 3 >= self.n:
            return None
        sep = self.W[i + 1]
        if sep not in ("/", "-", "."):
            return None
        if self.w(i + 3) != sep or i + 4 >= self.n:
            return self._numeric_month(i)
        if self.W[i + 3] != sep:
            return None
        a, b, c = w, self.W[i + 2], self.W[i + 4]
        if not (_is_digits(b) and _is_digits(c)):
            return None
        if self.glued_before(i, ("/", "-", ".", ":")) or (
                i + 5 < self.n and self.S[i + 5] == self.E[i + 4] and self.W[i + 5] in ("/", ":", "-", ".")
                and _is_digits(self.w(i + 6))):
            return None  # part of a longer run of numbers (a version, a phone number, 1/12/2020/5)
        if len(a) == 4 and len(b) <= 2 and len(c) <= 2:
            y, m, d = int(a), int(b), int(c)
        elif len(c) == 4 and len(a) <= 2 and len(b) <= 2:
            d, m, y = int(a), int(b), int(c)
        else:
            return None
        j = i + 5
        era = None
        nxt = self.w(j)
        if nxt in _ERA_H:
            era, j = "h", j + 1
        elif nxt in _ERA_G and self.adjacent(j):
            era, j = "g", j + 1
        if era == "h" or (era is None and 1300 <= y <= 1500):
            g = R.hijri_to_gregorian(y, m, d)
            if g is None:
                return None
            return Match(i, j, "DATE", T.day_value(g), "day", "numeric_hijri", None, "hijri",
                         f"{y:04d}-{m:02d}-{d:02d}", (g, g))
        try:
            dd = date(y, m, d)
        except ValueError:
            return None
        if not 1800 <= y <= 2199:
            return None
        return Match(i, j, "DATE", T.day_value(dd), "day", "numeric")

    def _numeric_month(self, i: int) -> Match | None:
        """Month/year in digits with a Hijri marker (``3 / 1436 هـ``) -> that Hijri month."""
        a, b = self.W[i], self.w(i + 2)
        if len(a) > 2 or not (_is_digits(b) and len(b) == 4) or self.w(i - 1) in ("/", "-", "."):
            return None
        if self.w(i + 3) not in _ERA_H:
            return None
        m, hy = int(a), int(b)
        if not 1 <= m <= 12:
            return None
        iv = R.hijri_month_interval(hy, m)
        if iv is None:
            return None
        return Match(i, i + 4, "DATE", T.month_value(iv[0].year, iv[0].month), "month", "numeric_hijri_month",
                     None, "hijri", f"{hy:04d}-{m:02d}", iv)

    def r_year(self, i: int) -> Match | None:
        """[mod] (عام|العام|سنة) YEAR [era]; a bare YEAR after a trigger or with an era marker; decades."""
        k = i
        mod = L.MODS.get(self.B[k])
        if mod is not None:
            k += 1
        kw = self.b(k) in _YEAR_WORDS
        if kw:
            k += 1
        yr = self.year_at(k)
        if yr is None:
            return self._decade(i, k, mod)
        y, j, era = yr
        if not kw and mod is None and era is None:
            prev = self.B[i - 1] if i > 0 else ""
            joined = (i >= 2 and self.W[i - 1] in _RANGE_JOINERS and _is_digits(self.W[i - 2])
                      and len(self.W[i - 2]) == 4)
            nxt2 = self.w(j + 1)
            joins_next = (self.w(j) in _RANGE_JOINERS and _is_digits(nxt2) and len(nxt2) == 4
                          and 1900 <= int(nxt2) <= 2100)  # 2017-2018, من 2003 إلى 2011
            if prev not in _YEAR_TRIGGERS and not joined and not joins_next:
                return None
            if not 1900 <= y <= 2100:
                return None
            if self.b(j) in L.UNITS or self.w(j) in ("%", "٪") or self.b(j) in _COUNT_NOUNS:
                return None
        if era == "h":
            iv = R.hijri_year_interval(y)
            if iv is None:
                return None
            return Match(i, j, "DATE", T.year_value(iv[0].year), "year", "hijri_year", mod, "hijri",
                         f"{y:04d}", iv)
        return Match(i, j, "DATE", T.year_value(y), "year", "year", mod)

    def _decade(self, i: int, k: int, mod: str | None) -> Match | None:
        b = self.b(k)
        d = L.DECADES.get(b)
        if d is None:
            d = L.DECADES.get("ال" + b)  # ثمانينيات القرن الماضي: construct state, no article
            if d is None or (k != i and mod is None):
                return None
        j = k + 1
        if self.w(j) == _MIN and self.b(j + 1).startswith(("عمر", "العمر")):
            return None  # في الستينيات من عمرهما: an age
        century = 19
        cj = j + 1 if self.w(j) == _MIN else j
        c = self._century_num(cj)
        if c is not None:
            century, j = c[0], c[1]
        elif self.b(cj) == _CENTURY and self.cue_at(cj + 1) is not None:
            j = cj + 2  # القرن الماضي with no reference date: the 1900s are the default anyway
        return Match(i, j, "DATE", f"{century:02d}{d}", "decade", "decade", mod)

    def _century_num(self, k: int) -> tuple[int, int] | None:
        """``القرن العشرين`` -> (19, end): the TIMEX3 century digits of a century phrase at k."""
        if self.b(k) != _CENTURY:
            return None
        k2 = k + 1
        cue = self.cue_at(k2)
        if cue is not None:
            if self.ref is None:
                return None
            return (self.ref.year // 100) + cue, k2 + 1
        b = self.b(k2)
        num = self.W[k2 + 1] if b == "ال" and k2 + 1 < self.n else b
        if _is_digits(num) and len(num) <= 2 and 1 <= int(num) <= 30:  # القرن الـ21، القرن 19
            return int(num) - 1, (k2 + 2 if b == "ال" else k2 + 1)
        if b == "العشرين":
            return 19, k2 + 1
        if b in L.ORDINALS_M and b != "اول":
            v = L.ORDINALS_M[b]
            nxt = self.w(k2 + 1)
            if v < 10 and nxt in _ASHR:
                return v + 10 - 1, k2 + 2
            if v < 10 and nxt.startswith(_WA) and nxt[1:] == "العشرين":
                return v + 20 - 1, k2 + 2
            if b != "الحادي":
                return v - 1, k2 + 1
        return None

    def r_century(self, i: int) -> Match | None:
        k = i
        mod = L.MODS.get(self.B[k])
        if mod is not None:
            k += 1
        c = self._century_num(k)
        if c is None:
            return None
        if self.b(c[1]) in _HIJRI_ERA_WORDS:
            return None  # القرن التاسع الهجري: a Hijri century, not written as a Gregorian value
        anch = self.cue_at(k + 1) is not None
        return Match(i, c[1], "DATE", f"{c[0]:02d}", "century", "century", mod, anchored=anch)

    def r_weekday(self, i: int) -> Match | None:
        """[يوم] weekday [cue], resolved against the reference date with tense cues."""
        k = i
        if self.B[k] == _YAWM:
            k += 1
            wd = L.WEEKDAYS.get(self.b(k)) or L.WEEKDAYS_BARE.get(self.b(k))
        else:
            wd = L.WEEKDAYS.get(self.B[k])
        if wd is None or self._weekday_blocked(k):
            return None
        k += 1
        if self.w(k) == _MIN and self.b(k + 1) == _KULL and self.b(k + 2) == "اسبوع":
            return Match(i, k + 3, "SET", f"XXXX-WXX-{wd}", "set", "set")  # يوم الأحد من كل أسبوع
        cue = self.cue_at(k)
        if cue is not None:
            k += 1
        if self.ref is None:
            return Match(i, k, "DATE", f"XXXX-WXX-{wd}", "day", "weekday")
        d = R.resolve_weekday(self.ref, wd, cue, self.future_context(i) or self.imperfect_context(i))
        return Match(i, k, "DATE", T.day_value(d), "day", "weekday", anchored=True)

    def r_relday(self, i: int) -> Match | None:
        """أمس، اليوم، غدا، بعد غد، أول أمس [weekday]; ``يوم`` + غد/الغد."""
        k = i
        yawm = self.B[k] == _YAWM
        if yawm:
            k += 1
        hit = self.lex(k, _REL)
        if hit is None:
            return None
        off, j = hit
        word = self.B[k]
        if word in _WEAK_REL and not yawm:
            return None
        if word == "اليوم":
            if self.b(j) in _YOUM_BLOCK_NEXT or (i > 0 and self.B[i - 1] in _YOUM_BLOCK_PREV):
                return None
            if self.w(i - 1) in _QUOTES and self.w(j) in _QUOTES:
                return None  # لـ«اليوم»: the Saudi daily al-Yaum, quoted
        off = int(off)  # type: ignore[arg-type]
        if off == -1 and self.w(j) == "الاول":
            off, j = -2, j + 1
        if self.b(j) in L.WEEKDAYS and not self._weekday_blocked(j):
            j += 1
        if self.ref is None:
            return Match(i, j, "DATE", "XXXX-XX-XX", "day", "relative_day")
        d = self.ref + timedelta(days=off)
        return Match(i, j, "DATE", T.day_value(d), "day", "relative_day", anchored=True)

    def r_part(self, i: int) -> Match | None:
        """Part of day + day anchor (صباح الإثنين، فجر اليوم، مساء أمس); الليلة [cue]."""
        hit = self.lex(i, _PARTS)
        if hit is None:
            return None
        code, k = hit
        a = self.anchor_at(k)
        if a is not None:
            d, xval, j, anch, kind = a
            cal, hijri = "gregorian", None
            if kind == "date" and self.anchor_match is not None:  # صباح 10 ذي الحجة 1440 هـ
                cal, hijri = self.anchor_match.calendar, self.anchor_match.hijri
            if d is not None:
                return Match(i, j, "TIME", f"{T.day_value(d)}T{code}", "partofday", "part_of_day", None, cal, hijri,
                             (d, d), anch)
            return Match(i, j, "TIME", f"{xval}T{code}", "partofday", "part_of_day", None, cal, hijri)
        if self.B[i] == "الليله":
            if i > 0 and self.B[i - 1] in ("تلك", "ذلك", "مثل", "نفس"):
                return None  # تلك الليلة: anaphoric
            cue = self.cue_at(k)
            if cue is None:
                nxt = self.b(k)
                if nxt and nxt[0] not in "،,.؛" and nxt.startswith("ال"):
                    return None
            off = cue or 0
            j = k + 1 if cue is not None else k
            if self.ref is None:
                return Match(i, j, "TIME", "XXXX-XX-XXTNI", "partofday", "tonight")
            return Match(i, j, "TIME", f"{T.day_value(self.ref + timedelta(days=off))}TNI", "partofday",
                         "tonight", anchored=True)
        return None

    def r_holiday(self, i: int) -> Match | None:
        """Fixed-date feasts: عيد الفطر (1 Shawwal), عيد الأضحى (10 Dhu al-Hijja) ... [المبارك] [cue/year]."""
        hit = self.lex(i, _HOLIDAYS)
        if hit is None:
            return None
        (cal, m, d), j = hit  # type: ignore[misc]
        if self.b(j) in ("المبارك", "السعيد"):
            j += 1
        cue = self.cue_at(j)
        if cue is not None:
            j += 1
        yr = self.year_at(j) if cue is None else None
        if cal == "gregorian":
            if yr is not None:
                y, j = yr[0], yr[1]
            elif self.ref is None:
                return Match(i, j, "DATE", f"XXXX-{m:02d}-{d:02d}", "day", "holiday")
            else:
                dd = R.resolve_month_day(self.ref, m, d, cue)
                if dd is None:
                    return None
                return Match(i, j, "DATE", T.day_value(dd), "day", "holiday", anchored=True)
            return Match(i, j, "DATE", T.day_value(date(y, m, d)), "day", "holiday")
        if yr is not None and 1300 <= yr[0] <= 1600:
            hy, j, anch = yr[0], yr[1], False
        elif self.ref is None:
            return Match(i, j, "DATE", "XXXX-XX-XX", "day", "holiday", None, "hijri", f"XXXX-{m:02d}-{d:02d}")
        else:
            hy, anch = self._nearest_hijri_year(m, d, cue), True
            if hy is None:
                return None
        g = R.hijri_to_gregorian(hy, m, d)
        if g is None:
            return None
        return Match(i, j, "DATE", T.day_value(g), "day", "holiday", None, "hijri", f"{hy:04d}-{m:02d}-{d:02d}",
                     (g, g), anch)

    def _nearest_hijri_year(self, m: int, d: int, cue: int | None) -> int | None:
        """Hijri year of the occurrence of Hijri month/day nearest the reference date (or strictly before /
        after it with a cue)."""
        assert self.ref is not None
        h = R.gregorian_to_hijri(self.ref)
        if h is None:
            return None
        best = None
        for hy in (h[0] - 1, h[0], h[0] + 1):
            g = R.hijri_to_gregorian(hy, m, d)
            if g is None:
                continue
            delta = (g - self.ref).days
            if (cue == -1 and delta >= 0) or (cue == 1 and delta <= 0):
                continue
            if cue == -1:
                key = -delta
            elif cue == 1:
                key = delta
            else:
                key = abs(delta)
            if best is None or key < best[0]:
                best = (key, hy)
        return best[1] if best else None

    def r_midnight(self, i: int) -> Match | None:
        """``منتصف الليل`` -> the reference day T24:00 (TimeML writes midnight as 24:00)."""
        if self.B[i] != "منتصف" or self.w(i + 1) != "الليل":
            return None
        if self.ref is None:
            return Match(i, i + 2, "TIME", "XXXX-XX-XXT24:00", "minute", "midnight")
        return Match(i, i + 2, "TIME", f"{T.day_value(self.ref)}T24:00", "minute", "midnight", anchored=True)

    def r_first_minute(self, i: int) -> Match | None:
        """``الدقيقة الأولى من`` + day -> that day T00:00."""
        if self.B[i] not in _DAY_ANCHOR_NOUN or self.w(i + 1) != _FIRST_F or self.w(i + 2) != _MIN:
            return None
        a = self.anchor_at(i + 3)
        if a is None:
            return None
        d, xval, j, anch, _ = a
        val = f"{T.day_value(d)}T00:00" if d is not None else f"{xval}T00:00"
        return Match(i, j, "TIME", val, "minute", "first_minute", anchored=anch)

    def _ordinal_clock(self, k: int) -> bool:
        """``الثامنة مساء`` without الساعة: a feminine ordinal (with its teen) then a part-of-day adverb."""
        if not (k > 0 and self.B[k - 1] in _CLOCK_PREPS):
            return False  # المرة الثانية مساء أمس: an ordinal adjective, not a clock hour
        k2 = k + 1
        if self.w(k2) in _ASHR:
            k2 += 1
        if self.w(k2) in ("والنصف", "ونصف", "والربع", "وربع"):
            k2 += 1
        adv = self.lex(k2, _ADVERBS)
        return adv is not None and self.W[k2] not in ("ص", "م")

    def r_time(self, i: int) -> Match | None:
        """Clock times: الساعة + hour (digits or ordinal) [والنصف] [صباحا|مساء|من مساء + day]; bare HH:MM."""
        k = i
        saa = self.B[k] == _SAA
        if saa:
            k += 1
        w = self.w(k)
        if not w:
            return None
        minute = None
        if _is_digits(w):
            if len(w) > 2:
                return None
            hour = int(w)
            k += 1
            sep = self.w(k)
            if (sep == ":" or (saa and sep in (",", ".", "،"))) and _is_digits(self.w(k + 1)) and len(
                    self.w(k + 1)) == 2 and self.S[k + 1] == self.E[k]:  # 14:30, الساعة 18,00
                minute = int(self.w(k + 1))
                k += 2
            elif not saa:
                return None
            if not saa and (self.glued_before(i, (":", "-", "/", ".")) or (
                    self.w(k) in (":", "-") and self.S[k] == self.E[k - 1])):
                return None
        elif self.B[k] in L.ORDINALS_F and (saa or self._ordinal_clock(k)):
            hour = L.ORDINALS_F[self.B[k]]
            k += 1
            if hour < 10 and self.w(k) in _ASHR:
                hour += 10
                k += 1
        else:
            return None
        if hour > 24 or (minute is not None and minute > 59):
            return None
        nxt = self.w(k)
        if minute is None and nxt in ("والنصف", "ونصف"):
            minute, k = 30, k + 1
        elif minute is None and nxt in ("والربع", "وربع"):
            minute, k = 15, k + 1
        elif minute is None and nxt in ("الا", "الا") and self.w(k + 1) in ("ربعا", "ربع"):
            minute, hour, k = 45, hour - 1, k + 2
        shift_code = None
        adv = self.lex(k, _ADVERBS)
        if adv is not None:
            shift_code, k = adv[0][0], adv[1]  # type: ignore[index]
        elif self.w(k) == _MIN and self.lex(k + 1, _PARTS) is not None:
            ph = self.lex(k + 1, _PARTS)
            shift_code, k = ph[0], ph[1]  # type: ignore[index]
        if shift_code in ("EV", "AF") and hour < 12:
            if not (shift_code == "AF" and hour >= 11):
                hour += 12
        elif shift_code == "NI":
            if 6 <= hour < 12:
                hour += 12
            elif hour == 12:
                hour = 0
        day: date | None = self.ref
        xday = "XXXX-XX-XX"
        anch = self.ref is not None
        if shift_code is not None or saa:
            a = self.anchor_at(k)
            if a is None and self.w(k) == _MIN:
                a = self.anchor_at(k + 1)  # الساعة 06,30 من الأحد
            if a is not None and a[0] is not None:
                day, _, k, anch, _ = a
            elif a is not None:
                xday, k, anch = a[1], a[2], False
                day = None
        hh = hour % 24 if hour != 24 else 24
        clock = f"{hh:02d}:{minute:02d}" if minute is not None else f"{hh:02d}:00"
        gran = "minute" if minute is not None else "hour"
        val = f"{T.day_value(day)}T{clock}" if day is not None else f"{xday}T{clock}"
        return Match(i, k, "TIME", val, gran, "clock_time", anchored=anch and day is not None)

    def r_relperiod(self, i: int) -> Match | None:
        """[mod] [هذا] (الأسبوع|الشهر|العام|السنة|القرن|العقد) [cue]: week, month, year relative to ref."""
        k = i
        mod = L.MODS.get(self.B[k])
        if mod is not None:
            k += 1
        this = self.b(k) in _HADHA
        if this:
            k += 1
        unit = L.PERIODS.get(self.b(k))
        if unit is None:
            return None
        if k == i and i > 0 and self.B[i - 1] in _GENERAL_HEADS:
            return None  # المدير العام السابق: "general", not "year"
        k += 1
        cue = self.cue_at(k)
        if cue is not None:
            k += 1
        elif self.b(k) in ("قبل", "بعد") and self.cue_at(k + 1) in (-1, 1):
            cue = 2 * (self.cue_at(k + 1) or 0)  # الأسبوع قبل الماضي, العام بعد المقبل
            if (self.b(k) == "قبل") != (cue < 0):
                return None
            k += 2
        elif this:
            cue = 0
        elif mod is not None and unit in ("M", "Y", "W"):
            nxt = self.b(k)
            if nxt in ("نفسه", "ذاته") or _is_digits(nxt or "x"):
                return None
            cue = 0
        else:
            return None
        if unit == "C":
            if self.ref is None:
                return Match(i, k, "DATE", "XX", "century", "relative_period", mod)
            return Match(i, k, "DATE", f"{self.ref.year // 100 + cue:02d}", "century", "relative_period", mod,
                         anchored=True)
        if unit == "E":
            if self.ref is None:
                return Match(i, k, "DATE", "XXX", "decade", "relative_period", mod)
            return Match(i, k, "DATE", f"{self.ref.year // 10 + cue:03d}", "decade", "relative_period", mod,
                         anchored=True)
        ref = self.ref
        if ref is None:
            xv = {"W": "XXXX-WXX", "M": "XXXX-XX", "Y": "XXXX"}[unit]
            return Match(i, k, "DATE", xv, {"W": "week", "M": "month", "Y": "year"}[unit], "relative_period", mod)
        if unit == "W":
            return Match(i, k, "DATE", T.week_value(ref + timedelta(days=7 * cue)), "week", "relative_period", mod,
                         anchored=True)
        if unit == "M":
            y, m = T.add_months(ref.year, ref.month, cue)
            return Match(i, k, "DATE", T.month_value(y, m), "month", "relative_period", mod, anchored=True)
        return Match(i, k, "DATE", T.year_value(ref.year + cue), "year", "relative_period", mod, anchored=True)

    def r_ago(self, i: int) -> Match | None:
        """قبل/منذ + quantity -> the reference date minus it; بعد + quantity -> plus it."""
        b = self.B[i]
        if b == "قبل" or b == "منذ":
            sign = -1
        elif b == "بعد":
            sign = 1
        else:
            return None
        k = i + 1
        mod = None
        if self.b(k) in _APPROX:
            mod, k = "APPROX", k + 1
        elif self.b(k) in _MORE_LESS and self.w(k + 1) == _MIN:
            mod, k = ("BEFORE" if (self.B[k] == "اكثر") == (sign == -1) else "AFTER"), k + 2
        q = self.quantity(k, singular=True)
        if q is None:
            return None
        n, unit, j = q
        if n is None or unit not in ("D", "W", "M", "Y"):
            return None
        if self.w(j) in ("تقريبا", "فقط"):
            mod = mod or ("APPROX" if self.w(j) == "تقريبا" else None)
            j += 1
        if self.w(j) == _MIN or self.b(j) in ("علي", "من") or (_is_digits(self.w(j)) and len(self.w(j)) == 4):
            return None  # بعد أسبوع من الهجوم: relative to another event; منذ عام 1992: a year follows
        if self.lex(j, _MONTHS) is not None or self.lex(j, _HMONTHS) is not None:
            return None  # منذ شهر يونيو: "the month of June", not "a month ago"
        if sign == 1 and not (self.future_context(i) or self.imperfect_context(i, feminine=True)):
            return None  # بعد تسعة أعوام أمضاها: a span after some event, not a date after the reference
        ref = self.ref
        gran = {"D": "day", "W": "week", "M": "month", "Y": "year"}[unit]
        if ref is None:
            xv = {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "M": "XXXX-XX", "Y": "XXXX"}[unit]
            return Match(i, j, "DATE", xv, gran, "ago", mod)
        try:
            if unit == "D":
                v = T.day_value(ref + timedelta(days=sign * n))
            elif unit == "W":
                v = T.week_value(ref + timedelta(days=7 * sign * n))
            elif unit == "M":
                y, m = T.add_months(ref.year, ref.month, sign * n)
                if not 1 <= y <= 9999:
                    raise OverflowError(y)
                v = T.month_value(y, m)
            else:
                if not 1 <= ref.year + sign * n <= 9999:
                    raise OverflowError(ref.year + sign * n)
                v = T.year_value(ref.year + sign * n)
        except (OverflowError, ValueError):
            # beyond the years ISO 8601 / TIMEX3 values can write (قبل 5000 عام): a vague past or future
            return Match(i, j, "DATE", "PAST_REF" if sign == -1 else "FUTURE_REF", gran, "ago", mod, anchored=True)
        return Match(i, j, "DATE", v, gran, "ago", mod, anchored=True)

    def r_duration(self, i: int) -> Match | None:
        """Durations: ثلاثة أيام (P3D), يومين, 24 ساعة (PT24H), الأيام الثلاثة الماضية, لمدة شهر."""
        b = self.B[i]
        if b in _PLURAL_DEF:
            nb = self.b(i + 1)
            if nb in _DEF_CARD:
                j = i + 2
                if self.b(j) in _LAST_ADJ:
                    j += 1
                return Match(i, j, "DURATION", _dur_value(_DEF_CARD[nb], _PLURAL_DEF[b]), "duration", "duration")
            j = i + 1
            if self.b(j) in _FEW:
                j += 1
            if self.b(j) in _VAGUE_SPAN_ADJ:
                # الأيام الماضية، الأشهر القليلة المقبلة: a vague span (TimeML: "the past few weeks" = PXW)
                return Match(i, j + 1, "DURATION", _dur_value(None, _PLURAL_DEF[b]), "duration", "vague_duration")
            return None
        if self.W[i] == "ال" and i + 1 < self.n and _is_digits(self.W[i + 1]):
            q = self.quantity(i + 1, singular=False)
            if q is None:
                return None
            j = q[2] + (1 if self.b(q[2]) in _LAST_ADJ else 0)
            return Match(i, j, "DURATION", _dur_value(q[0], q[1]), "duration", "duration")
        if b.startswith("ال") and b[2:] in L.UNITS and L.UNITS[b[2:]][1] == 2 and self.b(i + 1) in _DUAL_CUES:
            return Match(i, i + 2, "DURATION", _dur_value(2, L.UNITS[b[2:]][0]), "duration", "duration")
        prev = self.B[i - 1] if i > 0 else ""
        singular = prev in _SINGULAR_HEADS
        q = self.quantity(i, singular=singular)
        if q is None:
            return None
        n, unit, j = q
        if n is not None and n == 0:
            return None
        mod = "APPROX" if prev in _APPROX or self.w(j) == "تقريبا" else None
        if prev == _MIN and self.b(i - 2) in _MORE_LESS:
            mod = "MORE_THAN" if self.B[i - 2] == "اكثر" else "LESS_THAN"  # أكثر من عشر ساعات
        return Match(i, j, "DURATION", _dur_value(n, unit), "duration", "duration", mod)

    def r_set(self, i: int) -> Match | None:
        """Sets: كل [يوم] جمعة (XXXX-WXX-5), أيام الجمعة, كل يوم (P1D), كل ثلاثة أشهر (P3M), سنويا."""
        b = self.B[i]
        if b in _SET_ADVERBS:
            return Match(i, i + 1, "SET", _SET_ADVERBS[b], "set", "set")
        if b == _AYYAM:
            wd = L.WEEKDAYS.get(self.b(i + 1))
            if wd is not None:
                return Match(i, i + 2, "SET", f"XXXX-WXX-{wd}", "set", "set")
            return None
        if b != _KULL:
            return None
        k = i + 1
        if self.b(k) == _YAWM:
            wd = L.WEEKDAYS.get(self.b(k + 1)) or L.WEEKDAYS_BARE.get(self.b(k + 1))
            if wd is not None:
                return Match(i, k + 2, "SET", f"XXXX-WXX-{wd}", "set", "set")
        wd = L.WEEKDAYS.get(self.b(k)) or L.WEEKDAYS_BARE.get(self.b(k))
        if wd is not None:
            return Match(i, k + 1, "SET", f"XXXX-WXX-{wd}", "set", "set")
        part = self.lex(k, _PARTS)
        if part is not None:
            return Match(i, part[1], "SET", f"XXXX-XX-XXT{part[0]}", "set", "set")
        q = self.quantity(k, singular=True)
        if q is not None and q[0] is not None:
            return Match(i, q[2], "SET", _dur_value(q[0], q[1]), "set", "set")
        return None

    def r_quarter(self, i: int) -> Match | None:
        """الربع الأول من العام الجاري / النصف الثاني من 2019 -> 2020-Q1 / 2019-H2."""
        kind = _QUARTER.get(self.B[i])
        if kind is None:
            return None
        o = _QUARTER_ORD.get(self.b(i + 1))
        if o is None:
            return None
        if kind == "H" and o not in (1, 2):
            return None
        if o == 0:
            o = 4 if kind == "Q" else 2
        k = i + 2
        if self.w(k) == _MIN:
            k += 1
        ry = self._rel_year(k)
        if ry is None:
            return None
        y, j, anch = ry
        return Match(i, j, "DATE", f"{'XXXX' if y is None else f'{y:04d}'}-{kind}{o}", "quarter" if kind == "Q" else "half", "quarter",
                     anchored=anch)

    def r_season(self, i: int) -> Match | None:
        """[فصل] season + year / cue / من العام ... -> 2019-SU."""
        k = i
        this = self.B[k] in _HADHA
        if this:
            k += 1
        if self.b(k) == _FASL:
            k += 1
        s = L.SEASONS.get(self.b(k))
        if s is None:
            return None
        k += 1
        ry = self._rel_year(k + (1 if self.w(k) == _MIN else 0))
        if ry is not None and not this:
            yv = "XXXX" if ry[0] is None else f"{ry[0]:04d}"
            return Match(i, ry[1], "DATE", f"{yv}-{s}", "season", "season", anchored=ry[2])
        cue = self.cue_at(k)
        if this and cue is None:
            cue, k = 0, k - 1  # هذا الصيف: the current one
        if cue is None:
            return None
        if self.ref is None:
            return Match(i, k + 1, "DATE", f"XXXX-{s}", "season", "season")
        ref = self.ref
        best = None
        for y in range(ref.year - 2, ref.year + 2):
            iv = T.interval_of(f"{y:04d}-{s}")
            if iv is None:
                continue
            if cue == -1 and iv[1] < ref:
                best = y
            elif cue == 1 and iv[0] > ref and best is None:
                best = y
            elif cue == 0 and iv[0] <= ref <= iv[1]:
                best = y
        if best is None:
            best = ref.year
        return Match(i, k + 1, "DATE", f"{best:04d}-{s}", "season", "season", anchored=True)

    #: Rule methods tried at every candidate token; the longest match wins, the earlier rule on a tie.
    RULES = ("r_numeric", "r_date", "r_day_range", "r_year", "r_century", "r_weekday", "r_relday", "r_part",
             "r_holiday", "r_midnight", "r_first_minute",
             "r_time", "r_relperiod", "r_ago", "r_duration", "r_set", "r_quarter", "r_season")

    def scan(self) -> list[Match]:
        out: list[Match] = []
        rules = [getattr(self, r) for r in self.RULES]
        starts = compress(range(self.n), map(or_, map(_STARTERS.__contains__, self.B), map(str.isdigit, self.W)))
        pos = 0
        for i in starts:
            if i < pos:
                continue
            best: Match | None = None
            for rule in rules:
                m = rule(i)
                if m is not None and (best is None or m.j > best.j):
                    best = m
            if best is not None:
                out.append(best)
                pos = best.j
        return out


def scan(folded: str, ref: date | None) -> list[tuple[int, int, Match]]:
    """Recognise temporal expressions in folded normalised text.

    Args:
        folded: normalised text passed through :func:`akhbar.dates.lexicon.fold`.
        ref: reference date for relative expressions, or None to leave them unresolved.

    Returns:
        ``(start, end, match)`` with ``[start, end)`` code points of ``folded``, sorted, non-overlapping;
        ``start`` skips a proclitic on the first word (``وصباح`` -> starts at ``صباح``).
    """
    doc = _Doc(folded, ref)
    res = []
    for m in doc.scan():
        res.append((doc.S[m.i] + _base(doc.W[m.i])[1], doc.E[m.j - 1], m))
    return res
