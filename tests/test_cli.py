"""The planlib command: validate and template, exit codes and messages (no tracebacks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from planlib.inputs import contract
from planlib.cli import _width, format_problems, main
from planlib.inputs.problems import Problem, Problems

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


def test_template_writes_every_table_and_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
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
    assert _width("ที่") == 1  # the tone mark and vowel sit on the consonant
    text = format_problems(Problems([Problem("error", "swot", "bad", "ผิด", file="swot.csv", row=3, column="ข้อความ", value="ที่ดิน")]))
    lines = text.splitlines()
    assert lines[2].startswith("error") and "ผิด" in lines[2]


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "planlib", "validate", str(tmp_path / "missing")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "does not exist" in result.stdout and "Traceback" not in result.stderr
