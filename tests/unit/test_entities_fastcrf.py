"""The cached-vector CRF first pass (akhbar.entities.fastcrf) against crfsuite on real sentences."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from akhbar.entities import get_recogniser
from akhbar.entities.fastcrf import CrfWeights, FastTagger, viterbi
from akhbar.entities.gazetteer import Gazetteer
from akhbar.entities.tagger import DocumentTagger
from akhbar.sources import iter_source_batches
from akhbar.tokenise import tokenise


@pytest.fixture(scope="module")
def tagger() -> DocumentTagger:
    return get_recogniser().tagger


@pytest.fixture(scope="module")
def dev_docs(shared_dir) -> list[list[list[str]]]:
    """Sentences (raw words) of 40 dev-corpus articles, every 50th file."""
    paths = sorted((shared_dir / "corpus" / "dev").glob("*.txt"))[::50]
    docs = []
    for batch in iter_source_batches([str(p) for p in paths], batch_size_docs=1000):
        for raw in batch.documents.get_column("raw_text").to_list():
            sents: dict[int, list[str]] = {}
            for t in tokenise(raw):
                sents.setdefault(t.sentence_index, []).append(t.text)
            docs.append(list(sents.values()))
    assert len(docs) >= 35
    return docs


def test_weights_are_read_exactly_from_the_model(tagger):
    w = CrfWeights(tagger.pass1)
    info = tagger.pass1._tagger.info()
    assert w.labels[int(info.labels["O"])] == "O"
    assert len(w.attr_index) == len({a for a, _ in info.state_features})
    # spot-check against crfsuite's dump (6 decimals) in both directions
    for (attr, label), weight in itertools.islice(info.state_features.items(), 0, None, 997):
        assert w.state[w.attr_index[attr], w.labels.index(label)] == pytest.approx(weight, abs=5e-7)
    for (a, b), weight in info.transitions.items():
        assert w.trans[w.labels.index(a), w.labels.index(b)] == pytest.approx(weight, abs=5e-7)


def test_emissions_equal_the_sum_of_the_feature_weights(tagger, dev_docs):
    fast = FastTagger(tagger.extractor, tagger.pass1)
    w = fast.weights
    checked = 0
    for sent in [s for d in dev_docs[:10] for s in d]:
        expected = np.array([w.vector(f) for f in tagger.extractor.sentence(sent)])
        got = fast.emissions(sent)
        assert got.shape == expected.shape
        assert np.allclose(got, expected, rtol=0, atol=1e-9)
        checked += len(sent)
    assert checked > 2000


def test_tags_equal_crfsuite_on_dev_articles(tagger, dev_docs):
    fast = FastTagger(tagger.extractor, tagger.pass1, max_words=500)  # the cache is cleared many times
    sents = [s for d in dev_docs for s in d]
    expected = [tagger.pass1.tag(tagger.extractor.sentence(s)) for s in sents]
    sizes = []
    for i in range(0, len(sents), 20):  # 20 sentences per call, recording the caches' sizes after each
        fast.tag_sentences(sents[i:i + 20], max_words=3000)
        sizes.append((len(fast._rows), len(fast._sig_rows), len(fast._vec)))
    got = fast.tag_sentences(sents, max_words=3000)
    assert got == expected
    assert sum(t != "O" for s in got for t in s) > 300  # the articles do have entities
    # bounded: words and their signatures are cleared together; a call adds at most its own new words
    biggest_call = max(sum(len(s) for s in sents[i:i + 20]) for i in range(0, len(sents), 20))
    assert max(r for r, _, _ in sizes) <= 500 + biggest_call
    assert all(g <= r for r, g, _ in sizes)  # every cached signature belongs to a cached word
    assert max(v for _, _, v in sizes) <= 500 + 4096 + biggest_call
    assert min(r for r, _, _ in sizes[5:]) < 500 < max(r for r, _, _ in sizes)  # it did clear


def test_signatures_are_cleared_with_the_words(tagger, dev_docs):
    # words share signatures, so signatures can be fewer than max_words when the words overflow: they must
    # still go with them, or they pile up past the cap (and with them the vector table)
    fast = FastTagger(tagger.extractor, tagger.pass1, max_words=1500)
    sents = [s for d in dev_docs for s in d]
    cleared = 0
    for i in range(0, len(sents), 10):
        before = len(fast._rows)
        fast.tag_sentences(sents[i:i + 10])
        cleared += len(fast._rows) < before
        assert len(fast._sig_rows) <= len(fast._rows)
    assert cleared >= 2


def test_a_full_cache_keeps_its_most_used_words_and_their_vectors(tagger, dev_docs):
    from akhbar.entities.features import word_info
    from akhbar.entities.fastcrf import KEEP_SHARE

    fast = FastTagger(tagger.extractor, tagger.pass1, max_words=400)
    sents = [s for d in dev_docs for s in d]
    hot = sents[0]
    for _ in range(4):  # the first sentence's words are used four times before any other word
        fast.tag_sentences([hot])
    evictions: list[tuple[dict[str, int], dict[str, int]]] = []  # hot words' uses before and after
    evict = fast._evict

    def counted(keep: int) -> None:
        before = {w: int(fast._uses[fast._rows[w]]) for w in hot}
        evict(keep)
        evictions.append((before, {w: int(fast._uses[fast._rows[w]]) for w in hot if w in fast._rows}))

    fast._evict = counted  # type: ignore[method-assign]
    for i in range(1, len(sents), 5):
        fast.tag_sentences(sents[i:i + 5])
        if evictions:
            break
    assert len(evictions) == 1
    before, after = evictions[0]
    assert min(before.values()) >= 4 and after == {w: n // 2 for w, n in before.items()}  # kept, halved
    # the hot words survived the eviction, and only about KEEP_SHARE of the cap (plus one call's words) is left
    assert all(w in fast._rows for w in hot)
    assert len(fast._rows) <= int(400 * KEEP_SHARE) + sum(len(s) for s in sents[i:i + 5])
    assert len(fast._vrow) == len(fast._norm) == len(fast._arnorm) == len(fast._core_al) == len(fast._gforms[0]) \
        == len(fast._rows)
    # every kept row still describes its word, and its vectors are those a fresh tagger computes
    for w, r in fast._rows.items():
        assert fast._norm[r] == word_info(w)[0]
        assert fast._arnorm[r] == (word_info(w)[0] if word_info(w)[4] == "ar" else None)
        for g in range(len(fast._gazetteers)):
            assert bool(fast._flags[r] & (2 << g)) == bool(fast._gforms[g][r])
        assert bool(fast._flags[r] & 1) == (word_info(w)[2] in fast._bigram_firsts)
    fresh = FastTagger(tagger.extractor, tagger.pass1)
    for sent in sents[i:i + 20]:
        assert np.allclose(fast.emissions(sent), fresh.emissions(sent), rtol=0, atol=1e-9)
    assert max(fast._vrow) < len(fast._sig_rows) <= len(fast._rows)


def test_propagate_names_with_the_taggers_forms_equals_computing_them(tagger, dev_docs):
    from akhbar.entities.tagger import propagate_names

    fast = FastTagger(tagger.extractor, tagger.pass1)
    changed = 0
    for doc in dev_docs:
        side: dict[str, list] = {}
        tags = fast.tag_sentences(doc, side=side)
        bounds = np.cumsum([0] + [len(s) for s in doc]).tolist()
        ar = [side["ar_norms"][a:b] for a, b in zip(bounds, bounds[1:])]
        cores = [side["cores"][a:b] for a, b in zip(bounds, bounds[1:])]
        slow = propagate_names(doc, tags)
        assert propagate_names(doc, tags, doc_ar_norms=ar, doc_cores=cores) == slow
        changed += slow != tags
    assert changed >= 5  # the pass did tag repetitions in several of these articles


def test_document_tagger_fast_and_crfsuite_paths_agree(tagger, dev_docs):
    slow = DocumentTagger(tagger.extractor, tagger.pass1, fast=False)
    assert slow._fast() is None and tagger._fast() is not None
    assert tagger.tag_documents(dev_docs[:15]) == [slow.tag(d) for d in dev_docs[:15]]


def _brute_force(em: np.ndarray, trans: np.ndarray) -> list[int]:
    best, arg = -np.inf, None
    for path in itertools.product(range(em.shape[1]), repeat=em.shape[0]):
        s = sum(em[t, y] for t, y in enumerate(path)) + sum(trans[a, b] for a, b in zip(path, path[1:]))
        if s > best:
            best, arg = s, list(path)
    return arg


def test_viterbi_finds_the_best_path_of_sentences_of_different_lengths():
    rng = np.random.default_rng(7)
    trans = rng.normal(size=(3, 3))
    ems = [rng.normal(size=(n, 3)) for n in (1, 4, 2, 5, 3, 0)]
    paths = viterbi(ems, trans)
    for em, path in zip(ems, paths):
        assert len(path) == len(em)
        if len(em):
            assert path.tolist() == _brute_force(em, trans)


def test_viterbi_breaks_ties_towards_the_lower_label_as_crfsuite():
    trans = np.zeros((3, 3))
    assert viterbi([np.zeros((3, 3))], trans)[0].tolist() == [0, 0, 0]
    em = np.array([[0.0, 1.0, 1.0], [2.0, 0.0, 2.0]])
    assert viterbi([em], trans)[0].tolist() == [1, 0]


def test_gazetteer_prefers_the_longest_entry_then_the_word_before_its_proclitic_free_form():
    # "والي" is itself an entry's first word and, without its proclitic, "الي" is another's
    gaz = Gazetteer({"والي بغداد": "PER", "الي بغداد": "LOC"})
    assert gaz.match(["والي", "بغداد"]) == ["B-PER", "I-PER"]  # equal length: the word as written
    gaz = Gazetteer({"والي بغداد": "PER", "الي بغداد الجديدة": "LOC"})
    assert gaz.match(["والي", "بغداد", "الجديدة"]) == ["B-LOC", "I-LOC", "I-LOC"]  # longest first
    assert gaz.spans(["والي", "بغداد", "الجديدة"], [0], [gaz.first_forms("والي")]) == [(0, 3, "LOC")]


def test_gazetteer_match_with_sentence_ends_equals_matching_each_sentence():
    gaz = Gazetteer({"الامم المتحدة": "ORG", "المتحدة": "LOC", "نيويورك": "LOC"})
    s1 = ["قالت", "الامم"]
    s2 = ["المتحدة", "في", "ونيويورك"]
    ends = [2, 2, 5, 5, 5]
    assert gaz.match(s1 + s2, ends) == gaz.match(s1) + gaz.match(s2)
    assert gaz.match(s1 + s2) == [None, "B-ORG", "I-ORG", None, "B-LOC"]  # without ends it crosses


def test_concurrent_tagging_from_threads_gives_the_same_tags(tagger, dev_docs):
    """The thread runner without worker processes shares one recogniser between task threads."""
    from concurrent.futures import ThreadPoolExecutor

    sents = [s for d in dev_docs for s in d]
    expected = FastTagger(tagger.extractor, tagger.pass1).tag_sentences(sents)
    shared = FastTagger(tagger.extractor, tagger.pass1, max_words=2000)  # clears its caches often
    parts = [list(range(k, len(sents), 4)) for k in range(4)]

    def run(idx: list[int]) -> list[list[str]]:
        out = []
        for j in range(0, len(idx), 3):  # many small calls interleave the threads
            out.extend(shared.tag_sentences([sents[i] for i in idx[j:j + 3]]))
        return out

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, parts))
    for idx, got in zip(parts, results):
        assert got == [expected[i] for i in idx]
