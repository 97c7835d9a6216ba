"""Route templates of HTTP triggers (`items/{id:int}/{name?}`, `files/{*path}`) and how a path picks one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import unquote

T = TypeVar("T")

_PARAM = re.compile(r"\{([^{}]+)\}")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$|^\{[0-9a-fA-F-]{36}\}$")

# The constraints the Functions host (ASP.NET routing) documents for route templates; unknown ones match anything,
# which is what a local host can afford: Azure still enforces them.
_CONSTRAINTS: dict[str, Callable[[str], bool]] = {
    "int": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "long": lambda v: re.fullmatch(r"-?\d+", v) is not None,
    "bool": lambda v: v.lower() in ("true", "false"),
    "alpha": lambda v: re.fullmatch(r"[A-Za-z]+", v) is not None,
    "guid": lambda v: _GUID.match(v) is not None,
    "double": lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
    "float": lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
    "decimal": lambda v: re.fullmatch(r"-?\d+(\.\d+)?", v) is not None,
}

# Precedence per segment, lower is more specific: literals win over parameters, catch-alls come last.
_LITERAL, _CONSTRAINED, _PARAMETER, _OPTIONAL, _CATCH_ALL = range(5)


@dataclass(frozen=True)
class _Param:
    name: str
    constraints: tuple[str, ...]
    optional: bool
    catch_all: bool

    @classmethod
    def parse(cls, text: str) -> _Param:
        catch_all = text.startswith("*")
        text = text.lstrip("*")
        optional = text.endswith("?")
        text = text.rstrip("?").split("=", 1)[0]
        name, *constraints = text.split(":")
        return cls(name=name, constraints=tuple(c.split("(", 1)[0].lower() for c in constraints),
                   optional=optional or catch_all, catch_all=catch_all)

    def accepts(self, value: str) -> bool:
        return all(_CONSTRAINTS.get(c, lambda _v: True)(value) for c in self.constraints)


@dataclass(frozen=True)
class RouteTemplate:
    """One HTTP trigger's route, compiled once; `match` gives its route params or None."""

    template: str
    pattern: re.Pattern[str]
    params: tuple[_Param, ...]
    precedence: tuple[int, ...]

    @classmethod
    def compile(cls, template: str) -> RouteTemplate:
        segments = [s for s in template.strip("/").split("/") if s]
        regex, params, precedence = "", [], []
        for segment in segments:
            whole = _PARAM.fullmatch(segment)
            if whole:
                param = _Param.parse(whole.group(1))
                params.append(param)
                value = "(?P<{}>.*)" if param.catch_all else "(?P<{}>[^/]+)"
                group = value.format(_group_name(len(params) - 1))
                regex += f"(?:/{group})?" if param.optional else f"/{group}"
                precedence.append(_rank(param))
                continue
            # A segment mixing literals and parameters (`file.{ext}`): parameters take what their literals leave.
            parts, last = [], 0
            for found in _PARAM.finditer(segment):
                parts.append(re.escape(segment[last:found.start()]))
                params.append(_Param.parse(found.group(1)))
                parts.append(f"(?P<{_group_name(len(params) - 1)}>[^/]+?)")
                last = found.end()
            parts.append(re.escape(segment[last:]))
            regex += "/" + "".join(parts)
            precedence.append(_LITERAL if last == 0 else _CONSTRAINED)
        pattern = re.compile(f"^{regex}/?$", re.IGNORECASE)
        return cls(template=template, pattern=pattern, params=tuple(params), precedence=tuple(precedence))

    def match(self, path: str) -> dict[str, str] | None:
        """`path` is the part after the route prefix, starting with `/` (or empty)."""
        found = self.pattern.match(path)
        if found is None:
            return None
        values: dict[str, str] = {}
        for index, param in enumerate(self.params):
            raw = found.group(_group_name(index))
            if raw is None or (param.catch_all and raw == ""):
                continue
            value = unquote(raw)
            if not param.accepts(value):
                return None
            values[param.name] = value
        return values


@dataclass
class RouteTable(Generic[T]):
    """Routes in precedence order: the most specific template that matches the path wins."""

    entries: list[tuple[RouteTemplate, T]] = field(default_factory=list)

    def add(self, template: str, target: T) -> None:
        self.entries.append((RouteTemplate.compile(template), target))
        self.entries.sort(key=lambda entry: (entry[0].precedence, -len(entry[0].precedence)))

    def candidates(self, path: str) -> Iterable[tuple[T, dict[str, str]]]:
        for template, target in self.entries:
            params = template.match(path)
            if params is not None:
                yield target, params


def _group_name(index: int) -> str:
    return f"p{index}"


def _rank(param: _Param) -> int:
    if param.catch_all:
        return _CATCH_ALL
    if param.optional:
        return _OPTIONAL
    return _CONSTRAINED if param.constraints else _PARAMETER
