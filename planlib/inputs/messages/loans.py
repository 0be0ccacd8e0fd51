"""Problem messages of :mod:`planlib.loans` (code → English and Thai templates).

Grouped by where they are raised: the checks on loan tables (:func:`planlib.loans.portfolio.loan_data`),
schedules (:mod:`planlib.loans.schedule`), large books read from Parquet (:mod:`planlib.loans.large_books`;
codes ``loan_book_…``) and the synthetic generator (:mod:`planlib.loans.synthetic`).
"""

from __future__ import annotations

from planlib.inputs.messages.message import Message

M = Message

CHECKS: dict[str, Message] = {
    "payment_before_contract": M(
        "payment dated {paid} is before the contract of loan {loan} ({signed})",
        "วันที่ชำระ {paid} อยู่ก่อนวันทำสัญญาของเงินกู้ {loan} ({signed})",
    ),
    "principal_outside_terms": M(
        "principal {amount:,.2f} is outside the loan terms for {kind} borrowers (at most {limit:,.0f})",
        "วงเงินกู้ {amount:,.2f} อยู่นอกเงื่อนไขเงินกู้ของผู้กู้ประเภท {kind} (ไม่เกิน {limit:,.0f} บาท)",
    ),
    "term_outside_terms": M(
        "term {term} months is longer than the loan terms allow for {kind} loans of {amount:,.0f} "
        "(at most {allowed} months)",
        "ระยะเวลาผ่อน {term} เดือน เกินกว่าเงื่อนไขเงินกู้ของผู้กู้ประเภท {kind} วงเงิน {amount:,.0f} บาท (ไม่เกิน {allowed} เดือน)",
    ),
    "grace_outside_terms": M(
        "grace of {grace} instalments is more than the loan terms allow ({allowed})",
        "พักชำระเงินต้น {grace} งวด เกินกว่าเงื่อนไขเงินกู้ ({allowed} งวด)",
    ),
    "unknown_relief_round": M(
        "no relief round for FY{fiscal_year} in relief_rounds",
        "ไม่มีมาตรการลดดอกเบี้ยของปีงบประมาณ {fiscal_year} ในตาราง relief_rounds",
    ),
}

SCHEDULES: dict[str, Message] = {
    "schedule_method_unknown": M(
        "method must be one of {methods}, got {method!r}", "วิธีผ่อนชำระต้องเป็นหนึ่งใน {methods} แต่พบ {method!r}"
    ),
    "schedule_no_due_anchor": M(
        "a loan needs first_due_date or contract_date", "เงินกู้ต้องมีวันครบกำหนดงวดแรก (first_due_date) หรือวันทำสัญญา"
    ),
}

LARGE_BOOKS: dict[str, Message] = {
    "loan_book_no_parquet": M("no .parquet files under {path}", "ไม่พบไฟล์ Parquet ใน {path}"),
    "loan_book_unreadable": M(
        "cannot read this file as Parquet: {reason}", "อ่านไฟล์นี้เป็น Parquet ไม่ได้: {reason}"
    ),
    "loan_book_memory_limit": M(
        "memory_limit must be a size such as '4GB' or '512MiB', got {value!r}",
        "memory_limit ต้องเป็นขนาดหน่วยความจำ เช่น '4GB' หรือ '512MiB' แต่พบ {value!r}",
    ),
    "loan_book_threads": M(
        "threads must be a whole number of at least 1, got {value!r}",
        "threads ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป แต่พบ {value!r}",
    ),
    "loan_book_temp_dir": M(
        "temp_dir must be a folder path, got {value!r}", "temp_dir ต้องเป็นที่อยู่ของโฟลเดอร์ แต่พบ {value!r}"
    ),
    "loan_book_spark_pattern": M(
        "Spark reads the characters {chars} in a path as a file pattern: choose a work_dir without them ({path})",
        "Spark อ่านอักขระ {chars} ในที่อยู่ไฟล์เป็นรูปแบบค้นหาไฟล์ กรุณาเลือก work_dir ที่ไม่มีอักขระเหล่านี้ ({path})",
    ),
}

SYNTHETIC: dict[str, Message] = {
    "synthetic_cannot_split": M(
        "cannot split {total} between bounds summing to {low}–{high}",
        "แบ่ง {total} ตามขอบเขตที่รวมกันได้ {low}–{high} ไม่ได้",
    ),
}

MESSAGES: dict[str, Message] = {**CHECKS, **SCHEDULES, **LARGE_BOOKS, **SYNTHETIC}
