"""The Thai font reaches an analyst's own plots; ``import planlib`` neither loads matplotlib nor changes its backend."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str, **env: str) -> str:
    import os

    proc = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_import_planlib_loads_no_matplotlib() -> None:
    assert run("import planlib, sys; print('matplotlib' in sys.modules)") == "False"


def test_backend_is_left_as_the_session_chose() -> None:
    """A JupyterLab kernel picks the inline backend through MPLBACKEND; planlib must not force Agg over it."""
    out = run(
        """
        import planlib
        from planlib import charts  # the report chart module, too
        import matplotlib
        print(matplotlib.get_backend())
    """,
        MPLBACKEND="svg",
    )
    assert out == "svg"


def test_ad_hoc_pandas_plot_draws_thai_without_missing_glyph_warnings() -> None:
    """``df.plot()`` after ``import planlib`` uses Noto Sans Thai; -W error makes any 'Glyph … missing' fail."""
    out = run(
        """
        import io
        import planlib
        import pandas as pd
        import matplotlib.pyplot as plt
        frame = pd.DataFrame({"ยอดสินเชื่อ": [1, 2, 3]}, index=["ต.ค.", "พ.ย.", "ธ.ค."])
        ax = frame.plot(title="น้ำหนัก ตัวชี้วัด กำหนด")
        ax.figure.savefig(io.BytesIO(), format="png")
        print(plt.rcParams["font.family"][0])
    """,
        MPLBACKEND="agg",
    )
    assert out == "Noto Sans Thai"


def test_font_is_registered_when_pyplot_was_loaded_before_planlib() -> None:
    out = run(
        """
        import matplotlib.pyplot as plt
        import planlib
        print(plt.rcParams["font.family"][0])
    """,
        MPLBACKEND="agg",
    )
    assert out == "Noto Sans Thai"
