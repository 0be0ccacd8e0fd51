"""Word output (planlib.reports.word): a real report's HTML and notebook → .docx, reopened with python-docx.

The end-to-end tests execute the DSDW FY2566 KPI scorecard template on the shipped data (one kernel), render
its HTML, and compare the Word document with that HTML and with what :func:`planlib.plans.kpi.scorecard` computes.
The others feed pages made by :mod:`planlib.display` and :mod:`planlib.reports.render`, and hostile pages.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import struct
import subprocess
import uuid
import zipfile
import zlib
from pathlib import Path

import docx
import pandas as pd
import pytest
from batch_cases import report_cases
from docx.oxml.ns import qn
from docx.shared import Mm

import planlib
from planlib import display
from planlib.fonts import THAI_FONT_FAMILY, thai_font_path
from planlib.plans import kpi
from planlib.reports import render, word

ROOT = Path(__file__).resolve().parents[2]
THAI_WORDS = ("ตัวชี้วัด", "น้ำหนัก")


def all_text(document: docx.document.Document) -> str:
    """Every paragraph's text, body and tables (nested ones too)."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def headings(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def html_headings(page: str) -> list[str]:
    """``h1``–``h6`` texts of a page, read with a regular expression (not with the converter's own parser)."""
    found = re.findall(r"<h([1-6])\b[^>]*>(.*?)</h\1>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for _, text in found]


def table_with(document: docx.document.Document, *headers: str) -> docx.table.Table:
    for table in document.tables:
        first = [c.text for c in table.rows[0].cells]
        if all(h in first for h in headers):
            return table
    raise AssertionError(f"no table with headers {headers}")


def rows_of(table: docx.table.Table) -> list[dict[str, str]]:
    head = [c.text for c in table.rows[0].cells]
    return [dict(zip(head, (c.text for c in row.cells))) for row in table.rows[1:]]


def number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-").replace("%", "").strip())


# ---------------------------------------------------------------- a real report, end to end


@pytest.fixture(scope="module")
def scorecard_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DSDW FY2566 KPI scorecard: the shipped template executed on the shipped data and rendered to HTML.

    The same two steps as the report runner (papermill, then :func:`planlib.reports.render.notebook_html`),
    without its worker pool: this file tests the Word output, not the runner.
    """
    import nbformat
    import papermill

    out = tmp_path_factory.mktemp("reports")
    executed = out / "kpi_scorecard.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "kpi_scorecard.ipynb"), str(executed), kernel_name="python3", progress_bar=False,
        parameters={"org": "dsdw", "fy": 2566, "data_dir": str(ROOT / "data")}, cwd=str(out),
    )
    nb = nbformat.read(executed, as_version=4)
    page = render.notebook_html(nb, title="ผลการประเมินตัวชี้วัด / KPI scorecard", subtitle="dsdw · ปีงบประมาณ 2566")
    target = out / "kpi_scorecard.html"
    target.write_text(page, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def scorecard_docx(scorecard_report: Path, tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    target = tmp_path_factory.mktemp("word") / "kpi_scorecard.docx"
    assert word.write_docx(scorecard_report, target) == target
    return docx.Document(str(target))


def test_report_headings_come_out_in_order(scorecard_report, scorecard_docx):
    page = scorecard_report.read_text(encoding="utf-8")
    expected = html_headings(page)
    assert len(expected) >= 5 and "คะแนนรายตัวชี้วัด / Scores by KPI" in expected
    assert headings(scorecard_docx) == expected
    kicker = re.search(r"<p class='report-kicker'>(.*?)</p>", page).group(1)
    title = scorecard_docx.paragraphs[0]
    assert title.style.name == "Title" and title.text == html.unescape(kicker)


def test_report_tables_carry_the_scorecard_values(scorecard_docx):
    card = kpi.scorecard(planlib.load_plan(ROOT / "data" / "dsdw"), 2566)
    table = table_with(scorecard_docx, "ตัวชี้วัด / KPI", "น้ำหนัก / weight %", "ถ่วงน้ำหนัก / weighted")
    rows = {r["ตัวชี้วัด / KPI"]: r for r in rows_of(table)}
    assert set(rows) == set(card.kpis["kpi_code"])
    for _, kpi_row in card.kpis.iterrows():
        shown = rows[kpi_row["kpi_code"]]
        assert number(shown["ถ่วงน้ำหนัก / weighted"]) == pytest.approx(kpi_row["weighted"], abs=0.005)
        assert number(shown["น้ำหนัก / weight %"]) == pytest.approx(kpi_row["weight"], abs=0.005)
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    k1 = next(row for row in table.rows[1:] if row.cells[0].text == "K1")
    weighted = [c.text for c in table.rows[0].cells].index("ถ่วงน้ำหนัก / weighted")
    assert k1.cells[weighted].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert k1.cells[1].paragraphs[0].alignment is None  # text stays left
    assert card.total == pytest.approx(38.75)
    totals = [r for t in scorecard_docx.tables for r in rows_of(t) if any("รวม / total" in v for v in r.values())]
    assert any(any(v == "38.75" for v in r.values()) for r in totals)


def test_report_chart_is_an_inline_picture_at_most_the_text_width(scorecard_report, scorecard_docx):
    page = scorecard_report.read_text(encoding="utf-8")
    charts = re.findall(r'<img[^>]*src="data:image/png;base64,[^>]*>', page)
    assert charts and len(scorecard_docx.inline_shapes) == len(charts)
    alts = [html.unescape(re.search(r'\balt="([^"]*)"', img).group(1)) for img in charts]
    for shape, alt in zip(scorecard_docx.inline_shapes, alts, strict=True):
        assert 0 < shape.width <= word.TEXT_WIDTH and shape.height <= word.TEXT_HEIGHT
        assert alt.strip() and shape._inline.docPr.get("descr", "") == re.sub(r"\s+", " ", alt).strip()


def test_report_thai_words_and_font(scorecard_docx):
    text = all_text(scorecard_docx)
    for thai_word in THAI_WORDS:
        assert thai_word in text
    fonts = scorecard_docx.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    for slot in ("w:cs", "w:ascii", "w:hAnsi", "w:eastAsia"):
        assert fonts.get(qn(slot)) == THAI_FONT_FAMILY
    assert "<script" not in text


def test_the_executed_notebook_gives_the_same_document(scorecard_report, scorecard_docx, tmp_path):
    target = word.write_docx(scorecard_report.with_suffix(".ipynb"), tmp_path / "from_notebook.docx",
                             title="ผลคะแนนตัวชี้วัด", subtitle="dsdw")
    from_notebook = docx.Document(str(target))
    assert headings(from_notebook) == headings(scorecard_docx)
    assert len(from_notebook.tables) == len(scorecard_docx.tables)
    assert len(from_notebook.inline_shapes) == len(scorecard_docx.inline_shapes)
    assert from_notebook.paragraphs[0].text == "ผลคะแนนตัวชี้วัด"


# ---------------------------------------------------------------- pages made with planlib.display


def page_of(*parts: str, title: str = "รายงานทดสอบ / test report") -> str:
    return render.page("\n".join(parts), title=title, subtitle="กองทุนทดสอบ · ปีงบประมาณ 2568", embed_font=False)


def build(page: str, tmp_path: Path, name: str = "out.docx") -> docx.document.Document:
    return docx.Document(str(word.write_docx(page, tmp_path / name)))


KPI_FRAME = pd.DataFrame({
    "ตัวชี้วัด / KPI": ["K1", "K2", "K3"],
    "น้ำหนัก / weight %": [15.0, 20.0, 12.5],
    "จำนวน / count": [12345, 3, 10250],
    "สถานะ / status": ["เขียว (ตามเป้า)", "แดง (ต่ำกว่าเป้า)", "ไม่มีข้อมูล / no data"],
})


def test_display_table_becomes_a_word_table_with_header_numbers_and_rag(tmp_path):
    table_html = display.html_table(KPI_FRAME, caption="ตัวชี้วัดและน้ำหนัก / KPIs and weights", source="kpis.csv")
    document = build(page_of("<h2>ตาราง / table</h2>", table_html), tmp_path)
    table = table_with(document, "ตัวชี้วัด / KPI", "น้ำหนัก / weight %")
    assert [c.text for c in table.rows[1].cells] == ["K1", "15.00", "12,345", "เขียว (ตามเป้า)"]
    assert [c.text for c in table.rows[3].cells][2] == "10,250"
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    for cell in header.cells:
        run = cell.paragraphs[0].runs[0]
        assert run.bold and run._r.rPr.find(qn("w:bCs")) is not None  # bold Thai needs bCs
    right = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert [table.rows[1].cells[i].paragraphs[0].alignment for i in range(4)] == [None, right, right, None]
    fills = [row.cells[3]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for row in table.rows[1:]]
    assert fills == [display.RAG_FILLS[k].lstrip("#").upper() for k in ("green", "red", "grey")]
    texts = [p.text for p in document.paragraphs]
    caption = texts.index("ตัวชี้วัดและน้ำหนัก / KPIs and weights")
    assert document.paragraphs[caption].style.name == "Caption"
    assert texts[caption + 1] == "ที่มา: kpis.csv"  # the source line follows its table
    last_row = table.rows[-1].cells[0].paragraphs[0]
    assert last_row.paragraph_format.keep_with_next  # … and stays on its page
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    widths = [c.width for c in table.columns]
    assert sum(widths) <= word.TEXT_WIDTH and min(widths) > 0


def test_chart_is_scaled_to_the_text_width_with_its_alt_text(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 4), dpi=100)
    ax.bar(["K1", "K2"], [15, 20])
    ax.set_title("น้ำหนักตัวชี้วัด / KPI weights")
    with matplotlib.rc_context({"savefig.bbox": None}):  # the house style's tight bbox (set by other tests) crops
        page = display.figure_html(fig)
    document = build(page_of("<h2>แผนภูมิ</h2>", page), tmp_path)
    (shape,) = document.inline_shapes
    assert shape.width == word.TEXT_WIDTH  # 12 in wide: scaled down to 170 mm
    assert shape.height == pytest.approx(shape.width / 3, rel=0.01)  # aspect 12:4 kept
    assert shape._inline.docPr.get("descr") == "แผนภูมิ / chart: น้ำหนักตัวชี้วัด / KPI weights"


def test_page_a4_margins_styles_and_embedded_font(tmp_path):
    document = build(page_of("<h1>หัวข้อ</h1><p>ทำ กำหนด ต่ำ</p>"), tmp_path)
    section = document.sections[0]
    size = (section.page_width, section.page_height, section.left_margin, section.right_margin, section.top_margin)
    assert size == pytest.approx((Mm(210), Mm(297), Mm(20), Mm(20), Mm(20)), abs=Mm(0.05))  # stored in twips
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:szCs")).get(qn("w:val")) == defaults.find(qn("w:sz")).get(qn("w:val")) == "21"
    assert defaults.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    for style in styles.findall(qn("w:style")):
        fonts = style.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        if fonts is not None:
            assert fonts.get(qn("w:cs")) == THAI_FONT_FAMILY, style.get(qn("w:styleId"))
            assert fonts.get(qn("w:asciiTheme")) is None
        size = style.find(qn("w:rPr") + "/" + qn("w:sz"))
        if size is not None:
            assert style.find(qn("w:rPr") + "/" + qn("w:szCs")) is not None, style.get(qn("w:styleId"))
    heading = document.styles["Heading 1"].element.rPr
    assert heading.find(qn("w:bCs")) is not None
    assert document.paragraphs[-1].text == "ทำ กำหนด ต่ำ"
    with zipfile.ZipFile(tmp_path / "out.docx") as package:
        font_table = package.read("word/fontTable.xml").decode("utf-8")
        key = re.search(r'w:name="Noto Sans Thai">.*?w:fontKey="\{([0-9A-F-]+)\}"', font_table).group(1)
        embedded = package.read("word/fonts/font1.odttf")
        assert "embedTrueTypeFonts" in package.read("word/settings.xml").decode("utf-8")
        assert "docProps/thumbnail.jpeg" not in package.read("_rels/.rels").decode("utf-8")
    original = thai_font_path().read_bytes()
    assert embedded != original and embedded[32:] == original[32:]
    assert word.obfuscate_font(embedded, uuid.UUID(key)) == original  # XOR twice: the font


def test_spans_lists_pre_notes_and_links(tmp_path):
    body = """
    <table><thead><tr><th rowspan="2">รหัส</th><th colspan="2">ไตรมาส / quarter</th></tr>
    <tr><th>Q1</th><th>Q2</th></tr></thead>
    <tbody><tr><td>K1</td><td class="num">1</td><td class="num">2</td></tr></tbody></table>
    <ul><li>ข้อหนึ่ง <b>สำคัญ</b></li><li>two<ul><li>nested</li></ul></li></ul>
    <ol><li>first</li><li>second</li></ol>
    <pre>a  b\nc</pre>
    <div class="note note-warning">ระวัง / careful</div>
    <p>see <a href="https://example.org/x">the site</a> and <a href="#top">top</a></p>
    """
    document = build(page_of(body), tmp_path)
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["รหัส", "ไตรมาส / quarter", "ไตรมาส / quarter"]
    assert [c.text for c in table.rows[1].cells] == ["รหัส", "Q1", "Q2"]
    assert [c.text for c in table.rows[2].cells] == ["K1", "1", "2"]
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows[:2])
    texts = {p.text: p for p in document.paragraphs}
    assert texts["ข้อหนึ่ง สำคัญ"].style.name == "List Bullet"
    assert texts["nested"].style.name == "List Bullet 2"
    assert "1.\tfirst" in texts and "2.\tsecond" in texts
    assert "a  b\nc" in texts
    note = texts["ระวัง / careful"]._p.pPr
    assert note.find(qn("w:shd")).get(qn("w:fill")) == "FDF7E8"
    assert note.find(qn("w:pBdr") + "/" + qn("w:left")).get(qn("w:color")) == "E0A526"
    assert texts["see the site and top"]
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert links == ["https://example.org/x"]


def test_key_figures_block_becomes_a_grid_with_large_values(tmp_path):
    body = """<div class="key-figures"><h2>ตัวเลขสำคัญ / key figures</h2>
    <div class="key-figure"><div class="kf-label">PAR30</div><div class="kf-value">24.71 %</div>
    <div class="kf-period">ณ 30 ก.ย. 2561</div></div>
    <div class="key-figure"><div class="kf-label">NPL</div><div class="kf-value">18.13 %</div></div>
    <p class="verdict">ตัวชี้วัด 4 จาก 6 ตัวเป็นไปตามเป้าหมาย</p></div>"""
    document = build(page_of(body), tmp_path)
    assert headings(document) == ["ตัวเลขสำคัญ / key figures"]
    (grid,) = document.tables
    assert [c.text.split("\n") for c in grid.rows[0].cells] == [["PAR30", "24.71 %", "ณ 30 ก.ย. 2561"],
                                                               ["NPL", "18.13 %"]]
    value = grid.rows[0].cells[0].paragraphs[1].runs[0]
    assert value.bold and value.font.size.pt == 16
    verdict = document.paragraphs[-1]
    assert verdict.text == "ตัวชี้วัด 4 จาก 6 ตัวเป็นไปตามเป้าหมาย" and verdict.runs[0].bold


# ---------------------------------------------------------------- hostile pages


def png(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` × ``height`` (the pixel data need not exist for the size check)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_hostile_html_is_inert(tmp_path, monkeypatch):
    fetched: list[str] = []
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: fetched.append(str(a)))
    huge = "A" * (word.MAX_IMAGE_BYTES * 4 // 3 + 100)
    body = f"""
    <h2 onclick="alert(1)">หัวข้อ<script>alert('h')</script></h2>
    <script>document.write('SCRIPT-TEXT')</script><script src="https://evil.example/x.js"></script>
    <style>p {{ color: red }} STYLE-TEXT</style>
    <iframe src="https://evil.example/frame">IFRAME-TEXT</iframe>
    <object data="x.swf">OBJECT-TEXT</object><svg><text>SVG-TEXT</text></svg>
    <p>click <a href="javascript:alert(1)">here</a> and <a href="data:text/html,<b>x</b>">there</a></p>
    <img alt="remote chart" src="https://evil.example/chart.png">
    <img alt="huge chart" src="data:image/png;base64,{huge}">
    <img alt="bomb chart" src="data:image/png;base64,{base64.b64encode(png(100_000, 100_000)).decode()}">
    <img alt="broken chart" src="data:image/png;base64,!!!notbase64">
    <img alt="svg chart" src="data:image/svg+xml;base64,{base64.b64encode(b'<svg onload=alert(1)/>').decode()}">
    <p hidden>HIDDEN-TEXT</p><div style="display:none">NONE-TEXT</div>
    <p>ควบคุม\x00\x01\x0b\x1f ตัวอักษร</p>
    {'<div>' * 3000}ลึก / deep{'</div>' * 3000}
    <table>{'<tr>' + '<td>x</td>' * 100 + '</tr>'}</table>
    <p>ตัวชี้วัด <b>น้ำหนัก</b>
    """
    document = build(page_of(body, title="<script>alert('t')</script>"), tmp_path)
    text = all_text(document)
    for hidden in ("SCRIPT-TEXT", "STYLE-TEXT", "IFRAME-TEXT", "OBJECT-TEXT", "SVG-TEXT", "HIDDEN-TEXT", "NONE-TEXT",
                   "alert('h')", "document.write"):
        assert hidden not in text, hidden
    assert headings(document) == ["หัวข้อ"]
    assert document.paragraphs[0].text == "<script>alert('t')</script>"  # the title, as text
    assert "click here and there" in text
    assert not [r for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert len(document.inline_shapes) == 0
    for alt in ("remote chart", "huge chart", "bomb chart", "broken chart", "svg chart"):
        assert f"[ภาพ / image: {alt}]" in text
    assert "ควบคุม ตัวอักษร" in text and "ลึก / deep" in text and "ตัวชี้วัด น้ำหนัก" in text
    (table,) = document.tables
    assert len(table.columns) == word.MAX_COLUMNS
    assert not fetched
    with zipfile.ZipFile(tmp_path / "out.docx") as package:
        assert not [n for n in package.namelist() if "vbaProject" in n or n.endswith(".bin")]
        assert all("evil.example" not in package.read(n).decode("utf-8", "replace") for n in package.namelist())


def test_a_picture_in_the_page_is_reported_once_per_image_and_the_total_is_capped(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=50)
    ax.plot([1, 2], [1, 2])
    chart = display.figure_html(fig, alt="เส้น / line")
    size = len(base64.b64decode(re.search(r"base64,([^\"]+)", chart).group(1)))
    monkeypatch.setattr(word, "MAX_TOTAL_IMAGE_BYTES", size * 2)
    document = build(page_of(chart, chart, chart), tmp_path)
    assert len(document.inline_shapes) == 2
    assert "[ภาพ / image: เส้น / line]" in all_text(document)


def test_write_is_atomic_and_keeps_the_old_file_when_saving_fails(tmp_path, monkeypatch):
    target = tmp_path / "report.docx"
    word.write_docx(page_of("<h2>รุ่นแรก / first</h2>"), target)
    before = target.read_bytes()

    def broken_save(self, stream):
        stream.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        word.write_docx(page_of("<h2>รุ่นสอง / second</h2>"), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_numbers_are_recognised_as_numbers():
    for text in ("5", "1,234", "-3.50", "−4.42", "24.71 %", "+1.5"):
        assert word.is_number(text), text
    for text in ("K1", "S1", "2566-Q2", "ระดับ 5", "1,2,3", "", "–"):
        assert not word.is_number(text), text


# ---------------------------------------------------------------- what a reader sees (LibreOffice, when installed)


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdffonts")),
                    reason="LibreOffice and poppler are not installed")
def test_libreoffice_shows_thai_in_the_embedded_font(tmp_path):
    """No Thai font is installed system-wide here: the PDF has Noto Sans Thai only if the embedded one is used."""
    table_html = display.html_table(KPI_FRAME, caption="ตัวชี้วัดและน้ำหนัก / KPIs and weights")
    source = word.write_docx(page_of("<h2>คะแนนรวม / total</h2>", table_html), tmp_path / "check.docx")
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "check.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "NotoSansThai" in fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "คะแนนรวม / total" in text and "12,345" in text


def test_html_text_and_html_file_give_the_same_document(tmp_path):
    page = page_of("<h2>ตัวชี้วัด</h2>", display.html_table(KPI_FRAME))
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    from_text = build(page, tmp_path, "a.docx")
    from_path = docx.Document(str(word.write_docx(tmp_path / "page.html", tmp_path / "b.docx")))
    assert all_text(from_text) == all_text(from_path) and "12,345" in all_text(from_path)


# ---------------------------------------------------------------- every report of the default batch (issue 17.6)

BATCH_CASES = report_cases()


def _first_thai_cell(page: str) -> str:
    """The text of the first table body cell of a page's ``<main>`` that holds Thai (read with a regular expression)."""
    main = page.split("<main>", 1)[1]
    for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", main, re.S):  # a body cell: data, not a header
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", cell))).strip()
        if re.search("[\u0e01-\u0e4e]{3}", text):
            return text
    raise AssertionError("no table cell with Thai text in the page")


@pytest.mark.parametrize(("template", "org"), BATCH_CASES, ids=[f"{t}-{o}" for t, o in BATCH_CASES])
def test_every_report_of_the_batch_comes_out_as_word(report_files, template, org):
    """`planlib report` writes a .docx for every report, listed in the manifest, with the page's title, headings and
    tables: what a board amends is the report it read."""
    folder, entry = report_files(template, org)
    assert entry["status"] == "ok", entry["error"]
    assert f"{template}.docx" in entry["outputs"]
    assert {f"{template}.html", f"{template}.pdf", f"{template}.ipynb"} <= set(entry["outputs"])
    document = docx.Document(str(folder / f"{template}.docx"))
    text = re.sub(r"\s+", " ", all_text(document))
    page = (folder / f"{template}.html").read_text(encoding="utf-8")
    assert entry["title_th"] in text
    wanted = [re.sub(r"\s+", " ", h) for h in html_headings(page.split("<main>", 1)[1]) if h]
    got = [re.sub(r"\s+", " ", h) for h in headings(document)]
    assert wanted and [h for h in wanted if h not in got] == []
    assert _first_thai_cell(page) in text
    fonts = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert fonts.get(qn("w:cs")) == THAI_FONT_FAMILY  # the complex-script slot: Word shapes Thai with it
