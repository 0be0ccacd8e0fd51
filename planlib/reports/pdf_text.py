"""Make the Thai text of report PDFs copyable and searchable, not only readable.

The PDF shows Thai correctly (HarfBuzz shapes it), but a PDF reader gets the *text* back from
each font's ``ToUnicode`` map, one entry per glyph. Noto Sans Thai draws some characters with
several glyphs or with positional variants:

* sara am ``ำ`` is drawn as nikhahit ``ํ`` + sara aa ``า`` (so it can sit above a tone mark);
* a tone mark above an upper vowel uses a smaller variant (``uni0E49.small`` in ``ขั้น``);
* nikhahit and a tone mark can be one ligature glyph (``nikhahit_maiThothai``).

WeasyPrint (70) maps a glyph to the characters of its shaping cluster, so when a cluster has
more glyphs than characters the extra glyphs get an *empty* mapping, and a reader copies
``น้ำหนัก`` as ``นาหนัก`` and ``ขั้น`` as ``ขัน``. :func:`fix_thai_to_unicode` is a WeasyPrint
*finisher*: before the PDF is written it gives every glyph of a Thai font its own characters,
read from the glyph's name in the font (``uni0E49.small`` → U+0E49, ``uni0E260E45`` → ฦๅ,
``nikhahit_maiThothai`` → U+0E49 U+0E4D). Glyph ids are the font's own (WeasyPrint subsets
with ``retain_gids`` and writes ``CIDToGIDMap /Identity``). Text then extracts as
``น้ํา`` (nikhahit + sara aa, the canonical-equivalent spelling a reader shows identically)
instead of losing characters; :func:`searchable` folds it back to ``ำ`` for comparisons.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_TONE_NAMES = {"maiEk": "\u0e48", "maiTho": "\u0e49", "maiTri": "\u0e4a", "maiChattawa": "\u0e4b"}
_ENTRY = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]*)>")


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
    from fontTools.ttLib import TTFont

    from planlib import charts

    font = TTFont(str(charts.thai_font_path()), lazy=True)
    out = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        text = glyph_text(name)
        if text and all("\u0e00" <= ch <= "\u0e7f" for ch in text):
            out[gid] = text
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


def fix_thai_to_unicode(document: Any, pdf: Any) -> int:
    """WeasyPrint finisher: rewrite the ``ToUnicode`` maps of the Thai fonts (see module doc).

    Only fonts whose ``BaseFont`` names Noto Sans Thai are touched; Latin fallback fonts keep
    WeasyPrint's map. Returns how many glyph entries were changed.
    """
    texts = thai_glyph_texts()
    streams = {getattr(obj, "reference", None): obj for obj in pdf.objects if hasattr(obj, "stream")}
    changed = 0
    for obj in pdf.objects:
        if not isinstance(obj, dict) or "ToUnicode" not in obj:
            continue
        base = obj.get("BaseFont", b"")
        base = base.decode() if isinstance(base, bytes) else str(base)
        if "Noto-Sans-Thai" not in base and "NotoSansThai" not in base:
            continue
        stream = streams.get(obj["ToUnicode"])
        if stream is None:
            continue
        stream.stream, n = _fixed_cmap(list(stream.stream), texts)
        changed += n
    return changed


def searchable(text: str) -> str:
    """Fold the extracted spelling of sara am back to ``ำ``, for comparing PDF text with the data.

    Readers return the drawn glyphs in drawing order: nikhahit, an optional tone mark, sara aa
    (``นํ้า``). The stored spelling is the tone mark then ``ำ`` (``น้ำ``).
    """
    return re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text)
