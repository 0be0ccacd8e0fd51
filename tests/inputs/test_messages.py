"""The message catalogue against the code that raises its messages.

An AST walk over ``planlib/`` finds every place a problem message is raised by code:
``Problem.of(severity, table, code, …)``, ``checks.located(dataset, severity, code, …)``,
``ThaiValueError(code, …)``, ``messages.text(code, …)``, and the module's own helpers that pass a
``code`` parameter on to one of those (``read._error``, ``load.normalise_table``'s ``add``…). Then:

* every code raised exists in :data:`planlib.inputs.messages.CATALOGUE`;
* every catalogue entry, of every section, is used somewhere in ``planlib/``;
* every template field is a value passed at each call site that names the code (checked where
  the values can be read from the source: keywords, and ``**`` of a dict written in the function);
* every entry has English and Thai text, and the Thai text is Thai.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from planlib.inputs import messages
from planlib.inputs.messages.message import Message

PLANLIB = Path(__file__).resolve().parents[2] / "planlib"
CATALOGUE_DIR = PLANLIB / "inputs" / "messages"
LOCATION = frozenset({"file", "sheet", "row", "column", "value"})
"""Keywords of ``Problem.of`` that locate a problem; they never fill a template."""


@dataclass(frozen=True)
class Emitter:
    """A callable that raises a catalogue message: where its code argument is and which keywords are values."""

    code_index: int
    not_values: frozenset[str]  # keywords that are not template values
    open_values: bool = True  # False: the callable takes no ``**values`` (its template values are unknown)


DIRECT = {
    "of": Emitter(2, LOCATION),  # Problem.of(severity, table, code, *, file, sheet, row, column, value, **values)
    "located": Emitter(2, frozenset()),  # checks.located(dataset, severity, code, table, row, column, value, **values)
    "ThaiValueError": Emitter(0, frozenset()),
    "text": Emitter(0, frozenset()),  # messages.text(code, **values)
}


@dataclass(frozen=True)
class Site:
    """One call that raises a message code (``code`` is None when it is not written in the source)."""

    path: str
    line: int
    codes: tuple[str, ...]
    values: frozenset[str] | None  # None when the values passed cannot be read from the source
    emitter: str


def _callee(call: ast.Call) -> tuple[str, ast.expr | None]:
    """The called name and, for ``x.name(...)``, the receiver ``x``."""
    if isinstance(call.func, ast.Name):
        return call.func.id, None
    if isinstance(call.func, ast.Attribute):
        return call.func.attr, call.func.value
    return "", None


def _is_direct(call: ast.Call, text_imported: bool) -> str | None:
    name, receiver = _callee(call)
    if name == "of":
        receiver_name = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
        return "of" if receiver_name == "Problem" else None
    if name in ("located", "ThaiValueError"):
        return name
    if name == "text":
        return (
            "text"
            if (isinstance(receiver, ast.Name) and receiver.id == "messages") or (receiver is None and text_imported)
            else None
        )
    return None


def _parameters(func: ast.FunctionDef) -> tuple[list[str], set[str], bool]:
    """Positional parameter names, every named parameter, and whether it takes ``**kwargs``."""
    positional = [a.arg for a in func.args.posonlyargs + func.args.args]
    named = set(positional) | {a.arg for a in func.args.kwonlyargs}
    return positional, named, func.args.kwarg is not None


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node  # type: ignore[misc]


def _enclosing(tree: ast.AST) -> dict[ast.AST, ast.FunctionDef]:
    """Each call's innermost enclosing function."""
    owner: dict[ast.AST, ast.FunctionDef] = {}
    for func in sorted(_functions(tree), key=lambda f: f.lineno):
        for node in ast.walk(func):
            owner[node] = func  # inner functions come later and overwrite
    return owner


def _assigned(func: ast.FunctionDef | None, name: str, line: int) -> ast.expr | None:
    """The expression last assigned to ``name`` in ``func`` before ``line`` (``a, b = x, y`` element-wise)."""
    found: list[tuple[int, ast.expr]] = []
    if func is None:
        return None
    for node in ast.walk(func):
        if not isinstance(node, ast.Assign) or node.lineno > line:
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                found.append((node.lineno, node.value))
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for t, v in zip(target.elts, node.value.elts):
                    if isinstance(t, ast.Name) and t.id == name:
                        found.append((node.lineno, v))
    return max(found, key=lambda pair: pair[0])[1] if found else None


def _literal_codes(node: ast.expr, func: ast.FunctionDef | None) -> tuple[str, ...] | None:
    """The code(s) an argument can be: a string, ``"a" if c else "b"``, or a local name assigned those."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_codes(node.body, func), _literal_codes(node.orelse, func)
        return body + orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.Name):
        value = _assigned(func, node.id, node.lineno)
        return None if value is None else _literal_codes(value, func)
    return None


def _dict_keys(node: ast.expr, func: ast.FunctionDef | None) -> set[str] | None:
    """Constant keys of a dict literal, or of a local name assigned one; None when unknown."""
    if isinstance(node, ast.Dict):
        if all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
            return {k.value for k in node.keys}  # type: ignore[union-attr]
        return None
    if isinstance(node, ast.Name):
        value = _assigned(func, node.id, node.lineno)
        return None if value is None else _dict_keys(value, func)
    return None


def _values(call: ast.Call, emitter: Emitter, func: ast.FunctionDef | None) -> frozenset[str] | None:
    if not emitter.open_values:
        return None
    names: set[str] = set()
    for keyword in call.keywords:
        if keyword.arg is None:
            keys = _dict_keys(keyword.value, func)
            if keys is None:
                return None
            names |= keys
        elif keyword.arg not in emitter.not_values:
            names.add(keyword.arg)
    return frozenset(names)


def _sites_in(path: Path) -> Iterator[Site]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    text_imported = any(
        isinstance(n, ast.ImportFrom)
        and n.module == "planlib.inputs.messages"
        and any(a.name == "text" for a in n.names)
        for n in ast.walk(tree)
    )
    owner = _enclosing(tree)
    # this module's helpers that pass a `code` parameter on to an emitter, to a fixed point (helpers of helpers)
    helpers: dict[str, Emitter] = {}
    changed = True
    while changed:
        changed = False
        for func in _functions(tree):
            if func.name in helpers:
                continue
            positional, named, open_values = _parameters(func)
            for call in ast.walk(func):
                if not isinstance(call, ast.Call):
                    continue
                kind = _is_direct(call, text_imported)
                emitter = (
                    DIRECT[kind] if kind else helpers.get(_callee(call)[0]) if isinstance(call.func, ast.Name) else None
                )
                if emitter is None or len(call.args) <= emitter.code_index:
                    continue
                argument = call.args[emitter.code_index]
                if isinstance(argument, ast.Name) and argument.id in positional and owner.get(call) is func:
                    helpers[func.name] = Emitter(positional.index(argument.id), frozenset(named), open_values)
                    changed = True
                    break
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        kind = _is_direct(call, text_imported)
        name = kind or (_callee(call)[0] if isinstance(call.func, ast.Name) and _callee(call)[0] in helpers else "")
        if not name:
            continue
        emitter = DIRECT[kind] if kind else helpers[name]
        if len(call.args) <= emitter.code_index or any(isinstance(a, ast.Starred) for a in call.args):
            continue
        func = owner.get(call)
        codes = _literal_codes(call.args[emitter.code_index], func)
        if codes is not None:
            where = str(path.relative_to(PLANLIB.parent))
            yield Site(where, call.lineno, codes, _values(call, emitter, func), name)
    # (code, {values}) pairs written as data, e.g. load._parse_cell's reasons
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            first, second = node.elts
            if isinstance(first, ast.Constant) and first.value in messages.CATALOGUE and isinstance(second, ast.Dict):
                keys = _dict_keys(second, owner.get(node))
                where = str(path.relative_to(PLANLIB.parent))
                yield Site(where, node.lineno, (first.value,), None if keys is None else frozenset(keys), "pair")


def _source_files() -> list[Path]:
    return sorted(p for p in PLANLIB.rglob("*.py") if CATALOGUE_DIR not in p.parents)


SITES = [site for path in _source_files() for site in _sites_in(path)]


def _fields(template: str) -> set[str]:
    """The value names a :meth:`str.format` template uses (``{raw!r}`` → ``raw``, ``{total:g}`` → ``total``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def test_the_walk_finds_the_call_sites_of_every_kind() -> None:
    """Guards the walk itself: it sees direct calls and helpers, in this layer's modules."""
    kinds = {site.emitter for site in SITES}
    assert {"of", "located", "ThaiValueError", "text", "_error", "add", "pair"} <= kinds, kinds
    files = {site.path for site in SITES}
    assert {"planlib/inputs/thai.py", "planlib/inputs/read.py", "planlib/inputs/load.py"} <= files
    assert ("planlib/inputs/load.py", ("missing_table_for_report", "missing_table_needed")) in {
        (s.path, s.codes) for s in SITES
    }


def test_every_code_raised_is_in_the_catalogue() -> None:
    unknown = [f"{s.path}:{s.line} {code}" for s in SITES for code in s.codes if code not in messages.CATALOGUE]
    assert not unknown, "codes raised but not in planlib.inputs.messages:\n" + "\n".join(unknown)


def test_every_catalogue_entry_is_used() -> None:
    """A code is used when planlib's source (outside the catalogue) writes it as a string, in any section."""
    written = {
        node.value
        for path in _source_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    unused = sorted(set(messages.CATALOGUE) - written)
    assert not unused, f"catalogue entries that nothing in planlib/ raises: {unused}"


def test_every_template_field_is_passed_at_every_call_site() -> None:
    missing = []
    for site in SITES:
        if site.values is None:
            continue
        for code in site.codes:
            if code not in messages.CATALOGUE:
                continue  # reported by test_every_code_raised_is_in_the_catalogue
            message = messages.CATALOGUE[code]
            lacking = (_fields(message.en) | _fields(message.th)) - site.values
            if lacking:
                missing.append(f"{site.path}:{site.line} {code} needs {sorted(lacking)}, gets {sorted(site.values)}")
    assert not missing, "template fields not passed:\n" + "\n".join(missing)


def test_thai_value_error_templates_leave_the_location_names_free() -> None:
    """A cell error's values go to ``Problem.of`` beside file/sheet/row/column/value: no field may take those names."""
    cell_codes = {code for site in SITES if site.emitter == "ThaiValueError" for code in site.codes}
    assert len(cell_codes) >= 15
    clashes = {
        code: sorted((_fields(m.en) | _fields(m.th)) & LOCATION)
        for code, m in messages.CATALOGUE.items()
        if code in cell_codes and (_fields(m.en) | _fields(m.th)) & LOCATION
    }
    assert not clashes, clashes
    cell_sites = [s for s in SITES if s.emitter == "ThaiValueError" and s.values is not None]
    passed = [f"{s.path}:{s.line} {sorted(s.values & LOCATION)}" for s in cell_sites if s.values & LOCATION]
    assert not passed, "ThaiValueError given a location name as a value:\n" + "\n".join(passed)


@pytest.mark.parametrize("code", sorted(messages.CATALOGUE))
def test_entry_has_english_and_thai_text_that_formats(code: str) -> None:
    message = messages.CATALOGUE[code]
    assert isinstance(message, Message)
    assert message.en.strip() and message.th.strip()
    assert any("\u0e01" <= ch <= "\u0e5b" for ch in message.th), f"{code}: the Thai text has no Thai"
    assert message.en != message.th
    sample: dict[str, object] = {}
    for template in (message.en, message.th):
        for _, field, spec, _ in string.Formatter().parse(template):
            if field is not None:
                kind = spec[-1:] if spec[-1:].isalpha() else ""
                sample[field] = (
                    1234 if kind in ("d", "n", "x", "X", "o", "b", "c") and kind else 1234.5 if spec else "x"
                )
    en, th = messages.text(code, **sample)
    # every field filled: the only braces left are the template's escaped ones ({{C1: 2}} → {C1: 2})
    assert en.count("{") == message.en.count("{{") and th.count("{") == message.th.count("{{")


def test_text_refuses_an_unknown_code_and_a_missing_value() -> None:
    with pytest.raises(KeyError, match="no_such_code"):
        messages.text("no_such_code")
    with pytest.raises(KeyError, match="raw"):
        messages.text("bad_value_not_a_number")
    assert messages.text("bad_value_not_a_number", raw="๑๒x") == ("not a number: '๑๒x'", "ไม่ใช่ตัวเลข: '๑๒x'")


THAI = re.compile("[\u0e00-\u0e7f]")
NOT_YET_CATALOGUED: frozenset[str] = frozenset()
"""Modules that still raise inline English / Thai prose (none left: every raise takes its words from the catalogue)."""


def _old_pattern(source: str, where: str) -> list[str]:
    """The ways messages were written before the catalogue, by line: a module's own ``Message`` entries
    (``X_MESSAGES`` dicts and their ``x_text`` helpers) and Thai prose written into a ``raise``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "planlib.inputs.messages.message":
            found.append((node.lineno, "imports Message: its entries belong in planlib/inputs/messages/"))
        elif isinstance(node, ast.Call) and _callee(node)[0] == "Message":
            found.append((node.lineno, "builds a Message outside the catalogue"))
        elif isinstance(node, ast.Raise) and node.exc is not None and where not in NOT_YET_CATALOGUED:
            prose = [n for n in ast.walk(node.exc) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            if any(THAI.search(n.value) for n in prose):
                found.append((node.lineno, "raises Thai prose written inline: give it a code in the catalogue"))
    return [f"{where}:{line} {what}" for line, what in sorted(found)]


def test_no_messages_written_outside_the_catalogue() -> None:
    """Problem messages come from one catalogue: no module keeps its own Message dict, none raises inline Thai."""
    found = [
        line
        for path in _source_files()
        for line in _old_pattern(path.read_text(encoding="utf-8"), str(path.relative_to(PLANLIB.parent)))
    ]
    assert not found, "\n".join(found)


def test_the_old_pattern_check_sees_a_local_catalogue_and_inline_prose() -> None:
    """Guards the check above on the two forms it replaced (``cli.CLI_MESSAGES``, ``templates._plain_text``)."""
    source = (
        "from planlib.inputs.messages.message import Message\n"
        "CLI_MESSAGES = {'x': Message(en='x', th='เอ็กซ์')}\n"
        "def check(value):\n"
        "    raise ValueError(f'is longer than 500 characters / ยาวเกิน 500 ตัวอักษร: {value}')\n"
    )
    assert _old_pattern(source, "planlib/reports/probe.py") == [
        "planlib/reports/probe.py:1 imports Message: its entries belong in planlib/inputs/messages/",
        "planlib/reports/probe.py:2 builds a Message outside the catalogue",
        "planlib/reports/probe.py:4 raises Thai prose written inline: give it a code in the catalogue",
    ]
    assert _old_pattern("raise ValueError(' / '.join(text('unknown_template_known', known='swot')))", "x.py") == []
