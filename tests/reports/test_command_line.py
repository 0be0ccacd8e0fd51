"""``planlib report`` options: what is asked for, usage errors (exit 2, nothing run), ``--list``."""

from __future__ import annotations

from pathlib import Path

import pytest

from planlib import cli
from planlib.reports import command_line, pool
from planlib.reports import templates as tpl


def _args(*argv: str):
    return cli.build_parser().parse_args(["report", *argv])


def test_parse_assignment_reads_values_as_yaml_and_refuses_a_bare_name() -> None:
    assert command_line.parse_assignment("weights={C1: 2, C2: 1}") == ("weights", {"C1": 2, "C2": 1})
    assert command_line.parse_assignment(" fy = 2568") == ("fy", 2568)
    assert command_line.parse_assignment("title=") == ("title", "")
    with pytest.raises(ValueError, match=r"^-p expects name=value, got 'weights' / -p ต้องอยู่ในรูป name=value"):
        command_line.parse_assignment("weights")


def test_param_file_mapping_list_or_reports_key(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("template: swot\norg: hwfund\nlanguage: th\n", encoding="utf-8")
    assert command_line.load_param_file(one) == [{"template": "swot", "org": "hwfund", "language": "th"}]
    many = tmp_path / "many.yaml"
    many.write_text("reports:\n  - {template: swot}\n  - {template: whatif, org: ditp}\n", encoding="utf-8")
    assert [r["template"] for r in command_line.load_param_file(many)] == ["swot", "whatif"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a mapping of parameters"):
        command_line.load_param_file(bad)
    with pytest.raises(ValueError, match=r"cannot read parameter file .*missing\.yaml.* / อ่านไฟล์พารามิเตอร์"):
        command_line.load_param_file(tmp_path / "missing.yaml")


def test_requests_lay_the_options_over_the_file() -> None:
    file = [{"template": "swot", "language": "th"}, {"template": "whatif", "org": "ditp"}]
    assert command_line.requests_from(_args(), {}, []) == []  # everything, planned by plan_run
    assert command_line.requests_from(_args("swot", "--org", "a", "--org", "b"), {}, []) == [
        {"template": "swot", "org": "a"},
        {"template": "swot", "org": "b"},
    ]
    every = command_line.requests_from(_args("--fy", "2568"), {"fy": "2568"}, [])
    assert [r["template"] for r in every] == list(tpl.TEMPLATES) and all(r["fy"] == "2568" for r in every)
    laid = command_line.requests_from(_args("--org", "x"), {"language": "en"}, file)
    assert laid == [{"template": "swot", "language": "en"}, {"template": "whatif", "org": "ditp", "language": "en"}]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--jobs", "0"], "--jobs must be at least 1, got 0 / --jobs ต้องมีค่าอย่างน้อย 1"),
        (["nope"], "nope: unknown template; known: "),
        (["swot", "-p", "language"], "-p expects name=value, got 'language'"),
        (["--data-dir", "/no/such/folder"], "data folder /no/such/folder not found / ไม่พบโฟลเดอร์ข้อมูล"),
        (["swot", "--org", "nowhere"], "refused: unknown organisation 'nowhere'"),
    ],
)
def test_usage_errors_exit_2_before_any_worker(argv, message, tmp_path, monkeypatch, capsys) -> None:
    def no_workers(*args, **kwargs):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(pool, "Worker", no_workers)
    out = tmp_path / "reports"
    data = ["--data-dir", str(tpl.DEFAULT_DATA_DIR)] if "--data-dir" not in argv else []
    assert cli.main(["report", *argv, *data, "--out", str(out)]) == command_line.EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_list_names_every_template_and_its_parameters(capsys) -> None:
    assert cli.main(["report", "--list"]) == 0
    listing = capsys.readouterr().out
    for name, template in tpl.TEMPLATES.items():
        assert f"{name}: {template.title_th} / {template.title_en}" in listing
    assert "    org " in listing and "fy" in listing


def _planned(argv: list[str], data_dir: Path, out: Path):
    """What `planlib report ARGV` would build: the same steps as cmd_report up to the plan (no kernel starts)."""
    from planlib.reports.batch import plan_run

    args = _args(*argv)
    extra = dict(command_line.parse_assignment(p) for p in args.param)
    extra.update({k: v for k, v in (("fy", args.fy), ("quarter", args.quarter)) if v is not None})
    from_file = command_line.load_param_file(args.params) if args.params else []
    requests = command_line.requests_from(args, extra, from_file)
    every = not args.template and not from_file and bool(extra)
    requests, skipped = command_line.applicable_requests(requests, data_dir, every_template=every, orgs=args.org)
    plan = plan_run(data_dir, out, requests=requests, orgs=args.org)
    return plan, skipped


def test_fy_builds_every_template_that_applies(tmp_path) -> None:
    """Issue 14: `planlib report --org ditp --fy 2569` built nothing (swot, prioritization and whatif refused
    --fy). Now every template that applies to DITP is planned for FY 2569, and loan_statistics (DITP has no
    lending tables) is skipped as the default batch skips it, not run to fail."""
    plan, skipped = _planned(["--org", "ditp", "--fy", "2569"], tpl.DEFAULT_DATA_DIR, tmp_path)
    assert plan.refused == []
    assert {job.template: job.period for job in plan.jobs} == {
        "swot": "2569",
        "prioritization": "2569",
        "whatif": "2569",
        "kpi_scorecard": "2569",
        "quarterly_progress": "2569-Q1",  # no --quarter: the latest quarter of 2569 with actuals (synthetic/)
    }
    assert all(job.params["fy"] == 2569 for job in plan.jobs)  # recorded in the manifest's parameters
    assert [(r.template, r.status) for r in skipped] == [("loan_statistics", "skipped")]
    assert "no lending_annual or loans" in skipped[0].reason


def test_fy_for_a_plan_template_names_its_folder(tmp_path) -> None:
    """Issue 14: `planlib report swot --org hwfund --fy 2568` exited 2."""
    plan, skipped = _planned(["swot", "--org", "hwfund", "--fy", "2568"], tpl.DEFAULT_DATA_DIR, tmp_path)
    assert plan.refused == [] and skipped == []
    (job,) = plan.jobs
    assert (job.template, job.period, job.params["fy"]) == ("swot", "2568", 2568)
    assert Path(job.folder) == (tmp_path / "hwfund" / "2568").resolve()
    plan, _ = _planned(["swot", "--org", "hwfund", "--fy", "2568", "--quarter", "2"], tpl.DEFAULT_DATA_DIR, tmp_path)
    assert [job.period for job in plan.jobs] == ["2568-Q2"]


def test_fy_without_org_plans_each_organisation_it_applies_to(tmp_path) -> None:
    plan, skipped = _planned(["kpi_scorecard", "--fy", "2566"], tpl.DEFAULT_DATA_DIR, tmp_path)
    assert plan.refused == []
    orgs = {job.org for job in plan.jobs}
    assert {"dsdw", "hwfund", "ditp"} <= orgs and "mol" not in orgs  # mol has no KPI tables
    assert ("kpi_scorecard", "mol") in {(r.template, r.org) for r in skipped}
    assert {job.period for job in plan.jobs} == {"2566"}


def test_a_file_entry_without_org_goes_to_the_command_line_orgs(tmp_path) -> None:
    """`--params FILE --org ditp` with one entry naming hwfund and one naming no organisation: the org-less entry
    was spread over every organisation under data/, so hwfund/swot was asked twice and the whole batch refused."""
    params = tmp_path / "board.yaml"
    params.write_text("- {template: swot, org: hwfund}\n- {template: swot}\n", encoding="utf-8")
    plan, skipped = _planned(["--params", str(params), "--org", "ditp"], tpl.DEFAULT_DATA_DIR, tmp_path / "out")
    assert plan.refused == [] and skipped == []
    assert sorted((job.org, job.template) for job in plan.jobs) == [("ditp", "swot"), ("hwfund", "swot")]


def test_each_organisation_is_scanned_once_for_every_template(monkeypatch) -> None:
    """One request per template (`--fy` alone) scanned each organisation once per template (6 x the organisations),
    relying on a cache of 8 folders that nine organisations outgrow."""
    scanned: list[str] = []
    scan = tpl.scan_org
    monkeypatch.setattr(tpl, "scan_org", lambda path: scanned.append(Path(path).name) or scan(path))
    requests = command_line.requests_from(_args("--fy", "2568"), {"fy": "2568"}, [])
    assert len(requests) == len(tpl.TEMPLATES) == 6
    kept, skipped = command_line.applicable_requests(requests, tpl.DEFAULT_DATA_DIR, every_template=True)
    known = tpl.known_orgs(tpl.DEFAULT_DATA_DIR)
    assert sorted(scanned) == known
    assert len(kept) + len(skipped) == len(tpl.TEMPLATES) * len(known)


def _refused_period(tmp_path, monkeypatch, capsys, *period: str) -> str:
    """``planlib report --org hwfund <period options>`` must be a usage error before any worker starts; its stderr."""
    monkeypatch.setattr(pool, "Worker", lambda *a, **k: pytest.fail("a worker was started"))
    argv = ["report", "--org", "hwfund", *period, "--data-dir", str(tpl.DEFAULT_DATA_DIR), "--out", str(tmp_path)]
    assert cli.main(argv) == command_line.EXIT_USAGE
    return capsys.readouterr().err


def test_a_ce_year_on_the_command_line_is_refused_with_the_be_year(tmp_path, monkeypatch, capsys) -> None:
    err = _refused_period(tmp_path, monkeypatch, capsys, "--fy", "2025")
    assert "parameter 'fy' = '2025': 2025 looks like a CE year: did you mean 2568?" in err
    assert "หมายถึงปี พ.ศ. 2568 หรือไม่" in err


def test_data_dir_defaults_to_data_in_the_current_folder(tmp_path, monkeypatch, capsys) -> None:
    """Issue 14: the data folder was found relative to the source tree, so only an editable install worked.
    Now it is ./data (or --data-dir); without one the analyst is told where they are and what to do."""
    monkeypatch.chdir(tmp_path)
    assert command_line.default_data_dir() == Path("data")
    assert cli.main(["report", "swot", "--org", "hwfund"]) == command_line.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"no data folder data (the current folder is {tmp_path})" in err
    assert "--data-dir" in err and "planlib init" in err and "ไม่พบโฟลเดอร์ข้อมูล" in err
    assert not (tmp_path / "reports").exists()


def test_report_help_explains_the_periods(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    text = capsys.readouterr().out
    assert "planlib report --org ditp --fy 2569" in text and "periods:" in text
    assert "describe the plan as loaded" in text and "Buddhist Era" in text


def test_a_bad_quarter_is_one_message_not_one_per_template(tmp_path, monkeypatch, capsys) -> None:
    err = _refused_period(tmp_path, monkeypatch, capsys, "--quarter", "5")
    assert err.count("quarter must be 1–4, got 5") == 1 and "ไตรมาสต้องเป็น 1–4" in err
    assert tpl.period_option_errors("๒๕๖๘", "๒") == [] and tpl.period_option_errors(None, None) == []
    (ce,) = tpl.period_option_errors(2024, None)
    assert "did you mean 2567?" in ce


def test_batch_totals_print_english_then_thai(tmp_path, capsys) -> None:
    """The last lines of `planlib report` come from the catalogue (batch_done): the totals and the index in English,
    then in Thai; an index that cannot be written says so in both (index_not_written)."""
    from planlib.reports.batch import BatchPlan

    plan, skipped = _planned(["--org", "mol", "--fy", "2566"], tpl.DEFAULT_DATA_DIR, tmp_path)
    assert skipped and plan.jobs  # mol lacks KPI tables: kpi_scorecard does not apply
    nothing_run = BatchPlan(skipped=skipped, org_names=plan.org_names)
    out = tmp_path / "reports"
    assert command_line.execute_plan(nothing_run, out, tpl.DEFAULT_DATA_DIR, progress=False) == 0
    n = len(skipped)
    assert capsys.readouterr().out.splitlines()[-2:] == [
        f"0 built, 0 failed, {n} skipped · index: {out / 'index.html'}",
        f"สร้างเสร็จ 0 ฉบับ ไม่สำเร็จ 0 ฉบับ ข้าม {n} ฉบับ · หน้ารวม: {out / 'index.html'}",
    ]
    (out / "index.html").unlink()
    (out / "index.html").mkdir()  # a folder in the index's place: the index cannot be written
    assert command_line.execute_plan(nothing_run, out, tpl.DEFAULT_DATA_DIR, progress=False) == 0
    english, thai_line = capsys.readouterr().out.splitlines()[-2:]
    assert english.startswith(f"0 built, 0 failed, {n} skipped · index: not written (")
    assert thai_line.startswith(f"สร้างเสร็จ 0 ฉบับ ไม่สำเร็จ 0 ฉบับ ข้าม {n} ฉบับ · หน้ารวม: เขียนไม่ได้ (")
