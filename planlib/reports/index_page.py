"""``reports/index.html``: every report under the output folder, by organisation and period, from the manifests.

Written by the main process only, after a batch (temporary file, then rename). Every text that
comes from a manifest or a folder name is HTML-escaped. The page embeds the reports' Thai font, shows
dates in the Buddhist era and times in Thai time, and links every output of each report: HTML, PDF,
Word, each Excel workbook the template wrote, and the notebook.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from planlib.inputs import thai
from planlib.reports import render
from planlib.reports import templates as tpl
from planlib.reports.jobs import now, period_label
from planlib.reports.outputs import atomic_write_text, output_order, read_manifest

THAI_TIME = ZoneInfo("Asia/Bangkok")
"""Times on the index are Thai time (UTC+7), whatever the clock of the machine that built the reports."""

OWN_FILES = ("html", "pdf", "docx", "ipynb")
"""A report's own files, ``<template>.<ext>``, linked when present even if its manifest entry does not list them
(a failed run keeps the previous good report's files)."""

LABELS = {".html": "HTML", ".pdf": "PDF", ".docx": "Word", ".xlsx": "Excel", ".ipynb": "notebook"}
"""Link text by file extension; an ``.xlsx`` link also shows the file's name (a template may write several)."""

STATUS_TH = {
    "ok": "สำเร็จ",
    "failed": "ไม่สำเร็จ",
    "timeout": "หมดเวลา",
    "crashed": "หยุดกลางคัน",
    "refused": "ถูกปฏิเสธ",
    "interrupted": "ถูกยกเลิก",
    "skipped": "ข้าม",
}
"""Thai name of each status a manifest records (the English status stays beside it)."""

STYLE = (
    "<style>"
    ".status-ok{color:#1e7b34;font-weight:600}"
    ".status-failed,.status-timeout,.status-crashed,.status-refused,.status-interrupted{color:#c0392b;font-weight:600}"
    "td.files{overflow-wrap:anywhere}"
    "table.index{table-layout:fixed}table.index th:nth-child(1){width:36%}table.index th:nth-child(2){width:14%}"
    "table.index th:nth-child(3){width:30%}table.index th:nth-child(4){width:20%}"
    "</style>"
)

TABLE_HEAD = (
    "<table class='planlib index'><thead><tr><th>รายงาน / report</th><th>สถานะ / status</th>"
    "<th>ไฟล์ / files</th><th>เสร็จเมื่อ (เวลาประเทศไทย) / finished (Thai time)</th></tr></thead><tbody>"
)


def thai_time(stamp: str | dt.datetime) -> str:
    """``3 ธ.ค. 2569 13:23 น.``: an ISO 8601 time (as manifests record it) in Thai time with a BE date.

    The BE year is the CE year + 543 (:func:`planlib.inputs.thai.format_date`). A time without an offset
    is taken as the machine's local time; text that is not a time is returned as it is.
    """
    try:
        moment = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    local = moment.astimezone(THAI_TIME)
    return f"{thai.format_date(local)} {local:%H:%M} น."


def template_order(name: str) -> tuple[int, str]:
    """Sort key: templates in the order they are declared, unknown ones after them by name."""
    names = list(tpl.TEMPLATES)
    return (names.index(name) if name in names else len(names), name)


def report_files(period: Path, name: str, entry: Mapping[str, Any]) -> list[str]:
    """Names of the files of report ``name`` that exist in ``period``, in :func:`output_order`, a failed notebook last.

    The manifest entry's outputs (and its kept good report's), which include any ``.xlsx`` the template
    wrote, plus ``<name>.html/.pdf/.docx/.ipynb`` when present.
    """
    names = set(entry.get("outputs") or [])
    last_good = entry.get("last_good")
    if isinstance(last_good, Mapping):
        names |= set(last_good.get("outputs") or [])
    names |= {f"{name}.{ext}" for ext in OWN_FILES}
    names.add(f"{name}.failed.ipynb")
    found = [n for n in names if isinstance(n, str) and "/" not in n and (period / n).is_file()]
    return sorted(found, key=lambda n: (n.endswith(".failed.ipynb"), output_order(n)))


def report_links(period: Path, org: str, name: str, entry: Mapping[str, Any] | None = None) -> list[str]:
    """Links to every file of report ``name`` in the ``period`` folder (HTML, PDF, Word, Excel, notebook)."""
    links = []
    for file in report_files(period, name, entry or {}):
        suffix = Path(file).suffix.lower()
        if file.endswith(".failed.ipynb"):
            label = "failed notebook"
        elif suffix == ".xlsx":
            label = f"Excel ({file})"
        else:
            label = LABELS.get(suffix, file)
        links.append(f"<a href='{html.escape(f'{org}/{period.name}/{file}')}'>{html.escape(label)}</a>")
    return links


def report_row(period: Path, org: str, name: str, entry: Mapping[str, Any]) -> str:
    """One table row: title and template, status (Thai and English) with the error, links, time in Thai time."""
    raw_status = str(entry.get("status", ""))
    status = html.escape(raw_status)
    label = html.escape(" / ".join(filter(None, (STATUS_TH.get(raw_status, ""), raw_status))))
    detail = ""
    error = entry.get("error")
    if error:
        message = " / ".join(filter(None, (str(error.get("message", "")), str(error.get("message_th", "")))))
        detail = f"<br><small>{html.escape(message[:400])}</small>"
        if entry.get("last_good"):
            kept = html.escape(thai_time(str(entry["last_good"].get("finished", ""))))
            detail += f"<br><small>รายงานฉบับก่อนหน้ายังอยู่ / previous good report kept ({kept})</small>"
    title = f"{html.escape(str(entry.get('title_th', name)))}<br><small>{html.escape(name)}</small>"
    links = " · ".join(report_links(period, org, name, entry))
    finished = html.escape(thai_time(str(entry.get("finished", ""))))
    status_cell = f"<td class='status-{status}'>{label}{detail}</td>"
    return f"<tr><td>{title}</td>{status_cell}<td class='files'>{links}</td><td>{finished}</td></tr>"


def write_index(out: Path, org_names: Mapping[str, str] | None = None) -> Path:
    """``reports/index.html``: every report under ``out``, grouped by organisation and period.

    The page embeds the reports' own Thai font (:func:`planlib.reports.render.page`), so it reads the same
    on a computer without Noto Sans Thai, and nothing is fetched when it opens.
    """
    org_names = dict(org_names or {})
    parts: list[str] = []
    org_dirs = sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")) if out.exists() else []
    for org_dir in org_dirs:
        periods = [p for p in org_dir.iterdir() if (p / "manifest.json").exists()]
        if not periods:
            continue
        org = org_dir.name
        parts.append(f"<h2>{html.escape(org_names.get(org) or org)} <small>({html.escape(org)})</small></h2>")
        for period in sorted(periods, key=lambda p: p.name, reverse=True):
            reports = read_manifest(period / "manifest.json")["reports"]
            parts.append(f"<h3>{html.escape(period_label(period.name))}</h3>{TABLE_HEAD}")
            for name, entry in sorted(reports.items(), key=lambda kv: template_order(kv[0])):
                parts.append(report_row(period, org, name, entry))
            parts.append("</tbody></table>")
    if not parts:
        parts.append("<p>ยังไม่มีรายงาน / no reports yet. Run <code>planlib report</code>.</p>")
    parts.insert(0, f"{STYLE}<h1>รายงานทั้งหมด / All reports</h1>")
    subtitle = f"planlib · ปรับปรุงเมื่อ / updated {thai_time(now())} (เวลาประเทศไทย / Thai time)"
    document = render.page("\n".join(parts), title="planlib", subtitle=subtitle, embed_font=True)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    atomic_write_text(path, document)
    return path
