"""Which error codes a route can answer, read from the code that raises them (``ast``).

Starting from a function (a route handler, a guard, a middleware's method), every project function
it calls or names is followed (services, helpers, nested functions, callbacks), and the refusals
met on the way are collected:

- ``refuse("code", …)`` of an app's catalogue (``REFUSALS`` in its ``errors`` module, see
  :func:`passnum.errors.refusal`): that key's code and status;
- ``DomainError("code", "…", status)`` written with a literal code (and status, 400 if omitted);
- Litestar's exceptions (``NotAuthorizedException``…): the framework's code for their status
  (``passnum.errors.HTTP_CODES``).

A refusal whose code is computed names the codes it can be in a comment on its line:
``refuse(state.value)  # refuses: cancelled, not_issued``. One that does not, or names a key
missing from its catalogue, is listed in :attr:`Reach.problems` (a test keeps that list empty).
This over-approximates (a refusal caught by the caller still counts): the document may list a code
a route never answers in practice, never the reverse for what is written in the code.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import FunctionType, MethodType, ModuleType
from typing import Any

from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers.base import BaseRouteHandler

from passnum.errors import HTTP_CODES, DomainError, Refusals, refusal, wire_code

ANNOTATION = re.compile(r"#\s*refuses:\s*([\w., ]+)")
FOLLOWED_DUNDERS = ("__init__", "__post_init__", "__call__")


@dataclass(frozen=True, order=True)
class Code:
    """One answer a route can give: HTTP status and stable code."""

    status: int
    code: str


@dataclass
class _Facts:
    """What one function's own text says: codes it raises, objects it names."""

    codes: set[Code]
    names: list[Any]
    reads: set[str]  # what it reads of the request's body itself: request.form(), .body()…
    said: set[tuple[Code, str]]  # the catalogue messages of its refusals


def framework_code(exc: type[HTTPException]) -> Code:
    """The code the kernel's handler answers for a framework exception (see http_error_handler)."""
    status = int(exc.status_code)
    if issubclass(exc, ValidationException):
        return Code(status, "invalid")
    return Code(status, HTTP_CODES.get(status, ("error", ""))[0])


class Reach:
    """Follows functions through the project's packages and gathers the codes they can raise.

    ``catalogues``: module name → its ``REFUSALS`` (``{"vouchers.errors": REFUSALS, …}``); the
    module's ``refuse`` (and :func:`passnum.errors.refusal`) are read as refusals, not followed.
    ``packages``: top-level packages whose functions are followed.
    """

    def __init__(self, catalogues: Mapping[str, Refusals], packages: Iterable[str]) -> None:
        self.catalogues = dict(catalogues)
        self.packages = frozenset(packages)
        self.problems: list[str] = []
        self._facts: dict[Any, _Facts] = {}

    # -- what a function reaches -------------------------------------------------------------

    def codes(self, *starts: Any) -> frozenset[Code]:
        """Every code raised by ``starts`` or by anything they call, however deep."""
        return frozenset(c for facts in self._reached(starts) for c in facts.codes)

    def messages(self, *starts: Any) -> frozenset[tuple[Code, str]]:
        """The catalogue messages of the refusals ``starts`` can raise, with their code."""
        return frozenset(m for facts in self._reached(starts) for m in facts.said)

    def reads(self, *starts: Any) -> frozenset[str]:
        """What ``starts`` (or anything they call) read of the request body: "form", "json"…"""
        return frozenset(r for facts in self._reached(starts) for r in facts.reads)

    def _reached(self, starts: tuple[Any, ...]) -> list[_Facts]:
        reached: list[_Facts] = []
        seen: set[Any] = set()
        stack = [s for start in starts for s in self._targets(start)]
        while stack:
            target = stack.pop()
            if target in seen:
                continue
            seen.add(target)
            facts = self._read(target)
            reached.append(facts)
            for named in facts.names:
                stack.extend(t for t in self._targets(named) if t not in seen)
        return reached

    def raised_keys(self, module: ModuleType) -> set[tuple[str, str]]:
        """``(catalogue module, key)`` of every refusal written in ``module``'s own text."""
        keys: set[tuple[str, str]] = set()
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):
            return keys
        tree = ast.parse(source)
        lines = source.splitlines()
        by_identity = {id(refusals): name for name, refusals in self.catalogues.items()}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = self._resolve(node.func, vars(module), None)
                catalogue = self._catalogue_of(callee)
                if catalogue is not None:
                    for key in self._keys(node, catalogue, lines, module.__name__):
                        keys.add((catalogue, key))
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                # REFUSALS["code"]: a refusal class of its own reading its status and message
                catalogue = by_identity.get(id(self._resolve(node.value, vars(module), None)))
                if catalogue is not None and isinstance(node.slice.value, str):
                    keys.add((catalogue, node.slice.value))
        return keys

    # -- following ---------------------------------------------------------------------------

    def _in_project(self, obj: Any) -> bool:
        module = getattr(obj, "__module__", None) or ""
        return module.split(".", 1)[0] in self.packages and module != "passnum.errors"

    def _targets(self, obj: Any) -> list[Any]:
        """The functions to read for an object named in the code (none if it is not ours)."""
        if isinstance(obj, dict):  # a table of functions (field → cleaner…): each may be called
            obj = list(obj.values())
        if isinstance(obj, (list, tuple, set, frozenset)):
            return [t for item in obj if callable(item) for t in self._targets(item)]
        if isinstance(obj, BaseRouteHandler):
            obj = obj.fn
        if isinstance(obj, functools.partial):
            obj = obj.func
        if isinstance(obj, (MethodType, classmethod, staticmethod)):
            obj = obj.__func__
        if isinstance(obj, type):
            if not self._in_project(obj):
                return []
            return [
                m
                for name in FOLLOWED_DUNDERS
                for m in self._targets(obj.__dict__.get(name))
                if name in obj.__dict__
            ]
        if callable(obj) and not isinstance(obj, FunctionType):
            obj = inspect.unwrap(obj) if hasattr(obj, "__wrapped__") else obj
        if not isinstance(obj, FunctionType):
            return []
        obj = inspect.unwrap(obj)
        if not self._in_project(obj) or self._catalogue_of(obj) is not None:
            return []
        return [obj]

    def _read(self, fn: FunctionType) -> _Facts:
        code = fn.__code__
        if code in self._facts:
            return self._facts[code]
        facts = self._facts[code] = _Facts(set(), [], set(), set())
        try:
            source = textwrap.dedent(inspect.getsource(fn))
        except (OSError, TypeError):
            return facts
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return facts
        lines = source.splitlines()
        scope = dict(fn.__globals__)
        scope.update(inspect.getclosurevars(fn).nonlocals if fn.__closure__ else {})
        owner = _owner(fn)
        where = f"{fn.__module__}.{fn.__qualname__}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = self._resolve(node.func, scope, owner)
                if _is_super_init(node) and owner is not None and issubclass(owner, DomainError):
                    callee = DomainError  # a refusal of its own: super().__init__("code", …)
                facts.codes |= self._raised(node, callee, lines, where, facts.said)
                read = _request_read(node)
                if read:
                    facts.reads.add(read)
            if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                named = self._resolve(node, scope, owner)
                if isinstance(named, DomainError):  # a refusal built once: raise NEEDS_SIRET
                    facts.codes.add(Code(named.status_code, named.code))
                elif named is not None:
                    facts.names.append(named)
        return facts

    def _resolve(self, node: ast.expr, scope: Mapping[str, Any], owner: Any) -> Any:
        if isinstance(node, ast.Name):
            return scope.get(node.id)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                base = owner
            else:
                base = self._resolve(node.value, scope, owner)
            if base is None:
                return None
            try:
                return inspect.getattr_static(base, node.attr)
            except AttributeError:
                return None
        return None

    # -- reading a refusal -------------------------------------------------------------------

    def _catalogue_of(self, callee: Any) -> str | None:
        """The catalogue module a refusing function belongs to (its ``refuse``), else None."""
        if callee is refusal:
            return "passnum.errors"
        module = getattr(callee, "__module__", None)
        if getattr(callee, "__name__", None) == "refuse" and module in self.catalogues:
            return module
        return None

    def _raised(
        self, node: ast.Call, callee: Any, lines: list[str], where: str, said: set[tuple[Code, str]]
    ) -> set[Code]:
        catalogue = self._catalogue_of(callee)
        if catalogue is not None:
            refusals = self._refusals(node, catalogue)
            keys = [k for k in self._keys(node, catalogue, lines, where) if k in refusals]
            said |= {(Code(refusals[k][0], wire_code(k)), refusals[k][1]) for k in keys}
            return {Code(refusals[k][0], wire_code(k)) for k in keys}
        if isinstance(callee, type) and issubclass(callee, DomainError):
            if callee.__init__ is not DomainError.__init__:
                return set()  # a refusal class of its own: its __init__ is followed
            codes = self._inline(node, lines, where)
            said |= {(c, m) for c in codes for m in self._messages_of(c)}
            return codes
        if isinstance(callee, type) and issubclass(callee, HTTPException):
            return {framework_code(callee)}
        return set()

    def _refusals(self, node: ast.Call, catalogue: str) -> Refusals:
        if catalogue == "passnum.errors":  # refusal(REFUSALS, "code"): whose REFUSALS is unknown
            merged: dict[str, tuple[int, str]] = {}
            for refusals in self.catalogues.values():
                merged.update(refusals)
            return merged
        return self.catalogues[catalogue]

    def _keys(self, node: ast.Call, catalogue: str, lines: list[str], where: str) -> list[str]:
        position = 1 if catalogue == "passnum.errors" else 0
        args = node.args[position : position + 1]
        refusals = self._refusals(node, catalogue)
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            keys = [args[0].value]
        else:
            keys = _annotated(node, lines)
            if keys is None:
                self.problems.append(f"{where}: refusal code not written out (add # refuses: …)")
                return []
        for key in keys:
            if key not in refusals:
                self.problems.append(f"{where}: {key!r} is not in the catalogue {catalogue}")
        return keys

    def _messages_of(self, code: Code) -> list[str]:
        """The catalogue messages of a code written inline (a refusal class reading REFUSALS)."""
        return [
            message
            for refusals in self.catalogues.values()
            for key, (status, message) in refusals.items()
            if key == code.code and status == code.status
        ]

    def _status_of(self, key: object) -> int | None:
        """The status a catalogue gives ``key``, if one has it."""
        for refusals in self.catalogues.values():
            if isinstance(key, str) and key in refusals:
                return refusals[key][0]
        return None

    def _inline(self, node: ast.Call, lines: list[str], where: str) -> set[Code]:
        status_node: ast.expr | None = node.args[2] if len(node.args) > 2 else None
        for keyword in node.keywords:
            if keyword.arg == "status_code":
                status_node = keyword.value
        first = node.args[0] if node.args else None
        status = 400
        if status_node is not None:
            if isinstance(status_node, ast.Constant) and isinstance(status_node.value, int):
                status = status_node.value
            elif isinstance(first, ast.Constant) and self._status_of(first.value) is not None:
                status = self._status_of(first.value) or 400  # REFUSALS[code] read by the caller
            else:
                self.problems.append(f"{where}: DomainError with a computed status")
                return set()
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return {Code(status, first.value)}
        codes = _annotated(node, lines)
        if codes is None:
            self.problems.append(f"{where}: DomainError code not written out (add # refuses: …)")
            return set()
        return {Code(status, c) for c in codes}


def _request_read(node: ast.Call) -> str:
    """ "form" for ``request.form()`` (and body, json, stream), else ""."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in ("body", "form", "json", "stream")
        and isinstance(func.value, ast.Name)
        and func.value.id == "request"
    ):
        return func.attr
    return ""


def _is_super_init(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


def _annotated(node: ast.Call, lines: list[str]) -> list[str] | None:
    """The codes named by ``# refuses: a, b`` on the lines of a call, or None."""
    end = getattr(node, "end_lineno", None) or node.lineno
    for line in lines[node.lineno - 1 : end]:
        match = ANNOTATION.search(line)
        if match:
            return [c.strip() for c in match[1].split(",") if c.strip()]
    return None


def _owner(fn: FunctionType) -> Any:
    """The class a method is defined in (for ``self.x``), or None."""
    parts = fn.__qualname__.split(".")
    if len(parts) < 2 or "<locals>" in parts:
        return None
    owner: Any = inspect.getmodule(fn)
    for part in parts[:-1]:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    return owner if isinstance(owner, type) else None
