"""Report PDFs written by the real path (``render.write_pdf``): Thai text is found by the viewers' own extractors.

pdfium (pypdfium2) is the engine of Chrome and Edge; poppler (``pdftotext``, ``pdftoppm``) is behind Evince,
Okular and most Linux viewers. The poppler checks skip when poppler-utils is not installed.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdf_reading import pdfium_text, poppler_text
from PIL import Image, ImageChops
from pypdf import PdfReader

from planlib.fonts import thai_font_path
from planlib.reports import pdf_text, render

# sara am (also after a tone mark), tone marks over upper and lower vowels, plain consonant clusters
WORDS = ("ทำ", "กำหนด", "ต่ำ", "น้ำหนัก", "ตัวชี้วัด", "จำนวน", "กิจกรรม", "ผู้รับงาน", "ที่ปรึกษา")
TITLE = "รายงานผลการดำเนินงาน"
HEADING = "ตัวชี้วัดและน้ำหนัก"
PARAGRAPHS = (
    "หน่วยงานกำหนดน้ำหนักของตัวชี้วัดแต่ละตัว",
    "ผู้รับงานทำกิจกรรมครบตามจำนวนที่กำหนด",
    "ผลต่ำกว่าเกณฑ์ให้ที่ปรึกษาทบทวนแผน",
)
TABLE = (
    ("ตัวชี้วัด", "น้ำหนัก", "จำนวน"),
    ("ผู้รับงาน", "ที่ปรึกษา", "กิจกรรม"),
    ("กำหนด", "ต่ำ", "ทำ"),
)
POPPLER = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")


def _body() -> str:
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in TABLE)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS)
    return f"<h2>{HEADING}</h2>{paragraphs}<table class='planlib'>{rows}</table>"


def _visible_text() -> str:
    """Every text a reader sees on the page, in reading order (the page footer "1 / 1" is not Thai)."""
    return TITLE + HEADING + "".join(PARAGRAPHS) + "".join(cell for row in TABLE for cell in row)


def _collapsed(text: str) -> str:
    return re.sub(r"\s+", "", text)


EXTRACTORS = {"pdfium": pdfium_text, "poppler": poppler_text}
ENGINES = [pytest.param("pdfium"), pytest.param("poppler", marks=POPPLER)]


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("pdf") / "report.pdf"
    render.write_pdf(render.page(_body(), title=TITLE, embed_font=False), target)
    return target


@pytest.mark.parametrize("engine", ENGINES)
def test_every_thai_word_is_found(report_pdf: Path, engine: str) -> None:
    text = _collapsed(EXTRACTORS[engine](report_pdf))
    assert [word for word in WORDS if word not in text] == []  # before: ทำ กำหนด ต่ำ น้ำหนัก จำนวน (+ poppler: 2 more)


@pytest.mark.parametrize("engine", ENGINES)
def test_copied_text_is_the_written_text_once(report_pdf: Path, engine: str) -> None:
    """Paragraphs come back exactly; no Thai character is lost or doubled anywhere on the page."""
    text = _collapsed(EXTRACTORS[engine](report_pdf))
    for paragraph in (HEADING, *PARAGRAPHS):
        assert paragraph in text
    thai = re.compile(r"[\u0e00-\u0e7f]")
    assert len(thai.findall(text)) == len(thai.findall(_visible_text())) == 206
    for word in WORDS:
        assert text.count(word) == _visible_text().count(word), word


def test_pdfium_search_finds_each_word_as_often_as_it_is_written(report_pdf: Path) -> None:
    """pdfium's own find (FPDFText_FindStart/FindNext, what a pdfium viewer's search box runs)."""
    document = pdfium.PdfDocument(report_pdf)
    try:
        found = dict.fromkeys(WORDS, 0)
        for page in document:
            textpage = page.get_textpage()
            for word in WORDS:
                searcher = textpage.search(word)
                while searcher.get_next():
                    found[word] += 1
    finally:
        document.close()
    assert found == {word: _visible_text().count(word) for word in WORDS}
    assert found["น้ำหนัก"] == 3 and found["ตัวชี้วัด"] == 3  # heading, paragraph, table


def test_table_cells_read_in_order_in_pdfium(report_pdf: Path) -> None:
    lines = [line.strip() for line in pdfium_text(report_pdf).splitlines()]
    for row in TABLE:
        assert " ".join(row) in lines


def _content(path: Path) -> bytes:
    return b"".join(page.get_contents().get_data() for page in PdfReader(path).pages)


def _span_count(path: Path) -> int:
    return _content(path).count(b"/ActualText")


def test_pdf_holds_one_actual_text_span_per_thai_cluster(report_pdf: Path) -> None:
    """The searchable text is carried by /ActualText spans: one per consonant with marks or sara am (ทำ is one)."""
    content = _content(report_pdf)
    assert b"/Span <</ActualText <FEFF0E170E33>>> BDC" in content  # ท + ำ
    marks = "[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
    clusters = re.findall(f"[\u0e01-\u0e2e](?:{marks}+\u0e33?|\u0e33)", _visible_text())
    assert content.count(b"BDC") == content.count(b"EMC") == _span_count(report_pdf) == len(clusters) == 43


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_spans_leave_every_pixel_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Page 1 at 80 dpi is pixel for pixel the page drawn without spans: no boxes, marks stacked as before.

    The private-use character has no glyph in any font, so the Thai font gets its own encoding CMap
    (WeasyPrint's path for missing glyphs), which must know the anchor glyph too.
    """
    body = _body() + "<p>\ue000 ตัวชี้วัด ผู้รับงาน</p>"
    render.write_pdf(render.page(body, title=TITLE, embed_font=False), tmp_path / "spans.pdf")
    monkeypatch.setattr(pdf_text, "finish", pdf_text.fix_thai_to_unicode)
    render.write_pdf(render.page(body, title=TITLE, embed_font=False), tmp_path / "plain.pdf")
    for name in ("spans", "plain"):
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", f"{name}.pdf", name], cwd=tmp_path, check=True)
    with Image.open(tmp_path / "spans.png") as spans, Image.open(tmp_path / "plain.png") as plain:
        assert spans.size == plain.size
        assert ImageChops.difference(spans.convert("RGB"), plain.convert("RGB")).getbbox() is None
    assert [_span_count(tmp_path / f"{name}.pdf") > 0 for name in ("spans", "plain")] == [True, False]


# ---------------------------------------------------------------- the PDF step near its floor (issue 16 item 4)

WEIGHTS_BODY = (
    "<p>ตัวชี้วัดกำหนดน้ำหนัก ✓ → 12.5 %</p><p style='font-weight:600'>ผลต่ำกว่าเกณฑ์ ✓ →</p><p><b>ผู้รับงานทำกิจกรรม ✓ →</b></p>"
)


def _variable_font_pdf(document: str, target: Path) -> None:
    """The PDF as written before static instances: the variable font in one ``@font-face`` for all weights."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    source = thai_font_path().as_uri()
    face = f"@font-face {{ font-family: 'Noto Sans Thai'; font-weight: 100 900; src: url('{source}'); }}"
    css = CSS(string=face + "\n@page { size: A4; }", font_config=fonts)
    HTML(string=document).write_pdf(str(target), stylesheets=[css], font_config=fonts, finisher=pdf_text.finish)


def _font_files(path: Path) -> dict[str, bytes]:
    reader = PdfReader(path)
    files = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            files[str(font["/BaseFont"]).split("+", 1)[1]] = descriptor["/FontFile2"].get_object().get_data()
    return files


def test_static_instances_are_the_variable_font_at_one_weight(tmp_path, monkeypatch) -> None:
    from fontTools.ttLib import TTFont

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    render.static_thai_font.cache_clear()
    try:
        path = render.static_thai_font(600)
        assert path.parent == tmp_path / "planlib" / "fonts" and path.is_file()
        assert render.static_thai_font(600) == path
        made = path.stat().st_mtime_ns
        render.static_thai_font.cache_clear()
        assert render.static_thai_font(600) == path and path.stat().st_mtime_ns == made  # reused from disk
    finally:
        render.static_thai_font.cache_clear()
    static, variable = TTFont(str(path)), TTFont(str(thai_font_path()))
    assert "fvar" not in static and "gvar" not in static and "fvar" in variable
    assert static.getGlyphOrder() == variable.getGlyphOrder()  # glyph ids, so pdf_text's ToUnicode fix holds
    assert static["OS/2"].usWeightClass == 600
    assert static.getBestCmap() == variable.getBestCmap()


def test_static_instances_draw_and_extract_what_the_variable_font_did(tmp_path) -> None:
    """Same Thai text from pdfium and poppler, page for page, and the same glyphs drawn (80 dpi, poppler).

    Not quite pixel for pixel: at weight 600 one stacked mark sits up to a pixel off (anchors in whole units).
    """
    document = render.page(_body() + WEIGHTS_BODY, title=TITLE, embed_font=False)
    _variable_font_pdf(document, tmp_path / "variable.pdf")
    render.write_pdf(document, tmp_path / "static.pdf")
    for extract in (pdfium_text, *([poppler_text] if shutil.which("pdftotext") else [])):
        assert extract(tmp_path / "static.pdf") == extract(tmp_path / "variable.pdf")
    assert sorted(_font_files(tmp_path / "static.pdf")) == sorted(_font_files(tmp_path / "variable.pdf"))
    thai = {"Noto-Sans-Thai", "Noto-Sans-Thai-Semi-Bold", "Noto-Sans-Thai-Bold"}
    assert thai <= set(_font_files(tmp_path / "static.pdf"))
    if shutil.which("pdftoppm"):
        for name in ("static", "variable"):
            command = ["pdftoppm", "-r", "80", "-png", "-singlefile", f"{name}.pdf", name]
            subprocess.run(command, cwd=tmp_path, check=True)
        with Image.open(tmp_path / "static.png") as static, Image.open(tmp_path / "variable.png") as variable:
            assert static.size == variable.size
            difference = ImageChops.difference(static.convert("L"), variable.convert("L"))
            # the instancer rounds mark anchors to whole font units where the variable font kept fractions:
            # the mark of ต่ำ at 600 moves by under a pixel, nothing else changes
            box = difference.getbbox()
            assert box is None or (box[2] - box[0]) * (box[3] - box[1]) <= 100, box


def test_a_subset_made_once_is_shared_by_the_next_pdf(tmp_path, monkeypatch) -> None:
    from weasyprint.pdf.fonts import Font  # WeasyPrint subsets with HarfBuzz when libharfbuzz-subset is there

    calls = []
    for backend in ("_fonttools_subset", "_harfbuzz_subset"):
        original = getattr(Font, backend)
        monkeypatch.setattr(Font, backend, lambda self, *a, _original=original: calls.append(1) or _original(self, *a))
    monkeypatch.setattr(render, "FONT_SUBSETS", type(render.FONT_SUBSETS)())  # empty, this test's own
    document = render.page(_body() + WEIGHTS_BODY, title=TITLE, embed_font=False)
    render.write_pdf(document, tmp_path / "first.pdf")
    made = len(calls)
    render.write_pdf(document, tmp_path / "second.pdf")
    assert made >= 4 and len(calls) == made  # Thai 400/600/700 and DejaVu Sans for ✓ →: none made again
    assert _font_files(tmp_path / "second.pdf") == _font_files(tmp_path / "first.pdf")
    assert pdfium_text(tmp_path / "second.pdf") == pdfium_text(tmp_path / "first.pdf")
