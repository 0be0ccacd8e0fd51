"""Problem messages of :mod:`planlib.plans` (code → English and Thai templates).

Grouped by the module that raises them. Field names never repeat a problem's location
(``table``, ``row``, ``column``, ``value``, ``code``, ``file``): the located fields are given
beside the values. A few codes these modules raise are shared with :mod:`planlib.inputs` and live
in its section, worded once (``weight_missing``, ``weights_sum_kpi``, ``weights_sum_ife_efe``,
``order_done_before_start``).
"""

from __future__ import annotations

from planlib.inputs.messages.message import Message

M = Message

CRITERIA: dict[str, Message] = {
    # any list of criterion codes (priority weights, what-if edits, AHP judgements)
    "unknown_code_criterion": M(
        "unknown criterion {criterion!r} (criteria: {known})", "ไม่รู้จักเกณฑ์ {criterion!r} (เกณฑ์ที่มี: {known})"
    ),
}
"""Shared by :mod:`planlib.plans.priority`, :mod:`planlib.plans.whatif` and :mod:`planlib.plans.ahp`."""

PRIORITY: dict[str, Message] = {
    # weights a ranking is asked to use (priority.weight_vector)
    "bad_value_weight": M(
        "weight of {criterion!r} must be a number ≥ 0", "น้ำหนักของเกณฑ์ {criterion!r} ต้องเป็นจำนวนที่ไม่ติดลบ"
    ),
    "weights_zero": M("every weight is 0: no project can score", "น้ำหนักทุกเกณฑ์เป็น 0 จึงคำนวณคะแนนไม่ได้"),
    # the tie-break policy (priority.parse_tie_break, priority.rank)
    "unknown_tie_break": M(
        "unknown tie-break {key!r}: use {allowed}", "ไม่รู้จักวิธีตัดสินคะแนนเท่ากัน {key!r}: ใช้ {allowed}"
    ),
    "unknown_tie_break_criterion": M(
        "tie-break names unknown criterion {criterion!r} (criteria: {known})",
        "วิธีตัดสินคะแนนเท่ากันอ้างถึงเกณฑ์ที่ไม่รู้จัก {criterion!r} (เกณฑ์ที่มี: {known})",
    ),
    # the criteria and bands tables (priority.priority_criteria, priority.priority_bands)
    "required_cost_scale": M(
        "cost criterion {criterion!r} needs scale_min and scale_max to be inverted (s' = min + max − s)",
        "เกณฑ์ด้านต้นทุน {criterion!r} ต้องระบุ scale_min และ scale_max เพื่อกลับคะแนน",
    ),
    "bad_scale": M(
        "scale_max {high:g} is not above scale_min {low:g}", "scale_max {high:g} ต้องมากกว่า scale_min {low:g}"
    ),
    "weights_zero_criteria": M("every criterion weight is 0", "น้ำหนักของทุกเกณฑ์เป็น 0"),
    "bad_band": M(
        "band {label!r}: max {high:g} is below min {low:g}", "ช่วง {label!r}: ค่าสูงสุด {high:g} น้อยกว่าค่าต่ำสุด {low:g}"
    ),
    "band_overlap": M(
        "band {label!r} ({low:g}–{high:g}) overlaps band {other!r} ({other_low:g}–{other_high:g}, row {other_row}) "
        "in scheme {scheme}",
        "ช่วง {label!r} ซ้อนทับกับช่วง {other!r} (แถว {other_row})",
    ),
    "no_band": M(
        "total {total:g} of project {project} falls in no band of the rubric",
        "คะแนนรวม {total:g} ของโครงการ {project} ไม่อยู่ในช่วงใดของเกณฑ์",
    ),
    # printed figures beside the computed ones (priority.priority_printed)
    "total_mismatch_score": M(
        "project {project}: the source prints total {printed:g}, the scores add up to {total:g}",
        "โครงการ {project}: เอกสารพิมพ์คะแนนรวม {printed:g} แต่ผลรวมคะแนนได้ {total:g}",
    ),
    "band_mismatch": M(
        "project {project}: printed band {printed!r}, the rubric gives {band!r} for total {total:g}",
        "โครงการ {project}: เอกสารพิมพ์ระดับ {printed!r} แต่ตามเกณฑ์คะแนนรวม {total:g} ได้ {band!r}",
    ),
    "rank_mismatch": M(
        "project {project}: printed rank {printed}, its total {total:g} ranks {rank}",
        "โครงการ {project}: เอกสารพิมพ์อันดับ {printed} แต่คะแนนรวม {total:g} ได้อันดับ {rank}",
    ),
}
"""Weighted scores, bands and ranks (:mod:`planlib.plans.priority`)."""

VALUE_FOR_MONEY: dict[str, Message] = {
    "required_bc_side": M(
        "project {project} has no {side} items: B/C cannot be computed",
        "โครงการ {project} ไม่มีรายการด้าน{side_th} จึงคำนวณ B/C ไม่ได้",
    ),
    "bad_value_bc_cost_zero": M(
        "project {project}: cost items sum to 0, B/C = ΣB / ΣC is undefined",
        "โครงการ {project}: คะแนนด้านต้นทุนรวมเป็น 0 จึงหาร B/C ไม่ได้",
    ),
    "out_of_scale_bc_item": M(
        "item {item} of project {project} scored {score:g}, outside the {low:g}–{high:g} rubric",
        "รายการ {item} ของโครงการ {project} ได้ {score:g} อยู่นอกเกณฑ์ {low:g}–{high:g}",
    ),
    "no_band_bc_ratio": M(
        "project {project}: B/C {ratio:.3f} falls in no value-for-money band",
        "โครงการ {project}: B/C {ratio:.3f} ไม่อยู่ในช่วงความคุ้มค่าใด",
    ),
    "ratio_mismatch": M(
        "project {project}: the source prints B/C {printed:g}, but ΣB/ΣC = {sum_b:g}/{sum_c:g} = {ratio:.4g}",
        "โครงการ {project}: เอกสารพิมพ์ B/C {printed:g} แต่ ΣB/ΣC = {sum_b:g}/{sum_c:g} = {ratio:.4g}",
    ),
}
"""Benefit and cost items, ΣB/ΣC (:mod:`planlib.plans.value_for_money`)."""

WHATIF: dict[str, Message] = {
    "unknown_code_project": M("unknown project {project!r}", "ไม่รู้จักโครงการ {project!r}"),
    "unknown_code_remove": M(
        "cannot remove unknown project {project!r}", "ลบโครงการ {project!r} ไม่ได้ เพราะไม่มีในข้อมูล"
    ),
    "bad_value_score": M(
        "project {project}: score for {criterion!r} must be a number",
        "โครงการ {project}: คะแนนเกณฑ์ {criterion!r} ต้องเป็นตัวเลข",
    ),
    "out_of_scale_whatif": M(
        "project {project}: score {score:g} is outside the scale {low:g}–{high:g} of {criterion!r}",
        "โครงการ {project}: คะแนน {score:g} อยู่นอกช่วง {low:g}–{high:g} ของเกณฑ์ {criterion!r}",
    ),
    "duplicate_project": M(
        "project {project!r} already exists; change its scores instead", "มีโครงการ {project!r} อยู่แล้ว ให้แก้คะแนนแทน"
    ),
    "required_new_score": M(
        "new project {project}: score missing for criterion {criterion!r}",
        "โครงการใหม่ {project}: ไม่มีคะแนนของเกณฑ์ {criterion!r}",
    ),
    "empty_whatif": M("no project left to rank", "ไม่เหลือโครงการให้จัดอันดับ"),
}
"""Scenario edits (:mod:`planlib.plans.whatif`)."""

AHP: dict[str, Message] = {
    "bad_value_self_comparison": M("a criterion compared with itself", "เปรียบเทียบเกณฑ์กับตัวเอง"),
    "bad_value_judgement": M(
        "{first} vs {second}: judgement must be a number from 1/9 to 9 (Saaty's scale)",
        "{first} เทียบ {second}: ค่าต้องอยู่ระหว่าง 1/9 ถึง 9 (มาตรา Saaty)",
    ),
    "duplicate_pair": M("pair {first}/{second} judged twice", "คู่ {first}/{second} ถูกเปรียบเทียบซ้ำ"),
    "required_pairs": M("{count} pair(s) not compared: {pairs}", "ยังไม่ได้เปรียบเทียบ {count} คู่: {pairs}"),
    "bad_shape": M(
        "the comparison matrix must be square with one label per row, got {shape}",
        "เมทริกซ์เปรียบเทียบต้องเป็นจัตุรัส แต่ได้ {shape}",
    ),
    "not_reciprocal": M(
        "the comparison matrix must be positive and reciprocal (a_ij · a_ji = 1)",
        "เมทริกซ์เปรียบเทียบต้องเป็นบวกและกลับกัน (a_ij · a_ji = 1)",
    ),
    "inconsistent": M(
        "consistency ratio CR = {cr:.3f} > {limit:.2f}: judgements are inconsistent; the most inconsistent is "
        "{first} vs {second} = {judged:.3g} (weights imply {implied:.3g})",
        "อัตราส่วนความสอดคล้อง CR = {cr:.3f} เกิน {limit:.2f} การเปรียบเทียบไม่สอดคล้องกัน คู่ที่ขัดกันมากที่สุดคือ "
        "{first} เทียบ {second} = {judged:.3g} (น้ำหนักที่ได้บ่งว่า {implied:.3g})",
    ),
}
"""Pairwise judgements (:mod:`planlib.plans.ahp`)."""

SWOT: dict[str, Message] = {
    "unknown_language": M(
        "language must be one of {allowed}, not {language!r}", "ภาษาต้องเป็น {allowed} แต่พบ {language!r}"
    ),
    "swot_duplicate": M(
        "{item}: likely duplicate of {other} (same quadrant, {shared:.0%} of the shorter item's words shared, "
        "longest shared run {run} words)",
        "{item}: น่าจะซ้ำกับ {other} (กลุ่มเดียวกัน คำร่วม {shared:.0%} ของข้อที่สั้นกว่า ต่อเนื่องกันยาวสุด {run} คำ)",
    ),
    "swot_contradiction": M(
        "{item}: the same subject as {other} appears as both {first} and {second} ({shared:.0%} of the shorter "
        "item's words shared, longest shared run {run} words)",
        "{item}: เรื่องเดียวกับ {other} ปรากฏเป็นทั้ง{first_th}และ{second_th} (คำร่วม {shared:.0%} ของข้อที่สั้นกว่า "
        "ต่อเนื่องกันยาวสุด {run} คำ)",
    ),
    "swot_listed_twice": M(
        "{item}: the same subject as {other} is listed as both {first} and {second} ({shared:.0%} of the shorter "
        "item's words shared, longest shared run {run} words)",
        "{item}: เรื่องเดียวกับ {other} ถูกระบุเป็นทั้ง{first_th}และ{second_th} (คำร่วม {shared:.0%} ของข้อที่สั้นกว่า "
        "ต่อเนื่องกันยาวสุด {run} คำ)",
    ),
}
"""SWOT items (:mod:`planlib.plans.swot`)."""

TOWS: dict[str, Message] = {
    "no_factors": M("strategy {strategy} cites no SWOT factor", "กลยุทธ์ {strategy} ไม่ได้อ้างถึงปัจจัย SWOT"),
    "factor_side": M(
        "{kind} strategy {strategy} cites {factor}, a {quadrant} item (expected {first} or {second} items)",
        "กลยุทธ์ {kind} {strategy} อ้างถึง {factor} ซึ่งเป็นปัจจัยกลุ่ม {quadrant} (ควรเป็นกลุ่ม {first} หรือ {second})",
    ),
    "unused_factor": M(
        "SWOT item {item} is not used by any TOWS strategy", "ปัจจัย SWOT {item} ไม่ถูกใช้ในกลยุทธ์ TOWS ใด"
    ),
}
"""TOWS strategies (:mod:`planlib.plans.tows`)."""

IFE_EFE: dict[str, Message] = {
    # building a matrix
    "required_factor_value": M("{matrix} needs a {needed} for {item}", "{matrix} ต้องมี {needed} ของ {item}"),
    "required_factors": M("{matrix} has no factors ({quadrants})", "{matrix} ไม่มีปัจจัย ({quadrants})"),
    "out_of_range_total": M("a total of {total} is outside 1–4", "คะแนนรวม {total} อยู่นอกช่วง 1–4"),
    "required_printed_score": M(
        "{matrix}: no printed score for {items}; use method='equal' or 'ahp'",
        "{matrix}: ไม่มีคะแนนที่พิมพ์ของ {items} ใช้ method='equal' หรือ 'ahp' แทน",
    ),
    "required_pairwise": M(
        "method='ahp' needs a pairwise table (code_a, code_b, value)", "ต้องมีตารางเปรียบเทียบรายคู่ (code_a, code_b, value)"
    ),
    # Fred David's rules on weights and ratings (ife_efe.factor_problems)
    "out_of_range_weight": M("{item}: weight {weight:g} is outside 0–1", "{item}: น้ำหนัก {weight:g} อยู่นอกช่วง 0–1"),
    "out_of_range_rating": M("{item}: rating {rating:g} is outside 1–4", "{item}: คะแนน {rating:g} อยู่นอกช่วง 1–4"),
    "rating_side": M(
        "{item} is a {kind} rated {rating:g}; Fred David's IFE rates strengths 3–4 and weaknesses 1–2",
        "{item} เป็น{kind_th}แต่ให้คะแนน {rating:g} ตามวิธี IFE ของ Fred David จุดแข็งได้ 3–4 จุดอ่อนได้ 1–2",
    ),
    "required_weight_rating": M("{item} has a {have} but no {lack}", "{item} มี {have} แต่ไม่มี {lack}"),
    "weight_missing_factor": M(
        "{item}: weight missing while other {matrix} factors have weights",
        "{item}: ไม่มีน้ำหนัก ขณะที่ปัจจัยอื่นของ {matrix} มีน้ำหนัก",
    ),
    # the analyst's what-if weights file (ife_efe.read_weights_file)
    "not_found_weights_file": M("weights file {path} does not exist", "ไม่พบไฟล์น้ำหนัก {path}"),
    "missing_column_weights_file": M(
        "required column {name!r} is missing", "ไม่มีคอลัมน์ที่ต้องมี {name!r}"
    ),
    "unknown_code_swot": M(
        "unknown SWOT code {item!r} (known: {known})", "ไม่รู้จักรหัส SWOT {item!r} (รหัสที่มี: {known})"
    ),
    "duplicate_weights_row": M("{item} appears twice (first on line {first})", "{item} ซ้ำ (ครั้งแรกบรรทัด {first})"),
    "weight_missing_file": M(
        "the file gives no weights for the {matrix} factors ({items})", "ไฟล์ไม่มีน้ำหนักของปัจจัย {matrix} ({items})"
    ),
    # the SPACE matrix (ife_efe.space_matrix)
    "bad_value_space_dimension": M(
        "unknown dimension {dimension!r}: use FP, SP, IP or CP", "ไม่รู้จักมิติ {dimension!r}: ใช้ FP, SP, IP หรือ CP"
    ),
    "out_of_range_space_rating": M(
        "{dimension} ratings run from {low:+d} to {high:+d}", "คะแนน {dimension} ต้องอยู่ระหว่าง {low:+d} ถึง {high:+d}"
    ),
    "required_space_dimension": M("no {dimension} factor rated", "ไม่มีปัจจัยมิติ {dimension}"),
}
"""IFE/EFE, IE and SPACE matrices (:mod:`planlib.plans.ife_efe`)."""

KPI: dict[str, Message] = {
    "unknown_method": M(
        "unknown scoring method {method!r}; use one of {allowed}", "ไม่รู้จักวิธีให้คะแนน {method!r}: ใช้ {allowed}"
    ),
    "unknown_below_policy": M(
        "unknown below-lowest policy {policy!r}; use one of {allowed}",
        "ไม่รู้จักนโยบายกรณีต่ำกว่าเกณฑ์ {policy!r}: ใช้ {allowed}",
    ),
    "unknown_direction": M(
        "direction must be 'higher' or 'lower', got {direction!r}", "ทิศทางต้องเป็น higher หรือ lower แต่พบ {direction!r}"
    ),
    "required_kpi_levels": M("a KPI needs at least one level to be scored", "ตัวชี้วัดต้องมีเกณฑ์อย่างน้อยหนึ่งระดับ"),
    "unknown_code_kpi_result": M(
        "result for unknown KPI {kpi!r}: not in kpis.code", "มีผลของตัวชี้วัดที่ไม่รู้จัก {kpi!r}: ไม่มีใน kpis.code"
    ),
    "group_weight": M(
        "group {group!r} has several group_weight values: {shown}", "กลุ่ม {group!r} มีน้ำหนักกลุ่มหลายค่า: {shown}"
    ),
    "group_weights_sum": M(
        "weights of group {group!r} sum to {got:g}, not its group_weight {declared:g}",
        "น้ำหนักในกลุ่ม {group!r} รวมได้ {got:g} ไม่เท่ากับน้ำหนักกลุ่ม {declared:g}",
    ),
    "level_order": M(
        "KPI {kpi} ({direction} is better): the threshold of level {level:g} must be {side} the one of the level "
        "below it",
        "ตัวชี้วัด {kpi}: เกณฑ์ของระดับ {level:g} ต้อง{side_th}เกณฑ์ของระดับก่อนหน้า",
    ),
}
"""KPI levels and scorecards (:mod:`planlib.plans.kpi`)."""

PROGRESS: dict[str, Message] = {
    "bad_value_fiscal_year": M(
        "fiscal year must be a Buddhist-Era year such as 2568, got {year!r}",
        "ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568 แต่พบ {year!r}",
    ),
    "bad_rag_thresholds": M(
        "amber ({amber}) must not exceed green ({green})", "เกณฑ์สีเหลือง ({amber}) ต้องไม่เกินสีเขียว ({green})"
    ),
    "missing_table_activities": M(
        "activity_status needs the activities table", "ตาราง activity_status ต้องมีตาราง activities"
    ),
    "unknown_code_activity": M(
        "no planned activity {number} of {owner} in activities", "ไม่มีกิจกรรมที่ {number} ของ {owner} ในตาราง activities"
    ),
}
"""Quarterly progress (:mod:`planlib.plans.progress`)."""

MESSAGES: dict[str, Message] = {
    **CRITERIA,
    **PRIORITY,
    **VALUE_FOR_MONEY,
    **WHATIF,
    **AHP,
    **SWOT,
    **TOWS,
    **IFE_EFE,
    **KPI,
    **PROGRESS,
}
"""Every message of the plans layer by code."""
