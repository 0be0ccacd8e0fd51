"""The Thai font, from pip, for charts and PDFs; registered with matplotlib as soon as matplotlib is used.

Noto Sans Thai (OFL) comes from the pip package ``fontpkg-noto-sans-thai``, so no system font or
font cache is assumed. :func:`register_with_matplotlib` adds it to matplotlib's font manager and puts
it first in ``font.family`` (DejaVu Sans stays behind it for Latin letters and symbols), so an
analyst's own ``df.plot()`` draws Thai labels, not boxes, with no "Glyph … missing" warnings.

``import planlib`` must stay light (matplotlib takes longer to import than pandas), so it does not
import matplotlib: :func:`register_when_matplotlib_loads` registers the font the moment anything
imports ``matplotlib.pyplot`` (or at once, when it is already loaded). The backend is never changed:
in JupyterLab plots stay inline, and batch runs choose Agg themselves.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

THAI_FONT_FAMILY = "Noto Sans Thai"
TRIGGER = "matplotlib.pyplot"
"""The module whose import registers the font (every plotting path goes through pyplot)."""


@cache
def thai_font_path() -> Path:
    """Path of the Noto Sans Thai TTF shipped by ``fontpkg-noto-sans-thai``."""
    import fontpkg  # small, but only needed when a font file is wanted

    return Path(fontpkg.path(THAI_FONT_FAMILY))


@cache
def register_with_matplotlib() -> str:
    """Add the Thai font to matplotlib and make it the first family (idempotent). Returns the family name."""
    import matplotlib  # heavy: imported only when plotting is happening anyway
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(thai_font_path()))
    families = [f for f in matplotlib.rcParams["font.family"] if f != THAI_FONT_FAMILY]
    if families == ["sans-serif"]:
        families = ["DejaVu Sans"]
    matplotlib.rcParams["font.family"] = [THAI_FONT_FAMILY, *families]
    return THAI_FONT_FAMILY


class _AfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``TRIGGER`` as usual, then register the font; removes itself after the first time."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TRIGGER:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        register_with_matplotlib()


def register_when_matplotlib_loads() -> None:
    """Register the Thai font now if pyplot is loaded, else right after the first ``import matplotlib.pyplot``."""
    if TRIGGER in sys.modules:
        register_with_matplotlib()
    elif not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())
