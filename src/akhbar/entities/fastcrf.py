"""Fast first-pass CRF tagging: cached per-word emission vectors and a Viterbi vectorised over sentences.

The tagging path of :class:`akhbar.entities.tagger.DocumentTagger` spent most of its time building
feature strings (about 55 per word, :meth:`FeatureExtractor.sentence`) and handing them to crfsuite, which
looks each one up in its attribute dictionary. A linear-chain CRF's score is linear in its features, so
the state score of a word is a sum of weight vectors (one per attribute, one entry per label). Most of a
word's attributes depend on the word alone: its own local features and the ``±d:`` copies its neighbours
see of it. This module sums those once per distinct word form and caches the vectors; per sentence it adds
the cached vectors of the word and its neighbours, the constant ``bias``/``BOS``/``EOS``/``PAD`` vectors,
and the few context attributes (gazetteer tags, word bigrams). Decoding is Viterbi (Lafferty, McCallum and
Pereira 2001; Rabiner 1989) over all sentences of a document at once with NumPy.

The result is the same tag sequence crfsuite returns for the same features: the weights are read exactly
(float64) from the crfsuite model file (format of crfsuite's ``crf1dm.c``), ties break towards the lower
label id as in crfsuite's ``crf1dc_viterbi``, and only the order of floating-point additions differs
(tests/unit/test_entities_fastcrf.py compares both on real sentences). Only the first pass with the
shipped feature groups is covered; the ``context`` group and the second pass use crfsuite.
"""

from __future__ import annotations

import re
import struct
from array import array
import threading
from collections.abc import Sequence

import numpy as np

from akhbar.caches import WORD_CACHE_SIZE
from akhbar.entities.crf import CrfModel
from akhbar.entities.features import _EXPORTED, FeatureExtractor, _affix_features, word_info
from akhbar.entities.gazetteer import Gazetteer, trigger_class

__all__ = ["CrfWeights", "FastTagger", "KEEP_SHARE", "viterbi"]

#: Sentences decoded together by :meth:`FastTagger.tag_sentences`: at most this many (sentence x word)
#: cells per group (the back-pointer array is cells x labels integers: 9 MiB for 9 labels).
VITERBI_CELLS = 1 << 17

#: Share of ``FastTagger.max_words`` kept (the most used word forms) when the per-word cache is full.
KEEP_SHARE = 0.75

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_OFFSET = re.compile(r"^-?[0-9]+:")
_NO_PAIR: tuple[None, None] = (None, None)


def _with_capacity(array: np.ndarray, n: int) -> np.ndarray:
    """``array`` if it has at least ``n`` rows, else a zero-padded copy of at least twice its length."""
    if n <= len(array):
        return array
    grown = np.zeros((max(n, 2 * len(array)), *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def _pack(ids: list[int]) -> bytes:
    """A list of row numbers as one bytes object (a compact dictionary key)."""
    return array("i", ids).tobytes()


_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])


class CrfWeights:
    """The weights of a crfsuite linear-chain model as NumPy arrays.

    Attributes:
        labels: label strings by label id.
        attr_index: attribute string -> row of ``state``.
        state: float64 array (n_attributes, n_labels): the weight of (attribute, label).
        trans: float64 array (n_labels, n_labels): the weight of the transition (from, to).

    Raises:
        ValueError: if the model bytes are not a crfsuite ``lCRF``/``FOMC`` file, or if the weights read
            from the file disagree with crfsuite's own dump of the model.
    """

    def __init__(self, model: CrfModel):
        data = model._data
        (magic, _size, mtype, _ver, _nf, n_labels, n_attrs, off_feat, *_rest) = _HEADER.unpack_from(data, 0)
        if magic != b"lCRF" or mtype != b"FOMC":
            raise ValueError(f"not a crfsuite CRF1d model (magic {magic!r}, type {mtype!r})")
        chunk, _csize, n_feat = struct.unpack_from("<4sII", data, off_feat)
        if chunk != b"FEAT":
            raise ValueError(f"feature chunk not found at offset {off_feat}")
        feats = np.frombuffer(data, dtype=_FEATURE, count=n_feat, offset=off_feat + 12)
        info = model._tagger.info()  # names: attributes appear in id order in crfsuite's dump
        labels_by_id = {int(i): lab for lab, i in info.labels.items()}
        self.labels = tuple(labels_by_id[i] for i in range(n_labels))
        attrs: dict[str, int] = {}
        for attr, _lab in info.state_features:
            if attr not in attrs:
                attrs[attr] = len(attrs)
        if len(attrs) != n_attrs:
            raise ValueError(f"{len(attrs)} attribute names for {n_attrs} attributes")
        names = list(attrs)
        self.attr_index = attrs
        self.state = np.zeros((n_attrs, n_labels), dtype=np.float64)
        self.trans = np.zeros((n_labels, n_labels), dtype=np.float64)
        for ftype, src, dst, w in feats.tolist():
            if ftype == 0:
                self.state[src, dst] += w
                dumped = info.state_features.get((names[src], self.labels[dst]))
            elif ftype == 1:
                self.trans[src, dst] += w
                dumped = info.transitions.get((self.labels[src], self.labels[dst]))
            else:
                raise ValueError(f"unknown crfsuite feature type {ftype}")
            if dumped is None or abs(dumped - w) > 5e-6:
                raise ValueError("crfsuite model weights disagree with its dump")

    def vector(self, attrs: Sequence[str]) -> np.ndarray:
        """Sum of the weight vectors of ``attrs`` (each occurrence counts; unknown attributes count 0)."""
        out = np.zeros(len(self.labels), dtype=np.float64)
        ai = self.attr_index
        for a in attrs:
            i = ai.get(a)
            if i is not None:
                out += self.state[i]
        return out


def viterbi(emissions: Sequence[np.ndarray], trans: np.ndarray) -> list[np.ndarray]:
    """Best label-id sequences of several sentences under one linear-chain model.

    Args:
        emissions: per sentence a float array (n_words, n_labels) of state scores.
        trans: float array (n_labels, n_labels), score of label i followed by label j.
    Returns:
        per sentence an int array (n_words,) of label ids. Ties go to the lower label id, as in crfsuite.
    """
    out: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(emissions)
    live = [i for i, e in enumerate(emissions) if len(e)]
    if not live:
        return out
    n_labels = trans.shape[0]
    lengths = np.array([len(emissions[i]) for i in live])
    t_max = int(lengths.max())
    em = np.zeros((len(live), t_max, n_labels), dtype=np.float64)
    for row, i in enumerate(live):
        em[row, : lengths[row]] = emissions[i]
    score = em[:, 0].copy()
    back = np.zeros((len(live), t_max, n_labels), dtype=np.intp)
    n_live = len(live)
    for t in range(1, t_max):
        # best previous label per label: a running maximum over the previous label i, on (sentences,
        # labels) arrays (about twice as fast as argmax over a (sentences, labels, labels) array); the
        # strict comparison keeps the lower i on ties, as argmax and crfsuite do
        best = score[:, 0, None] + trans[0][None, :]
        arg = np.zeros((n_live, n_labels), dtype=np.intp)
        for i in range(1, n_labels):
            cand = score[:, i, None] + trans[i][None, :]
            better = cand > best
            np.maximum(best, cand, out=best)
            np.copyto(arg, i, where=better)
        active = lengths > t
        score = np.where(active[:, None], best + em[:, t], score)
        back[:, t] = arg
    cur = score.argmax(axis=1)
    paths = np.zeros((len(live), t_max), dtype=np.intp)
    rows = np.arange(len(live))
    for t in range(t_max - 1, -1, -1):
        at_end = lengths - 1 == t
        cur = np.where(at_end, score.argmax(axis=1), cur)
        paths[:, t] = cur
        if t:
            inside = lengths > t
            cur = np.where(inside, back[rows, t, cur], cur)
    for row, i in enumerate(live):
        out[i] = paths[row, : lengths[row]]
    return out


class FastTagger:
    """First-pass tagging of :class:`FeatureExtractor` features under a crfsuite model, without building
    feature strings per word.

    Args:
        extractor: the feature extractor the model was trained with (``context`` must be off).
        model: the trained first-pass model.
        max_words: distinct word forms whose vectors are cached; default twice
            :data:`akhbar.caches.WORD_CACHE_SIZE` (a miss costs about 60 microseconds, the most of any
            per-word cache); each distinct attribute set costs ``(2 * window + 1) * n_labels`` float64s.
            When the cache passes ``max_words`` it keeps the :data:`KEEP_SHARE` most used of its word forms
            (uses counted since they were added, halved at every such eviction, so old counts fade) and
            drops the rest with their vectors: on 16,000 scale articles in 125-document calls this missed
            324,146 times against 485,893 for clearing the whole cache (a least-recently-used order, kept
            per word at a Python cost on every hit, missed 310,879 times).
    Raises:
        ValueError: if the extractor's ``context`` group is on, or the model cannot be read
            (see :class:`CrfWeights`).
    """

    def __init__(self, extractor: FeatureExtractor, model: CrfModel, max_words: int = 2 * WORD_CACHE_SIZE):
        if extractor.config.context:
            raise ValueError("the fast tagger does not cover the context feature group")
        self.extractor = extractor
        self.weights = CrfWeights(model)
        self.window = extractor.config.window
        self.offsets = [d for d in range(-self.window, self.window + 1) if d]
        n_labels = len(self.weights.labels)
        self.max_words = max_words
        # the per-word lists must stay aligned: one tagging call at a time (the thread runner without
        # worker processes shares the recogniser between task threads)
        self._lock = threading.Lock()
        self._rows: dict[str, int] = {}
        self._core_al: list[str] = []  # per row: the word's form with proclitics off, article kept
        self._norm: list[str] = []  # per row: the feature-normalised word
        self._arnorm: list[str | None] = []  # per row: the normalised word if it is an Arabic-letter word
        # the gazetteers the model reads (prefix of their attributes, gazetteer), and per row the word's
        # first forms in each (Gazetteer.first_forms), so a gazetteer looks a word form up once
        ext = self.extractor
        self._gazetteers = [(key, g) for key, g in (("g=", ext.gazetteer if ext.config.gazetteer else None),
                                                     ("a=", ext.autogaz), ("o=", ext.orgnames)) if g is not None]
        self._gforms: list[list[tuple[str, ...]]] = [[] for _ in self._gazetteers]
        # per row, bit flags: 1 = the model has a bigram attribute starting with the word's core_al;
        # 2 << g = the word has first forms in gazetteer g (it can start one of its entries)
        self._flags = np.zeros(1024, dtype=np.uint8)
        self._pairs: dict[tuple[str, str], tuple[int | None, int | None]] = {}  # bigram attribute rows
        self._gaz_attr_cache: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}
        self._vrow: list[int] = []  # per row: the word's row of _vec
        self._uses = np.zeros(1024, dtype=np.int64)  # per row: times the word was tagged (halved at evictions)
        self._sig_rows: dict[bytes, int] = {}  # a word's known attributes (packed part rows) -> row of _vec
        self._vec = np.zeros((1024, 2 * self.window + 1, n_labels), dtype=np.float64)
        w = self.weights
        self._bias = w.vector(["bias"])
        self._bos = w.vector(["BOS"])
        self._eos = w.vector(["EOS"])
        self._pad = {d: w.vector([f"{d}:PAD"]) for d in self.offsets}
        # attributes x of a word such that the model knows x or a neighbour's "d:x", each with its part
        # (:meth:`_attribute_part`) in a row of _part_vec; row 0 (key "") is zeros
        bases = sorted({_OFFSET.sub("", a, count=1) for a in w.attr_index})
        self._part_index: dict[str, int] = {"": 0, **{x: i for i, x in enumerate(bases, start=1)}}
        self._part_vec = np.zeros((len(bases) + 1, *self._vec.shape[1:]), dtype=np.float64)
        for x, i in self._part_index.items():
            if i:
                self._part_vec[i] = self._attribute_part(x)
        self._bigram_firsts = frozenset(a[3:].split("|", 1)[0] for a in w.attr_index if a.startswith(("b-=", "b+=")))

    # -- per-word vectors -------------------------------------------------------------------------------
    def _add_words(self, words: Sequence[str]) -> None:
        """Give each new word of ``words`` a row in the per-word lists and its vectors.

        Words whose model-known attributes are the same share one row of ``_vec`` (a rare word's own form
        is usually unknown to the model, so its vectors depend only on its shape, affixes and clusters).
        The vectors of all new attribute sets are summed in one vectorised step."""
        ext, cfg = self.extractor, self.extractor.config
        sig_rows = self._sig_rows
        part = self._part_index.get
        new_sigs: list[list[int]] = []
        first_row = len(self._vrow)
        new_flags: list[int] = []
        # per gazetteer: its first-forms function, this tagger's per-row list of them, the row flag bit
        gaz = [(g.first_forms, gforms, 2 << k) for k, ((_, g), gforms) in enumerate(zip(self._gazetteers, self._gforms))]
        for word in words:
            if word in self._rows:
                continue
            norm, prefix, core_al, core, shape = word_info(word)
            local = [f"w={norm}", f"c={core_al}", f"s={core}", f"sh={shape}"]
            if prefix:
                local.append(f"pf={prefix}")
            if core_al != core:
                local.append("al")
            if cfg.triggers:
                trig = trigger_class(norm)
                if trig:
                    local.append(f"t={trig}")
            clus = ext._cluster(norm, core_al, core) if cfg.clusters else None
            if clus:
                a, b, c = clus
                local.extend((f"k1={a}", f"k2={b}", f"k3={c}"))
            elif shape == "ar":
                local.append("k=none")
            # the signature: the rows in _part_vec of the word's model-known attributes, packed as bytes
            # (a tuple of the attribute strings cost ~1 KB per distinct signature)
            ids = [i for x in (*local, *_affix_features(norm, core)) if (i := part(x)) is not None]
            sig = _pack(ids)
            vrow = sig_rows.get(sig)
            if vrow is None:
                vrow = sig_rows[sig] = len(sig_rows)
                new_sigs.append(ids)
            self._rows[word] = len(self._vrow)
            self._vrow.append(vrow)
            self._core_al.append(core_al)
            self._norm.append(norm)
            self._arnorm.append(norm if shape == "ar" else None)
            flag = 1 if core_al in self._bigram_firsts else 0
            for first_forms, gforms, bit in gaz:
                ff = first_forms(norm, core_al)
                gforms.append(ff)
                if ff:
                    flag |= bit
            new_flags.append(flag)
        n_rows = len(self._vrow)
        # the per-row arrays grow together, by doubling
        self._flags, self._uses = (_with_capacity(a, n_rows) for a in (self._flags, self._uses))
        self._flags[first_row:n_rows] = new_flags
        if not new_sigs:
            return
        # every new attribute set's vectors: the sum of its attributes' parts (part 0 is all zeros)
        first = len(sig_rows) - len(new_sigs)
        need = len(sig_rows)
        if need > len(self._vec):
            # doubling, but not past the cap by more than one call's new signatures (signatures, at most one
            # per cached word, are cleared with the words once they pass max_words)
            size = max(need, min(2 * len(self._vec), self.max_words + 4096))
            grown = np.zeros((size, *self._vec.shape[1:]), dtype=np.float64)
            grown[: len(self._vec)] = self._vec
            self._vec = grown
        idx: list[int] = []
        starts: list[int] = []
        for ids in new_sigs:
            starts.append(len(idx))
            idx.append(0)
            idx.extend(ids)
        self._vec[first:need] = np.add.reduceat(self._part_vec[np.asarray(idx)], np.asarray(starts), axis=0)

    def _gaz_attrs(self, key: str, tag: str) -> tuple[tuple[int, int], ...]:
        """``(d, attribute row)`` of gazetteer tag ``tag`` (prefix ``key``): ``d = 0`` for the word's own
        ``g=B-LOC``-style attribute, ``d`` for the ``d:g=B-LOC`` the word at offset ``-d`` sees; only
        those the model knows (cached: a gazetteer has a handful of tags)."""
        got = self._gaz_attr_cache.get((key, tag))
        if got is None:
            ai = self.weights.attr_index
            pairs = [(0, ai.get(f"{key}{tag}"))] + [(d, ai.get(f"{d}:{key}{tag}")) for d in self.offsets]
            got = self._gaz_attr_cache[(key, tag)] = tuple((d, i) for d, i in pairs if i is not None)
        return got

    def _evict(self, keep: int) -> None:
        """Keep the ``keep`` most used word forms (ties: the earlier added) and the signatures they use,
        renumbered in their old order; their use counts are halved. Everything else is dropped."""
        n = len(self._vrow)
        uses = self._uses[:n]
        if keep <= 0:
            kept = np.zeros(0, dtype=np.intp)
        elif keep < n:
            # stable: among equal counts the earlier rows win, so the result does not depend on sort details
            kept = np.sort(np.argsort(-uses, kind="stable")[:keep])
        else:
            kept = np.arange(n, dtype=np.intp)
        new_row = np.full(n, -1, dtype=np.intp)
        new_row[kept] = np.arange(kept.size, dtype=np.intp)
        kept_l = kept.tolist()
        old_vrow = np.asarray(self._vrow, dtype=np.intp)[kept]
        used_sigs, vrow = np.unique(old_vrow, return_inverse=True)  # kept signatures, in their old order
        new_sig = np.full(len(self._sig_rows), -1, dtype=np.intp)
        new_sig[used_sigs] = np.arange(used_sigs.size, dtype=np.intp)
        self._vec[: used_sigs.size] = self._vec[used_sigs]
        self._sig_rows = {sig: int(new_sig[v]) for sig, v in self._sig_rows.items() if new_sig[v] >= 0}
        nr = new_row.tolist()
        self._rows = {w: nr[r] for w, r in self._rows.items() if nr[r] >= 0}
        self._vrow = vrow.tolist()
        self._core_al = [self._core_al[r] for r in kept_l]
        self._norm = [self._norm[r] for r in kept_l]
        self._arnorm = [self._arnorm[r] for r in kept_l]
        self._gforms = [[g[r] for r in kept_l] for g in self._gforms]
        flags = self._flags[kept]
        self._flags[:] = 0
        self._flags[: kept.size] = flags
        halved = uses[kept] // 2
        self._uses[:] = 0
        self._uses[: kept.size] = halved

    def _attribute_part(self, x: str) -> np.ndarray:
        """What a word's attribute ``x`` adds to its vectors: its weights at the centre slot and, for the
        attributes neighbours see (``_EXPORTED``), the weights of ``d:x`` at slot ``d`` (zero where the
        model does not know the attribute)."""
        ai, state = self.weights.attr_index, self.weights.state
        part = np.zeros(self._vec.shape[1:], dtype=np.float64)
        i = ai.get(x)
        if i is not None:
            part[self.window] = state[i]
        if x.startswith(_EXPORTED):
            for d in self.offsets:
                i = ai.get(f"{d}:{x}")
                if i is not None:
                    part[d + self.window] = state[i]
        return part

    # -- sentences ----------------------------------------------------------------------------------------
    def emissions(self, words: Sequence[str]) -> np.ndarray:
        """State scores (n_words, n_labels) of one sentence: for every word and label, the sum of the model
        weights of the features :meth:`FeatureExtractor.sentence` gives that word."""
        with self._lock:
            return self.emissions_flat(list(words), [len(words)])

    def emissions_flat(self, words: Sequence[str], lengths: Sequence[int],
                       side: dict[str, list] | None = None) -> np.ndarray:
        """State scores of many sentences laid end to end (callers hold ``self._lock``: it updates the
        per-word caches).

        Args:
            words: the raw words of all sentences, in order (``sum(lengths)`` of them).
            lengths: words per sentence.
            side: optional dict that receives, per word, ``"ar_norms"`` (the feature-normalised form of an
                Arabic-letter word, else None), ``"cores"`` (the normalised form without proclitics, article
                kept: ``split_proclitics(norm)[1]``), and,
                with gazetteers, ``"norms"`` (the feature-normalised forms) and ``"orgnames"`` (the mined
                organisation names' BIO tags, if that group is on), for the post-passes of
                :class:`akhbar.entities.tagger.DocumentTagger`.
        Returns:
            float64 array (len(words), n_labels), rows in the order of ``words``.
        """
        n = len(words)
        w = self.weights
        if n == 0:
            return np.zeros((0, len(w.labels)))
        if len(self._rows) > self.max_words:  # full: keep the most used words
            self._evict(int(self.max_words * KEEP_SHARE))
        if len(self._pairs) > 2 * self.max_words:
            self._pairs.clear()
        get = self._rows.get
        rows = [get(x, -1) for x in words]
        rows_arr = np.asarray(rows, dtype=np.intp)
        missing = np.flatnonzero(rows_arr < 0).tolist()
        if missing:  # only the missing positions are looked up again, and each new word is added once
            self._add_words(list(dict.fromkeys([words[i] for i in missing])))
            rows_arr[missing] = [get(words[i]) for i in missing]
            rows = rows_arr.tolist()
        n_rows = len(self._vrow)
        self._uses[:n_rows] += np.bincount(rows_arr, minlength=n_rows)
        lens = np.asarray(lengths, dtype=np.intp)
        starts = np.cumsum(lens) - lens
        slen = np.repeat(lens, lens)
        pos = np.arange(n, dtype=np.intp) - np.repeat(starts, lens)
        vec = self._vec[np.asarray(self._vrow, dtype=np.intp)[rows_arr]]
        win = self.window
        em = vec[:, win] + self._bias
        flat = np.arange(n, dtype=np.intp)
        for d in self.offsets:
            valid = ((pos + d) >= 0) & ((pos + d) < slen)
            src = vec[np.clip(flat + d, 0, n - 1), d + win]
            em += np.where(valid[:, None], src, self._pad[d])
        em[pos == 0] += self._bos
        em[pos == slen - 1] += self._eos
        ai = w.attr_index
        at: list[int] = []
        idx: list[int] = []
        flags = self._flags[rows_arr]
        b_first = (flags & 1).astype(bool)
        core_al = self._core_al
        pairs = self._pairs
        for k in (np.flatnonzero(b_first[:-1] & (pos[1:] != 0)) + 1).tolist():
            key = (core_al[rows[k - 1]], core_al[rows[k]])
            hit = pairs.get(key)
            if hit is None:
                pair = f"{key[0]}|{key[1]}"
                hit = (ai.get("b-=" + pair), ai.get("b+=" + pair))
                if hit == _NO_PAIR:
                    hit = _NO_PAIR  # most pairs: one shared tuple instead of one per pair
                pairs[key] = hit
            if hit[0] is not None:
                at.append(k)
                idx.append(hit[0])
            if hit[1] is not None:
                at.append(k - 1)
                idx.append(hit[1])
        if side is not None:
            arnorm = self._arnorm
            side.setdefault("ar_norms", []).extend([arnorm[r] for r in rows])
            side.setdefault("cores", []).extend([core_al[r] for r in rows])
        if self._gazetteers:
            norm_of = self._norm
            norms = [norm_of[r] for r in rows]
            ends = (np.repeat(starts + lens, lens)).tolist()
            pos_l = pos.tolist()
            if side is not None:
                side.setdefault("norms", []).extend(norms)
            for g, ((key, gaz), gforms) in enumerate(zip(self._gazetteers, self._gforms)):
                # only words that start an entry are tried (usually a few in a hundred)
                cand = np.flatnonzero(flags & (2 << g)).tolist()
                spans = gaz.spans(norms, cand, [gforms[rows[m]] for m in cand], ends)
                if side is not None and key == "o=":
                    side.setdefault("orgnames", []).extend(Gazetteer.tags(spans, n))
                for m, tag in ((m, ("B-" if m == s0 else "I-") + lab) for s0, e0, lab in spans
                               for m in range(s0, e0)):
                    # the rows of the word's own gazetteer attribute (offset 0) and of the copies its
                    # neighbours at offset -d see, where the model knows them
                    sent_start, sent_end = m - pos_l[m], ends[m]
                    for d, i in self._gaz_attrs(key, tag):
                        k = m - d
                        if sent_start <= k < sent_end:
                            at.append(k)
                            idx.append(i)
        if at:
            np.add.at(em, np.asarray(at), w.state[np.asarray(idx)])
        return em

    def tag_sentences(self, sentences: Sequence[Sequence[str]], max_words: int = 50_000,
                      side: dict[str, list] | None = None) -> list[list[str]]:
        """IOB2 tags of each sentence (raw words), as the first-pass crfsuite model would tag them.

        Sentences are scored ``max_words`` words at a time (bounding the temporary arrays) and decoded
        together, shortest with shortest. ``side``: see :meth:`emissions_flat` (flat over all words).
        """
        with self._lock:
            return self._tag_sentences(sentences, max_words, side)

    def _tag_sentences(self, sentences: Sequence[Sequence[str]], max_words: int,
                       side: dict[str, list] | None) -> list[list[str]]:
        labels = self.weights.labels
        ems: list[np.ndarray] = []
        i = 0
        while i < len(sentences):
            j, total = i, 0
            while j < len(sentences) and (j == i or total + len(sentences[j]) <= max_words):
                total += len(sentences[j])
                j += 1
            group = sentences[i:j]
            lens = [len(s) for s in group]
            em = self.emissions_flat([x for s in group for x in s], lens, side)
            ems.extend(np.split(em, np.cumsum(lens)[:-1]) if len(group) > 1 else [em])
            i = j
        order = sorted(range(len(ems)), key=lambda k: len(ems[k]))
        paths: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(ems)
        g = 0
        while g < len(order):
            # sentences of similar length together, as many as keep (sentences x longest) within
            # VITERBI_CELLS (bounds the back-pointer array; fewer, larger steps than fixed-size groups)
            h = g + 1
            while h < len(order) and (h + 1 - g) * len(ems[order[h]]) <= VITERBI_CELLS:
                h += 1
            ids = order[g:h]
            for k, p in zip(ids, viterbi([ems[k] for k in ids], self.weights.trans)):
                paths[k] = p
            g = h
        return [[labels[i] for i in p.tolist()] for p in paths]
