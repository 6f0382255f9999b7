"""Offset maps between a raw text and its normalised form.

Every later stage matches on normalised text but reports spans in the raw text (code points, half-open
``[start, end)``, spaCy's ``char_span`` convention). :class:`Normalised` carries both strings and a compact
alignment between them.

Alignment model
---------------
Normalisation works on small raw units (a grapheme cluster: one base character and the combining marks or
tatweel attached to it; an HTML character reference; one invisible character). A unit whose output has the
same length as its input and maps character for character is *regular* and is not recorded. Every other unit
is an *edit*: raw range ``[rs, re)`` -> normalised range ``[ns, ne)``:

- a base letter plus deleted marks (``رُ`` -> ``ر``): all of ``[rs, re)`` belongs to the one output letter, so a
  span ending on that letter ends after its marks;
- a deleted character (tatweel alone, an invisible or bidi control): ``ns == ne``, maps to nothing;
- an expansion (lam-alef ligature U+FEFB -> ``لا``, U+FDFD -> four words): every output character maps back
  to the whole raw unit;
- an HTML character reference (``&quot;`` -> ``"``): the output maps back to the whole reference.

Between edits the two texts advance in lock step. Edits are stored as four sorted integer lists and looked up
with :func:`bisect.bisect_right`, so a lookup costs ``O(log n_edits)`` and a document with no edits costs
nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from akhbar.errors import AlignmentError

__all__ = ["Normalised"]


@dataclass(frozen=True, slots=True)
class Normalised:
    """A raw text, its normalised form and the alignment between them.

    Attributes:
        raw: the text exactly as given (never changed).
        text: the normalised text.

    The edit lists (``raw_starts``, ``raw_ends``, ``norm_starts``, ``norm_ends``) are sorted and
    non-overlapping; see the module docstring for their meaning. Build instances with
    :func:`akhbar.normalise.normalise`, not by hand.

    >>> from akhbar.normalise import normalise
    >>> n = normalise("قَالَ")
    >>> n.text, n.to_raw_span(0, 3), n.raw[slice(*n.to_raw_span(2, 3))]
    ('قال', (0, 5), 'لَ')
    """

    raw: str
    text: str
    raw_starts: list[int] = field(default_factory=list, repr=False)
    raw_ends: list[int] = field(default_factory=list, repr=False)
    norm_starts: list[int] = field(default_factory=list, repr=False)
    norm_ends: list[int] = field(default_factory=list, repr=False)

    @property
    def n_edits(self) -> int:
        """Number of non-trivial edits (0 when ``text`` equals ``raw`` character for character)."""
        return len(self.raw_starts)

    def char_to_raw(self, i: int) -> tuple[int, int]:
        """Raw range ``[start, end)`` of normalised character ``i`` (code points).

        Raises:
            AlignmentError: ``i`` is not in ``range(len(text))``.
        """
        if not 0 <= i < len(self.text):
            raise AlignmentError(f"normalised index {i} outside 0..{len(self.text) - 1}")
        k = bisect_right(self.norm_starts, i) - 1
        if k < 0:
            return i, i + 1
        if i < self.norm_ends[k]:
            return self.raw_starts[k], self.raw_ends[k]
        r = self.raw_ends[k] + (i - self.norm_ends[k])
        return r, r + 1

    def _raw_pos(self, i: int) -> int:
        """Raw position of the boundary before normalised character ``i`` (``i`` may equal len(text))."""
        if i == len(self.text):
            k = len(self.norm_starts) - 1
            if k < 0:
                return len(self.raw)
            return self.raw_ends[k] + (i - self.norm_ends[k]) if i >= self.norm_ends[k] else self.raw_starts[k]
        return self.char_to_raw(i)[0]

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span ``[start, end)`` to the raw span that produced it.

        The raw span runs from the first raw code point of character ``start`` to the last raw code point of
        character ``end - 1`` (so marks and tatweel attached to the last letter are included; deleted
        characters strictly between are included too). Normalising the returned raw slice gives back
        ``text[start:end]`` (property-tested). An empty span maps to an empty raw span at the raw position of
        ``start``.

        Args:
            start, end: normalised offsets, code points, ``0 <= start <= end <= len(text)``.

        Returns:
            ``(raw_start, raw_end)``, code points of ``raw``.

        Raises:
            AlignmentError: the span is outside the normalised text or reversed.
        """
        if not 0 <= start <= end <= len(self.text):
            raise AlignmentError(f"normalised span ({start}, {end}) outside 0..{len(self.text)}")
        if not self.norm_starts:
            return start, end
        if start == end:
            p = self._raw_pos(start)
            return p, p
        return self.char_to_raw(start)[0], self.char_to_raw(end - 1)[1]

    def _raw_char_to_norm(self, r: int) -> tuple[int, int]:
        """Normalised range ``[start, end)`` produced by the raw unit containing raw character ``r``."""
        k = bisect_right(self.raw_starts, r) - 1
        if k < 0:
            return r, r + 1
        if r < self.raw_ends[k]:
            return self.norm_starts[k], self.norm_ends[k]
        n = self.norm_ends[k] + (r - self.raw_ends[k])
        return n, n + 1

    def to_norm_span(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """Map a raw span ``[raw_start, raw_end)`` forward to the normalised span it produces.

        A raw span that cuts a unit (a letter and its marks, an HTML reference, a ligature) is widened to
        the whole unit's output. A raw span made only of deleted characters maps to an empty span.

        Args:
            raw_start, raw_end: raw offsets, code points, ``0 <= raw_start <= raw_end <= len(raw)``.

        Returns:
            ``(start, end)`` in ``text``.

        Raises:
            AlignmentError: the span is outside the raw text or reversed.
        """
        if not 0 <= raw_start <= raw_end <= len(self.raw):
            raise AlignmentError(f"raw span ({raw_start}, {raw_end}) outside 0..{len(self.raw)}")
        if not self.raw_starts:
            return raw_start, raw_end
        if raw_start == len(self.raw):
            return len(self.text), len(self.text)
        start = self._raw_char_to_norm(raw_start)[0]
        if raw_end == raw_start:
            return start, start
        end = self._raw_char_to_norm(raw_end - 1)[1]
        return start, max(start, end)
