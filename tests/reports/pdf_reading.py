"""Reading report PDFs as viewers do, for the report tests: pdfium (Chrome/Edge) and poppler's ``pdftotext``.

``searchable`` removes whitespace (lines wrap anywhere) and folds sara am as
:func:`planlib.reports.pdf_text.searchable` does, so a test compares what a reader's search would match.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2

from planlib.reports import pdf_text


def searchable(text: str) -> str:
    """Text without whitespace, sara am folded as planlib.reports.pdf_text does."""
    return pdf_text.searchable(re.sub(r"\s+", "", text))


def pdfium_text(path: Path, first: int = 1, last: int | None = None) -> str:
    """Pages ``first``..``last`` (1-based, inclusive; default to the end) as pdfium extracts them, one per line."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        pages = range(first - 1, len(document) if last is None else last)
        return "\n".join(document[i].get_textpage().get_text_range() for i in pages)
    finally:
        document.close()


def poppler_text(path: Path, first: int | None = None, last: int | None = None) -> str | None:
    """The text ``pdftotext`` extracts (pages ``first``..``last``); None when poppler is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    done = subprocess.run(
        ["pdftotext", *pages, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def page_one_raw(pdf: Path) -> str:
    """Page 1's text as pdfium extracts it, whitespace kept."""
    return pdfium_text(pdf, 1, 1)


def page_one_pdfium(pdf: Path) -> str:
    """Page 1 as pdfium extracts it, made :func:`searchable`."""
    return searchable(page_one_raw(pdf))


def page_one_poppler(pdf: Path) -> str | None:
    """Page 1 as ``pdftotext`` extracts it, made :func:`searchable`; None without poppler."""
    text = poppler_text(pdf, 1, 1)
    return None if text is None else searchable(text)
