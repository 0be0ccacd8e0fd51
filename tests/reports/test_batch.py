"""Planning a batch on the shipped data: jobs, skips and refusals before anything runs; the organisation check made
once; stale staging folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import report_fixtures as fx  # tests/fixtures, on sys.path through tests/conftest.py

from planlib.reports import batch
from planlib.reports import templates as tpl
from planlib.reports.jobs import STAGING_PREFIX


def test_plan_of_the_whole_shipped_set_names_every_job_and_skip(tmp_path: Path) -> None:
    plan = batch.plan_run(tpl.DEFAULT_DATA_DIR, tmp_path / "reports")
    assert isinstance(plan, batch.BatchPlan) and not plan.refused
    keys = {job.key for job in plan.jobs}
    assert "hwfund/2568/swot" in keys and len(keys) == len(plan.jobs)  # every (org, period, template) once
    assert all(Path(job.staging).parent == Path(job.folder) for job in plan.jobs)
    assert all(Path(job.staging).name.startswith(f"{STAGING_PREFIX}{job.template}-{os.getpid()}-") for job in plan.jobs)
    assert all(job.params["data_dir"] == str(tpl.DEFAULT_DATA_DIR) for job in plan.jobs)
    assert plan.org_names["hwfund"] == "กองทุนเพื่อผู้รับงานไปทำที่บ้าน"
    for skipped in plan.skipped:
        assert skipped.status == "skipped" and " / " in skipped.reason  # English / Thai, from the catalogue
    not_applicable = [s for s in plan.skipped if s.reason.startswith("not applicable: ")]
    assert not_applicable and all("ใช้กับหน่วยงานนี้ไม่ได้" in s.reason for s in not_applicable)


def test_an_unknown_organisation_is_refused_once_whatever_asks_for_it(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    requests = [{"template": name, "org": "nowhere"} for name in ("swot", "prioritization", "whatif")]
    plan = batch.plan_run(tpl.DEFAULT_DATA_DIR, out, requests=requests, orgs=["nowhere"])
    assert plan.refused == [
        "unknown organisation 'nowhere' (known: ditp, dsdw, hwfund, mol, tfund) / "
        "ไม่รู้จักหน่วยงาน 'nowhere' (ที่มี: ditp, dsdw, hwfund, mol, tfund)"
    ]
    assert not plan.jobs and not out.exists()


def test_the_organisation_check_is_the_folder_inside_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(tpl.DEFAULT_DATA_DIR / "mol", data / "mol")
    (data / "elsewhere").symlink_to(tpl.DEFAULT_DATA_DIR / "ditp", target_is_directory=True)
    (data / "notes.txt").write_text("not an organisation", encoding="utf-8")
    known = tpl.known_orgs(data)
    assert known == ["elsewhere", "mol"]
    assert batch.organisation_refusal(data, "mol", known) == ""
    assert batch.organisation_refusal(data, "elsewhere", known).startswith("organisation 'elsewhere': its folder ")
    for org in ("../mol", "MOL", "notes.txt", "mol/..", "/etc", ""):
        assert batch.organisation_refusal(data, org, known).startswith(f"unknown organisation {org!r}"), org


def test_the_same_report_twice_is_refused(tmp_path: Path, monkeypatch) -> None:
    fx.register(monkeypatch)
    out = tmp_path / "reports"
    same = [{"template": "trivial", "org": "hwfund"}] * 2
    plan = batch.plan_run(tpl.DEFAULT_DATA_DIR, out, requests=same, notebook_dir=fx.NOTEBOOKS)
    assert plan.refused == ["hwfund/2568/trivial: requested twice / hwfund/2568/trivial: ขอรายงานเดียวกันสองครั้ง"]
    different = [{"template": "echo", "org": "hwfund", "title": t} for t in ("a", "b")]
    plan = batch.plan_run(tpl.DEFAULT_DATA_DIR, out, requests=different, notebook_dir=fx.NOTEBOOKS)
    assert plan.refused[0].startswith("hwfund/2568/echo: requested twice with different parameters / ")


def test_a_template_without_its_notebook_is_skipped(tmp_path: Path, monkeypatch) -> None:
    fx.register(monkeypatch)
    request = [{"template": "trivial", "org": "hwfund"}]
    plan = batch.plan_run(tpl.DEFAULT_DATA_DIR, tmp_path / "reports", requests=request, notebook_dir=tmp_path)
    assert not plan.jobs and not plan.refused
    assert [s.reason for s in plan.skipped] == ["notebook trivial.ipynb not written yet / ยังไม่มีโน้ตบุ๊ก trivial.ipynb"]


def test_stale_staging_of_a_dead_run_is_removed_and_a_live_one_kept(tmp_path: Path) -> None:
    folder = tmp_path / "hwfund" / "2568"
    dead = folder / f"{STAGING_PREFIX}swot-999999999-0"  # no such process
    live = folder / f"{STAGING_PREFIX}swot-{os.getpid()}-0"
    for path in (dead, live):
        path.mkdir(parents=True)
    (folder / ".manifest.json.123.tmp").write_text("{", encoding="utf-8")
    assert batch.remove_stale_staging(tmp_path) == 1
    assert not dead.exists() and live.exists() and not (folder / ".manifest.json.123.tmp").exists()
    assert batch.remove_stale_staging(tmp_path / "missing") == 0


def test_fy_without_quarter_plans_the_latest_quarter_of_that_year(tmp_path: Path) -> None:
    """plan_run given only fy planned the quarter of the latest year overall (2566-Q1 once dsdw has a 2567-Q1 row),
    while `planlib report --fy 2566` planned 2566-Q2: the rule lived in the command line only."""
    data = tmp_path / "data"
    shutil.copytree(tpl.DEFAULT_DATA_DIR / "dsdw", data / "dsdw")
    actuals = data / "dsdw" / "synthetic" / "kpi_actuals.csv"
    with actuals.open("a", encoding="utf-8") as f:
        f.write("K1,2567,1,3.0,\n")
    request = {"template": "quarterly_progress", "org": "dsdw", "fy": 2566}
    plan = batch.plan_run(data, tmp_path / "reports", requests=[request])
    assert not plan.refused
    assert [(job.period, job.params["fy"], job.params["quarter"]) for job in plan.jobs] == [("2566-Q2", 2566, 2)]
    given = batch.plan_run(data, tmp_path / "reports", requests=[{**request, "quarter": 1}])
    assert [job.period for job in given.jobs] == ["2566-Q1"]  # a quarter given is kept
    latest = batch.plan_run(data, tmp_path / "reports", requests=[{"template": "quarterly_progress", "org": "dsdw"}])
    assert [job.period for job in latest.jobs] == ["2567-Q1"]  # no fy: the latest quarter overall
