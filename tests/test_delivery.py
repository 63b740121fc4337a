"""Delivery: the CI workflow parses, runs the README's commands and uploads the deck."""

from __future__ import annotations

import re

import yaml

from .conftest import ROOT


def readme_commands() -> list[str]:
    """The shell commands of the README's code blocks."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines() if line]


def test_workflow_parses_and_runs_the_readme_commands() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deck.yml").read_text(encoding="utf-8"))
    on = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert on["push"]["paths"] == ["data/**", "templates/**"]
    steps = workflow["jobs"]["deck"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    setup, tests = readme_commands()[:2]
    assert setup in runs and tests in runs
    assert ".venv/bin/stsdeck check --strict" in runs and ".venv/bin/stsdeck build --strict" in runs
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"].split() == ["build/*.pptx", "build/*.pdf", "build/CHANGES.md"]


def test_ci_script_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in script.splitlines()
