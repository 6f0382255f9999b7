"""Bounded per-word-form caches of the text stages, and the one setting that sizes them.

Tokenising and tagging compute the same things for the same word forms again and again (news vocabulary
is Zipfian: a few tens of thousands of forms make up most tokens), so several per-form functions are
memoised: proclitic splits, word views, the tokeniser's segmentation key, gazetteer first words (at most
this many entries each) and the CRF tagger's per-word vectors (twice this many). Every text worker process
holds its own copies, so this one number trades memory for CPU. It is read once per process, at import,
from the environment variable ``AKHBAR_WORD_CACHE_SIZE`` (worker processes inherit it).

Functions that are cheaper to recompute than to look up (``feature_norm``, a ``str.translate``) or that
are rarely asked twice (affix features: a third of calls hit) are not cached. Sizes and their cost in RSS
and CPU, measured on the scale corpus: ``docs/scaling.md``, "Session 3".
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TypeVar

__all__ = ["WORD_CACHE_SIZE", "DEFAULT_WORD_CACHE_SIZE", "word_cache", "clear_word_caches"]

F = TypeVar("F", bound=Callable)

#: Entries per cache when ``AKHBAR_WORD_CACHE_SIZE`` is not set. 40,000 since session 5: with the CRF
#: tagger's cache keeping its most used words, the whole scale corpus ran with a 65 MiB lower peak and 1%
#: more worker CPU than with 50,000 (docs/scaling.md, "Session 5").
DEFAULT_WORD_CACHE_SIZE = 40_000


def _read_size() -> int:
    raw = os.environ.get("AKHBAR_WORD_CACHE_SIZE", "").strip()
    if not raw:
        return DEFAULT_WORD_CACHE_SIZE
    # parsed exactly as the settings parse it (pydantic), so a value the CLI accepts never fails here
    from pydantic import PositiveInt, TypeAdapter, ValidationError

    try:
        return TypeAdapter(PositiveInt).validate_python(raw)
    except ValidationError:
        raise ValueError(f"AKHBAR_WORD_CACHE_SIZE must be a whole number of entries (at least 1), not {raw!r}") from None


#: Entries per per-word-form cache in this process.
WORD_CACHE_SIZE: int = _read_size()

_registry: list[Callable] = []


def word_cache(fn: F) -> F:
    """Memoise a function of one word form (or a few strings) in an LRU cache of WORD_CACHE_SIZE entries."""
    cached = functools.lru_cache(maxsize=WORD_CACHE_SIZE)(fn)
    _registry.append(cached)
    return cached  # type: ignore[return-value]


def clear_word_caches() -> None:
    """Empty every cache made by :func:`word_cache` (not the per-object caches of taggers and gazetteers)."""
    for fn in _registry:
        fn.cache_clear()  # type: ignore[attr-defined]
