"""Thai text copied out of a report PDF is the text that was written (pypdf extraction)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planlib.reports import pdf_text, render

# seed 002 §3 and the KPI scorecard headings: sara am after a tone mark, tone marks above upper vowels
PHRASES = ["คะแนนถ่วงน้ำหนักรายกลุ่ม", "ขั้นบันได", "ต่ำกว่าเกณฑ์ระดับต่ำสุด", "กำหนด", "ทำให้", "ตัวชี้วัด", "กรมพัฒนาสังคมและสวัสดิการ"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("uni0E49", "\u0e49"),
        ("uni0E49.small", "\u0e49"),
        ("uni0E4B.narrow", "\u0e4b"),
        ("uni0E260E45", "\u0e26\u0e45"),
        ("nikhahit_maiThothai", "\u0e49\u0e4d"),
        ("nikhahit_maiEkthai.narrow", "\u0e48\u0e4d"),
        (".notdef", None),
        ("caroncommaaccent", None),
    ],
)
def test_glyph_names_give_their_characters(name: str, text: str | None) -> None:
    assert pdf_text.glyph_text(name) == text


def test_the_thai_font_has_the_variant_glyphs() -> None:
    texts = pdf_text.thai_glyph_texts()
    assert "\u0e4d" in texts.values() and sum(t == "\u0e49" for t in texts.values()) >= 3  # base, .narrow, .small


def test_searchable_folds_the_drawn_order_of_sara_am() -> None:
    assert pdf_text.searchable("นํ้าหนัก ตํ่า ทํา") == "น้ำหนัก ต่ำ ทำ"
    assert pdf_text.searchable("ทำ ตัวชี้วัด") == "ทำ ตัวชี้วัด"


def test_report_pdf_text_extracts_every_mark(tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "t.pdf"
    body = "".join(f"<p>{p}</p>" for p in PHRASES) + "<h2>" + PHRASES[0] + "</h2>"
    render.write_pdf(render.page(body, title="ทดสอบ", embed_font=False), target)
    text = pdf_text.searchable(PdfReader(target).pages[0].extract_text())
    for phrase in PHRASES:
        assert phrase in text  # before the finisher: "คะแนนถ่วงนาหนัก", "ขันบันได", "ต่ากว่า"
