"""Arabic clitic inventory for the segmenter (constants only).

Scheme: the D3 family of Habash & Sadat (2006, "Arabic preprocessing schemes for statistical machine
translation", NAACL): conjunctions (و ف), particles/prepositions (ب ك ل) and the future particle (س), the
definite article (ال, and ل + ال written لل) and pronominal enclitics are split off. akhbar keeps the
surface letters (``prefix + stem + suffix == norm``), so no dropped alef or teh marbuta is restored.
"""

from __future__ import annotations

#: Conjunction proclitics (outermost layer).
CONJUNCTIONS: frozenset[str] = frozenset("وف")
#: Preposition proclitics (second layer, attach to nouns).
PREPOSITIONS: frozenset[str] = frozenset("بكل")
#: Future particle س; only before an imperfect-verb prefix letter (ي ت ن ا).
FUTURE = "س"
IMPERFECT_PREFIXES: frozenset[str] = frozenset("يتنا")
#: Definite article, and ل + article (the article's alef dropped in writing).
ARTICLE = "ال"
LAM_ARTICLE = "لل"

#: Pronominal enclitics tried on the stem, longest first. ي / ني (1st person singular) are left out: in
#: news text a final ي is far more often a nisba adjective or a root letter; so is كن (2nd person feminine
#: plural, next to absent from news, while يتمكن, اماكن end in those letters).
ENCLITICS: tuple[str, ...] = ("هما", "كما", "هم", "هن", "ها", "كم", "نا", "ه", "ك")

#: Normalised (alef-folded, maqsura -> yeh) words that begin with ال but carry no article: prepositions and
#: relative pronouns, the word for God, 'thousand(s)', and country names that begin with hamzated alef
#: (ألمانيا, ألبانيا, ...) and lose the hamza when written carelessly.
AL_NOT_ARTICLE: frozenset[str] = frozenset({
    "الي", "اليه", "اليها", "اليهم", "اليهما", "اليهن", "اليك", "اليكم", "الينا", "الا", "الذي", "التي",
    "الذين", "اللذان", "اللتان", "اللذين", "اللتين", "اللاتي", "اللواتي", "اللائي", "اللذي", "الله", "اللهم",
    "الف", "الفا", "الفين", "الاف", "الوف", "المانيا", "الماني", "المانية", "الالماني", "البانيا", "الباني",
    "الاسكا", "الزام", "الغاء", "الية", "اليات", "الكتروني", "الكترونية", "الكترونيا", "الم", "الاما",
})

#: Frequent words (normalised) never segmented although their first letters look like proclitics and the
#: remainder is a frequent word: كان 'was' is not ك + أن.
NEVER_SPLIT: frozenset[str] = frozenset({
    "كان", "كانت", "كانوا", "كانا", "كانتا", "كنا", "كنت",
})
