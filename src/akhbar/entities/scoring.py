"""CoNLL exact-span scoring (precision, recall, F1; micro and per label).

Definition: seqeval's default (conlleval) mode on IOB2 tags. A predicted entity counts as correct only
if a gold entity has the same label and exactly the same token span. Orphan ``I-X`` tags (after ``O`` or
after another label) start a new entity, in gold and prediction alike (:func:`akhbar.entities.crf.chunks`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from akhbar.entities.crf import chunks

__all__ = ["score"]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": n_gold, "predicted": n_pred, "correct": tp}


def score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Score predicted tag sequences against gold ones.

    Args:
        gold: per sentence, the gold IOB2 tags.
        pred: per sentence, the predicted tags (same lengths as ``gold``).
    Returns:
        ``{"precision", "recall", "f1", "support", "predicted", "correct", "per_label": {label: {...}}}``;
        precision/recall/F1 are fractions in [0, 1].
    Raises:
        ValueError: if the sentence counts or lengths differ.

    >>> score([["B-PER", "I-PER", "O"]], [["B-PER", "I-PER", "O"]])["f1"]
    1.0
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    tp: Counter[str] = Counter()
    ng: Counter[str] = Counter()
    npred: Counter[str] = Counter()
    for k, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise ValueError(f"sentence {k}: {len(g)} gold tags but {len(p)} predicted")
        gs = set(chunks(g))
        ps = set(chunks(p))
        for lab, _, _ in gs:
            ng[lab] += 1
        for lab, _, _ in ps:
            npred[lab] += 1
        for lab, _, _ in gs & ps:
            tp[lab] += 1
    result = _prf(sum(tp.values()), sum(npred.values()), sum(ng.values()))
    result["per_label"] = {lab: _prf(tp[lab], npred[lab], ng[lab]) for lab in sorted(ng | npred)}
    return result
