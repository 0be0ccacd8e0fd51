"""The planlib command: validate and template, exit codes (documented in --help) and messages (no tracebacks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from planlib import cli
from planlib.cli import fit, format_problems, main
from planlib.inputs import contract
from planlib.inputs.problems import Problem, Problems
from planlib.inputs.thai import display_width

CLEAN = {
    "plan.csv": "key,value\norg_code,demo\norg_name_th,กองทุนทดสอบ\n",
    "swot.csv": "code,quadrant,text_th,score\nS1,จุดแข็ง,ผู้บริหารให้ความสำคัญ,๓.๖๒\n",
}


def _folder(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_validate_clean_folder_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_folder(tmp_path / "demo", CLEAN))]) == 0
    out = capsys.readouterr().out
    assert "0 errors" in out and "OK" in out
    assert "2 values were normalised" in out  # จุดแข็ง → S, ๓.๖๒ → 3.62


def test_validate_lists_every_error_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = dict(CLEAN, **{"swot.csv": "code,quadrant,text_th,score\nS1,X,ข้อความ,abc\nS1,S,ข้อความ,2\n"})
    assert main(["validate", str(_folder(tmp_path / "demo", bad))]) == 1
    out = capsys.readouterr().out
    assert "3 errors" in out
    for expected in ("swot.csv", "quadrant", "'X' is not one of", "ไม่ใช่ตัวเลข", "duplicate code 'S1'"):
        assert expected in out
    assert "Traceback" not in out


def test_validate_walks_a_folder_of_organisations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _folder(tmp_path / "data" / "a", CLEAN)
    _folder(tmp_path / "data" / "b", CLEAN)
    assert main(["validate", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert out.count("== ") == 2


def test_validate_shows_changes_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "--changes", str(_folder(tmp_path / "demo", CLEAN))])
    assert "read as 3.62" in capsys.readouterr().out


def test_template_writes_every_table_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "blank.xlsx"
    assert main(["template", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    assert set(contract.TABLES) <= set(book.sheetnames)
    assert [c.value for c in book["swot"][1]][:3] == ["code", "quadrant", "text_th"]
    assert book["swot"]["A1"].font.bold  # required column
    assert main(["template", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["template", str(tmp_path / "x.csv")]) == 2


def test_empty_template_validates_clean_except_the_plan_keys(tmp_path: Path) -> None:
    from planlib import validate

    path = tmp_path / "blank.xlsx"
    main(["template", str(path)])
    problems = validate(path)
    assert {p.code for p in problems.errors} == {"missing_key"}  # org_code and org_name_th must be filled in


def test_problem_table_aligns_thai_text() -> None:
    assert display_width("ที่") == 1  # the tone mark and vowel sit on the consonant
    problem = Problem("error", "swot", "bad", "ผิด", file="swot.csv", row=3, column="ข้อความ", value="ที่ดิน")
    lines = format_problems(Problems([problem])).splitlines()
    assert lines[2].startswith("error") and "ผิด" in lines[2]
    assert display_width(lines[2][: lines[2].index("bad")]) == lines[0].index("reason")  # on screen, columns line up
    assert "sheet" not in lines[0]  # CSV problems: no sheet column
    assert fit("ที่ดินทำกิน", 4) == "ที่ดิน…" and display_width(fit("ที่ดินทำกิน", 4)) == 4
    assert fit("ab", 4) == "ab  "


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "planlib", "validate", str(tmp_path / "missing")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 2  # a usage error, not "errors found"
    assert f"{tmp_path / 'missing'} does not exist" in result.stderr and "ไม่พบ" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_a_missing_path_is_a_usage_error_and_nothing_is_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = _folder(tmp_path / "demo", CLEAN)
    assert main(["validate", str(clean), str(tmp_path / "nope.xlsx")]) == 2
    captured = capsys.readouterr()
    assert "nope.xlsx does not exist" in captured.err
    assert "== " not in captured.out  # the existing folder was not validated either: fix the command first
    assert main(["validate", str(clean)]) == 0


def _workbook(path: Path) -> Path:
    """A blank template with a bad weight on row 2 of swot and a CE year on row 2 of budgets."""
    main(["template", str(path)])
    book = openpyxl.load_workbook(path)
    book["plan"].append(["org_code", "demo"])
    book["plan"].append(["org_name_th", "กองทุนทดสอบ"])
    book["projects"].append(["P1", "โครงการทดสอบ"])
    book["swot"].append(["S1", "S", "ข้อความ", None, None, "abc"])  # weight "abc"
    book["budgets"].append(["P1", 2025, 100])  # a CE year where BE is expected
    book.save(path)
    return path


def test_problem_table_names_the_sheet_of_each_workbook_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _workbook(tmp_path / "y.xlsx")
    capsys.readouterr()
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("severity"))
    assert header.split()[:4] == ["severity", "file", "sheet", "row"]
    where = header.index("sheet")
    rows = {line[where:].split()[0]: line for line in lines if line.startswith("error")}
    assert set(rows) == {"swot", "budgets"}  # the same file and row 2 on two sheets: told apart by the sheet
    assert "weight" in rows["swot"] and "abc" in rows["swot"]
    assert "fiscal_year" in rows["budgets"] and "2025" in rows["budgets"]
    assert all(line[header.index("row") :].split()[0] == "2" for line in rows.values())


@pytest.mark.parametrize("argv", [["--help"], ["validate", "--help"], ["template", "--help"], ["report", "--help"]])
def test_help_documents_the_exit_codes(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    text = capsys.readouterr().out
    codes = text[text.index("exit codes:") :].splitlines()[1:]
    assert [line.split()[0] for line in codes] == ["0", "1", "2", "130"]
    assert "errors found" in codes[1] and "usage error" in codes[2] and "interrupted" in codes[3]


def test_the_documented_exit_codes_are_what_the_commands_return(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(_folder(tmp_path / "demo", CLEAN))]) == 0
    assert main(["validate", str(_workbook(tmp_path / "y.xlsx"))]) == 1
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert main(["report", "no_such_template", "--data-dir", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as stop:
        main(["validate"])  # argparse: a path is required
    assert stop.value.code == 2

    def interrupted(path: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "validate", interrupted)
    assert main(["validate", str(tmp_path / "demo")]) == 130
    assert "interrupted / ยกเลิกแล้ว" in capsys.readouterr().err
