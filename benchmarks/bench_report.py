"""Time the full report set against its floor and against the naive CLI loop, in one run.

    python benchmarks/bench_report.py [--jobs 2]

1. **full**: every applicable template × organisation on the shipped data, through the
   ``planlib report`` pool (papermill in long-lived workers, then HTML and PDF).
2. **floor**: the same number of trivial notebooks (one ``x = 1`` cell) through the same pool,
   also exported to HTML and PDF: what the pool costs with no work in the notebooks.
3. **naive**: for each report of (1), ``papermill`` CLI then ``jupyter nbconvert --to html
   --no-input`` CLI, one after another (no PDF: the naive loop does less work than (1)).

The pool's start-up (the fork server's imports, once per batch) is timed first and apart, so that
(1) and (2) both run with it done; the naive loop is compared with start-up + (1), all that
``planlib report`` waits for. Prints the wall times, the ratios, and where the time goes: the
seconds of each step (notebook with its kernel, html, pdf, word) per template, from the results.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from planlib.reports import templates as tpl
from planlib.reports.batch import plan_run
from planlib.reports.pool import Worker, context, run_jobs

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = ROOT / "tests" / "fixtures" / "notebooks" / "trivial.ipynb"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plan = plan_run(tpl.DEFAULT_DATA_DIR, tmp / "full")
        jobs = plan.jobs
        if not jobs:
            sys.exit("no template notebooks to run yet")
        for job in jobs:
            Path(job.folder).mkdir(parents=True, exist_ok=True)
        t_start = pool_start_up()
        t0 = time.perf_counter()
        full = run_jobs(jobs, workers=args.jobs, progress=False)
        t_full = time.perf_counter() - t0
        failed = [r.key for r in full if r.status != "ok"]

        floor_jobs = []
        for n, job in enumerate(jobs):
            folder = tmp / "floor" / str(n)
            folder.mkdir(parents=True)
            params = {"org": job.org, "data_dir": job.params["data_dir"]}
            floor_jobs.append(
                replace(
                    job,
                    template="trivial",
                    notebook=str(TRIVIAL),
                    folder=str(folder),
                    staging=str(folder / ".staging"),
                    output_dir_param=False,
                    params=params,
                )
            )
        t0 = time.perf_counter()
        floor = run_jobs(floor_jobs, workers=args.jobs, progress=False)
        t_floor = time.perf_counter() - t0

        naive_dir = tmp / "naive"
        naive_dir.mkdir()
        t0 = time.perf_counter()
        for n, job in enumerate(jobs):
            params = dict(job.params)
            if job.output_dir_param:
                params["output_dir"] = str(naive_dir)
            (naive_dir / f"{n}.json").write_text(json.dumps(params))
            out = naive_dir / f"{n}.ipynb"
            papermill = [str(bindir / "papermill"), job.notebook, str(out), "-f", str(naive_dir / f"{n}.json")]
            papermill += ["-k", "python3", "--no-progress-bar", "--cwd", str(naive_dir)]
            subprocess.run(papermill, check=False, capture_output=True)
            nbconvert = [str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)]
            subprocess.run(nbconvert, check=False, capture_output=True)
        t_naive = time.perf_counter() - t0

    print(f"reports: {len(jobs)} ({', '.join(sorted({j.template for j in jobs}))}); workers: {args.jobs}")
    print(f"pool start-up, once per batch (fork server imports, first worker ready): {t_start:5.1f} s")
    if failed:
        print(f"failed in the full run: {', '.join(failed)}")
    print(f"full set through the pool (notebook+HTML+PDF): {t_full:6.1f} s  ({t_full / len(jobs):.2f} s/report)")
    print(f"floor: trivial notebooks, same pool:           {t_floor:6.1f} s  ({t_floor / len(jobs):.2f} s/report)")
    per_report = t_naive / len(jobs)
    print(f"naive: papermill CLI + nbconvert CLI, serial:  {t_naive:6.1f} s  ({per_report:.2f} s/report, no PDF)")
    print(f"ratio full / floor = {t_full / t_floor:.2f}  (both with the pool's start-up done)")
    print(f"ratio naive / (start-up + full) = {t_naive / (t_start + t_full):.2f}  (all a `planlib report` waits for)")
    print()
    print_stages(full, floor)


def pool_start_up() -> float:
    """Seconds until the fork server has imported its preloads and a first worker is ready (then stopped).

    A batch pays this once. It is timed apart so that the full and floor runs, which follow, both find
    the fork server warm, and then added back for the comparison with the naive loop.
    """
    t0 = time.perf_counter()
    worker = Worker(context())
    while worker.receive() is None:
        if not worker.process.is_alive():
            sys.exit("the first report worker died while starting")
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    worker.stop()
    return elapsed


STAGES = ("notebook", "html", "pdf", "word")


def print_stages(full: list, floor: list) -> None:
    """Where the time goes: seconds per step (worker time, summed over reports), per template and for the floor."""
    rows: dict[str, list] = {}
    for result in full:
        rows.setdefault(result.template, []).append(result)
    rows["(floor: trivial)"] = floor
    print(f"{'worker seconds per report':32s}" + "".join(f"{name:>9s}" for name in (*STAGES, "total")) + "  reports")
    for name, results in rows.items():
        mean = {stage: sum(r.stages.get(stage, 0.0) for r in results) / len(results) for stage in STAGES}
        cells = "".join(f"{mean[stage]:9.2f}" for stage in STAGES)
        print(f"{name:32s}{cells}{sum(mean.values()):9.2f}  {len(results)}")
    total = {stage: sum(r.stages.get(stage, 0.0) for r in full) for stage in STAGES}
    whole = sum(total.values())
    shares = ", ".join(f"{stage} {total[stage] / whole:.0%}" for stage in STAGES)
    print(f"share of the full set's worker time: {shares}")


if __name__ == "__main__":
    main()
