"""Loading: CSV folder and workbook give identical frames; every error is located and bilingual."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import planlib
from planlib import DataError
from planlib.inputs import contract, load, read
from planlib.inputs.blank_workbook import write_template
from planlib.inputs.problems import Problem, Problems

PLAN_CSV = {
    "plan.csv": "key,value\norg_code,demo\norg_name_th,กองทุนทดสอบ\nfiscal_year,๒๕๖๘\n",
    "swot.csv": (
        "code,quadrant,text_th,score,weight,rating\n"
        "S1,จุดแข็ง,ผู้บริหารให้ความสำคัญกับการนำระบบดิจิทัลมาใช้,๓.๖๒,0.6,4\n"
        "W1,จุดอ่อน,ขาดงบประมาณบำรุงรักษาระบบ,3.85,0.4,1\n"
        "O1,โอกาส,นโยบายรัฐบาลดิจิทัล,3.77,1,3\n"
    ),
    "projects.csv": (
        "code,name_th,strategy_code,start_month,end_month,importance\n"
        "P1,จัดทำแผนดิจิทัล,S1,ต.ค. 67,ก.ย. 68,***\n"
        "P2,ศึกษาดูงาน,S1,2024-11,2025-02,*\n"
    ),
    "strategies.csv": "code,level,name_th\nS1,strategy,พัฒนาระบบสารสนเทศ\n",
    "budgets.csv": 'project_code,fiscal_year,amount\nP1,๒๕๖๘,"๑๕,๐๐๐ บาท"\nP2,2568,0.5 ล้านบาท\n',
    "activities.csv": (
        "owner_code,activity_no,text_th,start_month,end_month,done_month\n"
        "P1,1,ประชุมเชิงปฏิบัติการ,ตุลาคม 2567,พ.ย. 67,1 พ.ย. 2567\n"
    ),
}


def _write_csvs(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_csv_folder_loads_typed_frames(tmp_path: Path) -> None:
    plan = planlib.load_plan(_write_csvs(tmp_path / "demo", PLAN_CSV))
    assert plan.info["fiscal_year"] == 2568
    assert plan.org_code == "demo"
    swot = plan.swot
    assert list(swot.index) == [2, 3, 4]  # row numbers as the analyst sees them (CSV lines)
    assert swot.loc[2, "score"] == pytest.approx(3.62)
    assert list(swot["quadrant"]) == ["S", "W", "O"]
    assert plan.projects.loc[2, "start_month"] == pd.Period("2024-10", "M")
    assert plan.projects["importance"].tolist() == [3, 1]
    assert plan.budgets["amount"].tolist() == [15000.0, 500000.0]
    assert plan.activities.loc[2, "done_month"] == pd.Period("2024-11", "M")
    changes = plan.problems.changes.to_frame()
    assert ((changes["table"] == "budgets") & (changes["value"] == "๑๕,๐๐๐ บาท")).any()


def test_template_workbook_filled_the_thai_way_equals_csv_folder(tmp_path: Path) -> None:
    """A workbook from `planlib template`, filled with Thai digits, BE dates and Thai month
    abbreviations, loads to the same DataFrames as the CSV folder."""
    import openpyxl

    csv_plan = planlib.load_plan(_write_csvs(tmp_path / "demo", PLAN_CSV))
    book_path = write_template(tmp_path / "demo.xlsx")
    book = openpyxl.load_workbook(book_path)
    typed = {
        "plan": [["org_code", "demo"], ["org_name_th", "กองทุนทดสอบ"], ["fiscal_year", 2568]],
        "swot": [
            ["S1", "strength", "ผู้บริหารให้ความสำคัญกับการนำระบบดิจิทัลมาใช้", None, 3.62, 0.6, 4],
            ["W1", "W", "ขาดงบประมาณบำรุงรักษาระบบ", None, "๓.๘๕", "๐.๔", 1],
            ["O1", "opportunity", "นโยบายรัฐบาลดิจิทัล", None, 3.77, 1, "๓"],
        ],
        "projects": [
            ["P1", "จัดทำแผนดิจิทัล", None, "S1", None, None, dt.datetime(2024, 10, 1), "ก.ย. 2568", "***"],
            ["P2", "ศึกษาดูงาน", None, "S1", None, None, "พ.ย. 67", "กุมภาพันธ์ 2568", 1],
        ],
        "strategies": [["S1", "strategy", "พัฒนาระบบสารสนเทศ"]],
        "budgets": [["P1", "2568", 15000], ["P2", 2568, "500,000"]],
        "activities": [["P1", 1, "ประชุมเชิงปฏิบัติการ", None, "ต.ค. 67", "2024-11", dt.datetime(2567, 11, 1)]],
    }
    for sheet, rows in typed.items():
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        for values in rows:
            ws.append(values + [None] * (len(header) - len(values)))
    book.save(book_path)

    book_plan = planlib.load_plan(book_path)
    assert book_plan.info == csv_plan.info
    for name, csv_frame in csv_plan.tables.items():
        book_frame = book_plan.tables[name][[c for c in csv_frame.columns]]
        pd.testing.assert_frame_equal(book_frame, csv_frame, check_like=False, obj=name)


# ---------------------------------------------------------------- errors, all at once, located


def _errors(path: Path) -> pd.DataFrame:
    with pytest.raises(DataError) as err:
        planlib.load_plan(path)
    frame = err.value.problems.errors.to_frame()
    assert str(err.value).startswith(f"{len(frame)} error(s)")
    return frame


def test_all_errors_come_at_once_with_row_column_value_and_reasons(tmp_path: Path) -> None:
    files = dict(PLAN_CSV)
    files["swot.csv"] = (
        "code,quadrant,text_th,score,weight,rating\nS1,จุดแข็ง,ข้อความ,abc,,\nS1,X,ข้อความซ้ำ,3,,9\nW2,W,,3,,\n"
    )
    files["budgets.csv"] = "project_code,fiscal_year,amount\nP9,2025,100\n"
    errors = _errors(_write_csvs(tmp_path / "bad", files))
    located = {(r.file, r.row, r.column, r.code) for r in errors.itertuples()}
    assert ("swot.csv", 2, "score", "bad_value_not_a_number") in located
    assert ("swot.csv", 3, "quadrant", "bad_value_not_one_of") in located
    assert ("swot.csv", 3, "rating", "bad_value_above_maximum") in located  # 9 is above the 1–4 scale
    assert ("swot.csv", 3, "code", "duplicate") in located
    assert ("swot.csv", 4, "text_th", "required") in located
    assert ("budgets.csv", 2, "fiscal_year", "bad_value_ce_year") in located  # CE year in a BE column
    assert ("budgets.csv", 2, "project_code", "unknown_code") in located
    row = errors[(errors.file == "swot.csv") & (errors.row == 2)].iloc[0]
    assert row.value == "abc"
    assert "not a number" in row.reason_en and "ไม่ใช่ตัวเลข" in row.reason_th


def test_missing_required_column_and_duplicate_header(tmp_path: Path) -> None:
    files = dict(PLAN_CSV)
    files["swot.csv"] = "code,code,text_th\nS1,S1,ข้อความ\n"
    errors = _errors(_write_csvs(tmp_path / "bad", files))
    codes = set(zip(errors.column, errors.code))
    assert ("quadrant", "missing_column") in codes
    assert ("code", "duplicate_column") in codes


def test_empty_file_and_non_utf8_file(tmp_path: Path) -> None:
    folder = _write_csvs(tmp_path / "bad", PLAN_CSV)
    (folder / "kpis.csv").write_bytes(b"")
    (folder / "criteria.csv").write_bytes(b"code,name_th\n\xfc\xfd\xdb,x\n")
    errors = _errors(folder)
    assert set(errors[errors.file == "kpis.csv"].code) == {"empty"}
    assert set(errors[errors.file == "criteria.csv"].code) == {"encoding"}
    assert "UTF-8" in errors[errors.file == "criteria.csv"].reason_en.iloc[0]


def test_windows_874_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    folder = _write_csvs(tmp_path / "tis", {k: v for k, v in PLAN_CSV.items() if k != "strategies.csv"})
    (folder / "strategies.csv").write_bytes("code,level,name_th\nS1,strategy,พัฒนาระบบสารสนเทศ\n".encode("cp874"))
    plan = planlib.load_plan(folder)
    assert plan.strategies.loc[2, "name_th"] == "พัฒนาระบบสารสนเทศ"
    assert "encoding_cp874" in set(plan.problems.warnings.to_frame().code)


def test_password_protected_and_corrupt_workbooks(tmp_path: Path) -> None:
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    errors = _errors(locked)
    assert errors.code.tolist() == ["encrypted"] and "password" in errors.reason_en.iloc[0]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert _errors(broken).code.tolist() == ["corrupt"]


def test_wrong_file_type_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert _errors(tmp_path / "notes.txt").code.tolist() == ["unsupported"]
    assert _errors(tmp_path / "nowhere").code.tolist() == ["not_found"]


def test_missing_table_for_a_report_is_named(tmp_path: Path) -> None:
    plan = planlib.load_plan(_write_csvs(tmp_path / "demo", PLAN_CSV))
    with pytest.raises(DataError, match="kpis"):
        planlib.require(plan, "kpis", "swot", report="kpi_scorecard")
    with pytest.raises(KeyError, match="kpis"):
        _ = plan.kpis


def test_input_files_are_never_modified(tmp_path: Path) -> None:
    folder = _write_csvs(tmp_path / "demo", PLAN_CSV)
    before = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    planlib.load_plan(folder)
    planlib.validate(folder)
    after = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert before == after


def test_count_cells_fill_parts_and_flag_conflicts(tmp_path: Path) -> None:
    folder = _write_csvs(
        tmp_path / "lend",
        {
            "lending_annual.csv": (
                "fiscal_year,target_amount,actual_count,actual_groups,actual_amount,source\n"
                "2564,7000000,45 (4 ราย/41 กลุ่ม),,7000000,Table 2-1\n"
                '2563,7000000,"45 กลุ่ม/ ราย 14 ราย/43 กลุ่ม",43,7000000,Table 2-2\n'
                "2563,7000000,57,,7000000,Table 2-1\n"
            )
        },
    )
    book = planlib.load_portfolio(folder)
    annual = book.lending_annual
    assert annual.loc[2, ["actual_count", "actual_individuals", "actual_groups"]].tolist() == [45, 4, 41]
    warnings = book.problems.warnings.to_frame()
    assert {"count_parts", "sources_disagree"} <= set(warnings.code)


def test_damaged_text_is_repaired_only_on_request(tmp_path: Path) -> None:
    damaged = "กำรศึกษำกำรใช้เทคโนโลยีดิจิทัลสนับสนุนกำรปฏิบัติภำรกิจ"
    clean = "ผู้บริหารให้ความสำคัญกับการนำระบบดิจิทัลมาใช้"
    files = dict(PLAN_CSV, **{"swot.csv": f"code,quadrant,text_th\nS1,S,{damaged}\nS2,S,{clean}\n"})
    folder = _write_csvs(tmp_path / "demo", files)
    assert planlib.load_plan(folder).swot.loc[2, "text_th"] == damaged
    repaired = planlib.load_plan(folder, repair_thai=True)
    assert repaired.swot.loc[2, "text_th"] == "การศึกษาการใช้เทคโนโลยีดิจิทัลสนับสนุนการปฏิบัติภารกิจ"
    assert repaired.swot.loc[3, "text_th"] == clean
    assert [(p.row, p.code) for p in repaired.problems.changes if p.code == "repaired_text"] == [(2, "repaired_text")]


def test_score_headers_match_criterion_codes_whatever_the_case(tmp_path: Path) -> None:
    files = dict(PLAN_CSV)
    files["criteria.csv"] = "code,name_th,scale_min,scale_max\nP1,การเงิน,0,10\nP2,ผู้มีส่วนได้ส่วนเสีย,0,10\n"
    files["scores.csv"] = "project_code,P1,p2\nP1,9,8\nP2,7,8\n"
    plan = planlib.load_plan(_write_csvs(tmp_path / "demo", files))
    assert list(plan.scores.columns[:3]) == ["project_code", "P1", "P2"]
    assert plan.scores["P1"].tolist() == [9.0, 7.0]


def test_a_plan_table_without_its_key_column_is_one_located_error(tmp_path: Path) -> None:
    # found by test_every_contract_table_never_crashes_the_loader: this raised KeyError('key')
    (tmp_path / "plan.csv").write_text("value,source\n", encoding="utf-8")
    with pytest.raises(planlib.DataError) as err:
        planlib.load_plan(tmp_path)
    found = [(p.file, p.column, p.reason_en) for p in err.value.problems.errors]
    assert found == [("plan.csv", "key", "required column 'key' is missing")]


# ---------------------------------------------------------------- column-wise loader = per-cell loader (issue 16.1)

EVERY_TABLE = contract.PLAN_TABLES + contract.LENDING_TABLES


def _read_both(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[dict[str, pd.DataFrame], list[Problem]], tuple[dict[str, pd.DataFrame], list[Problem]]]:
    """``read_tables`` of ``path`` column-wise (calamine, pyarrow) and per cell (openpyxl, csv): frames, problems."""
    results = []
    for fast in (True, False):
        monkeypatch.setattr(load, "FAST", fast)
        monkeypatch.setattr(read, "FAST", fast)
        problems = Problems()
        tables, _, _ = load.read_tables(path, EVERY_TABLE, problems, synthetic=True)
        results.append((tables, list(problems)))
    return results[0], results[1]


def assert_same_load(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The two loaders give the same frames (values, dtypes, row numbers) and the same problems, in order."""
    (fast, fast_problems), (slow, slow_problems) = _read_both(path, monkeypatch)
    assert fast.keys() == slow.keys()
    for name in fast:
        pd.testing.assert_frame_equal(fast[name], slow[name], check_exact=True, obj=name)
    assert fast_problems == slow_problems
    return fast, fast_problems


@pytest.mark.parametrize("org", ["hwfund", "ditp", "dsdw", "mol", "tfund"])
def test_column_wise_and_per_cell_loaders_agree_on_every_shipped_dataset(
    org: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables, problems = assert_same_load(data_dir / org, monkeypatch)
    assert tables and all(len(frame) for frame in tables.values())
    if org == "hwfund":  # the synthetic loan book is part of it, and its changes are logged the same way
        assert {"loans", "payments", "lending_annual"} <= tables.keys() and len(tables["payments"]) > 20_000
        assert any(p.severity == "change" for p in problems)


HELD_OUT = {
    "loans.csv": (
        "loan_id,borrower_type,contract_date,principal,term_months,annual_rate,members,status,relief_fiscal_year,"
        "province,work_type,grace_installments,first_due_date,borrower_id,status_date\n"
        "L1,group,2024-10-01,50000,24,3,5,active,2567,นครปฐม,sewing,0,2024-11-01,B1,\n"
        "L2,กลุ่ม,1 ต.ค. 2567,\"1,000\",๒๔,3.0,5.5,ปิดบัญชี,๒๕๖๗,นครปฐม ,a  b,-1,2024-02-30,๑๒,2024-1-5\n"
        "L3,individual,2567-10-01,1.5 ล้านบาท,24.0,101,0,written-off,2025,ก\u0e48\u0e38,\tx,+2,N/A,none,2024-10-01\n"
        ",person,2024-10-01 ,1e5,1.2.3,+.5,-0,Active,FY2567,\u00a0นนทบุรี,x\u200by,,,-,30/9/2567\n"
        "L5,group,2024-10-01,0,12,0,1,closed,2400,,x,,,B5,\n"
        "L6,group,2024-10-01,999999999999999.5,12,-.5,1000000000000000,,2800,,  ,,,B6,\n"
    ),
    "payments.csv": (
        "loan_id,paid_date,amount,principal,interest,source\n"
        "L1,2024-11-01,100.00,90.00,10.00,synthetic\n"
        "L1,2024-12-01,๑๐๐,90,(10),synthetic\n"
        "\n"
        " , ,,,,\n"
        "L2,2024-12-01,100,90,10,x\n"
        "L2,ธ.ค. 67,100 บาท,90,10,\n"
    ),
    "lending_annual.csv": (
        "fiscal_year,actual_count,actual_individuals,actual_groups,target_count,as_of,arrears_count\n"
        "2567,45 (4 ราย/41 กลุ่ม),,,45,2024-07-31,7\n"
        "2566,29,3,26,๒๙,31 ก.ค. 2566,4 ราย 29 กลุ่ม\n"
        "2565,23 (22 กลุ่ม 1 ราย),2,,23,2023-07-31,1,000\n"
    ),
    "activities.csv": (
        "owner_code,activity_no,text_th,start_month,end_month,done_month,progress_pct\n"
        "P1,1,ประชุม,2024-10,2024-13,ต.ค. 67,50\n"
        "P1,2,อบรม,2567-10,2024-1,2024-10-15,101\n"
    ),
    "tows.csv": "code,type,text_th,factors\nSO1,SO,รุก,S1,O2\nST1,s-t,กัน,S1;O2\nWO1,WO,แก้,S1\n",
    "budgets.csv": "project_code,fiscal_year,amount,year_era\nP1,2025,100,CE\nP1,2568,100,\nP2,2025,5,พ.ศ.\n",
}


def test_column_wise_and_per_cell_loaders_agree_on_held_out_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hand-made cells on the border of the column-wise path: each read the same way, with the same problem."""
    folder = _write_csvs(tmp_path / "held_out", HELD_OUT)
    (folder / "tows.csv").write_text(HELD_OUT["tows.csv"].replace("S1,O2\n", '"S1,O2"\n', 1), encoding="utf-8")
    tables, problems = assert_same_load(folder, monkeypatch)
    loans = tables["loans"]
    assert loans.loc[2, "principal"] == 50000.0 and loans.loc[3, "principal"] == 1000.0
    assert loans.loc[3, "borrower_type"] == "group" and loans.loc[3, "term_months"] == 24
    assert str(loans["contract_date"].dtype) == "datetime64[us]" and loans["term_months"].dtype == "Int64"
    codes = {(p.table, p.row, p.column, p.code) for p in problems}
    assert ("loans", 4, "annual_rate", "bad_value_above_maximum") in codes
    assert ("loans", 3, "first_due_date", "bad_value_no_such_date") in codes
    assert ("loans", 5, "loan_id", "required") in codes
    assert ("payments", 3, "principal", "normalised") not in codes and len(tables["payments"]) == 4
    assert tables["lending_annual"]["actual_individuals"].tolist() == [4, 3, 2]


def test_column_wise_and_per_cell_loaders_agree_on_a_workbook_of_native_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Native numbers, dates (also BE years typed into a date cell), booleans and times, read by both readers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "loans"
    sheet.append(["loan_id", "borrower_type", "contract_date", "principal", "term_months", "annual_rate", "members"])
    sheet.append(["L1", "group", dt.datetime(2024, 10, 1), 50000, 24, 3.5, 5])
    sheet.append([7, "group", dt.datetime(2567, 10, 1), 1.5, 24.0, 3, 2.5])
    sheet.append(["L3", "group", dt.datetime(2024, 10, 1, 13, 30), True, dt.time(5, 0), 1e16, None])
    sheet.append(["L4", "individual", "2024-10-01", "๑,๐๐๐", "24", "-", 0])
    payments = book.create_sheet("payments")
    payments.append(["loan_id", "paid_date", "amount"])
    for i in range(200):
        payments.append([f"L{i % 4 + 1}", dt.datetime(2024, 11, 1) + dt.timedelta(days=i), 100.0 + i])
    path = tmp_path / "native.xlsx"
    book.save(path)
    tables, problems = assert_same_load(path, monkeypatch)
    assert tables["loans"].loc[3, "loan_id"] == "7"
    assert tables["loans"].loc[3, "contract_date"] == pd.Timestamp("2024-10-01")
    assert tables["payments"]["amount"].sum() == pytest.approx(sum(100.0 + i for i in range(200)))
    assert {(p.row, p.column, p.code) for p in problems if p.row == 4} >= {(4, "annual_rate", "bad_value_too_large")}


def test_large_inputs_show_a_progress_bar_and_small_ones_stay_quiet(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Issue 16.7: tqdm.auto steps (files read, each table, checks) above PROGRESS_BYTES, nothing below."""
    assert 0 < load.input_bytes(data_dir / "hwfund") < load.PROGRESS_BYTES
    load.load_portfolio(data_dir / "hwfund", strict=False)
    assert "planlib hwfund" not in capfd.readouterr().err
    monkeypatch.setattr(load, "PROGRESS_BYTES", load.input_bytes(data_dir / "hwfund"))
    load.load_portfolio(data_dir / "hwfund", strict=False)
    err = capfd.readouterr().err
    assert "planlib hwfund" in err and "step/s" in err and f"/{len(contract.LENDING_TABLES) + 3}" in err
    load.validate(data_dir / "mol", progress=True)
    assert "planlib mol" in capfd.readouterr().err
    load.validate(data_dir / "hwfund", progress=False)
    assert capfd.readouterr().err == ""


def test_a_relative_path_that_is_not_here_has_a_nearest_match(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: ``load_plan("data/hwfund")`` from ``notebooks/`` finds ``../data/hwfund``."""
    root = data_dir.parent
    monkeypatch.chdir(root / "notebooks")
    assert load.nearest_match("data/hwfund") == Path("../data/hwfund")
    near = load.nearest_match("data/hwfund")
    assert near is not None and (Path.cwd() / near).resolve() == (data_dir / "hwfund").resolve()
    assert load.nearest_match("data/no_such_org") is None
    assert load.nearest_match(data_dir / "hwfund") is None  # absolute: taken as given
    monkeypatch.chdir(root)
    assert load.nearest_match("data/hwfund") is None  # it is here
    assert load.nearest_match("hwfund") == Path("data/hwfund")
    with pytest.raises(DataError) as err:
        planlib.load_plan(root / "notebooks" / "data" / "hwfund")
    assert [p.code for p in err.value.problems.errors] == ["not_found"]


def test_a_relative_path_that_is_not_here_names_the_cwd_and_the_nearest_match(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: ``planlib.load_plan("data/hwfund")`` in a notebook beside the shipped ones says where it looked
    (the working directory) and where the folder is (``../data/hwfund``), in English and Thai."""
    work = tmp_path / "project"
    (work / "notebooks").mkdir(parents=True)
    (work / "data").mkdir()
    (work / "data" / "hwfund").symlink_to(data_dir / "hwfund", target_is_directory=True)
    monkeypatch.chdir(work / "notebooks")
    with pytest.raises(DataError) as err:
        planlib.load_plan("data/hwfund")
    (problem,) = err.value.problems.errors
    cwd = str(work / "notebooks")
    assert problem.code == "not_found_near" and problem.file == "data/hwfund"
    near = str(Path("..") / "data" / "hwfund")
    assert problem.reason_en == f"data/hwfund does not exist in the working directory {cwd}; nearest match: {near}"
    assert problem.reason_th == f"ไม่พบ data/hwfund ในโฟลเดอร์ทำงาน {cwd} ที่ใกล้ที่สุดคือ {near}"
    assert cwd in str(err.value) and near in str(err.value)
    assert planlib.load_plan(near).info["org_code"] == planlib.load_plan(data_dir / "hwfund").info["org_code"]
    with pytest.raises(DataError) as err:
        planlib.load_plan("data/no_such_org")
    (problem,) = err.value.problems.errors
    assert problem.code == "not_found_in_cwd"
    assert problem.reason_en == f"data/no_such_org does not exist in the working directory {cwd}"
    assert problem.reason_th == f"ไม่พบ data/no_such_org ในโฟลเดอร์ทำงาน {cwd}"
    monkeypatch.chdir(data_dir.parent / "notebooks")  # the shipped layout itself
    errors = list(planlib.validate("data/hwfund", progress=False).errors)
    assert [(p.code, p.file) for p in errors] == [("not_found_near", "data/hwfund")]
    assert errors[0].reason_en.endswith("nearest match: ../data/hwfund") and "../data/hwfund" in errors[0].reason_th
