"""How SWOT duplicate detection scales: seconds for 21 (hwfund), 64 (all three SWOTs) and 256 items.

Pairs grow as n(n-1)/2; each pair compares content-word sets and runs a longest-common-run DP.
Items are the shipped hwfund/ditp SWOT texts, repeated with a suffix so every text is distinct.
Run: ``python benchmarks/bench_swot.py`` (not part of pytest). Prints ratios measured in one run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

import planlib
from planlib.plans import swot as sw

DATA = Path(__file__).resolve().parents[1] / "data"


def items(n: int) -> pd.DataFrame:
    base = pd.concat([planlib.load_plan(DATA / org).swot for org in ("hwfund", "ditp")], ignore_index=True)
    rows = [base.iloc[i % len(base)] for i in range(n)]
    frame = pd.DataFrame(rows).reset_index(drop=True)
    frame["code"] = [f"{q}{i + 1}" for i, q in enumerate(frame["quadrant"])]
    frame["text_th"] = [f"{t} ชุดที่ {i // len(base)}" for i, t in enumerate(frame["text_th"])]
    frame.index = pd.Index(range(2, n + 2), name="row")
    return frame


def main() -> None:
    sw.content_words("อุ่นเครื่อง")  # build the newmm dictionary trie once (about 0.6 s), outside the timings
    timings = {}
    for n in (21, 64, 256):
        frame = items(n)
        start = time.perf_counter()
        found = sw.similar_items(frame)
        timings[n] = time.perf_counter() - start
        print(f"{n:4d} items, {n * (n - 1) // 2:6d} pairs: {timings[n]:.3f} s, {len(found)} flagged pairs")
    print(f"ratio 256/21 items: {timings[256] / timings[21]:.0f}x (pairs ratio {256 * 255 / (21 * 20):.0f}x)")


if __name__ == "__main__":
    main()
