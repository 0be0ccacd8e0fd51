"""Executed notebook → self-contained HTML (no code, no prompts) and an A4 PDF with the Thai font.

HTML: nbconvert's ``basic`` template (cells only, no require.js, MathJax or widget loaders from a
CDN), with inputs and prompts excluded (``--no-input`` equivalent; feasibility.md pitfall 6),
stderr streams and JavaScript/widget outputs dropped, images embedded as ``data:`` URIs, and the
house stylesheet ``report.css`` plus the Noto Sans Thai font embedded inline. Nothing is
fetched when the page opens: :func:`external_references` must find nothing.

PDF: WeasyPrint (pip only, no apt step) on the same body, A4, with an ``@font-face`` that points
at the pip font file (:func:`planlib.charts.thai_font_path`). The same ``FontConfiguration`` is
passed to the ``CSS`` and to ``write_pdf``; without it the font is silently ignored and Thai
prints as boxes (feasibility.md pitfall 4). WeasyPrint shapes with HarfBuzz, embeds the font
subset and keeps the text extractable.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import copy
import hashlib
import html
import io
import logging
import os
import re
import shutil
import tempfile
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any

import fontTools
from fontTools.ttLib import TTFont

from planlib.fonts import THAI_FONT_FAMILY, thai_font_path
from planlib.reports import pdf_text

CSS_PATH = Path(__file__).with_name("report.css")
_DROP_MIME = (
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)


def _clean_notebook(nb: Any) -> Any:
    """A copy of the notebook ready for a reader: no stderr, no scripts or widget state."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            data = out.get("data")
            if data is not None:
                for mime in _DROP_MIME:
                    data.pop(mime, None)
                if not data:
                    continue
            kept.append(out)
        cell.outputs = kept
    return nb


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter  # heavy: only when a notebook is exported

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )


def body_html(nb: Any) -> str:
    """The report body: cell outputs and markdown as HTML, without code or prompts."""
    body, _ = _exporter().from_notebook_node(_clean_notebook(nb))
    return _strip_external(body)


_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=[^>]*>\s*</script>", re.I)
_LINK_EXT = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I)


def _strip_external(text: str) -> str:
    return _LINK_EXT.sub("", _SCRIPT_SRC.sub("", text))


def external_references(text: str) -> list[str]:
    """Every ``src``/``href`` of a page element that would fetch from the network when opened.

    Plain hyperlinks (``<a href>``) are navigation, not fetches, and are not listed.
    """
    refs = re.findall(r"<(?!a\b)[a-z]+\b[^>]*\b(?:src|href)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", text, re.I)
    refs += re.findall(r"url\(\s*[\"']?((?:https?:)?//[^)\"']+)", text, re.I)
    refs += re.findall(r"@import\s+[\"']((?:https?:)?//[^\"']+)", text, re.I)
    return refs


@cache
def _stylesheet() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


@cache
def _embedded_font_face() -> str:
    data = base64.b64encode(thai_font_path().read_bytes()).decode("ascii")
    return (
        f"@font-face {{ font-family: '{THAI_FONT_FAMILY}'; font-weight: 100 900; "
        f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
    )


def page(body: str, *, title: str, subtitle: str = "", embed_font: bool = True) -> str:
    """A complete HTML document around ``body``: title, stylesheet and (optionally) the embedded font."""
    fonts = _embedded_font_face() if embed_font else ""
    head = f"<p class='report-kicker'>{html.escape(title)}</p>"
    if subtitle:
        head += f"<p class='report-subtitle'>{html.escape(subtitle)}</p>"
    return (
        "<!DOCTYPE html>\n<html lang='th'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{fonts}\n{_stylesheet()}\n</style>\n</head>\n"
        f"<body>\n<header>{head}</header>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def notebook_html(nb: Any, *, title: str, subtitle: str = "") -> str:
    """Self-contained HTML of an executed notebook (font and images inline, no code)."""
    return page(body_html(nb), title=title, subtitle=subtitle, embed_font=True)


STATIC_WEIGHTS = (400, 600, 700)
"""Weights of the Thai font the house style uses (text, ``600`` captions and labels, bold): each is a static
instance of the variable font made once and kept on disk (:func:`static_thai_font`)."""
OTHER_WEIGHTS = (100, 200, 300, 500, 800, 900)
"""The other CSS weights: rare in reports (a notebook's own styling), drawn from the variable font as before."""


def font_cache_dir() -> Path:
    """Where static font instances are kept: ``$XDG_CACHE_HOME/planlib/fonts`` (``~/.cache/planlib/fonts``)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "planlib" / "fonts"


@cache
def _private_font_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="planlib-fonts-"))


@cache
def static_thai_font(weight: int) -> Path:
    """A static instance of the variable Noto Sans Thai at ``weight`` (``wdth`` at its default 100), as a file.

    WeasyPrint turns a variable font into a static one for every weight a PDF uses, in every PDF: about
    2 s per weight of fontTools' instancer (issue 16). The instance is the same every time, so it is made
    once per machine, keyed by the font file's sha256 and the fontTools version, written atomically
    (temporary file, then ``os.replace``) and reused by every worker; where the cache folder cannot be
    written, once per process in a private temporary folder. Outlines and glyph ids are the instancer's,
    what WeasyPrint embedded before (``fontTools.varLib.instancer``, ``static=True``); HarfBuzz now shapes
    with the instance's whole-unit anchors instead of the variable font's fractional ones, so a stacked
    mark at weight 600 may sit a fraction of a point off. The text of every shipped report's PDF, as pdfium
    and poppler extract it, is the same page for page (tests/reports/test_render.py checks a sample).
    """
    source = thai_font_path()
    data = source.read_bytes()
    key = f"{hashlib.sha256(data).hexdigest()[:16]}-fonttools{fontTools.version}"
    name = f"NotoSansThai-{key}-wght{weight}.ttf"
    for where in (font_cache_dir, _private_font_dir):
        target = where() / name
        if target.is_file() and target.stat().st_size > 0:
            return target
        temp = target.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # heavy (0.7 s to import, part of WeasyPrint's stack): only when an instance is not on disk yet
            from fontTools.varLib.instancer import instantiateVariableFont

            font = instantiateVariableFont(TTFont(io.BytesIO(data)), {"wght": weight, "wdth": 100}, static=True)
            font.save(str(temp))
            os.replace(temp, target)
            return target
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()
            continue
    raise OSError(f"no folder to keep a static instance of {source.name} in")


def pdf_font_faces() -> str:
    """``@font-face`` rules of the Thai font for PDFs: static instances for :data:`STATIC_WEIGHTS`, the variable
    font itself for each of :data:`OTHER_WEIGHTS`."""
    rules = []
    for weight in sorted(STATIC_WEIGHTS + OTHER_WEIGHTS):
        path = static_thai_font(weight) if weight in STATIC_WEIGHTS else thai_font_path()
        src = f"url('{path.as_uri()}')"
        rules.append(f"@font-face {{ font-family: '{THAI_FONT_FAMILY}'; font-weight: {weight}; src: {src}; }}")
    return "\n".join(rules)


SUBSET_MEMO_SIZE = 64
"""Font subsets a process keeps (each a few tens of kB): the symbols a template draws from its fallback font (✓,
→ from DejaVu Sans) are the same in every report, and a rerun of a report uses the same glyphs again."""


FONT_SUBSETS: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
"""The subsets kept by :func:`share_font_subsets`: (sha256 of the font, index, glyph ids, hinting, notdef) → bytes."""


def share_font_subsets() -> bool:
    """Let WeasyPrint reuse a font subset it already made in this process, byte for byte; False when not possible.

    WeasyPrint subsets every embedded font in every PDF with fontTools (HarfBuzz's subsetter is not in the pip
    wheels), and fontTools reads the whole font each time: 0.3–1.5 s for DejaVu Sans, the fallback for a
    single ✓ or →. A subset depends only on the font's bytes, its index in the file, the glyph ids kept, and
    the hinting and ``.notdef`` options, so the result is kept under exactly those (sha256 of the bytes) and
    handed back when the same subset is asked for again. Nothing else of WeasyPrint changes.
    """
    from weasyprint.pdf.fonts import Font  # heavy: only when a PDF is written

    original = getattr(Font, "subset", None)
    if original is None:
        return False
    if getattr(original, "planlib_shared", False):
        return True

    def subset(self: Any, to_unicode: Any, hinting: Any) -> None:
        if not to_unicode:
            return original(self, to_unicode, hinting)
        memo = FONT_SUBSETS  # looked up at each call: a test may give the module a fresh one
        digest = hashlib.sha256(self.file_content).digest()
        key = (digest, self.index, tuple(sorted(to_unicode)), bool(hinting), bool(self.missing))
        if key in memo:
            memo.move_to_end(key)
            self.file_content = memo[key]
            return None
        original(self, to_unicode, hinting)
        memo[key] = self.file_content
        if len(memo) > SUBSET_MEMO_SIZE:
            memo.popitem(last=False)
        return None

    subset.planlib_shared = True  # type: ignore[attr-defined]
    Font.subset = subset
    return True


def _remove_font_folder(fonts: Any) -> None:
    """At exit, while ``shutil`` is still there: the font copies of a process-wide ``FontConfiguration``.

    WeasyPrint removes them in ``__del__``, which for an object that lives as long as the process runs
    during interpreter shutdown, when its ``rmtree`` may already be gone ("Exception ignored in …").
    """
    folder = getattr(fonts, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None


@cache
def _pdf_setup() -> tuple[Any, Any]:
    """The ``FontConfiguration`` and page stylesheet of this process's PDFs, made once per process (worker).

    WeasyPrint copies every ``@font-face`` file into a Fontconfig configuration; one configuration serves every
    PDF the process writes, so the copying and Fontconfig's scan happen once, and Pango's font and shaping
    caches carry over from one report to the next. Each PDF still embeds its own subset of the glyphs it uses.
    """
    from weasyprint import CSS  # heavy: only when a PDF is written
    from weasyprint.text.fonts import FontConfiguration

    share_font_subsets()
    fonts = FontConfiguration()
    atexit.register(_remove_font_folder, fonts)
    css = CSS(string=pdf_font_faces() + "\n@page { size: A4; }", font_config=fonts)
    return fonts, css


def write_pdf(document: str, target: str | Path, *, base_url: str | Path | None = None) -> None:
    """Write ``document`` (HTML text) as an A4 PDF with the Thai font embedded.

    The ``@font-face`` rules for the pip font (:func:`pdf_font_faces`) and the page rules go in a stylesheet
    built with the same ``FontConfiguration`` that ``write_pdf`` gets (feasibility.md pitfall 4); both are
    made once per process (:func:`_pdf_setup`). The finisher :func:`planlib.reports.pdf_text.finish` makes the
    Thai text searchable (per-glyph ``ToUnicode`` and ``/ActualText`` spans around Thai clusters).
    """
    from weasyprint import HTML  # heavy: only when a PDF is written

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # CSS it does not support is harmless noise
    fonts, css = _pdf_setup()
    HTML(string=document, base_url=str(base_url) if base_url else None).write_pdf(
        str(target), stylesheets=[css], font_config=fonts, finisher=pdf_text.finish
    )


def notebook_pdf(nb: Any, target: str | Path, *, title: str, subtitle: str = "") -> None:
    """The executed notebook as an A4 PDF (same body and stylesheet as the HTML)."""
    write_pdf(page(body_html(nb), title=title, subtitle=subtitle, embed_font=False), target)
