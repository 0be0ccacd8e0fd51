"""``reports/index.html``: every report under the output folder, by organisation and period, from the manifests.

Written by the main process only, after a batch (temporary file, then rename). Every text that
comes from a manifest or a folder name is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planlib.reports import render
from planlib.reports import templates as tpl
from planlib.reports.jobs import now, period_label
from planlib.reports.outputs import atomic_write_text, read_manifest

LINKS = (("html", "HTML"), ("pdf", "PDF"), ("ipynb", "notebook"))
"""The files of a report the index links to, in this order, with their labels."""

TABLE_HEAD = (
    "<table class='planlib'><thead><tr><th>รายงาน / report</th><th>สถานะ / status</th>"
    "<th>ไฟล์ / files</th><th>เวลา / finished</th></tr></thead><tbody>"
)


def template_order(name: str) -> tuple[int, str]:
    """Sort key: templates in the order they are declared, unknown ones after them by name."""
    names = list(tpl.TEMPLATES)
    return (names.index(name) if name in names else len(names), name)


def report_links(period: Path, org: str, name: str) -> list[str]:
    """Links to the files of report ``name`` that exist in the ``period`` folder."""
    links = []
    for ext, label in LINKS:
        if (period / f"{name}.{ext}").exists():
            links.append(f"<a href='{html.escape(f'{org}/{period.name}/{name}.{ext}')}'>{label}</a>")
    if (period / f"{name}.failed.ipynb").exists():
        links.append(f"<a href='{html.escape(f'{org}/{period.name}/{name}.failed.ipynb')}'>failed notebook</a>")
    return links


def report_row(period: Path, org: str, name: str, entry: Mapping[str, Any]) -> str:
    """One table row: title and template, status with the error (and the kept good report), links, time."""
    status = html.escape(str(entry.get("status", "")))
    detail = ""
    error = entry.get("error")
    if error:
        message = " / ".join(filter(None, (str(error.get("message", "")), str(error.get("message_th", "")))))
        detail = f"<br><small>{html.escape(message[:400])}</small>"
        if entry.get("last_good"):
            kept = html.escape(str(entry["last_good"].get("finished", "")))
            detail += f"<br><small>รายงานฉบับก่อนหน้ายังอยู่ / previous good report kept ({kept})</small>"
    title = f"{html.escape(str(entry.get('title_th', name)))}<br><small>{html.escape(name)}</small>"
    links = " · ".join(report_links(period, org, name))
    finished = html.escape(str(entry.get("finished", "")))
    status_cell = f"<td class='status-{status}'>{status}{detail}</td>"
    return f"<tr><td>{title}</td>{status_cell}<td>{links}</td><td>{finished}</td></tr>"


def write_index(out: Path, org_names: Mapping[str, str] | None = None) -> Path:
    """``reports/index.html``: every report under ``out``, grouped by organisation and period."""
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
    parts.insert(0, "<h1>รายงานทั้งหมด / All reports</h1>")
    document = render.page("\n".join(parts), title="planlib", subtitle=f"planlib · {now()}", embed_font=False)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    atomic_write_text(path, document)
    return path
