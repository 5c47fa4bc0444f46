"""Every action the code records in the audit trail, and every detail it names, reads in French
on the history pages: a new audit.record(…) with a code nobody translated fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import composition.app  # noqa: F401 - imports every app, which describe their own fields
from passnum import audit_view, vocabulary

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["src/passnum", "organisations", "vouchers", "equipment", "reimbursements", "reporting"]


def recorded() -> list[tuple[str, str, str, list[str]]]:
    """(file:line, action, entity, keys of a literal ``changes``) of each audit.record/values."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "piccolo_migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("record", "values")
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit"
                ):
                    continue
                args = node.args
                action = args[1].value if isinstance(args[1], ast.Constant) else None
                entity = args[2].value if isinstance(args[2], ast.Constant) else ""
                keys = []
                if len(args) > 4 and isinstance(args[4], ast.Dict):
                    keys = [k.value for k in args[4].keys if isinstance(k, ast.Constant)]
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append((where, action, entity, keys))
    return found


def test_every_recorded_action_and_detail_has_french_words() -> None:
    calls = recorded()
    assert len(calls) > 20
    untranslated = [
        (where, action)
        for where, action, _, _ in calls
        if action is not None and vocabulary.label("audit_action", action) == action
    ]
    assert untranslated == []
    unlabelled = [
        (where, key)
        for where, _, entity, keys in calls
        for key in keys
        if audit_view.field_of(entity, key).label == key.replace("_", " ")
        and key not in ("beneficiary",)
    ]
    assert unlabelled == []
