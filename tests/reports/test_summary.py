"""The table ``planlib report`` prints at the end: one aligned line per report."""

from __future__ import annotations

from pathlib import Path

from planlib.reports.jobs import Result, error_record
from planlib.reports.summary import summary_table


def test_summary_lines_up_and_says_what_each_report_left() -> None:
    failure = error_record("execute", "cell_raised", cell=4, count=4, ename="KeyError", evalue="'C9'")
    skip = "not applicable: no loans / ใช้กับหน่วยงานนี้ไม่ได้: no loans"
    results = [
        Result("swot", "hwfund", "2568", "ok", 12.34, outputs=["swot.html", "swot.ipynb", "swot.pdf"]),
        Result("quarterly_progress", "hwfund", "2568-Q2", "ok", 3.0, outputs=["board.xlsx", "quarterly_progress.html"]),
        Result("whatif", "ditp", "2568", "failed", 2.0, outputs=["whatif.failed.ipynb"], error=failure),
        Result("loan_statistics", "mol", "", "skipped", reason=skip),
    ]
    lines = summary_table(results, Path("/r")).splitlines()
    assert lines[0].split() == ["report", "status", "time", "outputs", "/", "error"]
    assert set(lines[1]) == {"-"}
    assert lines[2].split() == ["hwfund/2568/swot", "ok", "12.3s", "/r/hwfund/2568/html,", "ipynb,", "pdf"]
    assert lines[3].endswith("/r/hwfund/2568-Q2/html + board.xlsx")
    assert lines[4].endswith("cell 4 (In [4]) raised KeyError: 'C9' (see whatif.failed.ipynb)")
    assert lines[5].split()[:2] == ["mol/loan_statistics", "skipped"] and lines[5].endswith(skip)
    starts = {line.index(status) for line, status in zip(lines[2:], ("ok", "ok", "failed", "skipped"))}
    assert len(starts) == 1  # the status column lines up
