"""Notebook display helpers: escaping, number formats, data-quality section, page 1 key figures."""

from __future__ import annotations

import html
import re
from pathlib import Path

import docx
import pandas as pd
import pytest

import planlib
from planlib import display
from planlib.inputs.key_figure import KeyFigure, find
from planlib.inputs.problems import Problem, Problems
from planlib.plans import key_figures as kf
from planlib.reports import render, word


def test_text_from_data_is_escaped() -> None:
    frame = pd.DataFrame({"name_th": ["<script>alert(1)</script>โครงการ"], "amount": [15000.0]})
    html = display.html_table(frame, caption="<b>ตาราง</b>", source="ข้อมูล & ที่มา")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;โครงการ" in html
    assert "&lt;b&gt;ตาราง&lt;/b&gt;" in html and "ข้อมูล &amp; ที่มา" in html


@pytest.mark.parametrize(
    ("value", "spec", "shown"),
    [
        (15705451.88, None, "15,705,451.88"),
        (5000000.0, None, "5,000,000"),
        (3.62, None, "3.62"),
        (None, None, "–"),
        (float("nan"), None, "–"),
        (0.9107, "{:.2%}", "91.07%"),
        (pd.Timestamp("2024-07-31"), None, "31 ก.ค. 2567"),
        (pd.Period("2024-10", "M"), None, "ต.ค. 67"),
        (True, None, "✓"),
    ],
)
def test_cell_formats(value: object, spec: str | None, shown: str) -> None:
    assert display._format(value, spec) == shown


def test_problems_section_lists_warnings_not_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(display, "_display", lambda obj, metadata=None: shown.append(obj.data))
    problems = Problems(
        [
            Problem("warning", "printed_totals", "the source prints 6,310", "เอกสารพิมพ์ 6,310",
                    file="printed_totals.csv", row=3),
            Problem("change", "swot", "read as 3.62", "อ่านเป็น 3.62", file="swot.csv", row=2),
        ]
    )
    display.show_problems(problems)
    page = "".join(shown)
    assert "เอกสารพิมพ์ 6,310" in page and "อ่านเป็น" not in page


def test_progress_goes_to_stderr_and_to_the_runner_file(tmp_path, monkeypatch, capsys) -> None:
    target = tmp_path / "progress.txt"
    monkeypatch.delenv(display.PROGRESS_ENV, raising=False)
    display.progress("เตรียมข้อมูล / preparing")
    captured = capsys.readouterr()
    assert captured.err == "เตรียมข้อมูล / preparing\n" and captured.out == "" and not target.exists()
    monkeypatch.setenv(display.PROGRESS_ENV, str(target))
    display.progress("loans 1–250,000 (1/4)")
    display.progress("two\nlines")
    assert target.read_text(encoding="utf-8") == "loans 1–250,000 (1/4)\ntwo lines\n"


def test_board_tables_show_counts_as_integers_drop_empty_columns_and_colour_rag() -> None:
    frame = pd.DataFrame({
        "โครงการ / project": ["ก", "ข"],
        "จำนวน / count": [3.0, 12.0],
        "อัตรา / rate": [24.71, 18.13],
        "หมายเหตุ / note": [None, float("nan")],
        "สถานะ / status": ["เขียว (ตามเป้า)", "red"],
    })
    page = display.html_table(frame)
    assert "หมายเหตุ / note" not in page  # an all-empty column is left out
    assert "<td class=\"num\">3</td>" in page and "3.00" not in page
    assert "24.71" in page and "18.13" in page
    assert 'class="rag rag-green"' in page and 'class="rag rag-red"' in page
    assert display.RAG_FILLS["green"] in page
    kept = display.html_table(frame, drop_empty=False)
    assert "หมายเหตุ / note" in kept


@pytest.mark.parametrize(("value", "shown"), [(float("inf"), display.NO_LIMIT), (-0.0, "0.00"), (-0.0001, "0.00")])
def test_no_inf_or_minus_zero_reaches_a_page(value: float, shown: str) -> None:
    assert display._format(value, "{:.2f}" if value != float("inf") else None) == shown


def test_figure_alt_text_describes_the_chart() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from planlib import charts

    fig, ax = charts.figure("คะแนนรวมจำแนกตามโครงการ", xlabel="คะแนน", ylabel="โครงการ")
    ax.barh(["ก", "ข"], [30, 16])
    page = display.figure_html(fig)
    assert 'alt="แผนภูมิ / chart: คะแนนรวมจำแนกตามโครงการ — แกนนอน / x: คะแนน; แกนตั้ง / y: โครงการ"' in page
    assert "data:image/png;base64," in page and "No description" not in page


def test_quality_appendix_groups_repeated_reasons_and_keeps_only_the_report_tables() -> None:
    damaged = [Problem("warning", "swot", "Thai text looks damaged", "ข้อความภาษาไทยเสียหาย", file="swot.csv",
                       row=r, code="damaged_text") for r in range(2, 35)]
    other = Problem("warning", "strategies", "Thai text looks damaged", "ข้อความภาษาไทยเสียหาย", file="x.csv", row=2,
                    code="damaged_text")
    single = Problem("error", "swot", "weight must be 0–1", "น้ำหนักต้องอยู่ระหว่าง 0–1", file="swot.csv", row=7,
                     column="weight", value="3", code="out_of_range")
    frame = display.quality_table(Problems([*damaged, other, single]), tables=["swot"])
    assert list(frame.columns) == list(display.QUALITY_COLUMNS.values())
    assert len(frame) == 2  # 33 damaged-text warnings as one row, the single error as itself; strategies left out
    grouped = frame.iloc[0]
    assert grouped["เหตุผล / reason"].startswith("33 รายการ / items: ข้อความภาษาไทยเสียหาย")
    assert "แถว / rows 2, 3, 4, 5, 6, 7, 8, 9 … (+25)" in grouped["ตำแหน่ง / where"]
    assert frame.iloc[1]["ค่าที่พบ / value"] == "3" and frame.iloc[1]["ระดับ / severity"] == "ข้อผิดพลาด / error"


# ---------------------------------------------------------------- page 1: key figures


def page_text(page: str) -> str:
    """What a reader sees: tags dropped, entities decoded, white space collapsed."""
    text = re.sub(r"<br\s*/?>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def cards_of(page: str) -> list[str]:
    """The HTML of each ``div.key-figure`` card, in order."""
    return re.findall(r'<div class="key-figure(?: [^"]*)?">.*?</div>', page, re.S)


@pytest.fixture(scope="module")
def hwfund_progress(plans: dict[str, planlib.Plan]) -> list[KeyFigure]:
    return kf.progress_key_figures(plans["hwfund"], 2568, 2)


def test_key_figures_show_values_changes_parts_and_coverage(hwfund_progress: list[KeyFigure]) -> None:
    figures = hwfund_progress
    verdict = kf.progress_verdict(figures)
    page = display.key_figures_html(figures, verdict)
    assert page.startswith('<div class="key-figures')
    cards = cards_of(page)
    assert len(cards) == len(figures) and 4 <= len(cards) <= 6
    # one element of class "value" per card, printed by KeyFigure itself
    values = [html.unescape(v) for v in re.findall(r'<p class="value">(.*?)</p>', page)]
    assert values == [f.value_text("th") for f in figures]
    kpis, acts, budget = (find(figures, k) for k in ("kpis", "activities", "budget"))
    assert kpis is not None and acts is not None and budget is not None
    assert re.fullmatch(r"\d+ จาก \d+ ตัว", kpis.value_text("th"))
    assert re.fullmatch(r"\d+\.\d %", budget.value_text("th"))
    kpi_card, act_card, budget_card = (cards[figures.index(f)] for f in (kpis, acts, budget))
    assert "KPIs on track" in page_text(kpi_card) and kpis.value_text("en") in page_text(kpi_card)
    # change vs the previous quarter: arrow, signed delta, coloured by which way is good
    for figure, card in ((kpis, kpi_card), (acts, act_card), (budget, budget_card)):
        assert figure.change is not None and figure.delta is not None
        arrow = "▲" if figure.delta > 0 else "▼" if figure.delta < 0 else "►"
        assert f"{arrow} {figure.change_text('th')}" in page_text(card)
        assert figure.change_text("en") in page_text(card)
        if figure.delta and figure.higher_is_better is not None:
            good = (figure.delta > 0) == figure.higher_is_better
            assert f'<p class="kf-change {"kf-good" if good else "kf-bad"}">' in card
    assert budget.change_short("en").endswith(" pp") and budget.change_short("th").endswith(" จุด")
    # RAG status and counts as coloured chips
    assert kpis.status in ("green", "amber", "red")
    assert (f'class="chip rag rag-{kpis.status} kf-status" style="background:{display.RAG_FILLS[kpis.status]}"'
            in kpi_card)
    counts = dict(kpis.parts)
    for colour, name in (("green", "เขียว"), ("amber", "เหลือง"), ("red", "แดง")):
        fill = display.RAG_FILLS[colour]
        assert f'rag-{colour}" style="background:{fill}">{name} {counts[colour]}</span>' in kpi_card
    assert kpis.parts_text("en") in page_text(kpi_card)
    done = dict(acts.parts)["done"]
    assert f'rag-green" style="background:{display.RAG_FILLS["green"]}">เสร็จ {done}</span>' in act_card
    # budget rests on one project of nine and says so
    assert budget.coverage is not None and (budget.coverage.reported, budget.coverage.total) == (1, 9)
    assert "รายงาน 1 จาก 9 โครงการ" in page_text(budget_card) and "1 of 9 projects reported" in page_text(budget_card)
    # one period for all the figures: stated once, in the block's heading
    period = kpis.period_text("th")
    assert {f.period_text("th") for f in figures} == {period} and page_text(page).count(period) == 1
    assert re.search(rf'<h2 class="key-figures-title">[^<]*· {re.escape(html.escape(period))} / ', page)
    assert kpis.period_text("en") in page_text(page)
    # the verdict, Thai then English, after the cards
    assert verdict[0] and verdict[1]
    assert f'<p class="verdict" lang="th">{html.escape(verdict[0])}</p>' in page
    assert page.index('class="verdict"') > page.rindex('class="key-figure')
    assert f'<p class="verdict verdict-en" lang="en">{html.escape(verdict[1])}</p>' in page


def test_missing_figures_are_grey_no_data_never_zero(plans: dict[str, planlib.Plan]) -> None:
    figures = kf.progress_key_figures(plans["tfund"], 2568, 2)
    page = display.key_figures_html(figures, kf.progress_verdict(figures))
    budget = find(figures, "budget")
    assert budget is not None and budget.missing
    card = cards_of(page)[figures.index(budget)]
    assert 'class="key-figure kf-grey kf-missing"' in card
    grey = f'<span class="chip rag rag-grey kf-status" style="background:{display.RAG_FILLS["grey"]}">ไม่มีข้อมูล</span>'
    assert f'<p class="value">{grey}</p>' in card and "no data" in page_text(card)
    assert "0.0 %" not in page and "0 %" not in page_text(card) and "overdue" not in page_text(page).lower()


@pytest.mark.parametrize("template", ["prioritization", "whatif", "swot"])
@pytest.mark.parametrize("org", ["hwfund", "ditp", "mol"])
def test_key_figures_never_print_inf_nan_none_or_minus_zero(
    plans: dict[str, planlib.Plan], template: str, org: str
) -> None:
    plan = plans[org]
    build, judge = {
        "prioritization": (kf.prioritization_key_figures, kf.prioritization_verdict),
        "whatif": (kf.whatif_key_figures, kf.whatif_verdict),
        "swot": (kf.swot_key_figures, kf.swot_verdict),
    }[template]
    figures = build(plan)
    page = display.key_figures_html(figures, judge(figures))
    text = page_text(page)
    for figure in figures:
        assert html.escape(figure.value_text("th")) in page
        assert figure.label("en") in text
    assert not re.search(r"\b(inf|nan|None)\b", text) and not re.search(r"(?<![\w.])-0(\.0+)?\b", text)
    assert len(cards_of(page)) == len(figures)


def test_whatif_without_weights_says_no_scenario_and_no_limit(plans: dict[str, planlib.Plan]) -> None:
    figures = kf.whatif_key_figures(plans["hwfund"])
    page = display.key_figures_html(figures, kf.whatif_verdict(figures))
    scenario = cards_of(page)[0]
    assert "ไม่ได้กำหนดสถานการณ์" in scenario and "no scenario set" in page_text(scenario)
    assert "rag-grey" in scenario
    critical = find(figures, "critical")
    assert critical is not None and critical.number == float("inf")  # no single weight change alters the top
    card = cards_of(page)[figures.index(critical)]
    assert '<p class="value">ไม่จำกัด</p>' in card and "no limit" in page_text(card)
    assert "ไม่ได้กำหนดสถานการณ์สมมติ" in page_text(page)


def test_key_figures_html_becomes_a_word_grid(hwfund_progress: list[KeyFigure], tmp_path: Path) -> None:
    figures = hwfund_progress
    verdict = kf.progress_verdict(figures)
    page = render.page(display.key_figures_html(figures, verdict), title="ทดสอบ / test", embed_font=False)
    document = docx.Document(str(word.write_docx(page, tmp_path / "kf.docx")))
    (grid,) = document.tables
    cells = [cell for row in grid.rows for cell in row.cells]
    assert len(grid.columns) == 3
    for figure, cell in zip(figures, cells):
        value = next(p for p in cell.paragraphs if p.text == figure.value_text("th"))
        assert value.runs[0].bold and value.runs[0].font.size.pt == word.KEY_VALUE.size
        assert figure.label("th") in cell.text
    texts = [p.text for p in document.paragraphs]
    assert texts[-2:] == [verdict[0], verdict[1]]
    assert any(t.startswith(display.KEY_FIGURES_TITLE) for t in texts)


def test_short_tables_are_marked_to_stay_on_one_page_and_the_quality_table_wraps() -> None:
    short = display.html_table(pd.DataFrame({"n": range(display.SHORT_TABLE)}))
    long = display.html_table(pd.DataFrame({"n": range(display.SHORT_TABLE + 1)}))
    assert short.startswith('<div class="table-block table-short">')
    assert long.startswith('<div class="table-block table-long">')
    quality = display.html_table(pd.DataFrame({"x": ["a"]}), css_class="quality")
    assert quality.startswith('<div class="table-block table-short quality">')
    css = (Path(display.__file__).parent / "reports" / "report.css").read_text(encoding="utf-8")
    assert ".table-block.table-short { break-inside: avoid;" in css and ".table-block.quality td" in css
    assert "print-color-adjust: exact" in css and "h2.appendix { break-before: page;" in css
