"""YAML loading: libyaml (fast) and the pure-Python parser give the same records."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stsdeck import load

from .conftest import DATA


def test_libyaml_is_used_when_available() -> None:
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML sans libyaml")
    assert load._fast_parse("a: 1\n") is not None


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")), ids=lambda p: p.name)
def test_fast_and_pure_python_records_are_equal(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML sans libyaml : un seul analyseur")
    assert load._fast_parse(path.read_text(encoding="utf-8")) is not None
    fast, fast_problems = load.load_yaml(path, DATA.parent)
    monkeypatch.setattr(load, "_fast_parse", lambda text: None)
    pure, pure_problems = load.load_yaml(path, DATA.parent)
    assert (fast.data, fast.lines, fast.raw, fast_problems) == (pure.data, pure.lines, pure.raw, pure_problems)


def test_a_tab_or_control_character_goes_to_the_pure_python_parser() -> None:
    assert load._fast_parse("a: b\tc\n") is None
    assert load._fast_parse("a: b\x07\n") is None
