"""Problem messages of :mod:`planlib.loans` (code → English and Thai templates)."""

from __future__ import annotations

from planlib.inputs.messages.message import Message

MESSAGES: dict[str, Message] = {
}
