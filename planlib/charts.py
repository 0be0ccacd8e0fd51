"""One chart style for every report: Thai font, titles, units and a source note.

The Thai font (Noto Sans Thai, OFL) comes from the pip package ``fontpkg-noto-sans-thai`` and
is registered with matplotlib by file, so no system font and no font cache are assumed.
matplotlib ≥ 3.11 shapes Thai with HarfBuzz, so tone marks and upper vowels stack correctly
(3.10 drops or overlaps them; see ``shared/research/feasibility.md`` §2).

Every chart made with :func:`figure` has a title, axis labels that carry their unit
(``บาท``, ``ราย/กลุ่ม``) and a source note under the plot.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from planlib.fonts import THAI_FONT_FAMILY, register_with_matplotlib, thai_font_path
from planlib.inputs import thai

if TYPE_CHECKING:  # hints only: matplotlib is imported where a chart is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["THAI_FONT_FAMILY", "thai_font_path"]  # re-exported: where the chart style's font comes from
PALETTE = ("#1f5f8b", "#e07b39", "#4c9f70", "#c0392b", "#8e6fb5", "#7f8c8d", "#d4a017", "#2c3e50")
"""Colours in the order charts use them (blue, orange, green, red, purple, grey, ochre, navy)."""
RAG_COLOURS = {"green": "#4c9f70", "amber": "#e0a526", "red": "#c0392b", "grey": "#9e9e9e"}
HOUSE_STYLE = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "axes.titleweight": "normal",  # the pip font is one variable TTF that matplotlib registers at weight 400 only
    "axes.titlesize": 13,
    "font.size": 10,
}
"""rcParams of report charts (set by :func:`use_thai_font`, not on import)."""


@cache
def use_thai_font() -> str:
    """The house style for report charts: the Thai font first (:mod:`planlib.fonts`), light grid, palette.

    Idempotent. DejaVu Sans stays behind the Thai font as a per-glyph fallback for Latin letters and symbols.
    """
    import matplotlib  # heavy: only when a chart is drawn, not on `import planlib.cli`

    register_with_matplotlib()
    matplotlib.rcParams.update(HOUSE_STYLE)
    matplotlib.rcParams["axes.prop_cycle"] = matplotlib.cycler(color=PALETTE)
    return THAI_FONT_FAMILY


def figure(
    title: str, *, xlabel: str = "", ylabel: str = "", source: str = "", size: tuple[float, float] = (8, 4.2)
) -> tuple[Figure, Axes]:
    """A new figure in the house style with title, axis labels (with units) and source note."""
    import matplotlib.pyplot as plt  # heavy: only when a chart is drawn

    use_thai_font()
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if source:
        add_source(fig, source)
    return fig, ax


def add_source(fig: Figure, source: str) -> None:
    """Write ``ที่มา: …`` under the plot, left-aligned and small."""
    fig.text(0.0, -0.02, f"ที่มา: {source}", ha="left", va="top", fontsize=8, color="#555555")


def baht_axis(ax: Axes, *, millions: bool = False, axis: str = "y") -> None:
    """Thousands separators on an amount axis (or millions with ``millions=True``)."""
    from matplotlib.ticker import FuncFormatter  # heavy: only when a chart is drawn

    if millions:
        fmt = FuncFormatter(lambda v, _: f"{v / 1e6:,.1f}")
    else:
        fmt = FuncFormatter(lambda v, _: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def be_year_ticks(ax: Axes, years: Iterable[int], *, axis: str = "x", rotate: int = 0) -> None:
    """Label an axis of BE fiscal years (``2568``); years given as BE integers."""
    years = list(years)
    setter = ax.set_xticks if axis == "x" else ax.set_yticks
    setter(years, [str(y) for y in years], rotation=rotate)


def thai_month_ticks(ax: Axes, months: Iterable, *, axis: str = "x") -> None:  # type: ignore[type-arg]
    """Label month positions 0..n-1 with Thai abbreviations and BE years (``ต.ค. 67``)."""
    months = list(months)
    setter = ax.set_xticks if axis == "x" else ax.set_yticks
    setter(range(len(months)), [thai.format_month(m) for m in months])


def wrap_thai(text: str, width: int = 30) -> str:
    """Wrap text to lines of about ``width`` characters without breaking Thai syllables apart.

    Thai has no spaces between words, so lines break at spaces when possible and otherwise
    only *before* a base consonant that is not followed by a combining mark, so no vowel or
    tone mark is separated from its consonant.
    """
    import textwrap
    import unicodedata

    lines: list[str] = []
    for chunk in textwrap.wrap(text, width=width, break_long_words=False) or [""]:
        while len(chunk) > width * 1.3:
            cut = width
            while cut > 1 and (
                unicodedata.category(chunk[cut]) == "Mn"
                or chunk[cut] in "ะาำๅ"
                or chunk[cut - 1] in "เแโใไ"
            ):
                cut -= 1
            lines.append(chunk[:cut])
            chunk = chunk[cut:]
        lines.append(chunk)
    return "\n".join(lines)
