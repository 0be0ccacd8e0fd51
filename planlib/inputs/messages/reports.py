"""Messages of :mod:`planlib.reports` and the ``planlib`` command (code → English and Thai templates).

Grouped by where they are raised: report parameters (:mod:`planlib.reports.templates`; refused before
any kernel starts), planning a batch (:mod:`planlib.reports.batch`; refusals and skip reasons), running
a report (:mod:`planlib.reports.worker`, :mod:`planlib.reports.pool`; the ``error`` of a result and its
manifest entry), committing it (:mod:`planlib.reports.outputs`), and the command line
(:mod:`planlib.reports.command_line`, :mod:`planlib.cli`). A message of several lines is shown
English first, then Thai (:func:`planlib.cli.terminal_text`).
"""

from __future__ import annotations

from planlib.inputs.messages.message import Message

MESSAGES: dict[str, Message] = {
    # ---------------------------------------------------------------- report parameters (worded for an analyst:
    # the accepted values in words, never a pattern)
    "param_refused": Message(
        en="parameter {name!r} = {shown}: {reason}",
        th="พารามิเตอร์ {name!r} = {shown}: {reason_th}",
    ),
    "param_unknown": Message(
        en="unknown parameter {name!r}; {template} takes: {known}",
        th="ไม่รู้จักพารามิเตอร์ {name!r} ({template} รับ: {known})",
    ),
    "param_required": Message(
        en="parameter {name!r} is required ({description})",
        th="ต้องระบุพารามิเตอร์ {name!r} ({description})",
    ),
    "param_fiscal_year_ce": Message(
        en="{year} looks like a CE year: did you mean {be}? Fiscal years are Buddhist Era (2568 = Oct 2024 – Sep 2025)",
        th="{year} น่าจะเป็นปี ค.ศ. หมายถึงปี พ.ศ. {be} หรือไม่? ปีงบประมาณใช้ปี พ.ศ. (2568 = ต.ค. 2567 – ก.ย. 2568)",
    ),
    "param_one_of": Message(
        en="must be one of: {allowed}",
        th="ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {allowed}",
    ),
    "param_at_least": Message(
        en="must be at least {low}",
        th="ต้องไม่น้อยกว่า {low}",
    ),
    "param_at_most": Message(
        en="must be at most {high}",
        th="ต้องไม่มากกว่า {high}",
    ),
    "param_not_number": Message(
        en="must be a number",
        th="ต้องเป็นตัวเลข",
    ),
    "param_not_whole_number": Message(
        en="must be a whole number",
        th="ต้องเป็นจำนวนเต็ม",
    ),
    "param_not_whole_number_bool": Message(
        en="must be a whole number, not true/false",
        th="ต้องเป็นจำนวนเต็ม ไม่ใช่ true/false",
    ),
    "param_not_whole_number_text": Message(
        en="must be a whole number, got {given!r}",
        th="ต้องเป็นจำนวนเต็ม แต่พบ {given!r}",
    ),
    "param_not_mapping": Message(
        en="must be a mapping such as {{C1: 2, C2: 1}}",
        th="ต้องอยู่ในรูป {{C1: 2, C2: 1}}",
    ),
    "param_not_text": Message(
        en="must be text",
        th="ต้องเป็นข้อความ",
    ),
    "param_control_character": Message(
        en="must be one line of plain text; it contains {char!r}",
        th="ต้องเป็นข้อความบรรทัดเดียว แต่มีอักขระควบคุม {char!r}",
    ),
    "param_too_long": Message(
        en="is longer than {high} characters",
        th="ยาวเกิน {high} ตัวอักษร",
    ),
    "param_org_code": Message(
        en="an organisation code is the name of its folder under the data folder: lower-case a–z, 0–9, '_' or '-'",
        th="รหัสหน่วยงานคือชื่อโฟลเดอร์ในโฟลเดอร์ข้อมูล: อักษรอังกฤษตัวเล็ก ตัวเลข '_' หรือ '-' เท่านั้น",
    ),
    "param_criterion_code": Message(
        en="a criterion code is 1–32 letters, digits, '_', '.' or '-' (as in criteria.csv, e.g. C1)",
        th="รหัสเกณฑ์ต้องเป็นอักษร ตัวเลข '_' '.' หรือ '-' ยาว 1–32 ตัว (ตามไฟล์ criteria.csv เช่น C1)",
    ),
    "param_invalid": Message(
        en="{detail}",
        th="ค่าไม่ถูกต้อง ({detail})",
    ),
    "param_data_dir_missing": Message(
        en="data_dir {data_dir!r} is not a folder",
        th="ไม่พบโฟลเดอร์ข้อมูล {data_dir!r}",
    ),
    "param_weights_file_missing": Message(
        en="weights_file {path!r} not found",
        th="ไม่พบไฟล์น้ำหนัก {path!r}",
    ),
    "param_loan_book_missing": Message(
        en="loan_book {path!r} is not a folder",
        th="ไม่พบโฟลเดอร์ข้อมูลสินเชื่อ {path!r}",
    ),
    "unknown_organisation_no_folder": Message(
        en="unknown organisation {org!r}: no folder {folder} (known: {known})",
        th="ไม่รู้จักหน่วยงาน {org!r}: ไม่มีโฟลเดอร์ {folder} (ที่มี: {known})",
    ),
    "unknown_template_known": Message(
        en="unknown template; known: {known}",
        th="ไม่รู้จักแม่แบบรายงาน (ที่มี: {known})",
    ),
    # ---------------------------------------------------------------- planning a batch
    "unknown_organisation": Message(
        en="unknown organisation {org!r} (known: {known})",
        th="ไม่รู้จักหน่วยงาน {org!r} (ที่มี: {known})",
    ),
    "organisation_outside_data": Message(
        en="organisation {org!r}: its folder {folder} is outside {data_dir}",
        th="หน่วยงาน {org!r}: โฟลเดอร์ {folder} อยู่นอก {data_dir}",
    ),
    "unknown_template": Message(
        en="{name}: unknown template; known: {known}",
        th="{name}: ไม่รู้จักแม่แบบรายงานนี้ (ที่มี: {known})",
    ),
    "template_not_applicable": Message(
        en="not applicable: {missing}",
        th="ใช้กับหน่วยงานนี้ไม่ได้: {missing}",
    ),
    "no_fiscal_year": Message(
        en="no fiscal year: the plan has no fiscal_year; give --fy",
        th="ไม่ทราบปีงบประมาณ: แผนไม่มี fiscal_year ให้ระบุ --fy",
    ),
    "notebook_not_written": Message(
        en="notebook {notebook} not written yet",
        th="ยังไม่มีโน้ตบุ๊ก {notebook}",
    ),
    "folder_outside_reports": Message(
        en="{name}: report folder {folder} would be outside {out}",
        th="{name}: โฟลเดอร์รายงาน {folder} จะอยู่นอก {out}",
    ),
    "requested_twice": Message(
        en="{key}: requested twice",
        th="{key}: ขอรายงานเดียวกันสองครั้ง",
    ),
    "requested_twice_different": Message(
        en="{key}: requested twice with different parameters",
        th="{key}: ขอรายงานเดียวกันสองครั้งด้วยพารามิเตอร์ต่างกัน",
    ),
    # ---------------------------------------------------------------- running a report (a result's error)
    "parameter_not_literal": Message(
        en="a parameter would not be injected as a plain literal; the notebook was not run",
        th="มีพารามิเตอร์ที่จะไม่ถูกส่งเข้าโน้ตบุ๊กเป็นค่าธรรมดา จึงไม่ได้รันโน้ตบุ๊ก",
    ),
    "cell_raised": Message(
        en="cell {cell} (In [{count}]) raised {ename}: {evalue}",
        th="เซลล์ {cell} (In [{count}]) เกิดข้อผิดพลาด {ename}: {evalue}",
    ),
    "cell_timeout": Message(
        en="a cell ran too long: {detail}",
        th="เซลล์ทำงานนานเกินกำหนด: {detail}",
    ),
    "kernel_died": Message(
        en="the kernel died: {detail}",
        th="เคอร์เนลหยุดทำงานกลางคัน: {detail}",
    ),
    "kernel_no_start": Message(
        en="the kernel did not start: {detail}",
        th="เคอร์เนลไม่เริ่มทำงาน: {detail}",
    ),
    "notebook_failed": Message(
        en="the notebook could not be run: {detail}",
        th="รันโน้ตบุ๊กไม่สำเร็จ: {detail}",
    ),
    "export_failed": Message(
        en="HTML/PDF export failed: {detail}",
        th="สร้าง HTML/PDF ไม่สำเร็จ: {detail}",
    ),
    "word_failed": Message(
        en="Word (.docx) export failed; the HTML and PDF were written: {detail}",
        th="สร้างไฟล์ Word (.docx) ไม่สำเร็จ แต่สร้าง HTML และ PDF แล้ว: {detail}",
    ),
    "word_failed_html_only": Message(
        en="Word (.docx) export failed; the HTML was written (PDF turned off): {detail}",
        th="สร้างไฟล์ Word (.docx) ไม่สำเร็จ แต่สร้าง HTML แล้ว (ไม่ได้สร้าง PDF): {detail}",
    ),
    "report_timeout": Message(
        en="no result within {limit:g} s; the worker and its kernel were killed",
        th="ไม่เสร็จภายใน {limit:g} วินาที จึงหยุดกระบวนการสร้างรายงานและเคอร์เนลแล้ว",
    ),
    "worker_died": Message(
        en="the report worker died (exit code {exit_code})",
        th="กระบวนการสร้างรายงานหยุดทำงานกลางคัน (รหัสออก {exit_code})",
    ),
    "workers_cannot_start": Message(
        en="report workers could not start (exit code {exit_code})",
        th="เริ่มกระบวนการสร้างรายงานไม่ได้ (รหัสออก {exit_code})",
    ),
    "report_interrupted": Message(
        en="interrupted (Ctrl-C); the previous report, if any, is kept",
        th="ถูกยกเลิก (Ctrl-C) รายงานฉบับก่อนหน้า (ถ้ามี) ยังอยู่",
    ),
    "not_started_interrupted": Message(
        en="interrupted before it started",
        th="ถูกยกเลิกก่อนเริ่มสร้าง",
    ),
    # ---------------------------------------------------------------- committing a report
    "report_not_written": Message(
        en="could not write the report (the previous one is kept): {detail}",
        th="เขียนรายงานไม่ได้ (ยังเก็บฉบับก่อนหน้าไว้): {detail}",
    ),
    "manifest_not_written": Message(
        en="manifest.json not updated: {detail}",
        th="ปรับปรุง manifest.json ไม่ได้: {detail}",
    ),
    # ---------------------------------------------------------------- the command line
    "param_not_assignment": Message(
        en="-p expects name=value, got {given!r}",
        th="-p ต้องอยู่ในรูป name=value แต่ได้ {given!r}",
    ),
    "param_file_unreadable": Message(
        en="cannot read parameter file {path}: {detail}",
        th="อ่านไฟล์พารามิเตอร์ {path} ไม่ได้: {detail}",
    ),
    "param_file_not_mapping": Message(
        en="{path}: expected a mapping of parameters or a list of them",
        th="{path}: ไฟล์พารามิเตอร์ต้องเป็น mapping หรือรายการของ mapping",
    ),
    "data_folder_missing": Message(
        en="data folder {path} not found",
        th="ไม่พบโฟลเดอร์ข้อมูล {path}",
    ),
    "jobs_below_one": Message(
        en="--jobs must be at least 1, got {jobs}",
        th="--jobs ต้องมีค่าอย่างน้อย 1 แต่ได้ {jobs}",
    ),
    "nothing_run_refused": Message(
        en="nothing was run: parameters refused",
        th="ไม่ได้สร้างรายงานใด ๆ (พารามิเตอร์ไม่ถูกต้อง)",
    ),
    "batch_interrupted": Message(
        en="interrupted: finished reports are kept; the ones running were not written",
        th="ยกเลิกแล้ว: รายงานที่เสร็จแล้วยังอยู่ ส่วนที่กำลังสร้างไม่ได้เขียน",
    ),
    "command_interrupted": Message(
        en="interrupted",
        th="ยกเลิกแล้ว",
    ),
    "batch_done": Message(
        en="{ok} built, {failed} failed, {skipped} skipped · index: {index}",
        th="สร้างเสร็จ {ok} ฉบับ ไม่สำเร็จ {failed} ฉบับ ข้าม {skipped} ฉบับ · หน้ารวม: {index_th}",
    ),
    "batch_failed_details": Message(
        en="details: the manifest.json of each folder; worker log: {log}",
        th="รายละเอียด: manifest.json ในแต่ละโฟลเดอร์ · บันทึกของกระบวนการสร้างรายงาน: {log}",
    ),
    "index_not_written": Message(
        en="not written ({detail})",
        th="เขียนไม่ได้ ({detail})",
    ),
    "validate_path_missing": Message(
        en="{path} does not exist",
        th="ไม่พบ {path}",
    ),
    "output_not_writable": Message(
        en="cannot write {path}: {detail}",
        th="เขียนไฟล์ {path} ไม่ได้: {detail}",
    ),
    "validate_errors_found": Message(
        en="FAILED: errors found",
        th="พบข้อผิดพลาด",
    ),
    "validate_clean": Message(
        en="OK: no errors",
        th="ไม่พบข้อผิดพลาด",
    ),
    "values_normalised": Message(
        en="{count} values were normalised, e.g. Thai digits and BE dates; --changes lists them",
        th="ปรับรูปแบบค่า {count} ค่า เช่น เลขไทยและปี พ.ศ.; --changes แสดงทุกค่า",
    ),
    "template_written": Message(
        en="wrote {path} ({tables} tables)",
        th="เขียนไฟล์แม่แบบ {path} แล้ว ({tables} ตาราง)",
    ),
    "data_folder_missing_here": Message(
        en="no data folder {path} (the current folder is {cwd}): give --data-dir FOLDER, or run `planlib init` "
        "to make a working folder with the example organisations",
        th="ไม่พบโฟลเดอร์ข้อมูล {path} (โฟลเดอร์ปัจจุบันคือ {cwd}) ให้ระบุ --data-dir หรือสั่ง `planlib init` "
        "เพื่อสร้างโฟลเดอร์ทำงานพร้อมข้อมูลตัวอย่าง",
    ),
    "render_not_a_notebook": Message(
        en="{path} is not a notebook (.ipynb) that can be read: {detail}",
        th="{path} ไม่ใช่โน้ตบุ๊ก (.ipynb) ที่อ่านได้: {detail}",
    ),
    "render_not_executed": Message(
        en="{path} has not been run: run it first (planlib report, or papermill), then render it",
        th="โน้ตบุ๊ก {path} ยังไม่ได้รัน ให้รันก่อน (planlib report หรือ papermill) แล้วจึงสั่ง render",
    ),
    "render_cell_error": Message(
        en="{path}: cell {cell} stopped with {ename}: {evalue}; nothing was written",
        th="{path}: เซลล์ที่ {cell} หยุดด้วยข้อผิดพลาด {ename}: {evalue} จึงไม่ได้เขียนไฟล์ใด",
    ),
    "render_written": Message(
        en="wrote {outputs}",
        th="เขียนไฟล์ {outputs} แล้ว",
    ),
    "init_data_exists": Message(
        en="{path} already exists and is not empty; nothing was written (choose a new folder)",
        th="มีโฟลเดอร์ {path} และมีไฟล์อยู่แล้ว จึงไม่ได้เขียนอะไร (ให้เลือกโฟลเดอร์ใหม่)",
    ),
    "init_written": Message(
        en="made the working folder {folder}: data/ ({orgs}), {workbook}, reports/\n"
        "next: cd {folder} && planlib validate data && planlib report --org {first}",
        th="สร้างโฟลเดอร์ทำงาน {folder} แล้ว: data/ ({orgs}) {workbook} และ reports/\n"
        "ต่อไป: cd {folder} แล้วสั่ง planlib validate data และ planlib report --org {first}",
    ),
    "init_written_empty": Message(
        en="made the working folder {folder}: an empty data/, {workbook}, reports/\n"
        "next: fill in {workbook}, then planlib validate {workbook}",
        th="สร้างโฟลเดอร์ทำงาน {folder} แล้ว: data/ ว่าง {workbook} และ reports/\n"
        "ต่อไป: กรอก {workbook} แล้วสั่ง planlib validate {workbook}",
    ),
}
