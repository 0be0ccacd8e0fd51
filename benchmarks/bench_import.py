"""Benchmark: how long ``import planlib`` takes next to ``import pandas``, its floor (issue 16, item 6).

planlib needs pandas, so ``import pandas`` is the least ``import planlib`` can cost; the target is
``import planlib`` under 0.5 s. Also timed: ``import planlib.cli`` (what every ``planlib …`` command pays before it
starts) and ``import matplotlib.pyplot`` for scale. Each import runs in a fresh interpreter (``python -c``), timed
inside it with ``time.perf_counter`` around the import only (interpreter start-up excluded); the runs alternate
between the statements so a change in machine load hits all of them alike, and the median of ``RUNS`` is shown
with the ratio to ``import pandas``.

Then the heaviest modules under ``import planlib`` (``python -X importtime``, cumulative), and whether any of the
libraries planlib imports only where they are used (matplotlib, papermill, nbconvert, weasyprint, duckdb,
pythainlp, openpyxl, pyspark) were loaded by ``import planlib``.

Run: ``python benchmarks/bench_import.py [RUNS]`` (in the venv where planlib is installed; default 7 runs)
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys

STATEMENTS = {
    "import pandas": "import pandas",
    "import planlib": "import planlib",
    "import planlib.cli": "import planlib.cli",
    "import matplotlib.pyplot": "import matplotlib.pyplot",
}
LAZY = ("matplotlib", "papermill", "nbconvert", "nbformat", "weasyprint", "duckdb", "pythainlp", "openpyxl", "pyspark")
"""Libraries ``import planlib`` must not load (issue 16: imported where they are used; nbformat brings jsonschema,
whose format checkers take seconds)."""


def timed(statement: str) -> float:
    """Seconds ``statement`` takes in a fresh interpreter, measured inside it."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def heaviest(statement: str, count: int = 12) -> list[tuple[float, str]]:
    """The ``count`` modules with the largest cumulative import time under ``statement`` (seconds, name)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)", line)
        if match and not match[2].startswith(("pandas.", "numpy.", "pyarrow.")):  # the floor's own insides
            rows.append((int(match[1]) / 1e6, match[2]))
    return sorted(rows, reverse=True)[:count]


def loaded_by(statement: str) -> list[str]:
    """Which of :data:`LAZY` are in ``sys.modules`` after ``statement``."""
    code = f"import sys; {statement}; print(' '.join(m for m in {LAZY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def main(runs: int = 7) -> None:
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(runs):
        for name, statement in STATEMENTS.items():
            times[name].append(timed(statement))
    floor = statistics.median(times["import pandas"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"import times, median of {runs} fresh interpreters each (load average {load:.2f}, {os.cpu_count()} CPUs)")
    print(f"{'statement':<26} {'median s':>9} {'min s':>7} {'max s':>7} {'× pandas':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<26} {median:9.3f} {min(values):7.3f} {max(values):7.3f} {median / floor:9.2f}")
    planlib_median = statistics.median(times["import planlib"])
    verdict = "meets" if planlib_median < 0.5 else "misses"
    over = planlib_median - floor
    print(f"\nimport planlib: {planlib_median:.3f} s, {verdict} the 0.5 s target; {over:+.3f} s over import pandas")
    for statement in ("import planlib", "import planlib.cli"):
        print(f"\nheaviest modules under `{statement}` (cumulative, one run; pandas/numpy insides left out):")
        for seconds, module in heaviest(statement):
            print(f"  {seconds:7.3f} s  {module}")
    eager = loaded_by("import planlib")
    print(f"\nlibraries loaded by `import planlib` that should load where used: {', '.join(eager) or 'none'}")
    cli = loaded_by("import planlib.cli")
    print(f"loaded by `import planlib.cli` (every planlib command): {', '.join(cli) or 'none'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
