"""A catalogue entry: one problem kind's English and Thai templates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """English and Thai :meth:`str.format` templates of one problem kind."""

    en: str
    th: str
