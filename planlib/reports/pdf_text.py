"""Make the Thai text of report PDFs copyable and searchable, not only readable.

The PDF shows Thai correctly (HarfBuzz shapes it), but a PDF reader gets the *text* back from
each font's ``ToUnicode`` map, one entry per glyph, in drawing order. Noto Sans Thai draws some
characters with several glyphs or with positional variants:

* sara am ``ำ`` is drawn as nikhahit ``ํ`` + sara aa ``า``, and HarfBuzz moves the nikhahit in
  front of a tone mark (``น้ำ`` is drawn น ํ ้ า);
* a tone mark above an upper vowel uses a smaller variant (``uni0E49.small`` in ``ขั้น``);
* nikhahit and a tone mark can be one ligature glyph (``nikhahit_maiThothai``).

:func:`finish` is the WeasyPrint *finisher* (it runs on the ``pydyf`` objects before the PDF is
written) and does two things:

1. :func:`fix_thai_to_unicode` gives every glyph of a Thai font its own characters in the
   ``ToUnicode`` map, read from the glyph's name (``uni0E49.small`` → U+0E49,
   ``nikhahit_maiThothai`` → U+0E49 U+0E4D). WeasyPrint (70) maps a glyph to the characters of
   its shaping cluster, so extra glyphs got an *empty* mapping and ``น้ำหนัก`` copied as ``นาหนัก``.
   Glyph ids are the font's own (WeasyPrint subsets with ``retain_gids`` and writes
   ``CIDToGIDMap /Identity``). Extractors that read only ``ToUnicode`` (pypdf) now get every
   mark, as ``น้ํา`` (nikhahit + sara aa: only a *compatibility* decomposition of ``ำ``, so a
   search for ``น้ำ`` still fails; :func:`searchable` folds it back for such extractors).
2. :func:`add_actual_text` wraps every Thai glyph cluster (a base glyph and the marks drawn on it)
   in a marked-content span ``/Span <</ActualText (text)>> BDC … EMC`` whose text is the cluster in
   logical Unicode order (:func:`cluster_text`), as Chromium's PDF printer (Skia) does. Viewers
   that honour ``/ActualText`` copy and search that text instead of the glyphs: ``ทำ``, ``น้ำหนัก``
   and ``ตัวชี้วัด`` are found in pdfium (Chrome, Edge) and poppler (``pdftotext``, Evince, Okular).

How the two extractors read a span, and what the rewrite does about it:

* poppler (``TextOutputDev.cc``, ``ActualText::addChar``/``end``): the glyphs inside the span
  are dropped and the text is laid evenly over the box from the first glyph's origin to the last
  glyph's advance. The base glyph is drawn first, so the box starts where the cluster does.
  Without spans poppler also breaks words at stacked marks (a mark at the x of the previous glyph
  counts as a duplicate) and sorts the pieces by x: ``ตัวชี้วัด`` came out as ``ตัวชีว้ ด ั``.
* pdfium (``core/fpdftext/cpdf_textpage.cpp``): every ``TJ`` is one text object; the objects of a
  line are *sorted by their x origin* (``ProcessTextObject``) before their text is taken. The
  first object of a span emits the whole text in its own box (``ProcessMarkedContent``); a later
  object is skipped only when the object processed just before it is in the same span
  (``PreMarkedContent``), otherwise it emits the text a second time. WeasyPrint draws a mark with
  a vertical offset as its own ``TJ`` (text rise ``Ts``) whose origin lies right of the next
  glyph's origin, so sorting by x would put the next glyph between the span's objects and
  ``ชี้`` would be copied twice. Each later ``TJ`` of a span therefore starts with the font's empty
  ``NULL`` glyph (no outline) placed 0.1/1000 em after the span's first glyph, and then moves to
  where its mark was drawn, so nothing moves on the page: sorted by x, the span's objects stay
  together and in order. The ``NULL`` glyph gets an empty ``ToUnicode`` entry, so
  extractors without ``/ActualText`` support get no text from it, and an advance of 2 em in the
  font's ``W`` array, so the way back to the mark is a leftward (positive) ``TJ`` number: a large
  negative one reads as a word space to stream-order extractors such as pypdf.

No glyph moves: poppler renders every page pixel for pixel as before. The rewritten lines also
lose WeasyPrint's empty strings ``<>`` inside ``TJ``; pdfium dropped the last adjustment of a
``TJ`` that holds one (``Handle_ShowText_Positioning`` sizes its kerning list by all strings, empty
ones included), which drew the glyphs after such a mark up to 0.07 pt off in Chrome: they are now
where poppler and the PDF specification put them. Content streams grow by about 1.5 %; the step
takes well under 0.1 s for a 15-page report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pydyf
from fontTools.ttLib import TTFont

from planlib.fonts import thai_font_path

_TONE_NAMES = {"maiEk": "\u0e48", "maiTho": "\u0e49", "maiTri": "\u0e4a", "maiChattawa": "\u0e4b"}
_ENTRY = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]*)>")
THAI_MARKS = frozenset(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
"""Thai combining marks (Unicode general category Mn): mai han-akat, upper/lower vowels, tone marks etc."""
_NIKHAHIT, _SARA_AA, _SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
_ANCHOR_SHIFT = 0.1
"""How far (1/1000 em) after a span's first glyph its later ``TJ`` objects start (see module doc)."""
_ANCHOR_WIDTH = 2000.0
"""Advance (1/1000 em) given to the anchor glyph: wider than any Thai cluster, so the way back is leftwards."""


def glyph_text(name: str) -> str | None:
    """The characters a glyph name stands for, or None when the name does not say.

    ``uni0E49`` / ``uni0E49.small`` → ``\\u0e49``; ``uni0E260E45`` → ``\\u0e26\\u0e45``;
    ``nikhahit_maiThothai`` → tone mark then nikhahit (the order of ``น้ำ`` decomposed).
    """
    base = name.split(".", 1)[0]
    match = re.fullmatch(r"uni((?:[0-9A-F]{4})+)", base)
    if match:
        hexes = match.group(1)
        return "".join(chr(int(hexes[i : i + 4], 16)) for i in range(0, len(hexes), 4))
    match = re.fullmatch(r"nikhahit_(mai[A-Za-z]+?)thai", base)
    if match and match.group(1) in _TONE_NAMES:
        return _TONE_NAMES[match.group(1)] + "\u0e4d"
    return None


@cache
def thai_glyph_texts() -> dict[int, str]:
    """Glyph id → characters for the Thai glyphs of the pip Noto Sans Thai font."""
    font = TTFont(str(thai_font_path()), lazy=True)
    out = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        text = glyph_text(name)
        if text and all("\u0e00" <= ch <= "\u0e7f" for ch in text):
            out[gid] = text
    return out


@cache
def anchor_glyph() -> int:
    """Glyph id of the Thai font's ``NULL`` glyph, which has no outline: the span anchor (see module doc)."""
    font = TTFont(str(thai_font_path()), lazy=True)
    gid = font.getGlyphID("NULL")
    if font["glyf"][font.getGlyphName(gid)].numberOfContours != 0:
        raise ValueError("the Thai font's NULL glyph has an outline; it cannot anchor ActualText spans")
    return gid


def cluster_text(texts: Sequence[str]) -> str:
    """The logical (stored) spelling of one cluster from the characters of its glyphs in drawing order.

    Drawn nikhahit ... sara aa is sara am again (``น ํ ้ า`` → ``น้ำ``: HarfBuzz's Thai shaper
    decomposes ``ำ`` and moves the nikhahit before the tone mark); the marks are then put in
    canonical order (Unicode NFC: below vowels before tone marks).
    """
    text = "".join(texts)
    if _NIKHAHIT in text[1:] and text.endswith(_SARA_AA):
        text = text[0] + text[1:-1].replace(_NIKHAHIT, "") + _SARA_AM
    return unicodedata.normalize("NFC", text)


def thai_clusters(texts: Sequence[str]) -> list[tuple[int, int, str]]:
    """Clusters of more than one glyph, as ``(start, stop, text)`` over the glyphs' characters ``texts``.

    A cluster is a glyph that is not a Thai mark, the Thai marks drawn after it and, where they
    include a nikhahit, the sara aa that completes sara am.
    """
    out = []
    i, n = 0, len(texts)
    while i < n:
        j = i + 1
        has_nikhahit = False
        while j < n:
            text = texts[j]
            if text and text[0] in THAI_MARKS:
                has_nikhahit = has_nikhahit or _NIKHAHIT in text
                j += 1
            elif text == _SARA_AA and has_nikhahit:
                j += 1
                break
            else:
                break
        if j - i > 1 and texts[i] and texts[i][0] not in THAI_MARKS:
            out.append((i, j, cluster_text(texts[i:j])))
        i = j
    return out


def _fixed_cmap(chunks: list[bytes], texts: dict[int, str]) -> tuple[list[bytes], int]:
    changed = 0

    def repl(match: re.Match[bytes]) -> bytes:
        nonlocal changed
        gid = int(match.group(1), 16)
        text = texts.get(gid)
        if text is None:
            return match.group(0)
        new = text.encode("utf-16-be").hex().encode()
        if new.lower() == match.group(2).lower():
            return match.group(0)
        changed += 1
        return b"<" + match.group(1) + b"> <" + new + b">"

    return [_ENTRY.sub(repl, chunk) if isinstance(chunk, bytes) else chunk for chunk in chunks], changed


def _is_thai_font(font: dict[str, Any]) -> bool:
    base = font.get("BaseFont", b"")
    base = base.decode() if isinstance(base, bytes) else str(base)
    return "Noto-Sans-Thai" in base or "NotoSansThai" in base


def fix_thai_to_unicode(document: Any, pdf: Any) -> int:
    """WeasyPrint finisher step: rewrite the ``ToUnicode`` maps of the Thai fonts (see module doc).

    Only fonts whose ``BaseFont`` names Noto Sans Thai are touched; Latin fallback fonts keep
    WeasyPrint's map. Returns how many glyph entries were changed.
    """
    texts = thai_glyph_texts()
    streams = {getattr(obj, "reference", None): obj for obj in pdf.objects if hasattr(obj, "stream")}
    changed = 0
    for obj in pdf.objects:
        if not isinstance(obj, dict) or "ToUnicode" not in obj or not _is_thai_font(obj):
            continue
        stream = streams.get(obj["ToUnicode"])
        if stream is None:
            continue
        stream.stream, n = _fixed_cmap(list(stream.stream), texts)
        changed += n
    return changed


@dataclass
class _Font:
    """What the span rewrite needs of one Thai PDF font: glyph characters and advance widths (1/1000 em)."""

    texts: dict[int, str] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)


def _widths(array: Sequence[Any]) -> dict[int, float]:
    """A CIDFont ``W`` array (``first [w1 w2 …]`` and ``first last w`` groups) as glyph id → width."""
    out: dict[int, float] = {}
    i = 0
    while i + 1 < len(array):
        first, nxt = int(array[i]), array[i + 1]
        if isinstance(nxt, list):
            out.update((first + k, float(w)) for k, w in enumerate(nxt))
            i += 2
        else:
            out.update((gid, float(array[i + 2])) for gid in range(first, int(nxt) + 1))
            i += 3
    return out


def _width_array(widths: dict[int, float]) -> Any:
    out = pydyf.Array()
    group: Any = None
    for gid in sorted(widths):
        if group is None or gid - 1 not in widths:
            group = pydyf.Array()
            out.extend([gid, group])
        group.append(round(widths[gid], 3))
    return out


def _before_endcmap(stream: Any, lines: list[bytes]) -> None:
    index = next((i for i, c in enumerate(stream.stream) if isinstance(c, bytes) and c.startswith(b"endcmap")), None)
    if index is not None:
        stream.stream[index:index] = lines


def _thai_fonts(pdf: Any) -> dict[bytes, _Font]:
    """Resource name (``/ABCDEF`` in ``Tf``) → the Thai fonts, each prepared to draw the anchor glyph.

    The anchor glyph gets a 2 em advance in ``W``, an empty ``ToUnicode`` entry and, where WeasyPrint
    wrote its own encoding CMap (a font with missing glyphs), an entry there.
    """
    by_ref = {obj.reference: obj for obj in pdf.objects if getattr(obj, "number", None) is not None}
    anchor = anchor_glyph()
    by_font: dict[bytes, _Font] = {}
    for ref, obj in by_ref.items():
        if not isinstance(obj, dict) or obj.get("Subtype") != "/Type0" or not _is_thai_font(obj):
            continue
        cid_font = by_ref.get(obj.get("DescendantFonts", [None])[0])
        to_unicode = by_ref.get(obj.get("ToUnicode"))
        if cid_font is None or to_unicode is None:
            continue
        font = _Font(widths=_widths(cid_font.get("W", [])))
        for chunk in to_unicode.stream:
            if isinstance(chunk, bytes):
                for match in _ENTRY.finditer(chunk):
                    font.texts[int(match.group(1), 16)] = bytes.fromhex(match.group(2).decode()).decode("utf-16-be")
        if font.widths.get(anchor) != _ANCHOR_WIDTH:
            font.widths[anchor] = _ANCHOR_WIDTH
            cid_font["W"] = _width_array(font.widths)
        _before_endcmap(to_unicode, [b"1 beginbfchar", b"<%04x> <>" % anchor, b"endbfchar"])
        encoding = by_ref.get(obj.get("Encoding"))
        if encoding is not None:
            _before_endcmap(encoding, [b"1 begincidchar", b"<%04x> %d" % (anchor, anchor), b"endcidchar"])
        by_font[ref] = font
    names: dict[bytes, _Font] = {}
    for obj in pdf.objects:  # the resources' /Font dictionary: name used by Tf → font reference
        if isinstance(obj, dict):
            for key, value in obj.items():
                if isinstance(value, bytes) and value in by_font:
                    names[str(key).encode()] = by_font[value]
    return names


_TOKEN = re.compile(rb"<([0-9a-fA-F]*)>|([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))")
_TJ = re.compile(rb"\[(?:\s*(?:<[0-9a-fA-F]*>|[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)))*\s*\] TJ")
"""A ``TJ`` this module can rewrite: hex glyph strings and plain PDF numbers only."""


def _number(value: float) -> bytes:
    text = b"%.3f" % value
    return text.rstrip(b"0").rstrip(b".") if b"." in text else text


def _span_open(text: str) -> bytes:
    return b"/Span <</ActualText <FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">>> BDC"


def _rewrite_run(run: list[bytes], font: _Font, anchor: int) -> tuple[list[bytes], int]:
    """One line's ``TJ``/``Ts`` operators with each Thai cluster in an ActualText span; and the span count.

    Positions are tracked in 1/1000 em of the current font size, as ``TJ`` numbers are: a glyph
    advances the pen by its ``W`` width, a number ``n`` moves it by ``-n``.
    """
    tokens: list[tuple[str, Any]] = []  # ("g", glyph id) | ("n", number bytes) | ("op", Ts operator)
    for chunk in run:
        if not chunk.endswith(b"TJ"):
            tokens.append(("op", chunk))
            continue
        if not _TJ.fullmatch(chunk):  # e.g. a number in exponent notation: leave the line as it is
            return run, 0
        for match in _TOKEN.finditer(chunk, 1, chunk.rindex(b"]")):
            hexes = match.group(1)
            if hexes is None:
                tokens.append(("n", match.group(2)))
            else:
                tokens.extend(("g", int(hexes[i : i + 4], 16)) for i in range(0, len(hexes), 4))
    glyph_tokens = [k for k, (kind, _) in enumerate(tokens) if kind == "g"]
    clusters = thai_clusters([font.texts.get(tokens[k][1], "") for k in glyph_tokens])
    if not clusters:
        return run, 0
    opens = {glyph_tokens[start]: text for start, _, text in clusters}
    closes = {glyph_tokens[stop - 1] for _, stop, _ in clusters}
    out: list[bytes] = []
    parts: list[bytes] = []
    pen = segment_pen = 0.0
    span_origin: float | None = None
    span_has_object = False

    def flush() -> None:
        nonlocal segment_pen, span_has_object
        if parts:
            has_glyph = any(part.startswith(b"<") for part in parts)
            if span_origin is not None and has_glyph:
                if span_has_object:  # start this TJ object just after the span's first glyph (module doc)
                    to_anchor = _number(segment_pen - span_origin - _ANCHOR_SHIFT)
                    back = _number(_ANCHOR_WIDTH - float(to_anchor))  # from the printed value: no drift
                    parts[:0] = [to_anchor, b"<%04x>" % anchor, back]
                span_has_object = True
            out.append(b"[" + b" ".join(parts) + b"] TJ")
            parts.clear()
        segment_pen = pen

    for k, (kind, value) in enumerate(tokens):
        if k in opens:
            flush()
            out.append(_span_open(opens[k]))
            span_origin, span_has_object = pen, False
        if kind == "g":
            parts.append(b"<%04x>" % value)
            pen += font.widths.get(value, 1000.0)
        elif kind == "n":
            parts.append(value)
            pen -= float(value)
        else:
            flush()
            out.append(value)
        if k in closes:
            flush()
            out.append(b"EMC")
            span_origin = None
    flush()
    return out, len(clusters)


def add_actual_text(document: Any, pdf: Any) -> int:
    """WeasyPrint finisher step: an ActualText span around every Thai glyph cluster (see module doc).

    Rewrites the text-showing operators of every content stream drawn in a Noto Sans Thai font;
    other fonts and all other operators are kept as they are. Returns the number of spans.
    """
    fonts = _thai_fonts(pdf)
    if not fonts:
        return 0
    anchor = anchor_glyph()
    spans = 0
    for obj in pdf.objects:
        chunks = getattr(obj, "stream", None)
        if not isinstance(chunks, list):
            continue
        new: list[Any] = []
        run: list[bytes] = []  # the TJ and Ts operators of one line in a Thai font
        font: _Font | None = None
        for chunk in [*chunks, None]:
            if font is not None and isinstance(chunk, bytes) and chunk.endswith((b"] TJ", b" Ts")):
                run.append(chunk)
                continue
            if run and font is not None:  # font is set whenever run is not empty
                rewritten, n = _rewrite_run(run, font, anchor)
                new.extend(rewritten)
                spans, run = spans + n, []
            if isinstance(chunk, bytes) and chunk.endswith(b" Tf"):
                font = fonts.get(chunk.split()[0].lstrip(b"/"))
            if chunk is not None:
                new.append(chunk)
        obj.stream = new
    return spans


def finish(document: Any, pdf: Any) -> None:
    """The WeasyPrint finisher of report PDFs: per-glyph ``ToUnicode`` fix, then ActualText spans."""
    fix_thai_to_unicode(document, pdf)
    add_actual_text(document, pdf)


def searchable(text: str) -> str:
    """Fold the per-glyph spelling of sara am back to ``ำ``, for extractors that ignore ActualText (pypdf).

    Such readers return the drawn glyphs in drawing order: nikhahit, an optional tone mark, sara aa
    (``นํ้า``). The stored spelling is the tone mark then ``ำ`` (``น้ำ``).
    """
    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text)
