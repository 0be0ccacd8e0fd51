"""Chart style: Thai font from pip, no missing glyphs, source notes, Thai-safe wrapping."""

from __future__ import annotations

import unicodedata
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager

from planlib import charts


def test_thai_font_comes_from_the_pip_package() -> None:
    path = charts.thai_font_path()
    assert path.exists() and path.suffix == ".ttf"
    assert charts.use_thai_font() == "Noto Sans Thai"
    found = font_manager.findfont(font_manager.FontProperties(family="Noto Sans Thai"), fallback_to_default=False)
    assert found.endswith(path.name)


def test_thai_chart_renders_without_missing_glyphs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = charts.figure("ผลการปล่อยกู้ ปีงบประมาณ 2560–2567", xlabel="ปีงบประมาณ (พ.ศ.)",
                                ylabel="จำนวนเงิน (บาท)", source="กองทุนเพื่อผู้รับงานไปทำที่บ้าน ตาราง 2-2")  # fmt: skip
        ax.bar([2566, 2567], [4_440_000, 5_000_000])
        charts.baht_axis(ax)
        charts.be_year_ticks(ax, [2566, 2567])
        fig.savefig(tmp_path / "chart.png")
        plt.close(fig)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert (tmp_path / "chart.png").stat().st_size > 5000
    texts = [t.get_text() for t in fig.texts]
    assert texts == ["ที่มา: กองทุนเพื่อผู้รับงานไปทำที่บ้าน ตาราง 2-2"]


def test_month_ticks_are_thai_abbreviations_with_be_years() -> None:
    fig, ax = charts.figure("แผนกิจกรรม")
    months = pd.period_range("2024-10", periods=3, freq="M")
    charts.thai_month_ticks(ax, months)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ต.ค. 67", "พ.ย. 67", "ธ.ค. 67"]
    plt.close(fig)


def test_wrap_thai_never_separates_marks_from_their_consonant() -> None:
    text = "ระบบเทคโนโลยีสารสนเทศของกองทุนฯยังไม่ครอบคลุมทุกกระบวนการเช่นการยื่นคำขอกู้ระบบแจ้งเตือนการชำระหนี้"
    wrapped = charts.wrap_thai(text, width=20)
    lines = wrapped.split("\n")
    assert len(lines) > 2
    assert "".join(lines) == text
    for line in lines[1:]:
        assert unicodedata.category(line[0]) != "Mn" and line[0] not in "ะาำ"
    for line in lines[:-1]:
        assert line[-1] not in "เแโใไ"
