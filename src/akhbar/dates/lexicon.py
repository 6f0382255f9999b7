"""Word lists of the temporal grammar, keyed by their *folded* form.

Sources:
- Gregorian month names: CLDR (via Babel ``Locale.months``, contexts ``format`` and ``stand-alone``, widths
  ``wide`` and ``abbreviated``) merged over the locales ``ar``, ``ar_EG``, ``ar_SA``, ``ar_SY``, ``ar_LB``,
  ``ar_IQ``, ``ar_JO``, ``ar_PS``, ``ar_DZ``, ``ar_TN``, ``ar_MA``, ``ar_MR``; plus spellings news writes that
  CLDR lacks (``يونيه``, ``يوليه``, ``اغسطس`` without hamza is covered by folding, ``كانون ثان``,
  ``تشرين أول`` ...).
- Weekday names: CLDR ``Locale.days`` for ``ar`` (``الاثنين`` without hamza; folding makes ``الإثنين`` and
  ``الأثنين`` the same key).
- Relative day words: CLDR ``date_fields['day']['relative']`` for ``ar`` (أمس، اليوم، غدًا، أول أمس، بعد الغد),
  plus common news spellings (البارحة، غدا، أول من أمس).
- Hijri month names, Arabic number words and ordinals, parts of day, tense cues, TIMEX3 mods, duration units,
  seasons, decades and fixed-date feasts: standard Modern Standard Arabic forms, written here for akhbar.
  Part-of-day codes are TimeML's (MO, AF, EV, NI; the warehouse schema allows no MI, so noon is AF).

Folding (:func:`fold`) is one code point for one code point, so offsets never move: alef variants to bare
alef, alef maqsura to yeh, teh marbuta to heh, Arabic-Indic and Extended Arabic-Indic digits to ASCII. It is
applied on top of :func:`akhbar.normalise.normalise` output, and to every key below.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = [
    "fold",
    "MONTH_LOCALES",
    "cldr_month_names",
    "cldr_weekday_names",
    "cldr_relative_days",
    "HIJRI_AMBIGUOUS",
    "WEEKDAYS_BARE",
    "VAGUE",
    "MONTHS",
    "HIJRI_MONTHS",
    "WEEKDAYS",
    "REL_DAYS",
    "PARTS_OF_DAY",
    "PART_ADVERBS",
    "CUES",
    "MODS",
    "PERIODS",
    "UNITS",
    "CARDINALS",
    "ORDINALS_M",
    "ORDINALS_F",
    "TENS",
    "SEASONS",
    "DECADES",
    "HOLIDAYS",
]

_FOLD_TABLE = str.maketrans(
    {
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0671": "\u0627",  # alef wasla
        "\u0649": "\u064A",  # alef maqsura -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06CC": "\u064A",  # farsi yeh
        "\u06A9": "\u0643",  # keheh
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)

#: The same map as (source, target) pairs: a chain of ``str.replace`` on the few characters present is
#: several times faster than ``str.translate`` with a dict on non-ASCII text.
_FOLD_PAIRS: tuple[tuple[str, str], ...] = tuple((chr(k), v) for k, v in _FOLD_TABLE.items())


def fold(s: str) -> str:
    """Fold spelling variants that never change a temporal word's meaning, one code point for one.

    ``len(fold(s)) == len(s)`` always, so spans found in the folded string are spans of ``s``.

    >>> fold("الإثنين ٤ أبريل") == "الاثنين 4 ابريل"
    True
    """
    for src, dst in _FOLD_PAIRS:
        if src in s:
            s = s.replace(src, dst)
    return s


#: Locales whose Gregorian month names are merged (CLDR naming systems of the Arab world).
MONTH_LOCALES: tuple[str, ...] = (
    "ar", "ar_EG", "ar_SA", "ar_SY", "ar_LB", "ar_IQ", "ar_JO", "ar_PS", "ar_DZ", "ar_TN", "ar_MA", "ar_MR",
)


@lru_cache(maxsize=1)
def cldr_month_names() -> dict[str, int]:
    """Every Gregorian month name CLDR gives for :data:`MONTH_LOCALES`, as ``{name as written: 1..12}``.

    Names are read through Babel (``Locale.months``); no-break spaces are turned into spaces.

    >>> cldr_month_names()["شتنبر"]
    9
    """
    from babel import Locale

    out: dict[str, int] = {}
    for code in MONTH_LOCALES:
        loc = Locale.parse(code)
        for ctx in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in loc.months[ctx][width].items():
                    out[name.replace("\u00a0", " ")] = int(num)
    return out


@lru_cache(maxsize=1)
def cldr_weekday_names() -> dict[str, int]:
    """CLDR weekday names for ``ar`` as ``{name: ISO weekday 1 (Monday) .. 7 (Sunday)}``."""
    from babel import Locale

    loc = Locale.parse("ar")
    out: dict[str, int] = {}
    for ctx in ("format", "stand-alone"):
        for num, name in loc.days[ctx]["wide"].items():  # Babel: 0 = Monday
            out[name] = int(num) + 1
    return out


@lru_cache(maxsize=1)
def cldr_relative_days() -> dict[str, int]:
    """CLDR relative day words for ``ar`` (``date_fields['day']['relative']``) as ``{word: day offset}``."""
    from babel import Locale

    loc = Locale.parse("ar")
    rel = loc._data["date_fields"]["day"]["relative"]
    return {str(word): int(off) for off, word in rel.items()}


def _strip_marks(s: str) -> str:
    return "".join(c for c in s if not ("\u064b" <= c <= "\u065f" or c in "\u0670\u0640"))


def _key(s: str) -> str:
    return fold(_strip_marks(s))


# --- Gregorian months --------------------------------------------------------------------------------------
_EXTRA_MONTHS: dict[str, int] = {
    "يونيه": 6, "يونية": 6, "يوليه": 7, "يولية": 7, "أغسطس": 8, "اغسطس": 8, "إبريل": 4, "ابريل": 4,
    "فبرير": 2, "سبتمر": 9, "أغشت": 8, "شتمبر": 9, "دجمبر": 12, "نونبر": 11, "دجنبر": 12, "غشت": 8,
    "يوليوز": 7, "جويلية": 7, "جويليه": 7, "جوان": 6, "أفريل": 4, "فيفري": 2, "جانفي": 1, "أوت": 8,
    "ماي": 5, "مايو": 5, "كانون ثاني": 1, "كانون ثان": 1, "كانون أول": 12, "تشرين أول": 10,
    "تشرين ثاني": 11, "تشرين ثان": 11, "تشرين الثانى": 11, "كانون الثانى": 1,
}


def _build_months() -> dict[str, int]:
    names = dict(cldr_month_names())
    names.update(_EXTRA_MONTHS)
    return {_key(n): m for n, m in names.items()}


#: ``{folded month name (one or two words): month number}``.
MONTHS: dict[str, int] = _build_months()

# --- Hijri months ------------------------------------------------------------------------------------------
_HIJRI: dict[str, int] = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع أول": 3, "ربيع الاول": 3, "ربيع الآخر": 4, "ربيع الثاني": 4,
    "ربيع ثاني": 4, "ربيع آخر": 4, "جمادى الأولى": 5, "جمادى الأول": 5, "جمادى الاولى": 5, "جماد الأول": 5,
    "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الأخرة": 6, "جمادى الثاني": 6, "جماد الآخر": 6,
    "جمادى الآخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11,
    "ذو القعده": 11, "ذى القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12, "ذى الحجة": 12,
}
#: ``{folded Hijri month name: month number 1..12}``.
HIJRI_MONTHS: dict[str, int] = {_key(n): m for n, m in _HIJRI.items()}
#: Hijri month names that are also common words or personal names: they need a day, a year or ``شهر``.
HIJRI_AMBIGUOUS: frozenset[str] = frozenset(_key(w) for w in ("محرم", "صفر", "رجب", "شعبان", "رمضان"))

# --- weekdays ----------------------------------------------------------------------------------------------
#: ``{folded weekday name with the article: ISO weekday}``.
WEEKDAYS: dict[str, int] = {_key(n): d for n, d in cldr_weekday_names().items()}
#: Weekday names without the article, used after ``يوم`` / ``كل`` (``يوم جمعة``, ``كل خميس``).
WEEKDAYS_BARE: dict[str, int] = {k[2:]: d for k, d in WEEKDAYS.items()}

# --- relative days -----------------------------------------------------------------------------------------
_REL = dict(cldr_relative_days())
_REL.update({"الأمس": -1, "البارحة": -1, "غدا": 1, "أول من أمس": -2, "أول أمس": -2, "بعد غد": 2,
             "بعد الغد": 2, "اليوم": 0})
#: ``{folded relative day word(s): offset in days from the reference date}``.
REL_DAYS: dict[str, int] = {_key(n): off for n, off in _REL.items()}

# --- parts of day (TIMEX3 part-of-day codes; the schema allows MO, AF, EV, NI, DT) ---------------------------
PARTS_OF_DAY: dict[str, str] = {_key(k): v for k, v in {
    "صباح": "MO", "فجر": "MO", "ضحى": "MO", "ظهر": "AF", "عصر": "AF", "مساء": "EV", "ليلة": "NI", "ليل": "NI",
    "الصباح": "MO", "الفجر": "MO", "الظهر": "AF", "العصر": "AF", "المساء": "EV", "الليلة": "NI",
    "منتصف ليلة": "NI", "منتصف ليل": "NI",
}.items()}
#: Adverbial parts of day after a clock time (``صباحا``, ``مساء``); value = (code, hour shift for pm).
PART_ADVERBS: dict[str, tuple[str, int]] = {_key(k): v for k, v in {
    "صباحا": ("MO", 0), "صباح": ("MO", 0), "فجرا": ("MO", 0), "ظهرا": ("AF", 12), "عصرا": ("AF", 12),
    "مساء": ("EV", 12), "مساءا": ("EV", 12), "ليلا": ("NI", 12), "بعد الظهر": ("AF", 12),
    "ص": ("MO", 0), "م": ("EV", 12),  # 11:45 ص / 11:45 م, as news sites print times (after a clock only)
}.items()}

# --- tense cues after a period: -1 past, 0 current, +1 next -----------------------------------------------------
CUES: dict[str, int] = {_key(k): v for k, v in {
    "الماضي": -1, "الماضية": -1, "المنصرم": -1, "المنصرمة": -1, "الفائت": -1, "الفائتة": -1, "السابق": -1,
    "السابقة": -1, "المقبل": 1, "المقبلة": 1, "القادم": 1, "القادمة": 1, "الجاري": 0, "الجارية": 0,
    "الحالي": 0, "الحالية": 0,
}.items()}

# --- TIMEX3 mods -------------------------------------------------------------------------------------------
MODS: dict[str, str] = {_key(k): v for k, v in {
    "مطلع": "START", "أوائل": "START", "بداية": "START", "بدايات": "START", "مستهل": "START",
    "منتصف": "MID", "أواسط": "MID", "نهاية": "END", "نهايات": "END", "أواخر": "END", "ختام": "END",
    "آخر": "END", "اواخر": "END",
}.items()}

# --- calendar periods with the article (for الأسبوع الماضي ...) ------------------------------------------------
PERIODS: dict[str, str] = {_key(k): v for k, v in {
    "الأسبوع": "W", "الشهر": "M", "العام": "Y", "السنة": "Y", "القرن": "C", "العقد": "E",
}.items()}

# --- duration units: folded word -> (unit, count implied by the form: 1 singular, 2 dual, 0 plural) ---------
UNITS: dict[str, tuple[str, int]] = {_key(k): v for k, v in {
    "ثانية": ("S", 1), "ثوان": ("S", 0), "ثواني": ("S", 0), "ثانيتين": ("S", 2),
    "دقيقة": ("MIN", 1), "دقائق": ("MIN", 0), "دقيقتين": ("MIN", 2), "دقيقتان": ("MIN", 2),
    "ساعة": ("H", 1), "ساعات": ("H", 0), "ساعتين": ("H", 2), "ساعتان": ("H", 2),
    "يوم": ("D", 1), "يوما": ("D", 1), "أيام": ("D", 0), "يومين": ("D", 2), "يومان": ("D", 2),
    "أسبوع": ("W", 1), "أسبوعا": ("W", 1), "أسابيع": ("W", 0), "أسبوعين": ("W", 2), "أسبوعان": ("W", 2),
    "شهر": ("M", 1), "شهرا": ("M", 1), "أشهر": ("M", 0), "شهور": ("M", 0), "شهرين": ("M", 2),
    "شهران": ("M", 2),
    "عام": ("Y", 1), "عاما": ("Y", 1), "أعوام": ("Y", 0), "عامين": ("Y", 2), "عامان": ("Y", 2),
    "سنة": ("Y", 1), "سنوات": ("Y", 0), "سنين": ("Y", 0), "سنتين": ("Y", 2), "سنتان": ("Y", 2),
    "عقد": ("E", 1), "عقود": ("E", 0), "عقدين": ("E", 2), "عقدان": ("E", 2),
    "قرن": ("C", 1), "قرون": ("C", 0), "قرنين": ("C", 2),
}.items()}

# --- number words ------------------------------------------------------------------------------------------
CARDINALS: dict[str, int] = {_key(k): v for k, v in {
    "واحد": 1, "واحدة": 1, "اثنين": 2, "اثنان": 2, "اثنتين": 2, "اثنتان": 2, "ثلاث": 3, "ثلاثة": 3,
    "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8,
    "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10, "بضع": 3, "بضعة": 3,
    "عدة": 3, "مئة": 100, "مائة": 100,
}.items()}
#: Tens as cardinal words (both cases), also used after ``و`` in compounds (خمسة وعشرين).
TENS: dict[str, int] = {_key(k): v for k, v in {
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "أربعين": 40, "أربعون": 40, "خمسين": 50,
    "خمسون": 50, "ستين": 60, "ستون": 60, "سبعين": 70, "سبعون": 70, "ثمانين": 80, "ثمانون": 80,
    "تسعين": 90, "تسعون": 90,
}.items()}
#: Vague quantities (بضعة، عدة) give an X count in TIMEX3 (``PXD``).
VAGUE: frozenset[str] = frozenset(_key(w) for w in ("بضع", "بضعة", "عدة"))

#: Masculine ordinals with the article (days of the month: السابع من أكتوبر).
ORDINALS_M: dict[str, int] = {_key(k): v for k, v in {
    "الأول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6, "السابع": 7,
    "الثامن": 8, "التاسع": 9, "العاشر": 10, "الحادي": 1, "العشرين": 20, "الثلاثين": 30, "أول": 1,
}.items()}
#: Feminine ordinals with the article (clock hours: الساعة الثامنة).
ORDINALS_F: dict[str, int] = {_key(k): v for k, v in {
    "الأولى": 1, "الواحدة": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5, "السادسة": 6,
    "السابعة": 7, "الثامنة": 8, "التاسعة": 9, "العاشرة": 10, "الحادية": 1,
}.items()}

# --- seasons (TIMEX3 SP, SU, FA, WI) ----------------------------------------------------------------------
SEASONS: dict[str, str] = {_key(k): v for k, v in {
    "ربيع": "SP", "الربيع": "SP", "صيف": "SU", "الصيف": "SU", "خريف": "FA", "الخريف": "FA", "شتاء": "WI",
    "الشتاء": "WI",
}.items()}

# --- decades (the 1990s: التسعينيات / التسعينات) -----------------------------------------------------------------
DECADES: dict[str, int] = {}
for _w, _d in {"العشرين": 2, "الثلاثين": 3, "الأربعين": 4, "الخمسين": 5, "الستين": 6, "السبعين": 7,
               "الثمانين": 8, "التسعين": 9}.items():
    for _suf in ("يات", "ات"):  # التسعينيات / التسعينات
        DECADES[_key(_w + _suf)] = _d

# --- fixed-date holidays: folded name -> (calendar, month, day); Hijri feasts on the Umm al-Qura calendar ----
HOLIDAYS: dict[str, tuple[str, int, int]] = {_key(k): v for k, v in {
    "عيد الفطر": ("hijri", 10, 1),
    "عيد الأضحى": ("hijri", 12, 10),
    "يوم عرفة": ("hijri", 12, 9),
    "وقفة عرفة": ("hijri", 12, 9),
    "رأس السنة الهجرية": ("hijri", 1, 1),
    "المولد النبوي": ("hijri", 3, 12),
    "ذكرى المولد النبوي": ("hijri", 3, 12),
    "يوم عاشوراء": ("hijri", 1, 10),
    "رأس السنة الميلادية": ("gregorian", 1, 1),
    "عيد الميلاد المجيد": ("gregorian", 12, 25),
}.items()}
