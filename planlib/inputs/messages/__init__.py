"""The catalogue of problem messages: every problem kind has a code, one English and one Thai template.

Code raises a code and values; the words live here, once::

    text("bad_value_not_a_number", raw="๑๒x")  # → ("not a number: '๑๒x'", "ไม่ใช่ตัวเลข: '๑๒x'")

Templates use :meth:`str.format` fields. A template may use format specs (``{total:g}``); the
values are passed as they are. A field is never named ``file``, ``sheet``, ``row``, ``column`` or
``value``: with :meth:`~planlib.inputs.problems.Problem.of` those keywords locate the problem.
:func:`text` refuses an unknown code or a missing value, and ``tests/inputs/test_messages.py``
checks that every code used in ``planlib/`` is in the catalogue, every catalogue entry is used,
and every call site passes the values its templates name.

The catalogue is this package: one section file per layer (``inputs.py``, ``plans.py``,
``loans.py``, ``reports.py``), each a dict of code → :class:`Message`; a code is unique across
all of them (checked when the package is imported).
"""

from __future__ import annotations

from planlib.inputs.messages.message import Message


def text(code: str, /, **values: object) -> tuple[str, str]:
    """The (English, Thai) reasons for ``code`` filled with ``values``."""
    try:
        message = CATALOGUE[code]
    except KeyError:
        raise KeyError(f"no message {code!r} in planlib.inputs.messages") from None
    return message.en.format(**values), message.th.format(**values)


from planlib.inputs.messages import inputs, loans, plans, reports  # noqa: E402  (sections need Message first)

CATALOGUE: dict[str, Message] = {}
"""Every message by code."""
for _section in (inputs.MESSAGES, plans.MESSAGES, loans.MESSAGES, reports.MESSAGES):
    _clash = CATALOGUE.keys() & _section.keys()
    if _clash:
        raise RuntimeError(f"message codes defined twice: {sorted(_clash)}")
    CATALOGUE.update(_section)
