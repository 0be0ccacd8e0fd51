"""The activity Gantt: planned months, done marks, quarter-end line and Thai month labels (DSDW K1 plan)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import planlib
from planlib.inputs import thai
from planlib.plans import gantt, progress

ROOT = Path(__file__).resolve().parents[2]
DSDW = ROOT / "data" / "dsdw"


@pytest.fixture(scope="module")
def k1(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("g") / "dsdw"
    shutil.copytree(DSDW, folder, ignore=shutil.ignore_patterns("synthetic"))
    status = "owner_code,activity_no,done_month\nK1,1,2022-10\nK1,2,2022-11\nK1,3,2023-01\n"
    (folder / "activity_status.csv").write_text(status, encoding="utf-8")
    acts = progress.activity_progress(planlib.load_plan(folder), 2566, 1)
    return acts[acts["owner_code"] == "K1"]


def test_grid_marks_planned_and_done_months(k1: pd.DataFrame) -> None:
    grid = gantt.gantt_grid(k1, 2566).set_index("activity")
    assert list(grid.columns[:3]) == ["status", "ต.ค. 65", "พ.ย. 65"] and grid.columns[-1] == "ก.ย. 66"
    rows = list(grid.index)
    assert rows[0].startswith("K1-1 ")
    assert grid.iloc[0]["ต.ค. 65"] == "■✓"  # planned and done in Oct 65
    assert (grid.iloc[1]["ต.ค. 65"], grid.iloc[1]["พ.ย. 65"]) == ("■", "✓")  # planned Oct, done Nov
    assert grid.iloc[2]["ม.ค. 66"] == "✓" and grid.iloc[2]["ธ.ค. 65"] == "■"
    assert grid.iloc[4]["ก.ย. 66"] == "■"
    # at the end of Q1: 1, 2 done; 3 (done in Jan) and 4 overdue; 5 planned
    assert list(grid["status"]) == ["done", "done", "overdue", "overdue", "planned"]
    marks = grid.drop(columns="status").to_numpy().ravel()
    assert sum("■" in m for m in marks) == 5 and sum("✓" in m for m in marks) == 3


def test_chart_draws_bars_done_marks_and_quarter_line(k1: pd.DataFrame) -> None:
    fig = gantt.gantt_chart(k1, 2566, 1, source="seed 002")
    ax = fig.axes[0]
    try:
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels[0] == "ต.ค. 65" and labels[2] == "ธ.ค. 65" and len(labels) == 12
        vlines = [line for line in ax.get_lines() if list(line.get_xdata()) == [2.5, 2.5]]
        assert len(vlines) == 1  # the end of Q1 (after Dec 65, position 2)
        done = [line for line in ax.get_lines() if line.get_marker() == "D"]
        assert sorted(float(line.get_xdata()[0]) for line in done) == [0, 1, 3]  # Oct, Nov, Jan
        assert len(ax.collections) == 5  # one bar set per activity
        assert ax.get_title() == "แผนและผลกิจกรรม ไตรมาส 1/2566"
    finally:
        plt.close(fig)


def test_axis_widens_for_months_before_the_fiscal_year() -> None:
    acts = progress.activity_progress(planlib.load_plan(DSDW), 2566, 1)
    k5 = acts[acts["owner_code"] == "K5"]
    months = gantt.chart_months(k5, 2566)
    assert str(months[0]) == "2022-09" and str(months[-1]) == "2023-09"  # K5-1 starts in ก.ย. 65


def test_gantt_refuses_a_ce_year_and_quarter_5_with_the_one_calendar_rule(k1: pd.DataFrame) -> None:
    """The Gantt checks its year and quarter by planlib.inputs.thai's rule (through progress): a CE year names the
    BE year it means, in English and Thai; quarter 5 is refused before anything is drawn."""
    with pytest.raises(ValueError, match=r"^2023 looks like a CE year: did you mean 2566\? .* / .*พ\.ศ\. 2566"):
        gantt.gantt_grid(k1, 2023)
    with pytest.raises(ValueError, match=r"^quarter must be 1–4, got 5 / ไตรมาสต้องเป็น 1–4 แต่พบ 5$"):
        gantt.gantt_chart(k1, 2566, 5)
    assert list(gantt.chart_months(k1, 2566)) == list(thai.fiscal_months(2566))  # K1 lies within FY 2566


def test_activity_label_is_cut_by_display_width_never_inside_a_syllable() -> None:
    text = "ประชุมชี้แจงแนวทางการดำเนินงานกับเจ้าหน้าที่ทุกจังหวัด"
    label = gantt.activity_label(pd.Series({"owner_code": "K1", "activity_no": "3", "text_th": text}), 20)
    shown = label.removeprefix("K1-3 ")
    assert shown.endswith("…") and thai.display_width(shown) == 20
    assert len(shown) > 20  # tone marks and upper vowels ride along without taking a column
    assert text.startswith(shown[:-1]) and unicodedata.category(text[len(shown) - 1]) != "Mn"  # next is a consonant
    short = pd.Series({"owner_code": "P2", "activity_no": "1", "text_th": "ประชุม"})
    assert gantt.activity_label(short, 20) == "P2-1 ประชุม"


def test_tfund_due_activities_without_status_are_grey_not_overdue(plans: dict[str, planlib.Plan]) -> None:
    acts = progress.activity_progress(plans["tfund"], 2561, 2)
    grid = gantt.gantt_grid(acts, 2561)
    assert "overdue" not in set(grid["status"]) and (grid["status"] == "no status").sum() == int(acts["due"].sum()) == 5
    fig = gantt.gantt_chart(acts, 2561, 2)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "ไม่มีข้อมูลสถานะ (no status data)" in legend
    alt = gantt.gantt_alt(acts, 2561, 2)
    assert alt.startswith(f"Gantt chart of {len(acts)} activities of fiscal year 2561") and "5 no status" in alt
    assert "0 overdue" in alt
    plt.close(fig)
