"""``akhbar evaluate ner FILE.conll``: score the pipeline's recogniser on a labelled CoNLL file.

How: the file's sentences are cut into pseudo-documents of
:data:`akhbar.entities.train.DOC_SENTENCES` sentences (ANERcorp has no article boundaries; training uses the
same blocks). Each document's raw text is the tokens joined by one space, sentences by a line break; it
goes through the same path as the pipeline (:func:`akhbar.tokenise.tokenise`, then
``get_recogniser().recognise``). Mentions are mapped back to the file's tokens through their character
spans: the token holding a mention's first character gets ``B-``, the other tokens it overlaps ``I-``. So a
mention that leaves a proclitic outside (``و`` of ``وحفتر``) still marks the CoNLL token ``وحفتر``, as the
ANERcorp annotation does.

Scoring: CoNLL exact span, seqeval's definition (default/conlleval mode) on IOB2
(:func:`akhbar.entities.scoring.score`): micro and per-label precision, recall, F1. Orphan ``I-X`` tags in
the gold file (after ``O`` or another label) start a new entity, as in conlleval and seqeval; they are not
dropped or merged.
"""

from __future__ import annotations

import json
from pathlib import Path

from akhbar.entities.crf import read_conll
from akhbar.entities.recogniser import Recogniser, get_recogniser
from akhbar.entities.scoring import score

__all__ = ["evaluate_conll", "format_report", "tag_conll_document"]


def tag_conll_document(recogniser: Recogniser, sentences: list[list[str]]) -> list[list[str]]:
    """Run the pipeline path on pre-tokenised sentences and return IOB2 tags per given token.

    Args:
        recogniser: the recogniser to run.
        sentences: the words of each sentence of one document.
    Returns:
        one tag per word, same shape as ``sentences``.
    """
    from akhbar.tokenise import tokenise

    spans: list[list[tuple[int, int]]] = []
    parts: list[str] = []
    pos = 0
    for k, sent in enumerate(sentences):
        if k:
            parts.append("\n")
            pos += 1
        row = []
        for j, w in enumerate(sent):
            if j:
                parts.append(" ")
                pos += 1
            row.append((pos, pos + len(w)))
            parts.append(w)
            pos += len(w)
        spans.append(row)
    raw = "".join(parts)
    tags = [["O"] * len(s) for s in sentences]
    flat = [(si, wi, s, e) for si, row in enumerate(spans) for wi, (s, e) in enumerate(row)]
    mentions = recogniser.recognise(raw, tokenise(raw))
    k = 0
    for m in mentions:
        while k < len(flat) and flat[k][3] <= m.start_char:
            k += 1
        j = k
        first = True
        while j < len(flat) and flat[j][2] < m.end_char:
            si, wi, _, _ = flat[j]
            if tags[si][wi] == "O":
                tags[si][wi] = ("B-" if first else "I-") + m.label
            first = False
            j += 1
    return tags


def evaluate_conll(path: str | Path, recogniser: Recogniser | None = None) -> dict:
    """Score the recogniser on a CoNLL file (``token TAG`` lines, BIO tags; PERS counts as PER).

    Args:
        path: the CoNLL file.
        recogniser: default: the shipped one (what the pipeline runs).
    Returns:
        the :func:`akhbar.entities.scoring.score` result (fractions in [0, 1]) plus ``file``,
        ``sentences`` and ``tokens``.
    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: on a malformed line.
    """
    from akhbar.entities.train import pseudo_documents

    rec = recogniser or get_recogniser()
    sents = read_conll(path)
    gold: list[list[str]] = []
    pred: list[list[str]] = []
    for doc in pseudo_documents(sents):
        words = [[w for w, _ in s] for s in doc]
        pred.extend(tag_conll_document(rec, words))
        gold.extend([t for _, t in s] for s in doc)
    result = score(gold, pred)
    result.update({"file": str(path), "sentences": len(sents), "tokens": sum(map(len, sents))})
    return result


def format_report(result: dict) -> str:
    """Human-readable report of :func:`evaluate_conll`; the last line is a JSON object.

    The table gives percentages; the final line ``{"precision": .., "recall": .., "f1": ..}`` gives micro
    averages as fractions in [0, 1], rounded to 4 decimals.
    """
    lines = [
        f"file: {result.get('file', '?')}  sentences: {result.get('sentences', '?')}  "
        f"tokens: {result.get('tokens', '?')}",
        "CoNLL exact-span match (seqeval default mode, IOB2; an orphan I-X starts a new entity)",
        f"{'label':<6} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6} {'pred':>6}",
    ]
    for lab, r in result["per_label"].items():
        lines.append(f"{lab:<6} {100 * r['precision']:7.2f} {100 * r['recall']:7.2f} {100 * r['f1']:7.2f} "
                     f"{r['support']:6d} {r['predicted']:6d}")
    lines.append(f"{'micro':<6} {100 * result['precision']:7.2f} {100 * result['recall']:7.2f} "
                 f"{100 * result['f1']:7.2f} {result['support']:6d} {result['predicted']:6d}")
    lines.append(json.dumps({k: round(result[k], 4) for k in ("precision", "recall", "f1")}))
    return "\n".join(lines)
