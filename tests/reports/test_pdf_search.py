"""Searchable Thai PDFs (issue 17 item 5): every report of the default batch, read by the extractors viewers use.

For each report, a fixed list of Thai words that PDF text layers used to break (sara am drawn as nikhahit + sara aa,
a tone mark over an upper vowel drawn after the next consonant) and the words of the report's title are looked for
in the PDF's text as pdfium (Chrome, Edge; pypdfium2) and poppler (``pdftotext``, Evince, Okular) extract it,
whenever the word is in the report's HTML. Whitespace is removed on both sides, since lines wrap anywhere; each
needle is one word, so a word that is found is found as written, not pieced together from a phrase.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from batch_cases import report_cases
from pdf_reading import pdfium_text, poppler_text

CASES = report_cases()
WORDS = ("ทำ", "กำหนด", "ต่ำ", "น้ำหนัก", "ตัวชี้วัด", "จำนวน")
"""Words whose glyphs PDF extractors used to get wrong: sara am (also after a tone mark) and ชี้ (tone over sara ii)."""
THAI = re.compile("[\u0e01-\u0e4e]")


def html_text(page: str) -> str:
    """The text a reader sees in a report page's ``<main>``: no tags, styles or scripts, entities decoded."""
    main = page.split("<main>", 1)[1]
    main = re.sub(r"<(style|script)\b.*?</\1>", " ", main, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def title_words(title: str) -> list[str]:
    """The Thai words of a title (pythainlp's dictionary tokenizer), two characters or more."""
    from pythainlp.tokenize import word_tokenize  # heavy optional library: only these tests need it

    return sorted({w for w in word_tokenize(title, engine="newmm") if THAI.match(w) and len(w.strip()) >= 2})


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def needles(folder: Path, template: str, entry: dict) -> tuple[list[str], list[str]]:
    """(words of the fixed list that the report's HTML holds, the title's words that it holds)."""
    text = squeeze(html_text((folder / f"{template}.html").read_text(encoding="utf-8")))
    title = str(entry.get("title_th") or "")
    assert THAI.search(title), f"{template}: no Thai title in the manifest"
    words = [w for w in title_words(title) if w in text]
    assert words, f"{template}: none of the title's words {title_words(title)} is in its HTML"
    return [w for w in WORDS if w in text], words


def missing(words: list[str], pdf_text: str) -> list[str]:
    text = squeeze(pdf_text)
    return [w for w in words if w not in text]


@pytest.mark.parametrize(("template", "org"), CASES, ids=[f"{t}-{o}" for t, o in CASES])
def test_pdfium_finds_the_thai_words_of_the_html(report_files, template, org):
    folder, entry = report_files(template, org)
    assert entry["status"] == "ok", entry["error"]
    fixed, title = needles(folder, template, entry)
    text = pdfium_text(folder / f"{template}.pdf")
    assert missing(fixed + title, text) == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not on PATH")
@pytest.mark.parametrize(("template", "org"), CASES, ids=[f"{t}-{o}" for t, o in CASES])
def test_pdftotext_finds_the_thai_words_of_the_html(report_files, template, org):
    folder, entry = report_files(template, org)
    assert entry["status"] == "ok", entry["error"]
    fixed, title = needles(folder, template, entry)
    assert missing(fixed + title, poppler_text(folder / f"{template}.pdf")) == []


@pytest.mark.skipif(not CASES, reason="no template notebook written yet")
def test_the_batch_holds_every_word_of_the_list_somewhere(report_files):
    """The per-report tests check a word only where the HTML has it: the batch as a whole must have each one."""
    seen: set[str] = set()
    for template, org in CASES:
        folder, entry = report_files(template, org)
        seen |= set(needles(folder, template, entry)[0])
    assert seen == set(WORDS)


def test_the_old_text_layer_would_fail_this_check():
    """What poppler and pdfium extracted before the ActualText spans: the check reports every such word."""
    before = "ทํา กําหนด ตํ่า นํ้าหนัก ตัวชีว้ ด ั จํานวน"
    assert missing(list(WORDS), before) == list(WORDS)
