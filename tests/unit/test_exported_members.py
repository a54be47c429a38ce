"""The public API is what we mean: every package's ``__all__`` names things that exist, once each, and the engines
export exactly the names their users rely on (a rename or a removal breaks a test, not a user's script)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import unforgotten

PACKAGES = sorted(
    name for _, name, is_package in pkgutil.walk_packages(unforgotten.__path__, "unforgotten.") if is_package
)
ENGINE_EXPORTS = {
    "unforgotten.ingest": {"read_file", "load_mapping", "write_pfif", "ParsedRow", "ReadResult", "RowStatus"},
    "unforgotten.linkage": {"link_lists", "dedupe_list", "link_into_persons", "LinkageModel", "DEFAULT_THRESHOLD"},
    "unforgotten.names": {"name_keys", "phonetic_key", "given_name_group", "patronymic_group", "transliterate"},
    "unforgotten.rules": {"evaluate", "validate_rule", "Facts", "Verdict"},
    "unforgotten.scenario": {"generate", "write_scenario", "linkage_pair", "ScenarioConfig"},
}


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist_once(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    for attribute in exported:
        assert hasattr(module, attribute), f"{name}.__all__ names {attribute!r}, which does not exist"


@pytest.mark.parametrize(("name", "expected"), sorted(ENGINE_EXPORTS.items()))
def test_engines_export_what_users_rely_on(name: str, expected: set[str]) -> None:
    assert expected <= set(importlib.import_module(name).__all__)


@pytest.mark.parametrize("name", sorted(ENGINE_EXPORTS))
def test_engines_import_neither_sqlalchemy_nor_fastapi(name: str) -> None:
    import sys

    for module_name in [m for m in sys.modules if m.startswith(name)]:
        module = sys.modules[module_name]
        source = getattr(module, "__file__", "") or ""
        if source.endswith(".py"):
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
            assert "import sqlalchemy" not in text and "from sqlalchemy" not in text, module_name
            assert "fastapi" not in text, module_name
