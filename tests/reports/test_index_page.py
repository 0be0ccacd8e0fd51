"""``reports/index.html`` (issue 14 item 5): the reports' Thai font, BE dates in Thai time, every output linked."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from planlib.reports import index_page, render
from planlib.reports.jobs import error_record

XLSX = "quarterly_progress_dsdw_2566Q2.xlsx"


def _folder(out: Path, org: str, period: str, reports: dict[str, dict]) -> Path:
    folder = out / org / period
    folder.mkdir(parents=True)
    for entry in reports.values():
        for name in entry.get("outputs", []):
            (folder / name).write_bytes(b"x")
    manifest = {"org": org, "period": period, "reports": reports}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return folder


def test_thai_time_is_a_be_date_in_thai_time() -> None:
    assert index_page.thai_time("2026-12-03T06:23:51+00:00") == "3 ธ.ค. 2569 13:23 น."
    assert index_page.thai_time("2025-09-30T20:05:00+00:00") == "1 ต.ค. 2568 03:05 น."  # the next day in Bangkok
    assert index_page.thai_time(dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)) == "1 ม.ค. 2569 07:00 น."
    assert index_page.thai_time("") == "" and index_page.thai_time("not a time") == "not a time"


def test_index_links_every_output_in_thai_with_the_embedded_font(tmp_path) -> None:
    out = tmp_path / "reports"
    quarterly = [
        "quarterly_progress.html",
        "quarterly_progress.pdf",
        "quarterly_progress.docx",
        XLSX,
        "quarterly_progress.ipynb",
    ]
    failure = error_record("execute", "cell_raised", cell=4, count=4, ename="KeyError", evalue="'C9'")
    _folder(
        out,
        "dsdw",
        "2566-Q2",
        {
            "quarterly_progress": {
                "title_th": "ความก้าวหน้ารายไตรมาส",
                "status": "ok",
                "outputs": quarterly,
                "finished": "2026-12-03T06:23:51+00:00",
                "error": None,
            },
            "swot": {
                "title_th": "การวิเคราะห์ SWOT",
                "status": "failed",
                "outputs": ["swot.failed.ipynb"],
                "finished": "2026-12-03T06:30:00+00:00",
                "error": failure,
            },
        },
    )
    page = index_page.write_index(out, {"dsdw": "กรมพัฒนาสังคมและสวัสดิการ"}).read_text(encoding="utf-8")
    assert "@font-face { font-family: 'Noto Sans Thai'" in page and "data:font/ttf;base64," in page
    assert render.external_references(page) == []
    hrefs = re.findall(r"<a href='([^']+)'>([^<]+)</a>", page)
    assert hrefs == [  # templates in the order they are declared: swot, then quarterly_progress
        ("dsdw/2566-Q2/swot.failed.ipynb", "failed notebook"),
        ("dsdw/2566-Q2/quarterly_progress.html", "HTML"),
        ("dsdw/2566-Q2/quarterly_progress.pdf", "PDF"),
        ("dsdw/2566-Q2/quarterly_progress.docx", "Word"),
        (f"dsdw/2566-Q2/{XLSX}", f"Excel ({XLSX})"),
        ("dsdw/2566-Q2/quarterly_progress.ipynb", "notebook"),
    ]
    assert all((out / href).is_file() for href, _ in hrefs)
    assert "3 ธ.ค. 2569 13:23 น." in page and "3 ธ.ค. 2569 13:30 น." in page and "2026-12-03" not in page
    assert "สำเร็จ / ok" in page and "ไม่สำเร็จ / failed" in page and "cell 4 (In [4]) raised KeyError" in page
    assert "ไตรมาส 2/2566" in page and "กรมพัฒนาสังคมและสวัสดิการ" in page
    assert re.search(r"ปรับปรุงเมื่อ / updated \d{1,2} \S+ 25\d\d \d\d:\d\d น\.", page)


def test_a_failed_rerun_still_links_the_good_report_it_kept(tmp_path) -> None:
    out = tmp_path / "reports"
    good = {
        "status": "ok",
        "outputs": ["whatif.html", "whatif.pdf", "whatif.docx", "whatif.ipynb"],
        "finished": "2026-12-02T01:00:00+00:00",
    }
    folder = _folder(out, "hwfund", "2568", {"whatif": good})
    (folder / "whatif.failed.ipynb").write_bytes(b"x")
    failure = error_record("execute", "notebook_failed", detail="boom")
    entry = {
        "status": "failed",
        "outputs": ["whatif.failed.ipynb"],
        "error": failure,
        "last_good": good,
        "finished": "2026-12-03T01:00:00+00:00",
    }
    (folder / "manifest.json").write_text(json.dumps({"reports": {"whatif": entry}}), encoding="utf-8")
    page = index_page.write_index(out).read_text(encoding="utf-8")
    links = re.findall(r"<a href='hwfund/2568/([^']+)'>", page)
    assert links == ["whatif.html", "whatif.pdf", "whatif.docx", "whatif.ipynb", "whatif.failed.ipynb"]
    assert "previous good report kept (2 ธ.ค. 2569 08:00 น.)" in page


def test_names_from_a_manifest_never_leave_the_folder(tmp_path) -> None:
    out = tmp_path / "reports"
    folder = _folder(out, "hwfund", "2568", {"swot": {"status": "ok", "outputs": ["swot.html"]}})
    (out / "secret.xlsx").write_bytes(b"x")
    manifest = {"reports": {"swot": {"status": "ok", "outputs": ["swot.html", "../../secret.xlsx", "<b>.xlsx"]}}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    page = index_page.write_index(out).read_text(encoding="utf-8")
    assert "secret" not in page and "<b>" not in page
    assert re.findall(r"<a href='([^']+)'>", page) == ["hwfund/2568/swot.html"]
