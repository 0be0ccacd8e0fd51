"""The template registry: parameters refused before any kernel starts, applicability, periods."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planlib.reports import templates as tpl

DATA = tpl.DEFAULT_DATA_DIR


def test_registry_declares_the_six_templates_once():
    assert list(tpl.TEMPLATES) == [
        "swot",
        "prioritization",
        "whatif",
        "loan_statistics",
        "kpi_scorecard",
        "quarterly_progress",
    ]
    for name, t in tpl.TEMPLATES.items():
        assert t.name == name and t.title_th and t.title_en
        assert t.notebook == tpl.NOTEBOOK_DIR / f"{name}.ipynb"
        assert issubclass(t.params, tpl.ReportParams)


@pytest.mark.parametrize("name", list(tpl.TEMPLATES))
def test_templates_are_stored_without_outputs_with_one_parameters_cell(name):
    """Every template (the one place this is checked): no outputs, one parameters cell assigning each parameter."""
    import nbformat

    nb = nbformat.read(tpl.TEMPLATES[name].notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), f"{name}.ipynb has stored outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{name}.ipynb needs exactly one cell tagged 'parameters'"
    declared = set(tpl.TEMPLATES[name].params.model_fields)
    assigned = {
        line.split("=", 1)[0].strip()
        for line in tagged[0].source.splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert assigned == declared, f"{name}.ipynb parameters ≠ templates.py: {sorted(assigned ^ declared)}"
    import papermill

    assert set(papermill.inspect_notebook(str(tpl.TEMPLATES[name].notebook))) == assigned  # papermill parses every line


@pytest.mark.parametrize(
    ("template", "raw", "word"),
    [
        ("quarterly_progress", {"org": "nope", "fy": 2568, "quarter": 2}, "unknown organisation 'nope'"),
        ("quarterly_progress", {"org": "../hwfund", "fy": 2568, "quarter": 2}, "'org'"),
        ("quarterly_progress", {"org": "/etc", "fy": 2568, "quarter": 2}, "'org'"),
        ("quarterly_progress", {"org": "hwfund", "fy": 2025, "quarter": 2}, "'fy'"),  # a CE year
        ("quarterly_progress", {"org": "hwfund", "fy": 2701, "quarter": 2}, "'fy'"),
        ("quarterly_progress", {"org": "hwfund", "fy": 2568, "quarter": 5}, "'quarter'"),
        ("quarterly_progress", {"org": "hwfund", "fy": 2568, "quarter": 0}, "'quarter'"),
        ("quarterly_progress", {"org": "hwfund", "fy": True, "quarter": 2}, "'fy'"),
        ("quarterly_progress", {"org": "hwfund", "fy": 2568}, "'quarter' is required"),
        (
            "quarterly_progress",
            {"org": "hwfund", "fy": 2568, "quarter": 2, "output_dir": 'x"\nimport os; os.system("id")'},
         "plain text"),
        ("swot", {"org": "hwfund", "weights_file": "w.csv'\n__import__('os')"}, "plain text"),
        ("swot", {"org": "hwfund", "language": "fr"}, "'language'"),
        ("swot", {"org": "hwfund", "colour": "red"}, "unknown parameter 'colour'"),
        ("whatif", {"org": "hwfund", "weights": {"C1": -1}}, "weights.C1"),
        ("whatif", {"org": "hwfund", "weights": {"C1\"]; import os": 1}}, "weights"),
        ("kpi_scorecard", {"org": "hwfund", "fy": 2568, "method": "guess"}, "'method'"),
    ],
)  # fmt: skip
def test_bad_parameters_are_refused_with_a_message(template, raw, word):
    with pytest.raises(tpl.ParamError) as info:
        tpl.TEMPLATES[template].validate({"data_dir": str(DATA), **raw})
    assert word in str(info.value)
    assert "/" in str(info.value)  # English / Thai


def test_good_parameters_are_typed():
    p = tpl.TEMPLATES["quarterly_progress"].validate(
        {"org": "hwfund", "fy": "๒๕๖๘", "quarter": "2", "data_dir": str(DATA)}
    )
    assert (p.fy, p.quarter, p.org) == (2568, 2, "hwfund")
    w = tpl.TEMPLATES["whatif"].validate({"org": "ditp", "weights": {"C1": 2, "C2": 0.5}, "data_dir": str(DATA)})
    assert w.weights == {"C1": 2.0, "C2": 0.5}


def test_papermill_injects_quotes_backslashes_and_code_as_plain_literals():
    from papermill.translators import PythonTranslator

    params = {"org": "hwfund", "title": 'a "quoted" \\ back\'slash """; import os', "weights": {"C'1": 1.5}, "q": None}
    source = PythonTranslator.codify(params)
    assert tpl.injected_source_is_literal(source, params)
    assert not tpl.injected_source_is_literal('org = "hwfund"\n__import__("os").system("id")', {"org": "hwfund"})
    assert not tpl.injected_source_is_literal('org = (lambda: "hwfund")()', {"org": "hwfund"})


def _write(folder: Path, name: str, rows: list[list[object]]) -> None:
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def test_quarterly_progress_period_is_the_latest_quarter_with_actuals(tmp_path):
    org = tmp_path / "demo"
    org.mkdir()
    _write(org, "plan", [["key", "value"], ["org_code", "demo"], ["org_name_th", "ทดสอบ"], ["fiscal_year", "2568"]])
    _write(org, "kpis", [["code", "name_th"], ["K1", "ตัวชี้วัดหนึ่ง"]])
    qp = tpl.TEMPLATES["quarterly_progress"]
    assert qp.periods(tpl.scan_org(org)) == [{"fy": 2568, "quarter": 2}]  # no actuals: the plan's year, Q2
    _write(
        org,
        "kpi_actuals",
        [["kpi_code", "fiscal_year", "quarter", "value"], ["K1", "2568", "1", "3"], ["K1", "2568", "3", "5"]],
    )
    data = tpl.scan_org(org)
    assert qp.periods(data) == [{"fy": 2568, "quarter": 3}]
    assert qp.applies_to(data)
    assert not tpl.TEMPLATES["swot"].applies_to(data)
    assert tpl.TEMPLATES["swot"].missing(data) == "no swot"


def test_shipped_orgs_get_the_templates_their_tables_allow():
    hwfund = tpl.scan_org(DATA / "hwfund")
    with open(DATA / "hwfund" / "lending_annual.csv", encoding="utf-8-sig") as fh:
        latest = max(int(row["fiscal_year"]) for row in csv.DictReader(fh))
    assert tpl.TEMPLATES["loan_statistics"].periods(hwfund) == [{"fy": latest}]
    assert tpl.TEMPLATES["swot"].applies_to(hwfund)
    tfund = tpl.scan_org(DATA / "tfund")
    assert tfund.fiscal_year == 2561  # plan.csv: fiscal_year 2561
    assert not tpl.TEMPLATES["swot"].applies_to(tfund)  # the source has no SWOT
    assert tpl.TEMPLATES["kpi_scorecard"].periods(tfund) == [{"fy": 2561}]


def test_list_shows_every_template_and_parameter(capsys):
    from planlib import cli

    assert cli.main(["report", "--list"]) == 0
    text = capsys.readouterr().out
    for name in tpl.TEMPLATES:
        assert name in text
    assert "fy" in text and "2540–2700" in text and "th|en|both" in text


def test_loan_book_must_be_a_folder(tmp_path):
    template = tpl.TEMPLATES["loan_statistics"]
    with pytest.raises(tpl.ParamError, match="loan_book"):
        template.validate({"org": "hwfund", "fy": 2567, "data_dir": str(DATA), "loan_book": str(tmp_path / "missing")})
    params = template.validate({"org": "hwfund", "fy": 2567, "data_dir": str(DATA), "loan_book": str(tmp_path)})
    assert params.loan_book == str(tmp_path)


@pytest.mark.parametrize("name", list(tpl.TEMPLATES))
def test_every_template_takes_fy_and_quarter(name):
    """Issue 14: `planlib report --org ditp --fy 2569` was refused by swot, prioritization and whatif ("unknown
    parameter 'fy'"). Every template takes both now; the period names the report folder."""
    template = tpl.TEMPLATES[name]
    params = template.validate({"org": "hwfund", "data_dir": str(DATA), "fy": "2568", "quarter": "๒"})
    assert (params.fy, params.quarter) == (2568, 2)
    assert template.period(params, 2569) == (2568, 2)  # the year asked for, not the plan's
    assert "fy" in {row[0] for row in template.parameter_help()}


def test_plan_templates_without_fy_keep_the_plans_year():
    params = tpl.TEMPLATES["swot"].validate({"org": "hwfund", "data_dir": str(DATA)})
    assert params.fy is None and tpl.TEMPLATES["swot"].period(params, 2567) == (2567, None)


@pytest.mark.parametrize(
    ("template", "raw", "expected"),
    [
        ("swot", {"fy": 2025}, ["2025 looks like a CE year: did you mean 2568?", "หมายถึงปี พ.ศ. 2568 หรือไม่"]),
        ("loan_statistics", {"fy": "2024"}, ["did you mean 2567?", "2567"]),
        ("swot", {"org": "Hw Fund"}, ["lower-case a–z, 0–9, '_' or '-'", "อักษรอังกฤษตัวเล็ก"]),
        ("swot", {"language": "thai"}, ["'language' = 'thai': must be one of: th, en, both", "th, en, both"]),
        ("prioritization", {"tie_break": "bc"}, ["unknown tie-break 'bc': use shared, budget, code, bc_ratio"]),
        ("prioritization", {"top_k": 0}, ["'top_k' = 0: must be at least 1", "ต้องไม่น้อยกว่า 1"]),
        ("whatif", {"weights": {"C 1": 2}}, ["'weights.C 1'", "a criterion code is 1–32 letters"]),
        ("whatif", {"weights": [2, 1]}, ["must be a mapping such as {C1: 2, C2: 1}"]),
        ("whatif", {"weights": {"C1": "lots"}}, ["'weights.C1' = 'lots': must be a number", "ต้องเป็นตัวเลข"]),
        ("quarterly_progress", {"fy": 2568}, ["parameter 'quarter' is required (fiscal quarter, 1 = Oct–Dec)"]),
        ("swot", {"colour": "red"}, ["unknown parameter 'colour'; swot takes: org, fy, quarter, language"]),
    ],
)
def test_parameter_errors_say_what_is_accepted_in_words(template, raw, expected):
    """Issue 14: `-p tie_break=…` showed pydantic's raw regex, and a CE year only "≥ 2540"."""
    with pytest.raises(tpl.ParamError) as info:
        tpl.TEMPLATES[template].validate({"org": "hwfund", "data_dir": str(DATA), **raw})
    message = str(info.value)
    for words in expected:
        assert words in message
    for machine in ("^[", "]+$", "pattern", "Input should", "Value error", "[key]", "type=", "pydantic"):
        assert machine not in message
    assert " / " in message and any("\u0e00" <= ch <= "\u0e7f" for ch in message)  # English / Thai


def test_list_shows_no_pattern(capsys):
    from planlib import cli

    assert cli.main(["report", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "^[" not in listing and "matching" not in listing
    assert "org          text (a–z 0–9 _ -)" in listing


def test_latest_quarter_of_a_year_from_the_actuals(tmp_path):
    org = tmp_path / "demo"
    org.mkdir()
    _write(org, "plan", [["key", "value"], ["org_code", "demo"], ["org_name_th", "ทดสอบ"], ["fiscal_year", "2568"]])
    rows = [["kpi_code", "fiscal_year", "quarter", "value"], ["K1", "2567", "4", "1"], ["K1", "2568", "2", "3"]]
    _write(org, "kpi_actuals", rows)
    data = tpl.scan_org(org)
    assert tpl.quarters_with_data(data) == [(2567, 4), (2568, 2)]
    assert (tpl.latest_quarter(data, 2567), tpl.latest_quarter(data, 2568), tpl.latest_quarter(data, 2569)) == (
        4,
        2,
        None,
    )


def test_scan_org_reads_a_changed_folder_again(tmp_path):
    """scan_org is kept per folder state: the second scan of an unchanged folder is the same object, a changed
    file (or a new one) is read again."""
    org = tmp_path / "demo"
    org.mkdir()
    _write(org, "plan", [["key", "value"], ["org_code", "demo"], ["org_name_th", "ทดสอบ"], ["fiscal_year", "2568"]])
    first = tpl.scan_org(org)
    assert tpl.scan_org(org) is first and first.fiscal_year == 2568
    _write(org, "plan", [["key", "value"], ["org_code", "demo"], ["org_name_th", "ทดสอบ"], ["fiscal_year", "2569"]])
    assert tpl.scan_org(org).fiscal_year == 2569
    _write(org, "swot", [["code", "quadrant", "text_th"], ["S1", "S", "จุดแข็ง"]])
    assert tpl.scan_org(org).has("swot")


def test_notebooks_and_example_data_are_found_in_the_source_tree():
    """In the repository the template notebooks are notebooks/ and the examples data/ (an installed wheel has them
    inside the package: tests/test_install.py)."""
    assert tpl.NOTEBOOK_DIR == tpl.PROJECT_ROOT / "notebooks"
    assert tpl.EXAMPLE_DATA_DIR == tpl.PROJECT_ROOT / "data"
    assert all(t.notebook.is_file() for t in tpl.TEMPLATES.values())


@pytest.mark.parametrize(
    ("template", "raw", "code", "values"),
    [
        (
            "quarterly_progress",
            {"fy": 2568, "quarter": 2, "output_dir": "a\nb"},
            "param_control_character",
            {"char": "\n"},
        ),
        ("quarterly_progress", {"fy": 2568, "quarter": 2, "output_dir": "x" * 501}, "param_too_long", {"high": 500}),
        ("prioritization", {"top_k": True}, "param_not_whole_number_bool", {}),
        ("prioritization", {"seed": "สาม"}, "param_not_whole_number_text", {"given": "สาม"}),
        ("swot", {"data_dir": "/no/such/data"}, "param_data_dir_missing", {"data_dir": "/no/such/data"}),
        (
            "swot",
            {"org": "nope"},
            "unknown_organisation_no_folder",
            {"org": "nope", "folder": DATA / "nope", "known": "ditp, dsdw, hwfund, mol, tfund"},
        ),
        ("swot", {"weights_file": "no_weights.csv"}, "param_weights_file_missing", {"path": "no_weights.csv"}),
        (
            "loan_statistics",
            {"fy": 2567, "loan_book": "/no/such/book"},
            "param_loan_book_missing",
            {"path": "/no/such/book"},
        ),
    ],
)
def test_parameter_refusals_come_from_the_catalogue(template, raw, code, values):
    """Issue 13: every refusal of a parameter is a catalogue code, shown in English and Thai (no inline prose)."""
    from planlib.inputs import messages

    with pytest.raises(tpl.ParamError) as info:
        tpl.TEMPLATES[template].validate({"org": "hwfund", "data_dir": str(DATA), **raw})
    en, th = messages.text(code, **values)
    assert f"{en} / " in str(info.value) and str(info.value).endswith(th)


def test_unknown_template_lists_the_known_ones_in_both_languages():
    with pytest.raises(tpl.ParamError) as info:
        tpl.get("budget")
    known = ", ".join(tpl.TEMPLATES)
    assert str(info.value) == f"budget: unknown template; known: {known} / ไม่รู้จักแม่แบบรายงาน (ที่มี: {known})"


def test_whole_number_parameters_read_thai_digits():
    """top_k/seed typed with Thai digits (as -p top_k=๓ gives them) read by thai's digit rule."""
    params = tpl.TEMPLATES["prioritization"].validate(
        {"org": "ditp", "data_dir": str(DATA), "top_k": "๓", "seed": "๒๕"}
    )
    assert (params.top_k, params.seed) == (3, 25)


def _org(folder: Path, org: str = "hwfund") -> Path:
    (folder / org).mkdir(parents=True)
    return folder


def test_data_folder_keeps_an_absolute_data_dir_as_given(tmp_path, monkeypatch):
    """planlib report passes the absolute folder it checked: never swapped for ./data or the shipped examples."""
    mine = _org(tmp_path / "mine")
    monkeypatch.chdir(_org(tmp_path / "cwd" / "data").parent)
    assert tpl.data_folder(mine, "hwfund") == mine
    assert tpl.data_folder(str(tmp_path / "empty"), "hwfund") == tmp_path / "empty"  # not ./data, which holds hwfund


def test_data_folder_takes_a_relative_data_dir_that_holds_the_org(tmp_path, monkeypatch):
    """From notebooks/, the notebooks' own "../data" is the folder (even when ./data also holds the org)."""
    _org(tmp_path / "data")
    monkeypatch.chdir(_org(tmp_path / "notebooks" / "data").parent)
    assert tpl.data_folder("../data", "hwfund") == Path("../data")


def test_data_folder_falls_back_to_dot_data_then_the_shipped_examples(tmp_path, monkeypatch):
    """From the repository root "../data" is missing: ./data; from anywhere else: DEFAULT_DATA_DIR, which in a wheel
    is planlib/example_data (the old notebooks looked in site-packages/notebooks/../data, which does not exist)."""
    shipped = _org(tmp_path / "site-packages" / "planlib" / "example_data")
    monkeypatch.setattr(tpl, "DEFAULT_DATA_DIR", shipped)
    root = _org(tmp_path / "root" / "data").parent
    monkeypatch.chdir(root)
    assert tpl.data_folder("../data", "hwfund") == Path("data")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert tpl.data_folder("../data", "hwfund") == shipped
    assert tpl.data_folder("../data", "hwfund") / "hwfund" == tmp_path / "site-packages/planlib/example_data/hwfund"


def test_data_folder_returns_the_path_as_typed_for_an_unknown_org(tmp_path, monkeypatch):
    """No folder holds the org: the data_dir the analyst typed, so the loader's not-found message names it."""
    monkeypatch.chdir(_org(tmp_path / "data").parent)
    assert tpl.data_folder("../data", "nowhere") == Path("../data")
    assert tpl.data_folder("../data", "nowhere") != tpl.DEFAULT_DATA_DIR


NOTEBOOK_FILES = sorted((tpl.PROJECT_ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.stem for p in NOTEBOOK_FILES])
def test_every_notebook_finds_its_data_folder_with_data_folder(path):
    """The one lookup, not a copy per notebook (the six templates' copy pointed at site-packages/notebooks/../data)."""
    import nbformat

    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "base = data_folder(data_dir, org)" in source
    assert "parents[1]" not in source and "is_absolute" not in source and "DEFAULT_DATA_DIR" not in source


def test_all_eight_notebooks_are_checked_for_the_data_folder_lookup():
    assert len(NOTEBOOK_FILES) == 8
