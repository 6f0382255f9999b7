"""akhbar.sources never raises on file content: arbitrary and mutated inputs (Hypothesis)."""

from __future__ import annotations

import gzip
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.sources import REJECT_REASONS
from tests.unit.sources_fixtures import ARTICLE, read_all

SEEDS = {
    "a.txt": ARTICLE.encode("utf-8"),
    "a.trec": f"<DOC><TITLE>عنوان</TITLE><TIME>Mon, 26 Feb 2018 02:20:10 GMT</TIME><TEXT>{ARTICLE}</TEXT></DOC>"
    .encode("utf-8"),
    "a.jsonl": "".join(json.dumps({"title": "ع", "text": ARTICLE[i:]}, ensure_ascii=False) + "\n"
                       for i in range(3)).encode("utf-8"),
    "a.json": json.dumps([{"text": ARTICLE}], ensure_ascii=False).encode("utf-8"),
    "a.csv": f'title,text\nعنوان,"{ARTICLE}"\n'.encode("utf-8"),
    "a.html": f"<html><head><title>ع</title></head><body><article><p>{ARTICLE}</p></article></body></html>"
    .encode("utf-8"),
    "a.txt.gz": gzip.compress(ARTICLE.encode("cp1256")),
}

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(docs, rej, n_inputs: int) -> None:
    assert set(rej["reason"]) <= set(REJECT_REASONS)
    assert docs["doc_id"].is_unique().all()
    assert (docs["n_chars"] >= 1).all()
    assert docs.height + rej.height >= n_inputs  # every input is accounted for


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), data=st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(tmp_path_factory, name, data):
    d = tmp_path_factory.mktemp("fuzz")
    (d / name).write_bytes(data)
    docs, rej = read_all([d])
    _check(docs, rej, 1)


@FUZZ
@given(name=st.sampled_from(sorted(SEEDS)), cut=st.integers(min_value=0, max_value=10_000),
       flips=st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(0, 255)), max_size=6))
def test_mutated_valid_inputs_never_raise(tmp_path_factory, name, cut, flips):
    data = bytearray(SEEDS[name])
    for pos, byte in flips:
        data[pos % len(data)] = byte
    data = bytes(data[: max(1, len(data) - cut % len(data))])
    d = tmp_path_factory.mktemp("mut")
    (d / name).write_bytes(data)
    docs, rej = read_all([d])
    _check(docs, rej, 1)
