"""A report as an editable Word document (``.docx``), for boards that amend the text before it is signed.

The source is the report's HTML (:func:`planlib.reports.render.page`), i.e. exactly what the board sees in the
browser and the PDF; an executed notebook is first rendered to that HTML by :mod:`planlib.reports.render`, so
the notebook stays the single source of truth. The HTML is only parsed (stdlib :mod:`html.parser`), never run:

* headings ``h1``–``h6`` → Word's Heading 1–6 (they keep with the next paragraph); the page's kicker and
  subtitle → Title and Subtitle;
* tables → real Word tables: the header row (``thead`` or leading rows of ``th``) is bold, shaded and repeats
  on every page; numbers (cells of class ``num`` or text that is a number) are right-aligned; RAG cells keep
  their fill (:data:`planlib.display.RAG_FILLS`); ``colspan``/``rowspan`` become merged cells; rows never split
  across pages, a short table (≤ 15 rows) is kept on one page and its source note is kept with it;
* ``<img src="data:image/png;base64,…">`` (the charts) → inline pictures, scaled to the text width (and to at
  most 90 % of the text height), alt text kept as the picture's description; any other image (a URL, a file,
  an unreadable or oversized picture) → its alt text in brackets, nothing is fetched;
* notes (``div.note``) → shaded paragraphs with the note's colour bar; source lines → small grey text;
  lists, ``pre``, bold/italic/code/sub/sup inline; links only for ``http(s):``/``mailto:`` targets;
* ``script``, ``style``, ``iframe``, ``object``, ``svg``, forms and the like are dropped with their content.

Thai: the document's defaults and every style use :data:`planlib.fonts.THAI_FONT_FAMILY` for all four font
slots (``w:ascii``, ``w:hAnsi``, ``w:eastAsia`` and ``w:cs``; Word shapes Thai with the complex-script slot),
sizes are set for complex script too (``w:szCs``, bold as ``w:bCs``), the complex-script language is th-TH,
and the font itself is embedded (obfuscated as ECMA-376 Part 1 §17.8.1 requires), so the document shows Thai
in Noto Sans Thai on a computer that does not have the font. Page: A4, 20 mm margins, page number at the foot.

The file is written atomically: a temporary file in the target folder, then :func:`os.replace`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import math
import os
import re
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree  # python-docx's own XML library (its dependency): serialises the edited font table

from planlib.display import RAG_FILLS
from planlib.fonts import THAI_FONT_FAMILY, thai_font_path
from planlib.reports import render

# ---------------------------------------------------------------- page and house style

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN = Mm(20)
TEXT_WIDTH = Emu(PAGE_WIDTH - 2 * MARGIN)
TEXT_HEIGHT = Emu(PAGE_HEIGHT - 2 * MARGIN)
BODY_SIZE = Pt(10.5)
TWIP = 635
"""EMU in a twip, the unit Word stores widths in (column widths are rounded down to it, so they still fit)."""
ACCENT = "1F5F8B"
"""The house blue of ``report.css`` (headings, header-row text, note bars)."""
HEADER_FILL = "EEF3F7"
GREY = "666666"
NOTE_COLOURS = {
    "info": (ACCENT, "F3F7FA"),
    "synthetic": (ACCENT, "F3F7FA"),
    "warning": ("E0A526", "FDF7E8"),
    "error": ("C0392B", "FBECEB"),
    "missing": ("9E9E9E", "F4F4F4"),
}
"""Note kind → (bar colour, fill), as in ``report.css``."""
SHORT_TABLE_ROWS = 15
SHORT_TABLE_HEIGHT_MM = 120
"""A table of at most this many body rows (``table-short`` in the HTML) and about this height is kept on one page;
a taller one would leave most of a page blank, so it may break between rows (never inside one)."""
CELL_PADDING = 2.4
"""Millimetres of a table cell's left plus right margin (1.2 mm each; Word's default is 1.9 mm)."""
MAX_COLUMNS = 63
"""Word's limit on the columns of a table; cells beyond it are left out."""
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_IMAGE_BYTES = 200 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000
MAX_IMAGE_SIDE = 20_000
"""Pictures larger than these are shown as their alt text (a hostile page cannot blow up the document)."""
MAX_DEPTH = 200
"""Deeper nesting than this is flattened into its parent (no recursion limit on hostile HTML)."""
IMAGE_DATA = re.compile(r"^\s*data:image/(png|jpe?g|gif);base64,", re.I)
SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.I)

DROP = frozenset({
    "script", "style", "head", "title", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
    "template", "svg", "math", "form", "button", "input", "select", "textarea", "canvas", "video", "audio",
    "link", "meta", "base", "param", "source", "track", "map", "area", "dialog",
})
"""Elements left out together with everything inside them."""
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"})
BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html",
    "img", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
})
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
CLOSES_P = BLOCK - {"img", "caption", "figcaption", "li", "dd", "dt", "summary", "body", "html"}

# ---------------------------------------------------------------- parsing (never executing)


@dataclass
class Node:
    """One HTML element: tag, attributes and children (elements or text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def has_class(self, *names: str) -> bool:
        return any(c in names for c in self.classes)

    def elements(self) -> Iterator[Node]:
        return (c for c in self.children if isinstance(c, Node))

    def text(self) -> str:
        """All text inside, whitespace collapsed."""
        return _collapse("".join(_texts(self)))


def _texts(node: Node) -> Iterator[str]:
    for child in node.children:
        if isinstance(child, str):
            yield child
        elif child.tag == "br":
            yield "\n"
        else:
            yield from _texts(child)


class TreeBuilder(HTMLParser):
    """A forgiving HTML → :class:`Node` tree: dropped elements skipped, implied end tags closed, depth capped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack: list[Node] = [self.root]
        self.skipping: list[str] = []
        self.title = ""
        self.in_title = False
        self.flattened = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=tag in VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, void: bool) -> None:
        if self.skipping:
            if not void:
                self.skipping.append(tag)
            return
        if tag == "title" and not void:
            self.in_title = True
        if tag in DROP:
            if not void:
                self.skipping.append(tag)
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        if "hidden" in values or re.search(r"display\s*:\s*none", values.get("style", ""), re.I):
            if not void:
                self.skipping.append(tag)
            return
        self._close_implied(tag)
        node = Node(tag, values)
        if len(self.stack) > MAX_DEPTH:
            if not void:
                self.flattened += 1
            return
        self.stack[-1].children.append(node)
        if not void:
            self.stack.append(node)

    def _close_implied(self, tag: str) -> None:
        open_tags = [n.tag for n in self.stack]
        if tag in CLOSES_P and "p" in open_tags[-1:]:
            self.stack.pop()
        elif tag == "li":
            self._pop_to("li", stop={"ul", "ol"})
        elif tag in ("dt", "dd"):
            self._pop_to("dt", stop={"dl"}) or self._pop_to("dd", stop={"dl"})
        elif tag == "tr":
            self._pop_to("tr", stop={"table", "thead", "tbody", "tfoot"})
        elif tag in ("td", "th"):
            self._pop_to("td", stop={"tr", "table"}) or self._pop_to("th", stop={"tr", "table"})
        elif tag in ("thead", "tbody", "tfoot"):
            for inner in ("tr", "thead", "tbody", "tfoot"):
                self._pop_to(inner, stop={"table"})

    def _pop_to(self, tag: str, stop: set[str]) -> bool:
        """Close the open ``tag`` (and what is open inside it) unless a ``stop`` element is nearer."""
        for depth in range(len(self.stack) - 1, 0, -1):
            current = self.stack[depth].tag
            if current == tag:
                del self.stack[depth:]
                return True
            if current in stop:
                return False
        return False

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.skipping:
            self.skipping.pop()
            return
        if self.flattened and tag not in VOID:
            self.flattened -= 1
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.skipping:
            return
        self.stack[-1].children.append(data)


def parse_html(text: str) -> tuple[Node, str]:
    """The body tree of an HTML page and its ``<title>``; scripts, styles and frames are already gone."""
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root, _collapse(builder.title)


# ---------------------------------------------------------------- text helpers

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_NUMBER = re.compile(r"^[+\-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s?(%|‰)?$")
EMPTY_CELL = frozenset({"", "–", "-", "—"})


def _clean(text: str) -> str:
    """Text Word accepts: characters XML 1.0 forbids are removed."""
    return _XML_ILLEGAL.sub("", text)


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def is_number(text: str) -> bool:
    """A cell text that reads as a number (``1,234``, ``-3.5``, ``24.71 %``), right-aligned in a table."""
    return bool(_NUMBER.match(text.strip()))


def _width(text: str) -> int:
    """Printed width in characters: Thai vowel and tone marks above or below a consonant take no column."""
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


# ---------------------------------------------------------------- OOXML helpers

_RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
              "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
              "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"]
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]
_TCPR_ORDER = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark"]


def _set_child(parent: Any, name: str, order: list[str], **attrs: str) -> Any:
    """Set (replace) child ``w:name`` of ``parent`` with ``attrs``, in the position the schema requires."""
    tag = qn(f"w:{name}")
    for old in parent.findall(tag):
        parent.remove(old)
    element = OxmlElement(f"w:{name}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    later = set(order[order.index(name) + 1:])
    for index, child in enumerate(parent):
        if child.tag.split("}")[-1] in later:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def _thai_fonts(rpr: Any, family: str = THAI_FONT_FAMILY, *, latin: str | None = None) -> None:
    """All four font slots to ``family`` (Latin slots to ``latin`` when given), theme fonts removed."""
    latin = latin or family
    _set_child(rpr, "rFonts", _RPR_ORDER, ascii=latin, hAnsi=latin, eastAsia=family, cs=family)


def _run_format(run: Any, *, bold: bool = False, italic: bool = False, size: float | None = None,
                colour: str | None = None, mono: bool = False, vert: str | None = None) -> None:
    """Bold, italic and size for Latin *and* complex-script (Thai) text.

    Word keeps them apart: ``b``/``bCs``, ``i``/``iCs``, ``sz``/``szCs``; Thai only follows the ``Cs`` ones.
    """
    rpr = run._r.get_or_add_rPr()
    if mono:
        _thai_fonts(rpr, latin="Courier New")
    if bold:
        _set_child(rpr, "b", _RPR_ORDER)
        _set_child(rpr, "bCs", _RPR_ORDER)
    if italic:
        _set_child(rpr, "i", _RPR_ORDER)
        _set_child(rpr, "iCs", _RPR_ORDER)
    if colour:
        _set_child(rpr, "color", _RPR_ORDER, val=colour)
    if size:
        half_points = str(round(size * 2))
        _set_child(rpr, "sz", _RPR_ORDER, val=half_points)
        _set_child(rpr, "szCs", _RPR_ORDER, val=half_points)
    if vert:
        _set_child(rpr, "vertAlign", _RPR_ORDER, val=vert)


def _shade(parent: Any, order: list[str], fill: str) -> None:
    _set_child(parent, "shd", order, val="clear", color="auto", fill=fill)


# ---------------------------------------------------------------- the document


def _style_for_thai(doc: Document) -> None:
    """Defaults and every style in the Thai font, complex-script sizes and bold set, language th-TH for Thai."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _thai_fonts(rpr)
    half_points = str(round(BODY_SIZE.pt * 2))
    _set_child(rpr, "sz", _RPR_ORDER, val=half_points)
    _set_child(rpr, "szCs", _RPR_ORDER, val=half_points)
    _set_child(rpr, "lang", _RPR_ORDER, val="en-GB", eastAsia="en-US", bidi="th-TH")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _set_child(ppr, "spacing", _PPR_ORDER, after="100", line="264", lineRule="auto")
    for style in styles.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is None:
            continue
        if rpr.find(qn("w:rFonts")) is not None:
            _thai_fonts(rpr)
        for latin, complex_script in (("b", "bCs"), ("i", "iCs")):
            mark = rpr.find(qn(f"w:{latin}"))
            if mark is not None and rpr.find(qn(f"w:{complex_script}")) is None:
                _set_child(rpr, complex_script, _RPR_ORDER, **{k.split("}")[-1]: v for k, v in mark.attrib.items()})
        size = rpr.find(qn("w:sz"))
        if size is not None:
            _set_child(rpr, "szCs", _RPR_ORDER, val=size.get(qn("w:val")))
    for name, size in (("Title", 20), ("Subtitle", 12), ("Heading 1", 16), ("Heading 2", 13.5), ("Heading 3", 11.5),
                       ("Heading 4", 10.5), ("Caption", 9.5)):
        style = doc.styles[name]
        style.font.color.rgb = RGBColor.from_string(ACCENT)
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        _set_child(rpr, "szCs", _RPR_ORDER, val=str(round(size * 2)))
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour = rpr.find(qn("w:color"))
            if colour is not None and colour.get(qn(theme)) is not None:
                del colour.attrib[qn(theme)]
    for name in ("Title", "Subtitle"):
        rpr = doc.styles[name].element.get_or_add_rPr()
        for tag in ("i", "iCs", "spacing", "kern"):
            for element in rpr.findall(qn(f"w:{tag}")):
                rpr.remove(element)
    doc.styles["Caption"].font.bold = True
    doc.styles["Caption"].paragraph_format.keep_with_next = True


def _page_setup(doc: Document) -> None:
    """A4 portrait, 20 mm margins, ``page / pages`` at the foot on the right."""
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Mm(10)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for index, instruction in enumerate(("PAGE", "NUMPAGES")):
        if index:
            _run_format(footer.add_run(" / "), size=8, colour=GREY)
        field_xml = (f'<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                     f'w:instr="{instruction}"><w:r><w:rPr><w:color w:val="{GREY}"/><w:sz w:val="16"/>'
                     f'<w:szCs w:val="16"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>')
        footer._p.append(parse_xml(field_xml))


def _drop_template_thumbnail(doc: Document) -> None:
    """The blank template's preview picture would show in file browsers instead of the report: left out."""
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(rid)


FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def obfuscate_font(data: bytes, key: uuid.UUID) -> bytes:
    """An embedded font as Word stores it (ECMA-376 Part 1 §17.8.1).

    The first 32 bytes are XORed with the font key: the GUID's 16 bytes in reverse order of its hex string.
    """
    guid = bytes.fromhex(key.hex)[::-1]
    head = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _embed_thai_font(doc: Document) -> None:
    """Embed the Thai font (regular) so Word shows Noto Sans Thai where it is not installed.

    The font goes in as ``/word/fonts/font1.odttf`` (obfuscated), related from the font table, whose entry
    for the family names it with ``w:embedRegular``; ``w:embedTrueTypeFonts`` in the settings asks Word to
    use (and keep) it. The entry also declares the Thai character set (``DE``), so an application that
    ignores embedded fonts still picks a Thai font.
    """
    font_table = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    key = uuid.uuid4()
    font_part = Part(PackURI("/word/fonts/font1.odttf"), OBFUSCATED_FONT,
                     obfuscate_font(thai_font_path().read_bytes(), key), doc.part.package)
    rid = font_table.relate_to(font_part, FONT_REL)
    fonts = parse_xml(font_table.blob)
    for old in fonts.findall(qn("w:font")):
        if old.get(qn("w:name")) == THAI_FONT_FAMILY:
            fonts.remove(old)
    fonts.append(parse_xml(
        f'<w:font xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" w:name="{THAI_FONT_FAMILY}">'
        f'<w:panose1 w:val="020B0502040504020204"/><w:charset w:val="DE"/><w:family w:val="swiss"/>'
        f'<w:pitch w:val="variable"/><w:embedRegular r:id="{rid}" w:fontKey="{{{str(key).upper()}}}"/></w:font>'
    ))
    font_table._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = doc.settings.element
    for tag in ("w:embedTrueTypeFonts", "w:saveSubsetFonts"):
        if settings.find(qn(tag)) is None:
            settings.insert(0 if tag == "w:embedTrueTypeFonts" else 1, OxmlElement(tag))


def new_document(title: str = "", *, embed_font: bool = True) -> Document:
    """An empty A4 document in the house style with the Thai font set for every script."""
    doc = docx.Document()
    _style_for_thai(doc)
    _page_setup(doc)
    _drop_template_thumbnail(doc)
    if embed_font:
        _embed_thai_font(doc)
    props = doc.core_properties
    props.title = _clean(title)[:250]
    props.author = "planlib"
    props.language = "th-TH"
    props.comments = ""
    return doc


# ---------------------------------------------------------------- HTML → Word


@dataclass(frozen=True)
class Fmt:
    """Inline formatting carried down the tree."""

    bold: bool = False
    italic: bool = False
    mono: bool = False
    vert: str | None = None
    link: str | None = None
    size: float | None = None
    colour: str | None = None


KEY_VALUE = Fmt(bold=True, size=16, colour=ACCENT)
"""How a key figure's value (an element whose class names a ``value`` inside ``key-figures``) is printed."""


class Flow:
    """Where blocks go: the document body or a table cell (whose first, empty paragraph is used first)."""

    def __init__(self, target: Document | _Cell):
        self.target = target
        self.spare: Paragraph | None = target.paragraphs[0] if isinstance(target, _Cell) else None
        self.last: str = ""

    def paragraph(self, style: str | None = None) -> Paragraph:
        self.last = "paragraph"
        if self.spare is not None:
            para, self.spare = self.spare, None
            if style:
                para.style = style
            return para
        return self.target.add_paragraph(style=style)

    def table(self, rows: int, cols: int) -> Table:
        self.last = "table"
        if isinstance(self.target, _Cell):
            table = self.target.add_table(rows, cols)
            if self.spare is not None:  # the cell's first paragraph stays empty above the table: drop it
                self.spare._p.getparent().remove(self.spare._p)
                self.spare = None
            return table
        return self.target.add_table(rows, cols)


@dataclass
class Converter:
    """Walks the parsed HTML and writes Word blocks."""

    doc: Document
    image_bytes: int = 0
    last_table: Table | None = None
    pictures: int = 0
    in_key_figure: bool = False

    # blocks ----------------------------------------------------------------

    def blocks(self, node: Node, flow: Flow, depth: int = 0) -> None:
        pending: list[Node | str] = []
        for child in node.children:
            if isinstance(child, str) or (child.tag not in BLOCK and not self._special(child)):
                pending.append(child)
                continue
            self.inline_paragraph(pending, flow)
            pending = []
            self.block(child, flow, depth + 1)
        self.inline_paragraph(pending, flow)

    @staticmethod
    def _special(node: Node) -> bool:
        """An inline element (a ``span``…) that the page styles as a block of its own."""
        special = node.has_class("note", "key-figures", "source", "verdict")
        return special or any(c.startswith("note-") for c in node.classes)

    def block(self, node: Node, flow: Flow, depth: int) -> None:
        tag = node.tag
        if node.has_class("anchor-link"):
            return
        if depth > MAX_DEPTH:
            self.inline_paragraph([node], flow)
        elif tag in HEADINGS:
            self.heading(node, int(tag[1]), flow)
        elif node.has_class("report-kicker"):
            self.inline_paragraph(node.children, flow, style="Title")
        elif node.has_class("report-subtitle"):
            self.inline_paragraph(node.children, flow, style="Subtitle")
        elif tag == "table":
            self.table(node, flow)
        elif tag == "img":
            self.picture(node, flow)
        elif node.has_class("note") or any(c.startswith("note-") for c in node.classes):
            self.note(node, flow)
        elif node.has_class("source"):
            self.source(node, flow)
        elif node.has_class("key-figures"):
            self.key_figures(node, flow)
        elif tag in ("caption", "figcaption"):
            self.inline_paragraph(node.children, flow, style="Caption")
        elif tag in ("ul", "ol"):
            self.listing(node, flow, level=1)
        elif tag == "pre":
            self.pre(node, flow)
        elif tag == "hr":
            return
        elif self.in_key_figure and any("value" in c for c in node.classes):
            self.inline_paragraph(node.children, flow, fmt=KEY_VALUE)
        elif tag == "p" or tag in ("dt", "dd", "summary", "li"):
            self.inline_paragraph(node.children, flow, fmt=Fmt(bold=tag == "dt" or node.has_class("verdict")))
        elif node.has_class("verdict"):
            self.inline_paragraph(node.children, flow, fmt=Fmt(bold=True))
        else:  # div, section, figure, blockquote … : containers
            self.blocks(node, flow, depth)

    def heading(self, node: Node, level: int, flow: Flow) -> None:
        para = flow.paragraph(style=f"Heading {level}")
        self.runs(para, node.children, Fmt())
        if not para.text.strip():
            para._p.getparent().remove(para._p)

    def inline_paragraph(self, items: list[Node | str], flow: Flow, *, style: str | None = None,
                         fmt: Fmt | None = None) -> Paragraph | None:
        """One paragraph of inline content; nothing when it holds only white space."""
        if not any(_has_content(item) for item in items):
            return None
        para = flow.paragraph(style=style)
        self.runs(para, items, fmt or Fmt())
        return para

    def runs(self, para: Paragraph, items: list[Node | str], fmt: Fmt) -> None:
        """Inline content as runs; white space collapsed as a browser does, none at the paragraph's ends."""
        pieces: list[tuple[str, Fmt]] = []
        self._collect(items, fmt, pieces)
        out: list[tuple[str, Fmt]] = []
        previous_space = True
        for text, piece_fmt in pieces:
            if text == "\n":
                out.append((text, piece_fmt))
                previous_space = True
                continue
            text = _SPACE.sub(" ", text)
            if previous_space:
                text = text.lstrip(" ")
            if text:
                previous_space = text.endswith(" ")
                out.append((text, piece_fmt))
        while out and out[-1][0] != "\n" and out[-1][0].endswith(" "):
            trimmed = out[-1][0].rstrip(" ")
            out[-1] = (trimmed, out[-1][1])
            if trimmed:
                break
            out.pop()
        for text, piece_fmt in out:
            self.run(para, text, piece_fmt)

    def _collect(self, items: list[Node | str], fmt: Fmt, out: list[tuple[str, Fmt]]) -> None:
        for item in items:
            if isinstance(item, str):
                out.append((_clean(item), fmt))
                continue
            tag = item.tag
            if item.has_class("anchor-link"):
                continue
            if tag == "br":
                out.append(("\n", fmt))
                continue
            if tag == "img":
                alt = _collapse(item.attrs.get("alt", ""))
                if alt:
                    out.append((f"[{_clean(alt)}]", fmt))
                continue
            child = fmt
            if tag in ("b", "strong", "th", "dt") or item.has_class("verdict"):
                child = replace(child, bold=True)
            if tag in ("i", "em", "cite", "var"):
                child = replace(child, italic=True)
            if tag in ("code", "kbd", "samp", "tt"):
                child = replace(child, mono=True)
            if tag in ("sub", "sup"):
                child = replace(child, vert="subscript" if tag == "sub" else "superscript")
            if tag == "a":
                href = item.attrs.get("href", "").strip()
                child = replace(child, link=href if SAFE_LINK.match(href) else None)
            if any("value" in c for c in item.classes) and self.in_key_figure:
                child = replace(child, bold=True, size=KEY_VALUE.size, colour=KEY_VALUE.colour)
            if item.tag in BLOCK and out and out[-1][0] not in ("\n",):
                out.append((" ", fmt))
            self._collect(item.children, child, out)
            if item.tag in BLOCK:
                out.append((" ", fmt))

    def run(self, para: Paragraph, text: str, fmt: Fmt) -> None:
        if text == "\n":
            para.add_run().add_break(WD_BREAK.LINE)
            return
        if fmt.link:
            self.hyperlink(para, text, fmt)
            return
        run = para.add_run(text)
        _run_format(run, bold=fmt.bold, italic=fmt.italic, size=fmt.size, colour=fmt.colour, mono=fmt.mono,
                    vert=fmt.vert)

    def hyperlink(self, para: Paragraph, text: str, fmt: Fmt) -> None:
        """An external link (http, https or mailto only), blue and underlined as Word shows links."""
        rid = para.part.relate_to(_clean(fmt.link or ""), RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        run = para.add_run(text)
        _run_format(run, bold=fmt.bold, italic=fmt.italic, size=fmt.size, colour="0563C1", mono=fmt.mono)
        run.font.underline = True
        para._p.remove(run._r)
        link.append(run._r)
        para._p.append(link)

    def listing(self, node: Node, flow: Flow, level: int) -> None:
        ordered = node.tag == "ol"
        number = 0
        for item in node.elements():
            if item.tag != "li":
                self.block(item, flow, level)
                continue
            number += 1
            inline = [c for c in item.children if isinstance(c, str) or c.tag not in ("ul", "ol")]
            if ordered:
                para = flow.paragraph(style="List")  # numbers written out: Word's would run on across lists
                para.paragraph_format.left_indent = Mm(6 * level)
                para.paragraph_format.first_line_indent = Mm(-6)
                para.add_run(f"{number}.\t")
                self.runs(para, inline, Fmt())
            else:
                para = flow.paragraph(style="List Bullet" if level == 1 else "List Bullet 2")
                self.runs(para, inline, Fmt())
            for nested in item.elements():
                if nested.tag in ("ul", "ol") and level < 3:
                    self.listing(nested, flow, level + 1)
                elif nested.tag in ("ul", "ol"):
                    self.inline_paragraph([nested], flow)

    def pre(self, node: Node, flow: Flow) -> None:
        para = flow.paragraph()
        lines = _clean("".join(_texts(node))).strip("\n").split("\n")
        for index, line in enumerate(lines):
            run = para.add_run(line)
            _run_format(run, size=8.5, mono=True)
            if index < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)

    def note(self, node: Node, flow: Flow) -> None:
        kind = next((c[5:] for c in node.classes if c.startswith("note-")), "info")
        bar, fill = NOTE_COLOURS.get(kind, NOTE_COLOURS["info"])
        para = flow.paragraph()
        self.runs(para, node.children, Fmt())
        ppr = para._p.get_or_add_pPr()
        borders = _set_child(ppr, "pBdr", _PPR_ORDER)
        left = OxmlElement("w:left")
        for key, value in (("val", "single"), ("sz", "24"), ("space", "6"), ("color", bar)):
            left.set(qn(f"w:{key}"), value)
        borders.append(left)
        _shade(ppr, _PPR_ORDER, fill)
        para.paragraph_format.left_indent = Mm(3)
        para.paragraph_format.keep_together = True

    def source(self, node: Node, flow: Flow) -> None:
        """A table's source line: small and grey, kept on the page of the table above it."""
        if flow.last == "table" and self.last_table is not None:
            for cell in self.last_table.rows[-1].cells:
                for para in cell.paragraphs:
                    para.paragraph_format.keep_with_next = True
        para = flow.paragraph()
        self.runs(para, node.children, Fmt(size=8, colour=GREY))
        para.paragraph_format.space_before = Pt(2)

    def key_figures(self, node: Node, flow: Flow) -> None:
        """A key-figures block (``div.key-figures`` of cards): a borderless grid, each value large and bold."""
        cards = [c for c in node.elements() if _has_content(c)]
        if not cards:
            return
        heads = [c for c in cards if c.tag in HEADINGS + ("p",) and not c.has_class("key-figure")]
        cards = [c for c in cards if c not in heads]
        for head in heads[:1]:
            self.block(head, flow, 1)
        cols = min(3, max(1, len(cards)))
        rows = math.ceil(len(cards) / cols)
        table = flow.table(rows, cols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.in_key_figure = True
        try:
            for index, card in enumerate(cards):
                cell = table.cell(index // cols, index % cols)
                _shade(cell._tc.get_or_add_tcPr(), _TCPR_ORDER, "F3F7FA")
                self.blocks(card, Flow(cell))
        finally:
            self.in_key_figure = False
        for row in table.rows:
            _keep_row(row)
        for head in heads[1:]:
            self.block(head, flow, 1)
        self.last_table = table

    # pictures --------------------------------------------------------------

    def picture(self, node: Node, flow: Flow) -> None:
        """An embedded PNG/JPEG/GIF chart as an inline picture scaled to the text width; otherwise its alt text."""
        alt = _clean(_collapse(node.attrs.get("alt", "")))[:2000]
        blob = self._image_blob(node.attrs.get("src", ""))
        if blob is not None:
            try:
                image = Image.from_blob(blob)
                ok = (0 < image.px_width <= MAX_IMAGE_SIDE and 0 < image.px_height <= MAX_IMAGE_SIDE
                      and image.px_width * image.px_height <= MAX_IMAGE_PIXELS)
            except Exception:  # not a picture python-docx can read: shown as its alt text
                ok = False
            if ok:
                width, height = _fit(image.width, image.height, flow)
                para = flow.paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                shape = para.add_run().add_picture(io.BytesIO(blob), width=width, height=height)
                doc_pr = shape._inline.docPr
                doc_pr.set("descr", alt)
                doc_pr.set("name", f"chart {self.pictures + 1}")
                self.image_bytes += len(blob)
                self.pictures += 1
                return
        para = flow.paragraph()
        shown = alt or "ไม่มีคำอธิบาย / no description"
        self.run(para, f"[ภาพ / image: {shown}]", Fmt(italic=True, colour=GREY))

    def _image_blob(self, src: str) -> bytes | None:
        match = IMAGE_DATA.match(src)
        if not match:
            return None
        data = src[match.end():]
        if len(data) > MAX_IMAGE_BYTES * 4 // 3 + 4:
            return None
        try:
            blob = base64.b64decode(re.sub(r"\s+", "", data), validate=True)
        except (binascii.Error, ValueError):
            return None
        if self.image_bytes + len(blob) > MAX_TOTAL_IMAGE_BYTES:
            return None
        return blob

    # tables ----------------------------------------------------------------

    def table(self, node: Node, flow: Flow) -> None:
        captions = [c for c in node.elements() if c.tag == "caption"]
        for caption in captions:
            self.inline_paragraph(caption.children, flow, style="Caption")
        head_rows, body_rows = _table_rows(node)
        rows = head_rows + body_rows
        if not rows:
            return
        grid, spans, n_cols = _layout(rows)
        n_cols = min(n_cols, MAX_COLUMNS)
        if n_cols == 0:
            return
        table = flow.table(len(rows), n_cols)
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        margins = _set_child(table._tbl.tblPr, "tblCellMar", _TBLPR_ORDER)
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(round(Mm(CELL_PADDING / 2) / TWIP)))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        header_count = len(head_rows) or _leading_header_rows(rows)
        numeric = _numeric_columns(grid, header_count, n_cols)
        font_size = 9 if n_cols <= 8 else 8 if n_cols <= 12 else 7
        widths = [Emu(w - w % TWIP) for w in _column_widths(grid, n_cols, header_count, flow, font_size)]
        for index, column in enumerate(table.columns):
            column.width = widths[index]
        for (r, c), (row_span, col_span) in spans.items():
            if c < n_cols and (row_span > 1 or col_span > 1):
                last_col = min(c + col_span, n_cols) - 1
                table.cell(r, c).merge(table.cell(r + row_span - 1, last_col))
        short = (len(rows) - header_count <= SHORT_TABLE_ROWS
                 and _table_height_mm(grid, widths, font_size) <= SHORT_TABLE_HEIGHT_MM)
        for r, row in enumerate(table.rows):
            header = r < header_count
            trpr = row._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if header:
                trpr.append(OxmlElement("w:tblHeader"))
            row_cells = row.cells
            for c in range(n_cols):
                cell_node = grid[r][c]
                if cell_node is None or spans.get((r, c)) is None:
                    continue  # empty grid slot, or covered by a merged cell
                cell = row_cells[c]
                cell.width = sum(widths[c:c + spans[(r, c)][1]], Emu(0))
                self.cell(cell, cell_node, header=header, numeric=c in numeric, size=font_size)
            if (short and r < len(rows) - 1) or header:
                _keep_row(row)
        self.last_table = table

    def cell(self, cell: _Cell, node: Node, *, header: bool, numeric: bool, size: float) -> None:
        flow = Flow(cell)
        self.blocks(node, flow)
        text = node.text()
        right = node.has_class("num") or "data-num" in node.attrs or (numeric and (is_number(text) or header))
        bold = header or node.tag == "th"
        for para in cell.paragraphs:
            para.paragraph_format.space_after = Pt(0)
            if right:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in para.runs:
                _run_format(run, bold=bold, size=size, colour=ACCENT if header else None)
        tcpr = cell._tc.get_or_add_tcPr()
        fill = _cell_fill(node)
        if header:
            _shade(tcpr, _TCPR_ORDER, HEADER_FILL)
        elif fill:
            _shade(tcpr, _TCPR_ORDER, fill)


def _has_content(item: Node | str) -> bool:
    if isinstance(item, str):
        return bool(item.strip())
    return item.tag in ("img", "br", "table") or any(_has_content(c) for c in item.children)


def _keep_row(row: Any) -> None:
    for cell in row.cells:
        for para in cell.paragraphs:
            para.paragraph_format.keep_with_next = True


def _fit(width: int, height: int, flow: Flow) -> tuple[Emu, Emu]:
    """The picture's natural size, scaled down to the text width (a cell's width inside a table) and 90 % height."""
    room = TEXT_WIDTH
    if isinstance(flow.target, _Cell) and flow.target.width:
        room = Emu(max(int(flow.target.width) - int(Mm(2)), int(Mm(10))))
    scale = min(1.0, room / max(width, 1), TEXT_HEIGHT * 0.9 / max(height, 1))
    return Emu(int(width * scale)), Emu(int(height * scale))


def _table_rows(node: Node) -> tuple[list[Node], list[Node]]:
    """Header rows (``thead``) and the other rows of a table, nested tables' rows excluded."""
    head: list[Node] = []
    body: list[Node] = []
    for child in node.elements():
        if child.tag == "tr":
            body.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows = [r for r in child.elements() if r.tag == "tr"]
            (head if child.tag == "thead" else body).extend(rows)
    return head, body


def _span(node: Node, name: str, limit: int) -> int:
    try:
        return max(1, min(int(node.attrs.get(name, "1").strip() or 1), limit))
    except ValueError:
        return 1


def _layout(rows: list[Node]) -> tuple[list[list[Node | None]], dict[tuple[int, int], tuple[int, int]], int]:
    """The table's cell grid: each slot holds the cell covering it; ``spans`` has (rows, cols) at each cell's origin."""
    grid: list[list[Node | None]] = [[] for _ in rows]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row.elements():
            if cell.tag not in ("td", "th"):
                continue
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            if c >= MAX_COLUMNS:
                break
            row_span = _span(cell, "rowspan", len(rows) - r)
            col_span = _span(cell, "colspan", MAX_COLUMNS - c)
            spans[(r, c)] = (row_span, col_span)
            for rr in range(r, r + row_span):
                line = grid[rr]
                while len(line) < c + col_span:
                    line.append(None)
                for cc in range(c, c + col_span):
                    line[cc] = cell
            c += col_span
    n_cols = max((len(line) for line in grid), default=0)
    for line in grid:
        line.extend([None] * (n_cols - len(line)))
    return grid, spans, n_cols


def _leading_header_rows(rows: list[Node]) -> int:
    count = 0
    for row in rows[:-1]:
        cells = [c for c in row.elements() if c.tag in ("td", "th")]
        if cells and all(c.tag == "th" for c in cells):
            count += 1
        else:
            break
    return count


def _numeric_columns(grid: list[list[Node | None]], header_count: int, n_cols: int) -> set[int]:
    """Columns whose body cells are all numbers (or empty): right-aligned, header included."""
    numeric = set()
    for c in range(n_cols):
        texts = [row[c].text() for row in grid[header_count:] if row[c] is not None]
        filled = [t for t in texts if t not in EMPTY_CELL]
        if filled and all(is_number(t) for t in filled):
            numeric.add(c)
    return numeric


def _column_widths(grid: list[list[Node | None]], n_cols: int, header_count: int, flow: Flow,
                   size: float) -> list[Emu]:
    """Column widths that fit the text width: every column gets its minimum, the rest goes where the text is.

    In characters: a column's minimum is its longest word (:func:`_unbreakable`), and for a column of long
    text a quarter of its longest text (at most 20), so names do not shrink to a word a line; its wish is its
    longest body text (up to 60) or a third of its header. A character is :func:`_char_mm` wide, plus
    :data:`CELL_PADDING`. When the wishes fit, the room left is shared in proportion to the wishes; otherwise
    each column gets its minimum and the room above the minimums is shared in proportion to what each still
    wishes for (minimums that do not fit at all are scaled down together).
    """
    char_mm = _char_mm(size)
    minimum, wish = [], []
    for c in range(n_cols):
        low, high = 3.0, 3.0
        for r, row in enumerate(grid[:400]):
            cell = row[c]
            if cell is None:
                continue
            text = cell.text()
            header = r < header_count or cell.tag == "th"
            low = max(low, max((_unbreakable(w, header) for w in text.split()), default=0))
            if not header:
                low = max(low, min(_width(text) / 4, 20))
            high = max(high, _width(text) / 3 if header else min(_width(text), 60))
        minimum.append(int(Mm(CELL_PADDING + char_mm * low)))
        wish.append(int(Mm(CELL_PADDING + char_mm * max(low, high))))
    room = int(TEXT_WIDTH)
    if isinstance(flow.target, _Cell) and flow.target.width:
        room = int(flow.target.width)
    if sum(wish) <= room:
        return [Emu(room * w // sum(wish)) for w in wish]
    if sum(minimum) >= room:
        return [Emu(room * m // sum(minimum)) for m in minimum]
    spare, extra = room - sum(minimum), [w - m for w, m in zip(wish, minimum)]
    return [Emu(m + spare * e // max(sum(extra), 1)) for m, e in zip(minimum, extra)]


def _char_mm(size: float) -> float:
    """Mean width of a character at ``size`` points, in mm (Noto Sans Thai: about 0.6 em for Thai and Latin)."""
    return 0.21 * size


def _table_height_mm(grid: list[list[Node | None]], widths: list[Emu], size: float) -> float:
    """Estimated printed height of a table: each row as tall as its most-wrapped cell."""
    char_mm, line_mm = _char_mm(size), size * 0.3528 * 1.5
    total = 0.0
    for row in grid:
        lines = 1
        for cell, width in zip(row, widths):
            if cell is not None:
                per_line = max((width / 36000 - CELL_PADDING) / char_mm, 1)
                lines = max(lines, math.ceil(_width(cell.text()) / per_line))
        total += lines * line_mm + 1
    return total


def _unbreakable(word: str, header: bool) -> int:
    """Characters of ``word`` that must stay on one line: a code, number or Latin word up to 14 (7 in a header,
    which may break a long one); Thai breaks between its words, so a Thai run counts at most 6."""
    if any("\u0e00" <= ch <= "\u0e7f" for ch in word):
        return min(_width(word), 6)
    return min(_width(word), 7 if header else 14)


_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*#([0-9a-f]{6}|[0-9a-f]{3})\b", re.I)


def _cell_fill(node: Node) -> str | None:
    """A cell's fill: its RAG class (``rag-green``…) or a plain ``background:#hex`` in its style."""
    for name in node.classes:
        if name.startswith("rag-") and name[4:] in RAG_FILLS:
            return RAG_FILLS[name[4:]].lstrip("#").upper()
    match = _BACKGROUND.search(node.attrs.get("style", ""))
    if match:
        colour = match.group(1)
        return (colour if len(colour) == 6 else "".join(ch * 2 for ch in colour)).upper()
    return None


# ---------------------------------------------------------------- entry points


def html_document(page: str, *, title: str = "", embed_font: bool = True) -> Document:
    """The Word document of a report page (HTML text). Nothing in the page is run or fetched."""
    root, page_title = parse_html(page)
    doc = new_document(title or page_title, embed_font=embed_font)
    body = doc.element.body
    for para in list(doc.paragraphs):  # the blank template's empty paragraph
        body.remove(para._p)
    Converter(doc).blocks(root, Flow(doc))
    return doc


def notebook_page(nb: Any, *, title: str, subtitle: str = "") -> str:
    """An executed notebook's report page, the same body as its HTML and PDF (:mod:`planlib.reports.render`)."""
    return render.page(render.body_html(nb), title=title, subtitle=subtitle, embed_font=False)


def _source_page(source: str | os.PathLike[str] | Mapping[str, Any], title: str, subtitle: str) -> str:
    if isinstance(source, Mapping):
        return notebook_page(source, title=title, subtitle=subtitle)
    if isinstance(source, str) and ("<" in source or len(source) > 4096):
        return source
    path = Path(source)
    if path.suffix.lower() == ".ipynb":
        # heavy: nbformat imports jsonschema and its URI grammar (~1.8 s of CPU); only for a notebook given as a path
        import nbformat

        return notebook_page(nbformat.read(path, as_version=4), title=title or path.stem, subtitle=subtitle)
    return path.read_text(encoding="utf-8")


def write_docx(
    source: str | os.PathLike[str] | Mapping[str, Any],
    out_path: str | os.PathLike[str],
    *,
    title: str = "",
    subtitle: str = "",
    embed_font: bool = True,
) -> Path:
    """Write a report as ``.docx`` at ``out_path`` (atomically) and return the path.

    ``source`` is the report page's HTML text (as :func:`planlib.reports.render.notebook_html` returns it), a
    path to that ``.html`` file or to the executed ``.ipynb``, or the executed notebook itself (an
    ``nbformat`` node); a notebook is rendered with :func:`notebook_page` under ``title``/``subtitle``.
    """
    page = _source_page(source, title, subtitle)
    doc = html_document(page, title=title, embed_font=embed_font)
    target = Path(out_path)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")  # same folder: os.replace is atomic
    try:
        with open(temp, "xb") as fh:  # "x": never another file's; permissions from the umask, as for the HTML
            doc.save(fh)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return target
