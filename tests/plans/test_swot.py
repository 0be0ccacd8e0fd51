"""SWOT tables: ranking, quadrant means, Thai-aware duplicate/contradiction detection, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.inputs import thai
from planlib.plans import swot as sw

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def hwfund() -> planlib.Plan:
    return planlib.load_plan(DATA / "hwfund")


@pytest.fixture(scope="module")
def ditp() -> planlib.Plan:
    return planlib.load_plan(DATA / "ditp")


def _folder(tmp_path: Path, swot_csv: str, extra: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "plan.csv").write_text("key,value\norg_code,org\norg_name_th,ทดสอบ\n", encoding="utf-8")
    (folder / "swot.csv").write_text(swot_csv, encoding="utf-8")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_quadrant_means_of_hwfund_printed_scores(hwfund: planlib.Plan) -> None:
    # Seed 000 appendix L1096-1127, scores typed by hand here and summed by hand:
    # S: 3.62+3.73+3.38+3.69+3.86 = 18.28 / 5 = 3.656
    # W: 3.85+3.85+3.92+3.85+3.77+3.62+3.88+3.73 = 30.47 / 8 = 3.80875
    # O: 3.77+3.62+3.58+3.38+3.69 = 18.04 / 5 = 3.608
    # T: 3.58+3.73+3.58 = 10.89 / 3 = 3.63
    means = sw.quadrant_means(hwfund.swot)
    assert list(means.index) == ["S", "W", "O", "T"]
    assert list(means["items"]) == [5, 8, 5, 3]
    assert means.loc["S", "mean_score"] == pytest.approx(3.656)
    assert means.loc["W", "mean_score"] == pytest.approx(3.80875)
    assert means.loc["O", "mean_score"] == pytest.approx(3.608)
    assert means.loc["T", "mean_score"] == pytest.approx(3.63)
    assert (means.loc["W", "min_score"], means.loc["W", "max_score"]) == (3.62, 3.92)


def test_ranking_within_quadrant_shares_ties(hwfund: planlib.Plan) -> None:
    ranked = sw.ranked_items(hwfund.swot).set_index("code")["rank"]
    # Strengths: S5 3.86 > S2 3.73 > S4 3.69 > S1 3.62 > S3 3.38
    assert [ranked[c] for c in ("S5", "S2", "S4", "S1", "S3")] == [1, 2, 3, 4, 5]
    # Weaknesses: W3 3.92, W7 3.88, then W1 = W2 = W4 = 3.85 share rank 3, W5 3.77 is 6th
    assert (ranked["W3"], ranked["W7"], ranked["W1"], ranked["W2"], ranked["W4"], ranked["W5"]) == (1, 2, 3, 3, 3, 6)
    # Threats: T2 3.73 first, T1 = T3 = 3.58 tie second
    assert (ranked["T2"], ranked["T1"], ranked["T3"]) == (1, 2, 2)


def test_quadrant_table_in_each_language(hwfund: planlib.Plan, ditp: planlib.Plan) -> None:
    both = sw.quadrant_table(hwfund.swot, "W", "both")
    assert list(both["รหัส / Code"]) == ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"]
    assert {"ข้อความ (ไทย)", "Text (English)", "คะแนนที่พิมพ์ / Printed score"} <= set(both.columns)
    assert "Text (English)" not in sw.quadrant_table(hwfund.swot, "W", "th").columns
    # DITP prints no scores: no score or rank column
    assert "คะแนนที่พิมพ์ / Printed score" not in sw.quadrant_table(ditp.swot, "O", "en").columns
    with pytest.raises(ValueError, match="language"):
        sw.quadrant_table(hwfund.swot, "S", "fr")


def test_thai_segmentation_drops_stopwords_and_reads_thai_digits() -> None:
    words = sw.content_words("ระเบียบกรมการจัดหางานว่าด้วยการบริหารกองทุน พ.ศ. ๒๕๕๙")
    assert "2559" in words and "ระเบียบ" in words and "กองทุน" in words
    assert "การ" not in words and " " not in words


def test_w3_w5_flagged_as_likely_duplicates_and_w8_o3_as_contradiction(hwfund: planlib.Plan) -> None:
    pairs = sw.similar_items(hwfund.swot)
    found = {(a, b): kind for a, b, kind in zip(pairs["code_a"], pairs["code_b"], pairs["kind"])}
    # Seed 000 DQ-25: W3/W5 near-duplicates; the 2559 Fund regulation is weakness W8 and opportunity O3
    assert found == {("W3", "W5"): "duplicate", ("W8", "O3"): "contradiction"}
    w3w5 = pairs[pairs["code_a"] == "W3"].iloc[0]
    assert w3w5["containment"] == 1.0  # every content word of W5 is in W3
    # ...and they reach the loader's problems as located warnings
    warnings = {(p.row, p.code) for p in hwfund.problems.warnings if p.table == "swot"}
    assert (11, "swot_duplicate") in warnings and (17, "swot_contradiction") in warnings


def test_no_false_alarm_on_distinct_items(ditp: planlib.Plan) -> None:
    # DITP O1/O2 share the phrase "can be used as a guide for the Fund's digital plan" but are
    # different plans: not duplicates. O5/T4 repeat one sentence as opportunity and threat.
    pairs = sw.similar_items(ditp.swot)
    assert list(zip(pairs["code_a"], pairs["code_b"], pairs["kind"])) == [("O5", "T4", "contradiction")]


def test_items_listed_in_two_helpful_quadrants_are_listed_twice_not_contradictions() -> None:
    text = "ผู้บริหารให้ความสำคัญกับการพัฒนาระบบเทคโนโลยีสารสนเทศของกองทุน"
    frame = pd.DataFrame(
        {"code": ["S1", "O1"], "quadrant": ["S", "O"], "text_th": [text, text]}, index=pd.Index([2, 3], name="row")
    )
    assert list(sw.similar_items(frame)["kind"]) == ["listed_twice"]


def test_unknown_quadrant_gives_a_located_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "code,quadrant,text_th\nS1,จุดแข็ง,ก\nX1,strenght,ข\nO1,โอกาส,ค\n")
    with pytest.raises(planlib.DataError) as caught:
        planlib.load_plan(folder)
    errors = list(caught.value.problems.errors)
    assert len(errors) == 1
    error = errors[0]
    assert (error.table, error.row, error.column, error.value) == ("swot", 3, "quadrant", "strenght")
    assert "not one of" in error.reason_en and "O, S, T, W" in error.reason_en and error.reason_th
    assert "swot.csv, row 3, column quadrant" in str(error)


def test_wrap_words_breaks_only_between_thai_words() -> None:
    from pythainlp.tokenize import word_tokenize

    text = "ระเบียบกรมการจัดหางานว่าด้วยการบริหารกองทุนเพื่อผู้รับงานไปทำที่บ้าน พ.ศ. ๒๕๕๙ ไม่เอื้ออำนวยในการจัดซื้อเครื่องมือ"
    lines = sw.wrap_words(text, 30)
    assert len(lines) > 2
    assert all(thai.display_width(line) <= 30 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost or reordered
    boundaries, position = set(), 0
    for token in word_tokenize(text.replace(" ", ""), engine="newmm"):
        position += len(token)
        boundaries.add(position)
    joined = 0
    for line in lines[:-1]:
        joined += len(line.replace(" ", ""))
        assert joined in boundaries  # each line ends where a newmm word ends
    # display width ignores combining marks: ที่ (3 code points) takes 1 column... plus the vowel
    assert thai.display_width("ที่") == 1 and thai.display_width("กำ") == 2


def test_wrap_words_with_the_cut_dictionary_breaks_where_the_full_dictionary_does() -> None:
    """Every shipped SWOT text: each line ends at a word boundary of newmm with PyThaiNLP's whole dictionary."""
    from pythainlp.tokenize import word_tokenize

    texts = [text for org in ("hwfund", "ditp", "mol") for text in planlib.load_plan(DATA / org).swot["text_th"]]
    assert len(texts) > 40
    for text in texts:
        ends, position = set(), 0
        for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
            position += len(token)
            ends.add(position)
        lines = sw.wrap_words(text, 24)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        position = 0
        for line in lines[:-1]:
            position = text.index(line, position) + len(line)
            if thai.display_width(line) < 24:  # a line cut inside an over-long word is full to the width
                assert position in ends, (text, line)


def test_quadrant_chart_grows_with_the_swot(hwfund: planlib.Plan, ditp: planlib.Plan) -> None:
    import matplotlib.pyplot as plt

    big = sw.quadrant_chart(hwfund.swot, title="SWOT", source="seed 000", language="th")
    four = hwfund.swot[hwfund.swot["code"].isin(["S1", "W6", "O4", "T3"])]
    small = sw.quadrant_chart(four, title="SWOT", source="seed 000")
    assert len(big.axes) == 4 and big.get_figheight() > 2 * small.get_figheight()
    texts = [t.get_text() for ax in big.axes for t in ax.texts]
    assert any(t.startswith("W5 (3.77) ") for t in texts)  # code and printed score before the item text
    english = sw.quadrant_chart(ditp.swot, title="SWOT", source="seed 001", language="en")
    assert any(t.startswith("S1 The Fund can use") for ax in english.axes for t in (x.get_text() for x in ax.texts))
    plt.close("all")


def test_report_helpers(hwfund: planlib.Plan, ditp: planlib.Plan) -> None:
    assert sw.source_note(hwfund) == "กองทุนเพื่อผู้รับงานไปทำที่บ้าน; seed 000 appendix SWOT"
    assert sw.has_scores(hwfund.swot) and not sw.has_scores(ditp.swot)
    problems = sw.report_problems(hwfund)
    assert {p.table for p in problems} <= set(sw.REPORT_TABLES)
    assert {"swot_duplicate", "swot_contradiction"} <= {p.code for p in problems}
    assert all(p.severity != "change" for p in problems)


NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "swot.ipynb"


def test_notebook_runs_with_a_weights_file(tmp_path: Path) -> None:
    """hwfund with an analyst's what-if file: the IE section shows the file's cell (II)."""
    import nbformat
    import papermill

    weights = tmp_path / "weights.csv"
    rows = ["code,weight,rating"]
    plan = planlib.load_plan(DATA / "hwfund")
    for code in plan.swot["code"]:
        if code[0] in "SW":
            rows.append(f"{code},{0.1 if code == 'S1' else 0.075},{4 if code[0] == 'S' else 1}")
        else:
            rows.append(f"{code},0.125,3")
    weights.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "swot.ipynb"
    parameters = {"org": "hwfund", "data_dir": str(DATA), "language": "th", "weights_file": str(weights)}
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                               progress_bar=False, cwd=str(tmp_path))
    nb = nbformat.read(out, as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    pngs = html.count('<img alt="')  # show_figure embeds each chart as a PNG <img> with alt text
    assert pngs == 2 and html.count("data:image/png;base64,") == 2  # the 2x2 chart and the IE matrix
    assert "น้ำหนักและคะแนนจากไฟล์ของผู้วิเคราะห์" in html  # labelled as the analyst's what-if
    assert "<td>2.20 (ปานกลาง)</td>" in html and "<td>3.00 (สูง)</td>" in html and "<td>II</td>" in html
    assert "แผนนี้ไม่มีเมทริกซ์ TOWS" in html  # hwfund prints no TOWS
    assert "W5: น่าจะซ้ำกับ W3" in html
