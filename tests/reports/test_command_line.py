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
