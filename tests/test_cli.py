"""The planlib command: validate and template, exit codes (documented in --help) and messages (no tracebacks)."""

from __future__ import annotations

import io
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


# ---------------------------------------------------------------- --version, --help (issue 14)


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    import planlib

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"planlib {planlib.__version__}"


@pytest.mark.parametrize(
    ("argv", "example"),
    [
        (["--help"], "planlib report --org ditp --fy 2569"),
        (["validate", "--help"], "planlib validate data/hwfund --format json -o problems.json"),
        (["init", "--help"], "planlib init work"),
        (["render", "--help"], "planlib render swot.ipynb"),
        (["template", "--help"], "planlib template blank.xlsx"),
    ],
)
def test_help_shows_examples_before_the_exit_codes(
    argv: list[str], example: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    text = capsys.readouterr().out
    assert "example" in text and example in text
    assert text.index(example) < text.index("exit codes:")


# ---------------------------------------------------------------- validate --format, wrapping (issue 14)


def _problems_of(tmp_path: Path) -> Path:
    bad = dict(CLEAN, **{"swot.csv": "code,quadrant,text_th,score\nS1,X,ข้อความ,abc\nS1,S,ข้อความ,2\n"})
    return _folder(tmp_path / "demo", bad)


def test_validate_csv_and_json_are_problems_to_frame(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    import pandas as pd

    from planlib import validate

    folder = _problems_of(tmp_path)
    expected = validate(folder).to_frame()
    expected = expected[expected["severity"] != "change"].reset_index(drop=True)
    assert main(["validate", str(folder), "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert "FAILED: errors found" in captured.err and "FAILED" not in captured.out  # stdout is only the data
    frame = pd.read_csv(io.StringIO(captured.out), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["source", *expected.columns]
    assert set(frame["source"]) == {str(folder)}
    assert sorted(frame["code"]) == sorted(expected["code"]) and len(frame) == 3
    assert "ไม่ใช่ตัวเลข: 'abc'" in set(frame["reason_th"])
    target = tmp_path / "problems.json"
    assert main(["validate", str(folder), "--format", "json", "-o", str(target)]) == 1
    records = json.loads(target.read_text(encoding="utf-8"))
    assert len(records) == 3 and {r["severity"] for r in records} == {"error"}
    assert {r["row"] for r in records} == {2, 3} and all(r["source"] == str(folder) for r in records)
    with_changes = tmp_path / "all.csv"
    clean = _folder(tmp_path / "clean", CLEAN)
    assert main(["validate", str(clean), "--format", "csv", "--changes", "-o", str(with_changes)]) == 0
    assert with_changes.read_bytes().startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel opens the Thai text
    changes = pd.read_csv(with_changes, encoding="utf-8-sig")
    assert list(changes["severity"]) == ["change", "change"] and "จุดแข็ง" in set(changes["value"])


@pytest.mark.parametrize("width", [60, 80, 100, 160, 240])
def test_validate_table_wraps_to_the_terminal_width(tmp_path: Path, width: int) -> None:
    """Issue 14: validate lines ran to ~300 characters. On a terminal every line now fits its width, and the
    whole reason is still there (wrapped beside the cells, or below them on a narrow terminal)."""
    from planlib import validate

    problems = validate(_problems_of(tmp_path))
    table = format_problems(problems, width=width)
    lines = table.splitlines()
    assert max(display_width(line) for line in lines) <= width
    flat = " ".join(" ".join(lines).split())
    for p in problems.errors:
        assert " ".join(f"{p.reason_en} / {p.reason_th}".split()) in flat
    assert lines[2].startswith("error")
    assert len(lines) > 2 + len(problems.errors) or width >= 240  # the long reasons wrapped
    unwrapped = format_problems(problems).splitlines()  # a file or a pipe: one line per problem, for grep
    assert len(unwrapped) == 2 + len(problems.errors)


def test_validate_colours_severities_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from planlib import validate

    problems = validate(_problems_of(tmp_path))
    coloured = format_problems(problems, width=120, colour=True)
    assert "\033[1;31merror\033[0m" in coloured
    assert "\033[" not in format_problems(problems, width=120)
    assert not cli.use_colour(io.StringIO())  # not a terminal
    monkeypatch.setenv("NO_COLOR", "1")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert not cli.use_colour(Terminal())
    monkeypatch.delenv("NO_COLOR")
    assert cli.use_colour(Terminal())


# ---------------------------------------------------------------- init (issue 14)


def test_init_makes_a_working_folder_that_validates_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planlib.reports import command_line
    from planlib.reports import templates as tpl

    work = tmp_path / "work"
    assert main(["init", str(work)]) == 0
    out = capsys.readouterr().out
    assert "planlib report --org ditp" in out and "ditp, dsdw, hwfund, mol, tfund" in out
    assert tpl.known_orgs(work / "data") == ["ditp", "dsdw", "hwfund", "mol", "tfund"]
    shipped = sorted(p.relative_to(tpl.EXAMPLE_DATA_DIR) for p in tpl.EXAMPLE_DATA_DIR.rglob("*.csv"))
    assert sorted(p.relative_to(work / "data") for p in (work / "data").rglob("*.csv")) == shipped
    assert openpyxl.load_workbook(work / "blank_workbook.xlsx").sheetnames
    assert (work / "reports").is_dir()
    monkeypatch.chdir(work)
    assert command_line.default_data_dir().resolve() == (work / "data").resolve()
    assert main(["validate", "data/hwfund"]) == 0
    assert main(["init", str(work)]) == 2  # never over an existing data folder
    assert "already exists" in capsys.readouterr().err
    assert main(["init", "--empty", str(tmp_path / "mine")]) == 0
    assert list((tmp_path / "mine" / "data").iterdir()) == []
    assert "fill in blank_workbook.xlsx" in capsys.readouterr().out


def test_init_says_what_it_made_in_english_then_thai(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A message of several lines (catalogue ``init_written_empty``) prints its English lines, then its Thai lines;
    a one-line message (``init_data_exists``) prints ``English / ไทย``."""
    folder = tmp_path / "mine"
    assert main(["init", "--empty", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"made the working folder {folder}: an empty data/, blank_workbook.xlsx, reports/",
        "next: fill in blank_workbook.xlsx, then planlib validate blank_workbook.xlsx",
        f"สร้างโฟลเดอร์ทำงาน {folder} แล้ว: data/ ว่าง blank_workbook.xlsx และ reports/",
        "ต่อไป: กรอก blank_workbook.xlsx แล้วสั่ง planlib validate blank_workbook.xlsx",
    ]
    (folder / "data" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(folder)]) == 2
    data = folder / "data"
    assert capsys.readouterr().err == (
        f"planlib init: {data} already exists and is not empty; nothing was written (choose a new folder) / "
        f"มีโฟลเดอร์ {data} และมีไฟล์อยู่แล้ว จึงไม่ได้เขียนอะไร (ให้เลือกโฟลเดอร์ใหม่)\n"
    )
    assert (data / "notes.txt").read_text(encoding="utf-8") == "mine"


# ---------------------------------------------------------------- render (issue 14)


def test_render_refuses_a_notebook_that_was_not_run_or_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import nbformat

    from planlib.reports import templates as tpl

    assert main(["render", str(tpl.TEMPLATES["swot"].notebook), "--out", str(tmp_path)]) == 2
    assert "has not been run" in capsys.readouterr().err
    assert main(["render", str(tmp_path / "none.ipynb")]) == 2
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 / 0", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero")]
    nb.cells = [nbformat.v4.new_code_cell("x = 1", execution_count=1), cell]
    nbformat.write(nb, tmp_path / "failed.ipynb")
    assert main(["render", str(tmp_path / "failed.ipynb")]) == 1
    assert "cell 2 stopped with ZeroDivisionError" in capsys.readouterr().err
    assert not list(tmp_path.glob("failed.*ml"))


def test_render_keeps_the_html_when_word_fails_and_says_so_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat

    from planlib.reports import word

    def broken(*args: object, **kwargs: object) -> Path:
        (tmp_path / "ran.docx").write_bytes(b"half")  # a partial file the failure leaves behind
        raise OSError("disk full")

    monkeypatch.setattr(word, "write_docx", broken)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('สวัสดี')", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="สวัสดี\n")]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "ran.ipynb")
    assert main(["render", str(tmp_path / "ran.ipynb"), "--no-pdf"]) == 1
    captured = capsys.readouterr()
    assert "Word (.docx) export failed; the HTML was written (PDF turned off): OSError: disk full" in captured.err
    assert "Traceback" not in captured.err and "ran.html" in captured.out
    assert "สวัสดี" in (tmp_path / "ran.html").read_text(encoding="utf-8")
    assert not (tmp_path / "ran.docx").exists()


def test_render_a_notebook_run_with_papermill_as_planlib_report_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14: nothing turned a notebook run with plain papermill into the report's HTML/PDF. `planlib render`
    writes the HTML, PDF and Word files with the title and subtitle the batch runner gives the same report."""
    import docx
    import papermill
    from pypdf import PdfReader

    from planlib.reports import templates as tpl
    from planlib.reports.batch import plan_run

    executed = tmp_path / "whatif.ipynb"
    params = {"org": "ditp", "data_dir": str(tpl.DEFAULT_DATA_DIR)}
    notebook = str(tpl.TEMPLATES["whatif"].notebook)
    papermill.execute_notebook(notebook, str(executed), parameters=params, kernel_name="python3", cwd=str(tmp_path))
    assert main(["render", str(executed), "--out", str(tmp_path / "out")]) == 0
    assert "wrote" in capsys.readouterr().out
    (job,) = plan_run(tpl.DEFAULT_DATA_DIR, tmp_path / "reports", requests=[{"template": "whatif", "org": "ditp"}]).jobs
    page = (tmp_path / "out" / "whatif.html").read_text(encoding="utf-8")
    assert f"<title>{job.title}</title>" in page and job.subtitle in page
    assert "ปีงบประมาณ 2569" in job.subtitle  # the plan's year, as the runner names the folder
    pdf = PdfReader(tmp_path / "out" / "whatif.pdf")
    assert "What-if analysis of project ranks" in pdf.pages[0].extract_text()
    document = docx.Document(str(tmp_path / "out" / "whatif.docx"))
    assert any("What-if" in p.text for p in document.paragraphs)


def test_validate_width_option_wraps_every_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = _folder(tmp_path / "clean", CLEAN)
    assert main(["validate", str(clean), str(_problems_of(tmp_path)), "--width", "70"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert max(display_width(line) for line in lines) <= 70
    assert any("values were normalised" in line for line in lines) and any("duplicate code" in x for x in lines)


def test_planlib_alone_shows_the_help_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "usage: planlib" in out and "examples:" in out and "init" in out and "render" in out


# ---------------------------------------------------------------- validate --width below 4, -o an unwritable path


@pytest.mark.parametrize("width", ["1", "2", "3"])
def test_validate_a_tiny_width_returns_instead_of_hanging(tmp_path: Path, width: str) -> None:
    """``--width 3`` wrapped the heading at 0 columns and wrap() looped for ever cutting empty heads: headings now
    wrap with the reason column's floor, and wrap() itself treats a width below 1 as 1."""
    folder = _folder(tmp_path / "demo", CLEAN)
    command = [sys.executable, "-m", "planlib", "validate", str(folder), "--width", width]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    *wrapped, verdict = lines  # the heading and the note wrap at MIN_WRAP, indented by 3; the verdict is one line
    assert lines[0].startswith("==") and max(display_width(line) for line in wrapped) <= cli.MIN_WRAP + 3
    assert "0 errors" in " ".join(" ".join(lines).split())  # the heading is all there, wrapped
    assert any("values were" in line for line in wrapped) and verdict == "OK: no errors / ไม่พบข้อผิดพลาด"
    script = "from planlib.cli import wrap; print(wrap('hello', 0), wrap('hello', -3), wrap('ab cd', 1))"
    probe = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60)
    assert probe.stdout.strip() == "['h', 'e', 'l', 'l', 'o'] ['h', 'e', 'l', 'l', 'o'] ['a', 'b', 'c', 'd']"


def test_validate_output_to_an_unwritable_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path / "demo", CLEAN)
    target = tmp_path / "no" / "such" / "dir" / "x.csv"
    assert main(["validate", str(folder), "--format", "csv", "-o", str(target)]) == 2
    captured = capsys.readouterr()
    assert f"cannot write {target}: No such file or directory" in captured.err
    assert f"เขียนไฟล์ {target} ไม่ได้" in captured.err
    assert "Traceback" not in captured.err and captured.out == "" and not target.exists()
