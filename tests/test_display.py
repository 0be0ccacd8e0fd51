"""Notebook display helpers: escaping, number formats, data-quality section."""

from __future__ import annotations

import pandas as pd
import pytest

from planlib import display
from planlib.inputs.problems import Problem, Problems


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
