"""Document tagger: feature extraction + first CRF pass + document-level second pass.

This is the one tagging path shared by the pipeline's recogniser, ``akhbar train ner`` (dev scores) and
``akhbar evaluate ner``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from akhbar.entities.crf import LABELS, CrfModel, chunks
from akhbar.entities.fastcrf import FastTagger
from akhbar.entities.features import FeatureExtractor, doc_features, word_info
from akhbar.entities.gazetteer import Gazetteer, nationality_adjectives
from akhbar.entities.text import clitic_length, split_proclitics
from akhbar.caches import word_cache

__all__ = ["DocumentTagger", "doc_label_counts", "consistency_key", "propagate_names",
           "complete_from_gazetteer"]


def consistency_key(word: str) -> str | None:
    """Key under which occurrences of a word in one document share label evidence.

    The word without proclitics and article (``والسراج`` and ``السراج`` share ``سراج``); ``None`` for
    non-Arabic-letter words and words of fewer than 3 letters.
    """
    norm, _, _, core, shape = word_info(word)
    if shape != "ar" or len(core) < 3:
        return None
    return core


def doc_label_counts(doc_words: Sequence[Sequence[str]], doc_tags: Sequence[Sequence[str]]
                     ) -> list[list[Counter[str] | None]]:
    """Per word, the labels given to other occurrences of its key elsewhere in the document.

    Args:
        doc_words: sentences (lists of raw words) of one document.
        doc_tags: first-pass IOB2 tags, same shape.
    Returns:
        same shape; for each word a Counter over PER/LOC/ORG/MISC/O of the *other* occurrences of its
        :func:`consistency_key` (the word's own tag excluded), or ``None`` if it has no key or no other
        occurrence.
    """
    keys = [[consistency_key(w) for w in sent] for sent in doc_words]
    labels: list[list[str]] = []
    for tags in doc_tags:
        lab = ["O"] * len(tags)
        for typ, s, e in chunks(tags):
            for i in range(s, e):
                lab[i] = typ
        labels.append(lab)
    total: dict[str, Counter[str]] = {}
    for ks, ls in zip(keys, labels):
        for k, lab in zip(ks, ls):
            if k is not None:
                total.setdefault(k, Counter())[lab] += 1
    out: list[list[Counter[str] | None]] = []
    for ks, ls in zip(keys, labels):
        row: list[Counter[str] | None] = []
        for k, lab in zip(ks, ls):
            if k is None:
                row.append(None)
                continue
            c = total[k].copy()
            c[lab] -= 1
            c = +c
            row.append(c if c else None)
        out.append(row)
    return out


def _name_key(words: Sequence[str]) -> tuple[str, ...] | None:
    infos = [word_info(w) for w in words]
    if any(i[4] != "ar" for i in infos):
        return None
    norms = [i[0] for i in infos]
    if clitic_length(words[0]):
        norms[0] = split_proclitics(norms[0])[1]
    return tuple(norms)


@word_cache
def _ar_norm(word: str) -> str | None:
    """The feature-normalised form of an Arabic-letter word; None for any other word."""
    info = word_info(word)
    return info[0] if info[4] == "ar" else None


def propagate_names(doc_words: Sequence[Sequence[str]], doc_tags: Sequence[Sequence[str]],
                    min_share: float = 0.75, doc_ar_norms: Sequence[Sequence[str | None]] | None = None,
                    doc_cores: Sequence[Sequence[str]] | None = None) -> list[list[str]]:
    """Document consistency: tag untagged repetitions of names tagged elsewhere in the document.

    Every recognised name (word sequence, first word without proclitics), and for a person of two words or
    more also its last word alone (the family name: ``خليفة حفتر`` -> ``حفتر``), becomes a pattern; a run of
    ``O`` words matching a pattern (longest first; the first word may carry proclitics) gets the pattern's
    majority label if that label holds at least ``min_share`` of the pattern's recognised occurrences.
    Single-word patterns need three letters or more. A pattern of two words or more that another label's
    chunk ends with is split off that chunk with its own label.

    Args:
        doc_words: sentences (raw words) of one document.
        doc_tags: IOB2 tags, same shape.
        min_share: least share of a pattern's recognised occurrences its majority label must hold.
        doc_ar_norms, doc_cores: optional, both or neither, same shape as ``doc_words``: each word's
            feature-normalised form if it is an Arabic-letter word, else None (``_ar_norm``), and its
            form without proclitics (:func:`akhbar.entities.text.split_proclitics` ``[1]`` of its
            normalised form), as the caller already has them (the fast tagger does); they let sentences
            where no name can start be skipped at C speed. Computed per word when not given. Same result.
    Returns:
        new tags, same shape (the input is not modified).
    """
    fast = doc_ar_norms is not None and doc_cores is not None
    labels: dict[tuple[str, ...], Counter[str]] = {}
    for si, (words, tags) in enumerate(zip(doc_words, doc_tags)):
        for lab, s, e in chunks(tags):
            if fast:  # _name_key from the caller's forms: the same key
                norms = doc_ar_norms[si][s:e]  # type: ignore[index]
                key = None if None in norms else (
                    doc_cores[si][s] if clitic_length(words[s]) else norms[0], *norms[1:])  # type: ignore[index]
            else:
                key = _name_key(words[s:e])
            if key is None:
                continue
            labels.setdefault(key, Counter())[lab] += 1
            if lab == "PER" and e - s >= 2:
                labels.setdefault(key[-1:], Counter())[lab] += 1
    patterns: dict[tuple[str, ...], str] = {}
    for key, c in labels.items():
        lab, n = c.most_common(1)[0]
        if n >= min_share * sum(c.values()) and (len(key) > 1 or len(key[0]) >= 3):
            patterns[key] = lab
    out = [list(t) for t in doc_tags]
    if not patterns:
        return out
    max_len = max(map(len, patterns))
    firsts = {k[0] for k in patterns}
    for si, (words, tags) in enumerate(zip(doc_words, out)):
        # per word: its key as the first word of a name (proclitics off) and as a later word
        if fast:
            nk = doc_ar_norms[si]  # type: ignore[index]
            cores = doc_cores[si]  # type: ignore[index]
            if firsts.isdisjoint(nk) and firsts.isdisjoint(cores):  # no word can start a name here
                continue
        else:
            nk = [_ar_norm(w) for w in words]
            cores = [split_proclitics(k)[1] if k is not None else "" for k in nk]
        # the key of a word as the first word of a name matters only where it can be a pattern's first
        fk: list[str | None] = [None] * len(words)
        starts = [i for i, k in enumerate(nk) if k is not None and (k in firsts or cores[i] in firsts)]
        for i in starts:
            fk[i] = cores[i] if clitic_length(words[i]) else nk[i]
        starts = [i for i in starts if fk[i] in firsts]  # where a name of the document can start
        if not starts:
            continue

        def key_at(i: int, n: int) -> tuple[str, ...] | None:
            rest = nk[i + 1:i + n]
            if fk[i] is None or None in rest:
                return None
            return (fk[i], *rest)

        # a name of two words or more recognised elsewhere as Y, found as the tail of a longer X chunk, is
        # split off: [المجلس الرئاسي الليبي فائز السراج]ORG -> [المجلس الرئاسي الليبي]ORG [فائز السراج]PER
        for lab, s, e in chunks(tags):
            for start in range(s + 1, e - 1):
                if fk[start] not in firsts:
                    continue
                other = patterns.get(key_at(start, e - start))
                if other is not None and other != lab:
                    tags[start] = "B-" + other
                    for j in range(start + 1, e):
                        tags[j] = "I-" + other
                    break
        after = 0  # words before this index are inside the previous match
        for i in starts:  # left to right; a match resumes the scan after its last word
            if i < after or tags[i] != "O":
                continue
            for n in range(min(max_len, len(words) - i), 0, -1):
                if any(t != "O" for t in tags[i:i + n]):
                    continue
                key = key_at(i, n)
                if key is not None and key in patterns:
                    lab = patterns[key]
                    tags[i] = "B-" + lab
                    for j in range(i + 1, i + n):
                        tags[j] = "I-" + lab
                    after = i + n
                    break
    return out


def complete_from_gazetteer(doc_words: Sequence[Sequence[str]], doc_tags: Sequence[Sequence[str]],
                            gazetteer: Gazetteer,
                            doc_norms: Sequence[Sequence[str]] | None = None,
                            doc_matches: Sequence[Sequence[str | None]] | None = None) -> list[list[str]]:
    """Tag gazetteer names the CRF left untagged (used with the mined organisation names).

    A longest gazetteer match whose words are all ``O`` gets the entry's label if that label is one of
    PER/LOC/ORG/MISC; a weak ``ORGX`` entry only if a nationality adjective follows it; ``ORGO`` entries
    (contradicted by the training annotation) never. A directly following
    nationality adjective (``الليبي``, see :func:`akhbar.entities.gazetteer.nationality_adjectives`) is
    absorbed into the name, as ANERcorp does for ``مجلس الأمن الدولي``. A match (weak or strong) whose head
    the CRF left out while tagging the rest as one ORG (``المجلس [الرئاسي الليبي]``) gets its head back.

    Args:
        doc_words: sentences (raw words) of one document.
        doc_tags: IOB2 tags, same shape.
        gazetteer: the entries to complete from.
        doc_norms: optional, the words' :func:`akhbar.entities.features.word_info` forms (computed if
            not given).
        doc_matches: optional, ``gazetteer.match`` of each sentence's norms (computed if not given).
    Returns:
        new tags, same shape.
    """
    nat = nationality_adjectives()
    out = [list(t) for t in doc_tags]
    if doc_norms is None:
        doc_norms = [[word_info(w)[0] for w in words] for words in doc_words]
    if doc_matches is None:
        doc_matches = [gazetteer.match(norms) for norms in doc_norms]
    for words, tags, norms, matches in zip(doc_words, out, doc_norms, doc_matches):
        if not any(matches):
            continue
        gaz = [t or "O" for t in matches]
        for lab, s, e in chunks(gaz):
            if all(t == "O" for t in tags[s:e]):
                qualified = e < len(words) and tags[e] == "O" and norms[e] in nat
                if lab == "ORGX" and qualified:
                    lab = "ORG"  # a weak name qualified by a nationality: المجلس الرئاسي الليبي
                if lab not in LABELS:  # ORGX alone, ORGO: features only
                    continue
                if qualified:
                    e += 1
                tags[s] = "B-" + lab
                for j in range(s + 1, e):
                    tags[j] = "I-" + lab
            elif e - s >= 2 and tags[s] == "O" and tags[s + 1] == "B-ORG" and all(t == "I-ORG" for t in tags[s + 2:e]):
                # the CRF found the modifiers but not the head: المجلس [الرئاسي الليبي] -> [المجلس الرئاسي الليبي]
                tags[s] = "B-ORG"
                tags[s + 1] = "I-ORG"
    return out


class DocumentTagger:
    """Tags the sentences of one document.

    Args:
        propagate: apply :func:`propagate_names` (document consistency) to the final tags.
        complete_orgs: apply :func:`complete_from_gazetteer` with the extractor's mined organisation names
            (only if that feature group is on).
        extractor: the feature extractor the models were trained with.
        pass1: first-pass CRF (sentence features only).
        pass2: optional second-pass CRF (sentence features + document label counts of pass 1).
        fast: score the first pass with :class:`akhbar.entities.fastcrf.FastTagger` (same tags as crfsuite,
            several times faster) when no second pass is configured; ``False`` always uses crfsuite.
    """

    def __init__(self, extractor: FeatureExtractor, pass1: CrfModel, pass2: CrfModel | None = None,
                 propagate: bool = True, complete_orgs: bool = True, fast: bool = True):
        self.extractor = extractor
        self.pass1 = pass1
        self.pass2 = pass2
        self.propagate = propagate
        self.complete_orgs = complete_orgs
        self.fast = fast
        self._fast_tagger: FastTagger | None = None

    def _fast(self) -> FastTagger | None:
        """The cached-vector first pass (:mod:`.fastcrf`) when it covers this configuration, else None."""
        if not self.fast or self.pass2 is not None or self.extractor.config.context:
            return None
        if self._fast_tagger is None:
            self._fast_tagger = FastTagger(self.extractor, self.pass1)
        return self._fast_tagger

    def tag(self, doc_words: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for every word of every sentence of one document (same shape as the input)."""
        return self.tag_documents([doc_words])[0]

    def tag_documents(self, docs: Sequence[Sequence[Sequence[str]]]) -> list[list[list[str]]]:
        """:meth:`tag` for many documents at once (the first CRF pass decodes all their sentences together).

        Args:
            docs: per document, its sentences as lists of raw words.
        Returns:
            per document, IOB2 tags of the same shape.
        """
        fast = self._fast()
        # per document, per sentence, per word, what the fast tagger computed on the way (see its ``side``)
        per_doc: dict[str, list] = {key: [None] * len(docs) for key in ("norms", "orgnames", "ar_norms", "cores")}
        if fast is not None:
            side: dict[str, list] = {}
            flat = fast.tag_sentences([s for d in docs for s in d], side=side)
            first: list[list[list[str]]] = []
            i = w = 0
            for k, d in enumerate(docs):
                first.append(flat[i:i + len(d)])
                i += len(d)
                bounds = [w]
                for s in d:
                    bounds.append(bounds[-1] + len(s))
                for key, values in side.items():
                    per_doc[key][k] = [values[a:b] for a, b in zip(bounds, bounds[1:])]
                w = bounds[-1]
        else:
            first = []
            for d in docs:
                feats = [self.extractor.sentence(s) for s in d]
                tags = [self.pass1.tag(f) for f in feats]
                if self.pass2 is not None:
                    counts = doc_label_counts(d, tags)
                    tags = [self.pass2.tag([fw + doc_features(c) for fw, c in zip(f, row)])
                            for f, row in zip(feats, counts)]
                first.append(tags)
        out = []
        for k, (d, tags) in enumerate(zip(docs, first)):
            if self.complete_orgs and self.extractor.orgnames is not None:
                tags = complete_from_gazetteer(d, tags, self.extractor.orgnames, per_doc["norms"][k],
                                               per_doc["orgnames"][k])
            if self.propagate:
                tags = propagate_names(d, tags, doc_ar_norms=per_doc["ar_norms"][k], doc_cores=per_doc["cores"][k])
            out.append(tags)
        return out
