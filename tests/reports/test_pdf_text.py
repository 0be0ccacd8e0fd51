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


@pytest.mark.parametrize(
    ("drawn", "text"),
    [
        (["ท", "\u0e4d", "\u0e32"], "ทำ"),  # sara am drawn as nikhahit + sara aa
        (["น", "\u0e4d", "\u0e49", "\u0e32"], "น้ำ"),  # HarfBuzz draws the nikhahit before the tone mark
        (["น", "\u0e49\u0e4d", "\u0e32"], "น้ำ"),  # nikhahit_maiThothai ligature
        (["ต", "\u0e48", "\u0e4d", "\u0e32"], "ต่ำ"),
        (["ช", "\u0e35", "\u0e49"], "ชี้"),  # tone mark over an upper vowel
        (["ผ", "\u0e39", "\u0e49"], "ผู้"),  # tone mark with a lower vowel
        (["ก", "\u0e49", "\u0e38"], "กุ้"),  # marks in canonical order (NFC: lower vowel before tone mark)
        (["ส", "\u0e4d"], "สํ"),  # a nikhahit without sara aa stays a nikhahit
    ],
)
def test_cluster_text_is_the_stored_spelling(drawn: list[str], text: str) -> None:
    assert pdf_text.cluster_text(drawn) == text


def test_thai_clusters_group_marks_with_their_consonant() -> None:
    assert pdf_text.thai_clusters(list("ตัวชี้วัด")) == [(0, 2, "ตั"), (3, 6, "ชี้"), (6, 8, "วั")]
    drawn = ["น", "\u0e4d", "\u0e49", "\u0e32", "ห", "น", "\u0e31", "ก"]  # น้ำหนัก as the glyphs are drawn
    assert pdf_text.thai_clusters(drawn) == [(0, 4, "น้ำ"), (5, 7, "นั")]
    assert pdf_text.thai_clusters(list("กิจกรรม")) == [(0, 2, "กิ")]
    assert pdf_text.thai_clusters(["\u0e32", "ก", "a", "\u0e48"]) == [(2, 4, "a\u0e48")]  # sara aa alone is a base
    assert pdf_text.thai_clusters(["\u0e48", "\u0e4d"]) == []  # marks with nothing to sit on get no span


def test_the_anchor_glyph_is_empty_and_has_no_text() -> None:
    from fontTools.ttLib import TTFont

    from planlib.fonts import thai_font_path

    font = TTFont(str(thai_font_path()), lazy=True)
    anchor = pdf_text.anchor_glyph()
    name = font.getGlyphName(anchor)
    assert (anchor, name) == (2, "NULL")
    assert font["glyf"][name].numberOfContours == 0 and font["hmtx"][name] == (0, 0)
    assert anchor not in pdf_text.thai_glyph_texts()
