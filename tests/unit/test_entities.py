"""Unit tests of akhbar.entities: API, canonical names, chunking/scoring, clitic spans, batch frames."""

from __future__ import annotations

import polars as pl
import pytest

import akhbar.entities as ent
from akhbar.entities import EntityMention, entities_table, entity_id, get_recogniser, recognise_frame
from akhbar.entities.canonical import canonical_form, match_key, unify_document
from akhbar.entities.crf import chunks, read_conll, repair_iob2
from akhbar.entities.gazetteer import Gazetteer, load_gazetteer, trigger_class
from akhbar.entities.text import clitic_length
from akhbar.entities.scoring import score
from akhbar.entities.text import feature_norm, split_proclitics
from akhbar.tokenise import tokenise


def test_public_api():
    assert set(ent.__all__) >= {"EntityMention", "Recogniser", "get_recogniser", "entity_id",
                                "recognise_frame", "entities_table"}
    for name in ent.__all__:
        assert hasattr(ent, name), name


def test_get_recogniser_is_cached():
    assert get_recogniser() is get_recogniser()


@pytest.mark.parametrize(("raw", "norm"), [
    ("فائز", "فايز"), ("السرّاج", "السراج"), ("ألمانيا", "المانيا"), ("إسرائيل", "اسراييل"),
    ("مستشفى", "مستشفي"), ("حكومة", "حكومه"), ("عـــربي", "عربي"), ("٢٠٢٠", "2020"),
])
def test_feature_norm(raw, norm):
    assert feature_norm(raw) == norm


@pytest.mark.parametrize(("word", "split"), [
    ("والسراج", ("و", "السراج", "سراج")),
    ("ببرلين", ("ب", "برلين", "برلين")),
    ("للامم", ("ل", "لامم", "امم")),
    ("وفي", ("", "وفي", "وفي")),  # too short to split
    ("المانيا", ("", "المانيا", "مانيا")),
])
def test_split_proclitics(word, split):
    assert split_proclitics(word) == split
    assert split[0] + split[1] == word


@pytest.mark.parametrize(("word", "n"), [
    ("وحفتر", 1), ("والسراج", 1), ("ببرلين", 1), ("ولبنان", 1), ("فرنسا", 0), ("بيروت", 0),
    ("لبنان", 0), ("ليبيا", 0), ("بريطانيا", 0), ("وبريطانيا", 1), ("كابول", 0), ("للأمم", 1),
])
def test_clitic_length(word, n):
    assert clitic_length(word) == n


@pytest.mark.parametrize(("text", "canonical"), [
    ("فائز السراج", "فايز السراج"), ("فايز السرّاج", "فايز السراج"), ("الأمم المتحدة", "الامم المتحدة"),
    ("إسرائيل", "اسراييل"), ("الروسية-التركية", "الروسية التركية"), ("مصطفى", "مصطفي"),
])
def test_canonical_form(text, canonical):
    assert canonical_form(text) == canonical


def test_match_key_folds_teh_marbuta():
    assert match_key("حكومة الوفاق") == match_key("حكومه الوفاق") == ("حكومه", "الوفاق")


def test_unify_document_short_form_joins_longest_name():
    cans = unify_document([
        ("السراج", "PER"), ("فايز السراج", "PER"), ("حفتر", "PER"), ("خليفة حفتر", "PER"),
        ("حفتر", "PER"), ("المجلس الرئاسي", "ORG"), ("المجلس الرئاسي الليبي", "ORG"), ("حفتر", "LOC"),
    ])
    assert cans == ["فايز السراج", "فايز السراج", "خليفة حفتر", "خليفة حفتر", "خليفة حفتر",
                    "المجلس الرئاسي الليبي", "المجلس الرئاسي الليبي", "حفتر"]


def test_unify_document_prefers_more_words_then_frequency():
    cans = unify_document([("محمد", "PER"), ("محمد علي", "PER"), ("محمد علي", "PER"),
                           ("محمد حسن", "PER"), ("محمد علي كلاي", "PER")])
    assert cans[0] == "محمد علي كلاي"
    assert cans[3] == "محمد حسن"


def test_unify_document_does_not_join_partial_words():
    assert unify_document([("علي", "PER"), ("علياء حسن", "PER")]) == ["علي", "علياء حسن"]


def test_unify_document_leaves_an_empty_name_empty():
    # an empty canonical (nothing left of the text) used to match every longer name of its label
    assert unify_document([("", "PER"), ("فايز السراج", "PER"), ("", "PER")]) == ["", "فايز السراج", ""]


def test_entity_id_stable_and_label_sensitive():
    a = entity_id("فايز السراج", "PER")
    assert a == entity_id("فايز السراج", "PER")
    assert len(a) == 16 and int(a, 16) >= 0
    assert a != entity_id("فايز السراج", "ORG")
    assert a != entity_id("خليفة حفتر", "PER")


def test_repair_iob2():
    assert repair_iob2(["I-PER", "I-PER", "O", "B-LOC", "I-ORG"]) == ["B-PER", "I-PER", "O", "B-LOC", "B-ORG"]


@pytest.mark.parametrize("tags", [
    ["B-PER", "I-PER", "O", "B-LOC"],
    ["I-PER", "I-PER", "B-PER", "O"],
    ["O", "I-LOC", "I-ORG", "I-ORG", "B-MISC", "I-MISC"],
    ["B-LOC", "B-LOC", "I-LOC", "O", "O", "I-PER"],
    [],
])
def test_chunks_match_seqeval(tags):
    seqeval = pytest.importorskip("seqeval.metrics.sequence_labeling")
    expected = sorted((t, s, e + 1) for t, s, e in seqeval.get_entities(list(tags)))
    assert sorted(chunks(tags)) == expected


def test_score_matches_seqeval():
    metrics = pytest.importorskip("seqeval.metrics")
    gold = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O", "I-MISC"]]
    pred = [["B-PER", "O", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O", "B-MISC"]]
    r = score(gold, pred)
    assert r["precision"] == pytest.approx(metrics.precision_score(gold, pred))
    assert r["recall"] == pytest.approx(metrics.recall_score(gold, pred))
    assert r["f1"] == pytest.approx(metrics.f1_score(gold, pred))
    assert r["correct"] == 3 and r["support"] == 4 and r["predicted"] == 4
    assert r["per_label"]["PER"]["f1"] == 0.0
    assert r["per_label"]["LOC"]["f1"] == 1.0


def test_score_rejects_length_mismatch():
    with pytest.raises(ValueError):
        score([["O", "O"]], [["O"]])


def test_read_conll_maps_pers(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("قال O\nصالح B-PERS\nمحمود I-PERS\n\nفي O\nبرلين B-LOC\n", encoding="utf-8")
    assert read_conll(p) == [[("قال", "O"), ("صالح", "B-PER"), ("محمود", "I-PER")],
                             [("في", "O"), ("برلين", "B-LOC")]]


def test_gazetteer_longest_match_with_proclitic():
    g = Gazetteer({"الولايات المتحده": "LOC", "المانيا": "LOC"})
    assert g.match(["زار", "والولايات", "المتحده", "ثم", "المانيا"]) == [None, "B-LOC", "I-LOC", None, "B-LOC"]


@pytest.mark.parametrize("name", ["المانيا", "برلين", "موسكو", "طرابلس", "ليبيا", "بلجيكا", "لبنان", "القاهره"])
def test_shipped_gazetteer_has_places(name):
    assert load_gazetteer().match([name]) == ["B-LOC"]


def test_trigger_classes():
    assert trigger_class(feature_norm("واللواء")) == "PER"
    assert trigger_class(feature_norm("وزارة")) == "ORG"
    assert trigger_class(feature_norm("العاصمة")) == "LOC"
    assert trigger_class(feature_norm("السيارات")) is None


def _mentions(raw: str) -> list[EntityMention]:
    return get_recogniser().recognise(raw, tokenise(raw))


def test_multiword_person():
    ms = _mentions("قال صالح محمود إن الاجتماع انتهى.")
    assert [(m.text, m.label) for m in ms] == [("صالح محمود", "PER")]


def test_coordinated_places_keep_whole_names_and_drop_the_waw():
    raw = "زار بلجيكا ولبنان"
    ms = _mentions(raw)
    assert [(m.text, m.label, m.start_char, m.end_char) for m in ms] == [
        ("بلجيكا", "LOC", 4, 10), ("لبنان", "LOC", 12, 17)]


def test_spans_round_trip_and_exclude_proclitics():
    raw = "وصل الرئيس الفرنسي إيمانويل ماكرون إلى بيروت، واجتمع بالرئيس اللبناني ميشال عون في قصر بعبدا."
    ms = _mentions(raw)
    assert ms, "expected entities"
    for m in ms:
        assert raw[m.start_char:m.end_char] == m.text
        assert not m.text.startswith(("و", "ب")) or m.text in {"بيروت", "بعبدا"}
    labels = {m.text: m.label for m in ms}
    assert labels.get("بيروت") == "LOC"


def test_empty_inputs():
    assert get_recogniser().recognise("", []) == []
    frame = recognise_frame(pl.DataFrame({"doc_id": ["a"], "raw_text": [""]}), {"a": []})
    assert frame.height == 0
    assert list(frame.schema) == list(ent.MENTION_SCHEMA)
    assert entities_table(frame).schema == ent.ENTITIES_SCHEMA


def test_recognise_frame_and_entities_table():
    raws = {"d1": "زار بلجيكا ولبنان", "d2": "قال صالح محمود إن لبنان بلد جميل."}
    docs = pl.DataFrame({"doc_id": list(raws), "raw_text": list(raws.values())})
    frame = recognise_frame(docs, {k: tokenise(v) for k, v in raws.items()})
    assert frame.schema == ent.MENTION_SCHEMA
    assert frame.columns == ["doc_id", "mention_index", "start_char", "end_char", "text", "label",
                             "canonical", "entity_id", "sentence_index"]
    for row in frame.iter_rows(named=True):
        assert raws[row["doc_id"]][row["start_char"]:row["end_char"]] == row["text"]
        assert row["entity_id"] == entity_id(row["canonical"], row["label"])
    assert frame.filter(pl.col("doc_id") == "d1")["mention_index"].to_list() == [0, 1]
    table = entities_table(frame)
    assert table.columns == ["entity_id", "canonical", "label", "n_mentions", "n_documents"]
    lebanon = table.filter(pl.col("canonical") == "لبنان").row(0, named=True)
    assert lebanon["label"] == "LOC" and lebanon["n_mentions"] == 2 and lebanon["n_documents"] == 2
    assert table["entity_id"].is_unique().all()


def test_propagate_names_tags_repetitions_and_family_names():
    from akhbar.entities.tagger import propagate_names

    words = [["قال", "خليفة", "حفتر", "في", "طرابلس"], ["وحفتر", "زار", "طرابلس", "امس"], ["في", "اليوم"]]
    tags = [["O", "B-PER", "I-PER", "O", "B-LOC"], ["O", "O", "O", "O"], ["O", "O"]]
    out = propagate_names(words, tags)
    assert out == [["O", "B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "O", "B-LOC", "O"], ["O", "O"]]
    assert tags[1] == ["O", "O", "O", "O"]  # input untouched


def test_propagate_names_skips_ambiguous_names():
    from akhbar.entities.tagger import propagate_names

    words = [["جدة"], ["جدة"], ["جدة"], ["جدة"]]
    tags = [["B-LOC"], ["B-PER"], ["O"], ["O"]]
    assert propagate_names(words, tags)[2:] == [["O"], ["O"]]


def test_nationality_adjectives_from_place_names():
    from akhbar.entities.gazetteer import nationality_adjectives

    nat = nationality_adjectives()
    assert {"الليبي", "الليبيه", "اللبناني", "اللبنانيه", "الروسي", "المصري"} <= nat
    assert "الوطني" not in nat and "الرياسي" not in nat


def test_complete_from_gazetteer():
    from akhbar.entities.tagger import complete_from_gazetteer

    gaz = Gazetteer({"حكومه الوفاق الوطني": "ORG", "المجلس الرياسي": "ORGX", "مجلس الوزراء": "ORGO",
                     "المجلس الوطني": "ORGX"})
    words = [["بين", "حكومة", "الوفاق", "الوطني", "الليبية", "و", "مجلس", "الوزراء", "اللبناني"],
             ["رئيس", "المجلس", "الرئاسي", "الليبي", "فائز"],
             ["رئيس", "المجلس", "الرئاسي", "الليبي", "فائز"],
             ["رئيس", "المجلس", "الوطني", "فائز"]]
    tags = [["O"] * 9, ["O", "O", "B-ORG", "I-ORG", "B-PER"], ["O"] * 4 + ["B-PER"], ["O"] * 3 + ["B-PER"]]
    out = complete_from_gazetteer(words, tags, gaz)
    # a strong entry is tagged and absorbs the nationality adjective; an entry the training annotation
    # contradicts (ORGO) is not, even with a nationality adjective
    assert out[0] == ["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O", "O", "O"]
    # a weak entry gives the CRF's ORG its head back ...
    assert out[1] == ["O", "B-ORG", "I-ORG", "I-ORG", "B-PER"]
    # ... and is a name when a nationality adjective qualifies it, not on its own
    assert out[2] == ["O", "B-ORG", "I-ORG", "I-ORG", "B-PER"]
    assert out[3] == ["O", "O", "O", "B-PER"]


def test_shipped_gazetteer_is_what_the_packages_give():
    from akhbar.entities.gazetteer import GAZETTEER_PATH, build_gazetteer

    shipped = {" ".join(k): v for k, v in load_gazetteer(GAZETTEER_PATH).entries.items()}
    assert build_gazetteer() == shipped


def test_features_sport_context_and_gazetteer():
    from akhbar.entities.features import FeatureConfig, FeatureExtractor

    fx = FeatureExtractor(FeatureConfig(context=True))
    sport = fx.sentence(["فاز", "ليون", "على", "بنفيكا", "في", "الدوري"])
    plain = fx.sentence(["زار", "الوزير", "ليون"])
    assert "ctx=sport" in sport[1] and "ctx=sport|g=B-LOC" in sport[1]
    assert not any(f.startswith("ctx=") for f in plain[2])
    assert "g=B-LOC" in plain[2] and "-1:t=PER" in plain[2]
    off = FeatureExtractor(FeatureConfig(gazetteer=False, context=False)).sentence(["زار", "ليون"])
    assert not any(f.startswith(("g=", "ctx=")) for f in off[1])


def test_propagate_names_splits_a_known_person_off_an_organisation():
    from akhbar.entities.tagger import propagate_names

    words = [["رئيس", "المجلس", "الرئاسي", "فائز", "السراج"], ["قال", "فائز", "السراج"], ["التقى", "فائز", "السراج"]]
    tags = [["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG"], ["O", "B-PER", "I-PER"], ["O", "B-PER", "I-PER"]]
    assert propagate_names(words, tags)[0] == ["O", "B-ORG", "I-ORG", "B-PER", "I-PER"]


def test_read_conll_normalises_aqmar_labels(tmp_path):
    p = tmp_path / "aqmar.txt"
    p.write_text("دمشق B-LOC\nلينكس B-MIS1\nنواة I-MIS1\nغنو B-MIS-1\nجامعة I--ORG\nو IO\n", encoding="utf-8")
    assert [t for _, t in read_conll(p)[0]] == ["B-LOC", "B-MISC", "I-MISC", "B-MISC", "I-ORG", "O"]


def test_chunks_of_lists_tuples_and_arrays():
    import numpy as np

    tags = ["B-PER", "I-PER", "O", "I-LOC"]
    assert chunks(tags) == chunks(tuple(tags)) == chunks(np.array(tags)) == [("PER", 0, 2), ("LOC", 3, 4)]
    assert chunks(["O", "O"]) == chunks(np.array(["O", "O"])) == chunks([]) == []
