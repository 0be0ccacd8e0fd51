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
            Problem("warning", "printed_totals", "the source prints 6,310", "เอกสารพิมพ์ 6,310", file="printed_totals.csv", row=3),
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
