"""Problem messages of :mod:`planlib.inputs` (code → English and Thai templates).

Grouped by where they are raised: a cell that cannot be read (:mod:`planlib.inputs.thai`,
:mod:`planlib.inputs.contract`, :mod:`planlib.inputs.load`; codes ``bad_value_…``), a file that
cannot be read (:mod:`planlib.inputs.read`), a table as a whole (:mod:`planlib.inputs.load`) and
the cross-table checks (:mod:`planlib.inputs.checks`).
"""

from __future__ import annotations

from planlib.inputs.messages.message import Message

M = Message

CELLS: dict[str, Message] = {
    # numbers (thai.parse_number, parse_int, parse_mixed_count)
    "bad_value_bool_not_number": M(
        "expected a number, got true/false",
        "ต้องเป็นตัวเลข แต่พบค่า จริง/เท็จ",
    ),
    "bad_value_separator": M(
        "misplaced thousands separator in {raw!r}",
        "ตำแหน่งเครื่องหมายคั่นหลักพันไม่ถูกต้องใน {raw!r}",
    ),
    "bad_value_not_a_number": M(
        "not a number: {raw!r}",
        "ไม่ใช่ตัวเลข: {raw!r}",
    ),
    "bad_value_infinite": M(
        "number too large: {shown!r}",
        "ตัวเลขใหญ่เกินไป: {shown!r}",
    ),
    "bad_value_not_whole": M(
        "expected a whole number, got {number:g}",
        "ต้องเป็นจำนวนเต็ม แต่พบ {number:g}",
    ),
    "bad_value_not_a_count": M(
        "expected a count such as '45 (4 ราย/41 กลุ่ม)', got {raw!r}",
        "ต้องเป็นจำนวน เช่น '45 (4 ราย/41 กลุ่ม)' แต่พบ {raw!r}",
    ),
    # years (thai.parse_be_year and the years inside dates)
    "bad_value_ce_year_implausible": M(
        "{year} is not a plausible CE year",
        "{year} ไม่ใช่ปี ค.ศ. ที่เป็นไปได้",
    ),
    "bad_value_ce_year": M(
        "{year} looks like a CE year; this column takes BE years (e.g. {be}), or set year_era to CE",
        "{year} น่าจะเป็นปี ค.ศ. คอลัมน์นี้ต้องเป็นปี พ.ศ. (เช่น {be}) หรือระบุ year_era เป็น CE",
    ),
    "bad_value_be_year_implausible": M(
        "{year} is not a plausible BE year (expected {low}–{high})",
        "{year} ไม่ใช่ปี พ.ศ. ที่เป็นไปได้ (ควรอยู่ระหว่าง {low}–{high})",
    ),
    "bad_value_year_implausible": M(
        "{year} is not a plausible year",
        "{year} ไม่ใช่ปีที่เป็นไปได้",
    ),
    # months and dates (thai.parse_date, parse_month)
    "bad_value_month_name": M(
        "unknown month name {name!r}",
        "ไม่รู้จักชื่อเดือน {name!r}",
    ),
    "bad_value_no_such_date": M(
        "no such date: {raw!r} ({reason})",
        "ไม่มีวันที่นี้ในปฏิทิน: {raw!r}",
    ),
    "bad_value_not_a_date": M(
        "not a date or month: {raw!r} (use 2024-10-01, 1 ต.ค. 2567 or ต.ค. 67)",
        "ไม่ใช่วันที่หรือเดือน: {raw!r} (ใช้รูปแบบ 2024-10-01, 1 ต.ค. 2567 หรือ ต.ค. 67)",
    ),
    "bad_value_day_missing": M(
        "a day is missing in {raw!r}; this column takes a full date",
        "ไม่มีวันที่ใน {raw!r} คอลัมน์นี้ต้องเป็นวัน เดือน ปี",
    ),
    "bad_value_no_such_month": M(
        "month {month} does not exist",
        "ไม่มีเดือนที่ {month}",
    ),
    "bad_value_quarter": M(
        "quarter must be 1–4, got {quarter}",
        "ไตรมาสต้องเป็น 1–4 แต่พบ {quarter}",
    ),
    # kinds of the data contract (contract.KINDS)
    "bad_value_not_a_slug": M(
        "{text!r} is not a slug (lower-case a–z, 0–9, '_' or '-')",
        "{text!r} ต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข '_' หรือ '-' เท่านั้น",
    ),
    "bad_value_not_yes_no": M(
        "expected yes/no, got {raw!r}",
        "ต้องเป็น ใช่/ไม่ใช่ แต่พบ {raw!r}",
    ),
    # the column's rules (load)
    "bad_value_not_one_of": M(
        "{typed!r} is not one of: {allowed}",
        "{typed!r} ไม่อยู่ในค่าที่กำหนด: {allowed}",
    ),
    "bad_value_too_large": M(
        "too large to be a figure (limit ±10^15; a number this size cannot be kept exactly)",
        "ตัวเลขใหญ่เกินไป (จำกัด ±10^15 ตัวเลขขนาดนี้เก็บค่าให้ถูกต้องไม่ได้)",
    ),
    "bad_value_below_minimum": M(
        "{number:g} is below the minimum {low:g}",
        "{number:g} ต่ำกว่าค่าต่ำสุด {low:g}",
    ),
    "bad_value_above_maximum": M(
        "{number:g} is above the maximum {high:g}",
        "{number:g} สูงกว่าค่าสูงสุด {high:g}",
    ),
    "bad_value_count_part_too_large": M(
        "a part of the count is too large (limit ±10^15)",
        "จำนวนย่อยใหญ่เกินไป (จำกัด ±10^15)",
    ),
    "required": M(
        "{name} is required but empty",
        "ต้องกรอก {name} แต่เว้นว่างไว้",
    ),
    "normalised": M(
        "read as {shown!r}",
        "อ่านเป็น {shown!r}",
    ),
    # mixed count cells (load)
    "count_sum": M(
        "no total printed: {cell} = the sum of the parts, {total}",
        "ไม่ได้พิมพ์ยอดรวม: {cell} = ผลรวมของส่วนย่อย {total}",
    ),
    "count_parts": M(
        "the parts do not add up: {individuals} individuals + {groups} groups = {parts}, printed total {total}",
        "ผลรวมย่อยไม่ตรงกับยอดรวม: {individuals} ราย + {groups} กลุ่ม = {parts} แต่ยอดรวมที่พิมพ์คือ {total}",
    ),
    "count_split": M(
        "{target} = {part}, taken from the count cell {cell}",
        "{target} = {part} นำมาจากช่องจำนวน {cell}",
    ),
    "count_conflict": M(
        "{target} is {typed} but the count cell {cell} says {part}",
        "{target} เป็น {typed} แต่ช่องจำนวน {cell} ระบุ {part}",
    ),
}
"""A cell that cannot be read as its column's kind, or that the loader changed."""

FILES: dict[str, Message] = {
    "not_found": M(
        "{path} does not exist",
        "ไม่พบ {path}",
    ),
    "not_found_near": M(
        "{path} does not exist in the working directory {cwd}; nearest match: {near}",
        "ไม่พบ {path} ในโฟลเดอร์ทำงาน {cwd} ที่ใกล้ที่สุดคือ {near}",
    ),
    "not_found_in_cwd": M(
        "{path} does not exist in the working directory {cwd}",
        "ไม่พบ {path} ในโฟลเดอร์ทำงาน {cwd}",
    ),
    "unreadable": M(
        "cannot read the file: {reason}",
        "อ่านไฟล์ไม่ได้: {reason}",
    ),
    "not_a_file": M(
        "not a regular file (a device, pipe or folder); refused",
        "ไม่ใช่ไฟล์ข้อมูลธรรมดา (เป็นอุปกรณ์ ท่อ หรือโฟลเดอร์) จึงไม่อ่าน",
    ),
    "symlink_outside": M(
        "a symbolic link to {target!r}, outside the data folder {folder!r}; refused (copy the file into the folder)",
        "เป็นลิงก์ (symlink) ไปยัง {target!r} ซึ่งอยู่นอกโฟลเดอร์ข้อมูล {folder!r} จึงไม่อ่าน (กรุณาคัดลอกไฟล์มาไว้ในโฟลเดอร์)",
    ),
    "too_large": M(
        "file too large ({size:,} bytes; limit {limit:,})",
        "ไฟล์ใหญ่เกินไป ({size:,} ไบต์ จำกัด {limit:,})",
    ),
    "too_large_workbook": M(
        "workbook too large ({size:,} bytes; limit {limit:,})",
        "ไฟล์ใหญ่เกินไป ({size:,} ไบต์ จำกัด {limit:,})",
    ),
    "too_large_unzipped": M(
        "workbook expands to {size:,} bytes (limit {limit:,}); refused",
        "ไฟล์ขยายได้ {size:,} ไบต์ เกินขีดจำกัด {limit:,} จึงไม่อ่าน",
    ),
    # CSV files
    "binary": M(
        "this is not a text CSV file (binary content)",
        "ไฟล์นี้ไม่ใช่ไฟล์ CSV แบบข้อความ (เป็นไฟล์ไบนารี)",
    ),
    "encoding": M(
        "the file is not UTF-8 text (byte {byte}); save it as 'CSV UTF-8'",
        "ไฟล์ไม่ได้เข้ารหัสเป็น UTF-8 (ไบต์ที่ {byte}) กรุณาบันทึกเป็น 'CSV UTF-8'",
    ),
    "encoding_cp874": M(
        "the file is Windows-874 (TIS-620), not UTF-8; it was read as Windows-874",
        "ไฟล์เข้ารหัสแบบ Windows-874 (TIS-620) ไม่ใช่ UTF-8 ระบบอ่านเป็น Windows-874 ให้แล้ว",
    ),
    "empty": M(
        "the file is empty (no header row)",
        "ไฟล์ว่างเปล่า (ไม่มีแถวหัวตาราง)",
    ),
    "csv": M(
        "broken CSV near line {line}: {reason}",
        "รูปแบบ CSV เสียใกล้บรรทัด {line}: {reason}",
    ),
    "duplicate_table_file": M(
        "two files are both read as table {name!r} ({first!r} and {second!r}); keep one",
        "มีสองไฟล์ที่อ่านเป็นตาราง {name!r} ({first!r} และ {second!r}) กรุณาเก็บไว้ไฟล์เดียว",
    ),
    # workbooks
    "encrypted": M(
        "the workbook is password-protected or in the old .xls format; remove the password and save as .xlsx",
        "ไฟล์ถูกตั้งรหัสผ่านหรือเป็นรูปแบบ .xls เก่า กรุณาเอารหัสผ่านออกและบันทึกเป็น .xlsx",
    ),
    "corrupt": M(
        "the workbook is damaged or not an .xlsx file; open it in Excel and save again",
        "ไฟล์ Excel เสียหายหรือไม่ใช่ไฟล์ .xlsx กรุณาเปิดใน Excel แล้วบันทึกใหม่",
    ),
    "corrupt_unopenable": M(
        "the workbook cannot be opened ({kind}); open it in Excel and save again",
        "เปิดไฟล์ Excel ไม่ได้ กรุณาเปิดใน Excel แล้วบันทึกใหม่",
    ),
    "corrupt_unreadable": M(
        "the workbook cannot be read ({kind}: {detail})",
        "อ่านไฟล์ Excel ไม่ได้ ({kind})",
    ),
    "macros": M(
        "the workbook contains macros; they were not run (values only)",
        "ไฟล์มีแมโคร (macro) ระบบไม่ได้เรียกใช้ อ่านเฉพาะค่าในเซลล์",
    ),
    "external_links": M(
        "the workbook links to other workbooks; the links were not followed, the values saved in this file were used",
        "ไฟล์มีลิงก์ไปยังไฟล์ Excel อื่น ระบบไม่ได้เปิดลิงก์ ใช้ค่าที่บันทึกไว้ในไฟล์นี้",
    ),
    "formula": M(
        "formula {formula!r} has no saved value; open the workbook in Excel and save it",
        "สูตร {formula!r} ไม่มีค่าที่บันทึกไว้ กรุณาเปิดไฟล์ใน Excel แล้วบันทึกใหม่",
    ),
    "duplicate_table_sheet": M(
        "two sheets are both read as table {name!r} ({first!r} and {second!r}); keep one of them",
        "มีสองชีตที่อ่านเป็นตาราง {name!r} ({first!r} และ {second!r}) กรุณาเก็บไว้ชีตเดียว",
    ),
    "xls": M(
        "old .xls workbooks are not read; save it as .xlsx",
        "ไม่รองรับไฟล์ .xls รุ่นเก่า กรุณาบันทึกเป็น .xlsx",
    ),
    "unsupported": M(
        "give an .xlsx workbook or a folder of .csv files",
        "กรุณาระบุไฟล์ .xlsx หรือโฟลเดอร์ที่มีไฟล์ .csv",
    ),
}
"""A file or workbook that cannot be read (:mod:`planlib.inputs.read`)."""

TABLES: dict[str, Message] = {
    "no_header": M(
        "column {number} has values but no header",
        "คอลัมน์ที่ {number} มีข้อมูลแต่ไม่มีชื่อหัวคอลัมน์",
    ),
    "duplicate_column": M(
        "column {name!r} appears twice (columns {first} and {second})",
        "คอลัมน์ {name!r} ซ้ำกัน (คอลัมน์ที่ {first} และ {second})",
    ),
    "missing_column": M(
        "required column {name!r} is missing",
        "ไม่มีคอลัมน์ที่ต้องมี {name!r}",
    ),
    "missing_key": M(
        "the plan table needs a row with key {key!r}",
        "ตาราง plan ต้องมีแถวที่ key เป็น {key!r}",
    ),
    "synthetic_clash": M(
        "a synthetic table may not replace a real one",
        "ตารางสังเคราะห์ต้องไม่แทนที่ตารางจริง",
    ),
    "unknown_table": M(
        "unknown table {name!r} ignored (not in the data contract)",
        "ไม่รู้จักตาราง {name!r} จึงข้ามไป (ไม่อยู่ในสัญญาข้อมูล)",
    ),
    "repaired_text": M(
        "damaged Thai text repaired: {fixed!r}",
        "ซ่อมข้อความภาษาไทยที่เสียหายแล้ว: {fixed!r}",
    ),
    "missing_table_for_report": M(
        "table {name!r} is needed for the {report} report but is not in the input",
        "ต้องมีตาราง {name!r} สำหรับรายงาน {report} แต่ไม่พบในข้อมูล",
    ),
    "missing_table_needed": M(
        "table {name!r} is needed but is not in the input",
        "ต้องมีตาราง {name!r} แต่ไม่พบในข้อมูล",
    ),
    "table_absent": M(
        "table {name!r} is not in {path}",
        "ไม่มีตาราง {name!r} ใน {path}",
    ),
    # the dataset objects and their loaders (planlib.inputs.dataset)
    "table_absent_use_load_portfolio": M(
        "table {name!r} is a lending table, not a plan table: read it with planlib.load_portfolio({path!r})",
        "ตาราง {name!r} เป็นตารางการให้กู้ยืม ไม่ใช่ตารางแผน: อ่านด้วย planlib.load_portfolio({path!r})",
    ),
    "table_absent_use_load_plan": M(
        "table {name!r} is a plan table, not a lending table: read it with planlib.load_plan({path!r})",
        "ตาราง {name!r} เป็นตารางแผน ไม่ใช่ตารางการให้กู้ยืม: อ่านด้วย planlib.load_plan({path!r})",
    ),
    "wrong_loader_plan_folder": M(
        "{path} holds plan tables ({tables}) and no lending tables: read it with planlib.load_plan({path!r})",
        "{path} มีตารางแผน ({tables}) แต่ไม่มีตารางการให้กู้ยืม: อ่านด้วย planlib.load_plan({path!r})",
    ),
    "wrong_loader_lending_folder": M(
        "{path} holds lending tables ({tables}) and no plan tables: read it with planlib.load_portfolio({path!r})",
        "{path} มีตารางการให้กู้ยืม ({tables}) แต่ไม่มีตารางแผน: อ่านด้วย planlib.load_portfolio({path!r})",
    ),
    "wrong_type": M(
        "{function}() expects {expected}, not {got}: get one with {how}",
        "{function}() ต้องการ {expected_th} ไม่ใช่ {got}: สร้างได้ด้วย {how}",
    ),
    "wrong_type_no_hint": M(
        "{function}() expects {expected}, not {got}",
        "{function}() ต้องการ {expected_th} ไม่ใช่ {got}",
    ),
    "data_error": M(
        "{count} error(s) in {source}",
        "พบข้อผิดพลาด {count} รายการ",
    ),
    "data_error_more": M(
        "… and {count} more (see .problems)",
        "… และอีก {count} รายการ (ดูได้ที่ .problems)",
    ),
}
"""A table as a whole: its header, the ``plan`` keys, tables a report needs (:mod:`planlib.inputs.load`)."""

CHECKS: dict[str, Message] = {
    "check_failed": M(
        "check {check} could not run: {kind}: {detail}",
        "ตรวจสอบ {check} ไม่สำเร็จ",
    ),
    # keys and references
    "duplicate": M(
        "duplicate {key} {typed!r} (first at row {first})",
        "{key} {typed!r} ซ้ำ (ปรากฏครั้งแรกที่แถว {first})",
    ),
    "missing_table": M(
        "{name} refers to table {tables}, which is not in the input",
        "{name} อ้างถึงตาราง {tables} ซึ่งไม่มีในข้อมูล",
    ),
    "unknown_code": M(
        "unknown code {code!r}: not in {where} (known: {known})",
        "ไม่รู้จักรหัส {code!r}: ไม่มีใน {where} (รหัสที่มี: {known})",
    ),
    "unknown_code_none_known": M(
        "unknown code {code!r}: not in {where} (known: none)",
        "ไม่รู้จักรหัส {code!r}: ไม่มีใน {where} (รหัสที่มี: ไม่มี)",
    ),
    # weights, scales, schedules
    "weight_missing": M(
        "weight missing while other KPIs have weights",
        "ไม่มีน้ำหนัก ขณะที่ตัวชี้วัดอื่นมีน้ำหนัก",
    ),
    "weights_sum_kpi": M(
        "KPI weights sum to {total:g}, not 100",
        "น้ำหนักตัวชี้วัดรวมได้ {total:g} ไม่เท่ากับ 100",
    ),
    "weights_sum_ife_efe": M(
        "{matrix} weights sum to {total:.3f}, not 1",
        "น้ำหนัก {matrix} รวมได้ {total:.3f} ไม่เท่ากับ 1",
    ),
    "order_end_before_start": M(
        "ends ({end}) before it starts ({start})",
        "เดือนสิ้นสุด ({end}) อยู่ก่อนเดือนเริ่ม ({start})",
    ),
    "order_done_before_start": M(
        "marked done ({done}) before its start month ({start})",
        "เดือนที่เสร็จ ({done}) อยู่ก่อนเดือนเริ่ม ({start})",
    ),
    "missing_table_criteria": M(
        "scores need a criteria table",
        "ตารางคะแนนต้องมีตาราง criteria",
    ),
    "unknown_code_criterion_column": M(
        "column {name!r} is not a criterion code ({codes})",
        "คอลัมน์ {name!r} ไม่ใช่รหัสเกณฑ์ ({codes})",
    ),
    "missing_column_score": M(
        "no score column for criterion {criterion!r}",
        "ไม่มีคอลัมน์คะแนนของเกณฑ์ {criterion!r}",
    ),
    "required_score": M(
        "score missing for criterion {criterion!r}",
        "ไม่มีคะแนนของเกณฑ์ {criterion!r}",
    ),
    "out_of_scale": M(
        "score {score:g} is outside the scale {low:g}–{high:g} of criterion {criterion!r}",
        "คะแนน {score:g} อยู่นอกช่วง {low:g}–{high:g} ของเกณฑ์ {criterion!r}",
    ),
    # printed totals
    "bad_total": M(
        "cannot recompute: no column {missing} in {summed}",
        "คำนวณซ้ำไม่ได้: ไม่มีคอลัมน์ {missing} ใน {summed}",
    ),
    "bad_total_filter": M(
        "cannot recompute: the filter {filter!r} is not readable ({detail})",
        "คำนวณซ้ำไม่ได้: อ่านเงื่อนไขกรอง {filter!r} ไม่ได้ ({detail})",
    ),
    "total_mismatch": M(
        "{name}: the source prints {printed:,.2f} but the rows of {of} give {computed:,.2f}{source}",
        "{name}: เอกสารพิมพ์ {printed:,.2f} แต่ผลรวมจากแถวของ {of} ได้ {computed:,.2f}{source}",
    ),
    # published lending statistics
    "year_label": M(
        "the source labels this row {printed}; it is FY{fy} (label corrected, shown in reports)",
        "เอกสารระบุปีของแถวนี้เป็น {printed} แต่ที่ถูกคือปีงบประมาณ {fy} (แก้ไขป้ายปีแล้ว และแสดงในรายงาน)",
    ),
    "as_of_outside": M(
        "as-of date {date} is outside FY{fy} ({start} – {end})",
        "วันที่ของข้อมูล {date} อยู่นอกปีงบประมาณ {fy}",
    ),
    "as_of_mid_year": M(
        "stock figure dated {date}, not the fiscal year end; not comparable with year-end figures",
        "ข้อมูล ณ {date} ไม่ใช่วันสิ้นปีงบประมาณ จึงเทียบกับข้อมูลสิ้นปีไม่ได้โดยตรง",
    ),
    "pct_mismatch": M(
        "printed {printed:.2f}% but actual ÷ credit line = {computed:.2f}%",
        "พิมพ์ร้อยละ {printed:.2f} แต่ผลการปล่อยกู้ ÷ กรอบวงเงิน = {computed:.2f}",
    ),
    "sources_disagree": M(
        "FY{fy}: published tables disagree on {measure}: {shown}",
        "ปีงบประมาณ {fy}: ตารางที่เผยแพร่ให้ค่า {measure} ไม่ตรงกัน: {shown}",
    ),
    # text damage
    "damaged_text": M(
        "Thai text looks damaged by PDF extraction (ำ/า swapped); repair with planlib.inputs.thai.repair_damage",
        "ข้อความภาษาไทยน่าจะเสียหายจากการแปลง PDF (สระอำ/อา สลับกัน) แก้ได้ด้วย planlib.inputs.thai.repair_damage",
    ),
}
"""The cross-table checks of :mod:`planlib.inputs.checks`."""

ARGUMENTS: dict[str, Message] = {
    # planlib.inputs.key_figure
    "key_figure_language": M(
        "language must be 'th' or 'en', not {lang!r}",
        "ภาษาต้องเป็น th หรือ en ไม่ใช่ {lang!r}",
    ),
    "key_figure_missing_number": M(
        "a missing value has no number: give None and a status",
        "ค่าที่ไม่มีข้อมูลให้ใช้ None พร้อมสถานะ",
    ),
    "key_figure_bool_value": M(
        "a key figure's value is a number, a text or None, not a bool",
        "ค่าต้องเป็นตัวเลข ข้อความ หรือ None ไม่ใช่ค่าจริง/เท็จ",
    ),
    "key_figure_value_type": M(
        "a key figure's value is a number, a short text or None, not {kind}",
        "ค่าต้องเป็นตัวเลข ข้อความสั้น หรือ None ไม่ใช่ {kind}",
    ),
    "key_figure_of_not_number": M(
        "'of' is the whole a count is out of: a number",
        "'of' ต้องเป็นตัวเลข",
    ),
    "key_figure_unknown_status": M(
        "unknown status {status!r}; one of {allowed}",
        "ไม่รู้จักสถานะ {status!r} ใช้ได้: {allowed}",
    ),
    # planlib.inputs.blank_workbook
    "template_not_xlsx": M(
        "{path}: the template must be an .xlsx file",
        "{path}: แม่แบบต้องเป็นไฟล์ .xlsx",
    ),
    "template_exists": M(
        "{path} already exists; not overwritten",
        "มีไฟล์ {path} อยู่แล้ว จึงไม่เขียนทับ",
    ),
}
"""Arguments a caller gave that a function refuses (:mod:`planlib.inputs.key_figure`, the blank workbook)."""

MESSAGES: dict[str, Message] = {}
for _part in (CELLS, FILES, TABLES, CHECKS, ARGUMENTS):
    _clash = MESSAGES.keys() & _part.keys()
    if _clash:
        raise RuntimeError(f"message codes defined twice in planlib.inputs.messages.inputs: {sorted(_clash)}")
    MESSAGES.update(_part)
