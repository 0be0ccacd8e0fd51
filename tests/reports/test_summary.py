"""The table ``planlib report`` prints at the end: one aligned line per report."""

from __future__ import annotations

from pathlib import Path

from planlib.reports.jobs import Result, error_record
from planlib.reports.summary import result_detail, summary_table


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
    files = ["/r/hwfund/2568/swot.html,", "swot.pdf,", "swot.ipynb"]
    assert lines[2].split() == ["hwfund/2568/swot", "ok", "12.3s", *files]
    assert lines[3].endswith("/r/hwfund/2568-Q2/quarterly_progress.html, board.xlsx")
    assert lines[4].endswith("cell 4 (In [4]) raised KeyError: 'C9' (see whatif.failed.ipynb)")
    assert lines[5].split()[:2] == ["mol/loan_statistics", "skipped"] and lines[5].endswith(skip)
    starts = {line.index(status) for line, status in zip(lines[2:], ("ok", "ok", "failed", "skipped"))}
    assert len(starts) == 1  # the status column lines up


def test_the_output_column_names_real_files_that_exist(tmp_path, monkeypatch) -> None:
    """Issue 14: the column printed ``…/reports/ditp/2569/html, ipynb, pdf``, which is not a path.

    Now the first file is a path (relative to the current directory when the reports are under it) and the
    others are names of files in the same folder: every one of them opens.
    """
    folder = tmp_path / "reports" / "ditp" / "2569"
    folder.mkdir(parents=True)
    names = ["swot.ipynb", "swot.pdf", "swot.docx", "swot.html"]
    for name in names:
        (folder / name).write_text("x")
    monkeypatch.chdir(tmp_path)
    result = Result("swot", "ditp", "2569", "ok", 1.0, outputs=names)
    detail = result_detail(result, tmp_path / "reports")
    first, *others = detail.split(", ")
    assert first == "reports/ditp/2569/swot.html"
    assert others == ["swot.pdf", "swot.docx", "swot.ipynb"]
    assert Path(first).is_file() and all((Path(first).parent / name).is_file() for name in others)
    elsewhere = result_detail(result, Path("/elsewhere/reports"))
    assert elsewhere.startswith("/elsewhere/reports/ditp/2569/swot.html, ")


def test_an_ok_report_whose_word_document_failed_says_so() -> None:
    error = error_record("word", "export_failed", detail="Word (.docx): ValueError: bad table")
    result = Result("swot", "ditp", "2569", "ok", 1.0, outputs=["swot.html", "swot.pdf"], error=error)
    detail = result_detail(result, Path("/r"))
    assert detail.startswith("/r/ditp/2569/swot.html, swot.pdf (")
    assert "Word (.docx): ValueError: bad table" in detail
