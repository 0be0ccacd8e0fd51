"""Messages of :mod:`planlib.reports` and the ``planlib`` command (code → English and Thai templates).

Grouped by where they are raised: planning a batch (:mod:`planlib.reports.batch`; refusals and
skip reasons), running a report (:mod:`planlib.reports.worker`, :mod:`planlib.reports.pool`;
the ``error`` of a result and its manifest entry), committing it (:mod:`planlib.reports.outputs`),
and the command line (:mod:`planlib.reports.command_line`, :mod:`planlib.cli`).
"""

from __future__ import annotations

from planlib.inputs.messages.message import Message

MESSAGES: dict[str, Message] = {
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
    "validate_path_missing": Message(
        en="{path} does not exist",
        th="ไม่พบ {path}",
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
}
