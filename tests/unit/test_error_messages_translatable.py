"""Every domain error's words can be said in the reader's language (issue 12 item 9): a message or hint given to an
error class in ``src/unforgotten`` is a ``Text`` with a literal template (which ``pybabel extract -k Text`` finds),
never an f-string or a bare literal. Values that are another library's words (``hint=str(error)``) or a list of
machine words (``", ".join(...)``) may be passed as they are."""

from __future__ import annotations

import ast
import inspect
import string
from pathlib import Path

import unforgotten.errors as errors

SRC = Path(errors.__file__).resolve().parent
ERRORS = {
    name
    for name, member in vars(errors).items()
    if inspect.isclass(member) and issubclass(member, errors.UnforgottenError)
} | {"_Malformed"}  # planning's reader error, turned into an InputError with its message and hint


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _untranslatable(node: ast.expr) -> bool:
    """An f-string, a bare string literal, or text glued with ``+`` / ``%``: words no catalogue can reach."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _untranslatable(node.left) or _untranslatable(node.right)
    return False


def _offences() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC.parent)
        ours = any(  # sqlalchemy has a Text too
            isinstance(n, ast.ImportFrom)
            and n.module == "unforgotten.errors"
            and any(a.name == "Text" for a in n.names)
            for n in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in ERRORS:
                words = node.args[:1] + [k.value for k in node.keywords if k.arg in ("message", "hint")]
                found += [f"{where}:{node.lineno} {name}: {ast.unparse(w)[:80]}" for w in words if _untranslatable(w)]
            elif name == "Text" and ours:
                template = node.args[0] if node.args else None
                if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
                    found.append(f"{where}:{node.lineno} Text needs a literal template for extraction")
                    continue
                # A placeholder with no value, or a value with no placeholder, fails (or is lost) at run time only.
                fields = {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(template.value) if f}
                if fields != {k.arg for k in node.keywords}:
                    found.append(f"{where}:{node.lineno} Text placeholders {sorted(fields)} do not match its values")
    return found


def test_every_domain_error_is_given_text_not_an_f_string() -> None:
    assert _offences() == []


def test_the_scan_sees_the_sites_it_guards() -> None:
    sample = ast.parse('raise NotFoundError(f"no list {list_id}", hint="see `list`")\nraise InputError(Text(x))')
    names = [_name(n.func) for n in ast.walk(sample) if isinstance(n, ast.Call)]
    assert "NotFoundError" in ERRORS and "InputError" in names
    call = next(n for n in ast.walk(sample) if isinstance(n, ast.Call) and _name(n.func) == "NotFoundError")
    assert _untranslatable(call.args[0]) and _untranslatable(call.keywords[0].value)
    assert not _untranslatable(ast.parse("str(error)", mode="eval").body)
