"""Delivery: one install recipe for the README, .ci/run and the workflows; the workflows parse and publish the deck."""

from __future__ import annotations

import re
import shlex
from typing import Any

import yaml

from stsdeck.project import FILES

from .conftest import ROOT

SETUP = "bash tools/setup.sh"


def readme_commands(section: str) -> list[str]:
    """The shell commands of the README's code blocks in the section titled `section`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert body, section
    return [line for block in re.findall(r"```sh\n(.*?)```", body.group(1), re.S) for line in block.splitlines() if line]


def workflow(path: Any) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def runs(flow: dict[str, Any], job: str) -> list[str]:
    return [step["run"] for step in flow["jobs"][job]["steps"] if "run" in step]


def uploaded(flow: dict[str, Any], job: str) -> list[str]:
    upload = next(s for s in flow["jobs"][job]["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    return upload["with"]["path"].split()


def setup_packages(name: str) -> list[str]:
    """A package list of tools/setup.sh (RUNTIME or TESTS)."""
    script = (ROOT / "tools" / "setup.sh").read_text(encoding="utf-8")
    return shlex.split(re.search(rf"^{name}=\((.*)\)$", script, re.M).group(1))


def test_the_contributor_commands_are_the_recipe_then_the_tests() -> None:
    setup, tests = readme_commands("Contribuer : deux commandes")
    assert setup == f"{SETUP} && .venv/bin/stsdeck build"
    assert tests == ".venv/bin/python -m pytest"


def test_the_user_commands_install_then_make_a_review() -> None:
    install = readme_commands("Installer stsdeck (Debian/Ubuntu, Python ≥ 3.11)")
    assert any(line.startswith(f"{SETUP} --runtime") for line in install) and "pipx install ." in install
    assert readme_commands("Une revue, un dossier") == ["stsdeck new ma-revue --example && cd ma-revue && stsdeck build"]


def test_ci_script_runs_the_recipe_then_exactly_the_readme_test_command() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert SETUP in lines and readme_commands("Contribuer : deux commandes")[1] in lines
    assert lines.index(SETUP) < lines.index(".venv/bin/python -m pytest")
    assert not [line for line in lines if "apt-get" in line or "pip install" in line]  # the recipe's job


def test_the_recipe_installs_every_system_package_the_tests_need() -> None:
    assert setup_packages("RUNTIME") == ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"]
    assert {"libreoffice-impress", "poppler-utils", "fonts-liberation2", "python3-venv"} <= set(setup_packages("TESTS"))
    assert ".venv/bin/pip install -q -e '.[test]'" in (ROOT / "tools" / "setup.sh").read_text(encoding="utf-8")


def test_the_test_workflow_runs_ci_on_every_push_and_pull_request() -> None:
    flow = workflow(ROOT / ".github" / "workflows" / "ci.yml")
    on = flow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert on["push"] is None and on["pull_request"] is None  # no branch or path filter
    assert runs(flow, "tests") == ["bash .ci/run"]


def test_the_deck_workflow_builds_the_example_with_the_readme_command_and_uploads_it() -> None:
    flow = workflow(ROOT / ".github" / "workflows" / "deck.yml")
    assert "src/stsdeck/**" in flow[True]["push"]["paths"]
    assert runs(flow, "deck") == [readme_commands("Contribuer : deux commandes")[0], ".venv/bin/stsdeck check --strict"]
    assert uploaded(flow, "deck") == ["build/*.pptx", "build/*.pdf", "build/CHANGES.md"]


def test_a_review_workflow_installs_from_its_requirements_checks_builds_and_uploads() -> None:
    flow = workflow(FILES / ".github" / "workflows" / "deck.yml")
    assert {"data/**", "templates/**", "requirements.txt"} <= set(flow[True]["push"]["paths"])
    install, check, build = runs(flow, "deck")
    assert install.splitlines()[-1] == "python -m pip install -r requirements.txt"
    apt = next(line for line in install.splitlines() if "apt-get install" in line)
    assert [word for word in apt.split("install", 1)[1].split() if not word.startswith("-")] == setup_packages("RUNTIME")
    assert (check, build) == ("stsdeck check --strict", "stsdeck build --quiet")
    assert uploaded(flow, "deck") == ["build/*.pptx", "build/*.pdf", "build/CHANGES.md"]
