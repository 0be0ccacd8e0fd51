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

import base64
import copy
import html
import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

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


def _file_font_face() -> str:
    source = f"url('{thai_font_path().as_uri()}')"
    return f"@font-face {{ font-family: '{THAI_FONT_FAMILY}'; font-weight: 100 900; src: {source}; }}"


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


def write_pdf(document: str, target: str | Path, *, base_url: str | Path | None = None) -> None:
    """Write ``document`` (HTML text) as an A4 PDF with the Thai font embedded.

    The ``@font-face`` for the pip font and the page rules go in a stylesheet built with the same
    ``FontConfiguration`` that ``write_pdf`` gets (feasibility.md pitfall 4). The finisher
    :func:`planlib.reports.pdf_text.finish` makes the Thai text searchable (per-glyph ``ToUnicode``
    and ``/ActualText`` spans around Thai clusters).
    """
    from weasyprint import CSS, HTML  # heavy: only when a PDF is written
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # CSS it does not support is harmless noise
    fonts = FontConfiguration()
    css = CSS(string=_file_font_face() + "\n@page { size: A4; }", font_config=fonts)
    HTML(string=document, base_url=str(base_url) if base_url else None).write_pdf(
        str(target), stylesheets=[css], font_config=fonts, finisher=pdf_text.finish
    )


def notebook_pdf(nb: Any, target: str | Path, *, title: str, subtitle: str = "") -> None:
    """The executed notebook as an A4 PDF (same body and stylesheet as the HTML)."""
    write_pdf(page(body_html(nb), title=title, subtitle=subtitle, embed_font=False), target)
