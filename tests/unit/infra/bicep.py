"""A reader for the subset of Bicep our templates use, so tests can check resource properties without the Bicep CLI.

Values come back as Python data: quoted strings as `str` (interpolations kept as written, `${name}`), `true`/`false`
as `bool`, whole numbers as `int`, objects as `dict`, arrays as `list`, `for` bodies as `Loop`, and anything else as
`Expr` holding the expression text. Anything the reader does not understand raises `BicepSyntaxError` rather than
being skipped, so a check can never pass on a file it did not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_DECLARATION = re.compile(r"^(?P<kind>resource|module)\s+(?P<name>\w+)\s+'(?P<type>[^']+)'\s*=\s*(?P<rest>.*)$")
_VAR = re.compile(r"^var\s+(?P<name>\w+)\s*=\s*(?P<rest>.*)$")
_PARAM = re.compile(r"^param\s+(?P<name>\w+)\s+\w+(?:\s*=\s*(?P<rest>.*))?$")
_CONDITION = re.compile(r"^if\s*\((?P<condition>.*)\)\s*\{$")
_FOR = re.compile(r"^for\s+(?P<header>.+?):\s*(?P<rest>.*)$")
_PROPERTY = re.compile(r"^(?P<key>'(?:[^'\\]|\\.)*'|[A-Za-z_$][\w$]*)\s*:\s*(?P<rest>.*)$")
_INT = re.compile(r"^-?\d+$")


class BicepSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Expr:
    """A Bicep expression that is not a literal, e.g. `identity.outputs.id` or `union(a, b)`."""

    text: str


@dataclass(frozen=True)
class Loop:
    """`for <header>: <body>` inside an array."""

    header: str
    body: Any


@dataclass(frozen=True)
class Declaration:
    kind: str  # resource, module, var or param
    name: str
    type: str  # resource type with API version, module path, or '' for var/param
    value: Any
    condition: str | None = None


@dataclass
class BicepFile:
    path: Path
    declarations: list[Declaration] = field(default_factory=list)

    def resources(self, type_prefix: str) -> list[Declaration]:
        """Resources whose type (without the API version) is `type_prefix`."""
        return [d for d in self.declarations if d.kind == "resource" and d.type.split("@")[0] == type_prefix]

    def modules(self) -> list[Declaration]:
        return [d for d in self.declarations if d.kind == "module"]

    def var(self, name: str) -> Any:
        for declaration in self.declarations:
            if declaration.kind == "var" and declaration.name == name:
                return declaration.value
        raise KeyError(f"{self.path.name} declares no var {name}")

    def has_var(self, name: str) -> bool:
        return any(d.kind == "var" and d.name == name for d in self.declarations)


def read_bicep(path: Path) -> BicepFile:
    return parse_bicep(path.read_text(encoding="utf-8"), path)


def parse_bicep(text: str, path: Path = Path("<text>")) -> BicepFile:
    lines = [code for code in (_code_of(line).strip() for line in text.splitlines()) if code]
    parsed = BicepFile(path)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("@") or line.startswith("targetScope") or line.startswith("output "):
            i = _skip_expression(lines, i)
            continue
        if match := _DECLARATION.match(line):
            rest, condition = match["rest"], None
            if conditional := _CONDITION.match(rest):
                rest, condition = "{", conditional["condition"].strip()
            value, i = _value(rest, lines, i + 1, path)
            if isinstance(value, list) and len(value) == 1 and isinstance(value[0], Loop):
                value = value[0]
            parsed.declarations.append(Declaration(match["kind"], match["name"], match["type"], value, condition))
            continue
        if match := _VAR.match(line):
            value, i = _value(match["rest"], lines, i + 1, path)
            parsed.declarations.append(Declaration("var", match["name"], "", value))
            continue
        if match := _PARAM.match(line):
            value, i = (_value(match["rest"], lines, i + 1, path) if match["rest"] else (None, i + 1))
            parsed.declarations.append(Declaration("param", match["name"], "", value))
            continue
        raise BicepSyntaxError(f"{path.name}: cannot read top-level line {line!r}")
    return parsed


def _value(rest: str, lines: list[str], i: int, path: Path) -> tuple[Any, int]:
    """The value that starts with `rest`; `i` is the index of the line after it. Returns the value and next index."""
    if rest == "{":
        return _object(lines, i, path)
    if rest == "[":
        return _array(lines, i, path)
    text = rest
    while _depth(text) > 0:
        if i >= len(lines):
            raise BicepSyntaxError(f"{path.name}: unterminated expression {rest!r}")
        text += " " + lines[i]
        i += 1
    return _scalar(text), i


def _object(lines: list[str], i: int, path: Path) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    while i < len(lines):
        line = lines[i]
        if line == "}":
            return result, i + 1
        match = _PROPERTY.match(line)
        if match is None:
            raise BicepSyntaxError(f"{path.name}: cannot read object line {line!r}")
        key = match["key"]
        key = _unquote(key) if key.startswith("'") else key
        if key in result:
            raise BicepSyntaxError(f"{path.name}: property {key} is set twice")
        result[key], i = _value(match["rest"], lines, i + 1, path)
    raise BicepSyntaxError(f"{path.name}: unterminated object")


def _array(lines: list[str], i: int, path: Path) -> tuple[list[Any], int]:
    result: list[Any] = []
    while i < len(lines):
        line = lines[i]
        if line == "]":
            return result, i + 1
        if match := _FOR.match(line):
            body, i = _value(match["rest"], lines, i + 1, path)
            result.append(Loop(match["header"].strip(), body))
            continue
        value, i = _value(line, lines, i + 1, path)
        result.append(value)
    raise BicepSyntaxError(f"{path.name}: unterminated array")


def _scalar(text: str) -> Any:
    text = text.strip()
    if text == "true":
        return True
    if text == "false":
        return False
    if text == "{}":
        return {}
    if text == "[]":
        return []
    if _INT.match(text):
        return int(text)
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'" and _single_string(text):
        return _unquote(text)
    return Expr(text)


def _single_string(text: str) -> bool:
    """True when `text` is one string literal (not `'a' == 'b'`)."""
    closes = [i for i, state in _states(text) if state == "string-end"]
    return closes == [len(text) - 1]


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _code_of(line: str) -> str:
    """The line without its `//` comment (a `//` inside a string, as in a URL, is not a comment)."""
    for i, state in _states(line):
        if state == "comment":
            return line[:i]
    return line


def _depth(text: str) -> int:
    """Open brackets outside strings at the end of `text`."""
    depth = 0
    for i, state in _states(text):
        if state == "code":
            depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(text[i], 0)
    return depth


def _states(text: str) -> list[tuple[int, str]]:
    """Classify each character: code, in a string, string-end, or the start of a comment.

    Strings can hold `${...}` interpolations, which are code again (and may hold strings)."""
    out: list[tuple[int, str]] = []
    stack: list[list[Any]] = [["code", 0]]  # frames: [kind, open braces inside an interpolation]
    i = 0
    while i < len(text):
        char, frame = text[i], stack[-1]
        if frame[0] == "string":
            if char == "\\":
                out += [(i, "string"), (i + 1, "string")]
                i += 2
                continue
            if text.startswith("${", i):
                stack.append(["interpolation", 0])
                out += [(i, "string"), (i + 1, "string")]
                i += 2
                continue
            if char == "'":
                stack.pop()
                out.append((i, "string-end"))
            else:
                out.append((i, "string"))
            i += 1
            continue
        if text.startswith("//", i):
            out.append((i, "comment"))
            return out
        if char == "'":
            stack.append(["string", 0])
            out.append((i, "string"))
        elif frame[0] == "interpolation":
            if char == "{":
                frame[1] += 1
            elif char == "}":
                if frame[1] == 0:
                    stack.pop()
                    out.append((i, "string"))
                    i += 1
                    continue
                frame[1] -= 1
            out.append((i, "string"))  # brackets of an interpolation do not open Bicep blocks
        else:
            out.append((i, "code"))
        i += 1
    return out


def _skip_expression(lines: list[str], i: int) -> int:
    """Skip a decorator, targetScope or output that may span lines (e.g. `@allowed([` ... `])`)."""
    text = lines[i]
    i += 1
    while _depth(text) > 0 and i < len(lines):
        text += " " + lines[i]
        i += 1
    return i
