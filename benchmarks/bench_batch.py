"""Load: one ``planlib report`` batch of 100 reports (shipped organisations × periods) on 2 workers.

    python benchmarks/bench_batch.py [--jobs 2] [--reports 100] [--no-pdf] [--out DIR]

The shipped data give 27 template × organisation reports at their default period; the batch is
filled up to ``--reports`` with the other valid periods the templates take: quarterly progress
for Q1–Q4 of each plan year, and lending statistics of hwfund for each published fiscal year,
whole year and Q1–Q4 (newest first). Every report goes through the same path as
``planlib report``: parameters validated, pool of long-lived workers, staged atomic outputs,
manifests and the index.

Prints wall time, reports per minute, statuses, and memory: the peak RSS summed over the whole
process tree (this process, the forkserver, the workers and their kernels, sampled every
0.25 s), the peak of any single process, and the peak tree RSS in each quarter of the run (flat
= bounded: nothing accumulates across reports).
"""

from __future__ import annotations

import argparse
import collections
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

from planlib.reports import templates as tpl
from planlib.reports.batch import plan_run
from planlib.reports.index_page import write_index
from planlib.reports.jobs import Settings
from planlib.reports.outputs import Manifests
from planlib.reports.pool import run_jobs


def lending_years(info: tpl.OrgData) -> list[int]:
    """The fiscal years (BE) of an organisation's published lending statistics, oldest first."""
    frame = info.tables.get("lending_annual")
    if frame is None or "fiscal_year" not in frame:
        return []
    return sorted({int(v) for v in frame["fiscal_year"].dropna() if tpl.FY_MIN <= int(v) <= tpl.FY_MAX})


def requests(limit: int) -> list[dict[str, object]]:
    """Up to ``limit`` report requests over the shipped data, default periods first."""
    data = tpl.DEFAULT_DATA_DIR
    wanted: list[dict[str, object]] = []
    extra: list[dict[str, object]] = []
    for org in tpl.known_orgs(data):
        info = tpl.scan_org(data / org)
        for name, template in tpl.TEMPLATES.items():
            if not template.applies_to(info) or not template.notebook.exists():
                continue
            defaults = template.periods(info)
            for default in defaults:
                wanted.append({"template": name, "org": org, **default})
            if name == "quarterly_progress" and info.fiscal_year:
                for q in (1, 2, 3, 4):
                    extra.append({"template": name, "org": org, "fy": info.fiscal_year, "quarter": q})
            if name == "loan_statistics":
                for fy in reversed(lending_years(info)):
                    for q in (None, 1, 2, 3, 4):
                        extra.append({"template": name, "org": org, "fy": fy, **({"quarter": q} if q else {})})
    extra.sort(key=lambda r: r["template"] != "quarterly_progress")  # stable: every quarter before more loan years
    seen = {tuple(sorted(r.items())) for r in wanted}
    for req in extra:
        key = tuple(sorted(req.items()))
        if key not in seen:
            seen.add(key)
            wanted.append(req)
    return wanted[:limit]


class TreeSampler(threading.Thread):
    """Samples the RSS of this process and all its descendants."""

    def __init__(self, interval: float = 0.25):
        super().__init__(daemon=True)
        self.interval = interval
        self.samples: list[tuple[float, int, int, int]] = []  # (t, tree rss, max single rss, processes)
        self.stop_flag = threading.Event()

    def run(self) -> None:
        root = psutil.Process(os.getpid())
        t0 = time.monotonic()
        while not self.stop_flag.is_set():
            total = single = count = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = [root]
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                single = max(single, rss)
                count += 1
            self.samples.append((time.monotonic() - t0, total, single, count))
            self.stop_flag.wait(self.interval)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="keep the reports here (default: a temporary folder)")
    args = parser.parse_args()
    reqs = requests(args.reports)
    with tempfile.TemporaryDirectory() as tmp:
        out = (args.out or Path(tmp) / "reports").resolve()
        settings = Settings(pdf=not args.no_pdf)
        plan = plan_run(tpl.DEFAULT_DATA_DIR, out, requests=reqs, settings=settings)
        if plan.refused:
            raise SystemExit("refused: " + "; ".join(plan.refused))
        sampler = TreeSampler()
        sampler.start()
        t0 = time.perf_counter()
        out.mkdir(parents=True, exist_ok=True)
        for job in plan.jobs:
            Path(job.folder).mkdir(parents=True, exist_ok=True)
        manifests = Manifests(tpl.DEFAULT_DATA_DIR, out)
        results = run_jobs(plan.jobs, workers=args.jobs, progress=False, manifest=manifests)
        write_index(out, plan.org_names)
        wall = time.perf_counter() - t0
        sampler.stop_flag.set()
        sampler.join()
    statuses = collections.Counter(r.status for r in results)
    per_template = collections.Counter(j.template for j in plan.jobs)
    samples = sampler.samples
    mib = 1024**2
    peak_tree = max(s[1] for s in samples) / mib
    peak_single = max(s[2] for s in samples) / mib
    quarters = []
    for k in range(4):
        part = [s for s in samples if k * wall / 4 <= s[0] < (k + 1) * wall / 4] or samples
        quarters.append(max(s[1] for s in part) / mib)
    templates = ", ".join(f"{k} {v}" for k, v in sorted(per_template.items()))
    print(f"reports: {len(plan.jobs)} ({templates}); workers: {args.jobs}; cores: {os.cpu_count()}")
    print(f"PDF: {not args.no_pdf}")
    print(f"statuses: {dict(statuses)}")
    failed = [f"{r.key}: {(r.error or {}).get('message', '')[:120]}" for r in results if r.status != "ok"]
    for line in failed:
        print(f"  not ok: {line}")
    per_report, per_minute = wall / len(plan.jobs), 60 * len(plan.jobs) / wall
    print(f"wall time: {wall:.1f} s ({per_report:.2f} s/report, {per_minute:.1f} reports/min)")
    most = max(s[3] for s in samples)
    print(f"peak RSS, whole process tree: {peak_tree:.0f} MiB; largest single process: {peak_single:.0f} MiB;")
    print(f"processes at most: {most}")
    print("peak tree RSS per quarter of the run (MiB): " + ", ".join(f"{q:.0f}" for q in quarters))


if __name__ == "__main__":
    main()
