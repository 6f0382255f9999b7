"""CRF features for Arabic NER: one feature list per word of a sentence.

Feature groups (each can be switched off to measure what it buys, see :class:`FeatureConfig`):

- ``base``: the feature-normalised word, the word without proclitics (with and without the article),
  the proclitic string, first/last 1-3 letters of the stem, shape (digit, latin, punctuation, length),
  the same words at offsets -2..+2 and word bigrams;
- ``gazetteer``: longest-match gazetteer BIO tag of the word and its neighbours (:mod:`.gazetteer`);
- ``triggers``: trigger-word class (person title, organisation head, place head, verb of saying) of the
  word and of its neighbours;
- ``clusters``: word2vec k-means cluster ids at three granularities (64, 256, 1024) of the word and of its
  neighbours, learned from unlabelled news (scripts/ner_clusters.py);
- ``autogaz``: longest-match tag in the automatic gazetteer mined by self-tagging unlabelled news
  (scripts/ner_autogaz.py), of the word and its neighbours;
- ``orgnames``: longest-match tag in the organisation names mined from unlabelled news (head noun +
  definite modifiers, scripts/ner_orgnames.py), of the word and its neighbours;
- ``context``: the sentence is about sport (any word of :data:`akhbar.entities.gazetteer.SPORT_WORDS`),
  alone and conjoined with the gazetteer tags and cluster of the word (a city in a match report is a club);
- ``doc``: second-pass features, the labels the first pass gave to the same stem elsewhere in the
  document (document-level consistency).

Words are given as raw surface strings (CoNLL tokens in training, ``Token.text`` at run time); all
normalisation happens here so that training and tagging see identical features.
"""

from __future__ import annotations

import functools
import gzip
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import regex

from akhbar.entities.gazetteer import SPORT_WORDS, Gazetteer, load_gazetteer, trigger_class
from akhbar.entities.text import feature_norm, split_proclitics
from akhbar.caches import word_cache

__all__ = ["FeatureConfig", "FeatureExtractor", "doc_features", "load_clusters", "word_info"]

DATA_DIR = Path(__file__).resolve().parent / "data"
CLUSTERS_PATH = DATA_DIR / "clusters.tsv.gz"
AUTOGAZ_PATH = DATA_DIR / "autogaz.tsv.gz"
ORGNAMES_PATH = DATA_DIR / "orgnames.tsv.gz"

_DIGIT = regex.compile(r"[0-9]")
_HAS_DIGIT = regex.compile(r"[0-9]")
_LATIN = regex.compile(r"[A-Za-z]")
_ARABIC = regex.compile(r"[\u0621-\u064A]")
_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")


@dataclass(frozen=True)
class FeatureConfig:
    """Which feature groups are on (the shipped model's set by default: all but ``context``, which scored
    73.0 against 73.7 without it on the dev split, gold tokens, pass 1 + document consistency)."""

    gazetteer: bool = True
    triggers: bool = True
    clusters: bool = True
    autogaz: bool = True
    orgnames: bool = True
    context: bool = False
    window: int = 2


@functools.lru_cache(maxsize=1)
def load_clusters(path: Path = CLUSTERS_PATH) -> dict[str, tuple[str, str, str]]:
    """Load the shipped ``word -> (c64, c256, c1024)`` cluster ids; empty dict if the file is absent."""
    out: dict[str, tuple[str, str, str]] = {}
    if not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                out[parts[0]] = (parts[1], parts[2], parts[3])
    return out


@word_cache
def word_info(raw: str) -> tuple[str, str, str, str, str]:
    """Normalised views of one word.

    Returns:
        ``(norm, prefix, core_with_article, core, shape)`` where ``norm`` has digits mapped to 0 and
        ``shape`` is one of ``num``, ``lat``, ``pun``, ``ar``, ``mix``.
    """
    norm = _DIGIT.sub("0", feature_norm(raw))
    prefix, core_al, core = split_proclitics(norm)
    if _PUNCT.match(norm):
        shape = "pun"
    elif _HAS_DIGIT.search(norm) and not _ARABIC.search(norm):
        shape = "num"
    elif _LATIN.search(norm) and not _ARABIC.search(norm):
        shape = "lat"
    elif _ARABIC.search(norm):
        shape = "ar"
    else:
        shape = "mix"
    return norm, prefix, core_al, core, shape


# local features of the neighbours that enter the ±window
_EXPORTED = ("w=", "c=", "g=", "t=", "a=", "o=", "k2=", "k3=", "sh=")


def _affix_features(norm: str, core: str) -> tuple[str, ...]:
    ln = len(core)
    out = [f"len={min(ln, 8)}"]
    for j in (1, 2, 3):
        if ln > j:
            out.append(f"p{j}={core[:j]}")
            out.append(f"x{j}={norm[-j:]}")
    return tuple(out)


def doc_features(counts: Counter[str] | None) -> list[str]:
    """Second-pass features from the labels other occurrences of a word got in its document.

    Args:
        counts: labels (PER, LOC, ORG, MISC, O) of the other occurrences, or ``None``.
    Returns:
        ``d=<label>`` for every label seen, plus ``d=<label>:hi`` for a label held by at least half of them.

    >>> doc_features(Counter({"PER": 2, "O": 1}))
    ['d=PER', 'd=PER:hi', 'd=O']
    """
    if not counts:
        return []
    total = sum(counts.values())
    out = []
    for lab, cnt in counts.items():
        out.append(f"d={lab}")
        if cnt * 2 >= total:
            out.append(f"d={lab}:hi")
    return out


class FeatureExtractor:
    """Turns sentences of raw words into crfsuite feature lists.

    Args:
        config: which feature groups to emit.
        gazetteer: gazetteer to use (default: the shipped one).
        clusters: word-cluster map (default: the shipped one).
    """

    def __init__(self, config: FeatureConfig | None = None, gazetteer: Gazetteer | None = None,
                 clusters: dict[str, tuple[str, str, str]] | None = None):
        self.config = config or FeatureConfig()
        self.gazetteer = gazetteer if gazetteer is not None else (
            load_gazetteer() if self.config.gazetteer else Gazetteer({}))
        self.clusters = clusters if clusters is not None else (
            load_clusters() if self.config.clusters else {})
        self.autogaz = (load_gazetteer(AUTOGAZ_PATH) if self.config.autogaz and AUTOGAZ_PATH.exists()
                        else None)
        self.orgnames = (load_gazetteer(ORGNAMES_PATH) if self.config.orgnames and ORGNAMES_PATH.exists()
                         else None)

    def _cluster(self, norm: str, core_al: str, core: str) -> tuple[str, str, str] | None:
        c = self.clusters
        return c.get(norm) or c.get(core_al) or c.get(core)

    def sentence(self, words: Sequence[str],
                 doc_labels: Sequence[Counter[str] | None] | None = None) -> list[list[str]]:
        """Features of one sentence.

        Args:
            words: raw surface words of the sentence, in order.
            doc_labels: optional, per word, a Counter of labels (PER, LOC, ORG, MISC, O) that a first pass
                gave to the same stem elsewhere in the document (second-pass features).
        Returns:
            one list of feature strings per word (crfsuite ``ItemSequence`` input).
        """
        cfg = self.config
        infos = [word_info(w) for w in words]
        n = len(words)
        gaz = self.gazetteer.match([i[0] for i in infos]) if cfg.gazetteer else [None] * n
        trig = [trigger_class(i[0]) for i in infos] if cfg.triggers else [None] * n
        clus = [self._cluster(i[0], i[2], i[3]) for i in infos] if cfg.clusters else [None] * n
        auto = self.autogaz.match([i[0] for i in infos]) if self.autogaz is not None else [None] * n
        orgs = self.orgnames.match([i[0] for i in infos]) if self.orgnames is not None else [None] * n
        sport = cfg.context and any(i[0] in SPORT_WORDS or i[2] in SPORT_WORDS for i in infos)

        # per-position local features, reused for the window
        local: list[list[str]] = []
        for k, (norm, prefix, core_al, core, shape) in enumerate(infos):
            f = [f"w={norm}", f"c={core_al}", f"s={core}", f"sh={shape}"]
            if prefix:
                f.append(f"pf={prefix}")
            if core_al != core:
                f.append("al")
            if gaz[k]:
                f.append(f"g={gaz[k]}")
            if trig[k]:
                f.append(f"t={trig[k]}")
            if auto[k]:
                f.append(f"a={auto[k]}")
            if orgs[k]:
                f.append(f"o={orgs[k]}")
            if clus[k]:
                a, b, c = clus[k]
                f.extend((f"k1={a}", f"k2={b}", f"k3={c}"))
            elif shape == "ar":
                f.append("k=none")
            local.append(f)

        out: list[list[str]] = []
        win = cfg.window
        exported = [[x for x in feats if x.startswith(_EXPORTED)] for feats in local]
        for k, (norm, prefix, core_al, core, shape) in enumerate(infos):
            f = ["bias", *local[k], *_affix_features(norm, core)]
            if k == 0:
                f.append("BOS")
            if k == n - 1:
                f.append("EOS")
            for d in range(-win, win + 1):
                if d == 0:
                    continue
                m = k + d
                if 0 <= m < n:
                    f.extend([f"{d}:{x}" for x in exported[m]])
                else:
                    f.append(f"{d}:PAD")
            if k > 0:
                f.append(f"b-={infos[k - 1][2]}|{core_al}")
            if k < n - 1:
                f.append(f"b+={core_al}|{infos[k + 1][2]}")
            if sport:
                f.append("ctx=sport")
                if gaz[k]:
                    f.append(f"ctx=sport|g={gaz[k]}")
                if auto[k]:
                    f.append(f"ctx=sport|a={auto[k]}")
                if clus[k]:
                    f.append(f"ctx=sport|k2={clus[k][1]}")
            if doc_labels is not None and doc_labels[k]:
                f.extend(doc_features(doc_labels[k]))
            out.append(f)
        return out
