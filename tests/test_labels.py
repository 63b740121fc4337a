"""Labels from the data: only plain named fields are formatted, and `check` refuses what the formatter refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from stsdeck.cli import run
from stsdeck.labels import LabelRefused, format_label, label_fields

from .test_check import edit

PLAIN = "seuls les champs nommés simplement sont permis, comme {n} (ni point, ni crochets, ni numéro)"


def test_plain_fields_with_bounded_formats_are_formatted() -> None:
    assert format_label("{n} {study_word} {{x}} {v:.1f} {name:>6}", n=3, study_word="études", v=2.34, name="a") \
        == "3 études {x} 2.3      a"
    assert label_fields("{range} ({n} {study_word})") == {"range", "n", "study_word"}


@pytest.mark.parametrize("label, reason", [
    ("{studies.__class__.__mro__}", f"champ « {{studies.__class__.__mro__}} » refusé : {PLAIN}"),
    ("{studies[0]}", f"champ « {{studies[0]}} » refusé : {PLAIN}"),
    ("{0}", f"champ « {{0}} » refusé : {PLAIN}"),
    ("{studies!r}", "champ « {studies!r} » refusé : conversion « !r » non permise"),
    ("{studies:>300000000}", "champ « {studies:>300000000} » refusé : largeur 300000000 trop grande (au plus 100)"),
    ("{studies:.999f}", "champ « {studies:.999f} » refusé : précision 999 trop grande (au plus 20)"),
    ("{studies:{n}}", "champ « {studies:{n}} » refusé : format « {n} » invalide"),
    ("{studies", "accolade non fermée ou isolée (écrivez {{ ou }} pour une accolade littérale)"),
])
def test_the_formatter_refuses_more_than_a_plain_name(label: str, reason: str) -> None:
    assert label_fields(label) == reason
    with pytest.raises(LabelRefused) as caught:
        format_label(label, studies=[], n=1)
    assert str(caught.value) == reason


def test_check_refuses_what_the_formatter_refuses(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(data_copy / "deck.yaml", '"{studies} {study_word}, {patients} patients',
         '"{studies.__class__.__mro__} {study_word}, {patients:>300000000} patients')
    edit(data_copy / "deck.yaml", '"Contrôle local à {years} ans', '"Contrôle local à {years:>300000000} ans')
    edit(data_copy / "charts.yaml", '"{name} {value} ({patients} patients)"',
         '"{name.__init__.__globals__} {value} ({patients} patients)"')
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"data/charts.yaml:55: charts.local_control.alt_study: champ « {{name.__init__.__globals__}} » refusé : {PLAIN}",
        f"data/deck.yaml:28: labels.figures_studies: champ « {{studies.__class__.__mro__}} » refusé : {PLAIN}",
        "data/deck.yaml:31: labels.figures_local_control: champ « {years:>300000000} » refusé : largeur 300000000 "
        "trop grande (au plus 100)",
        "3 problème(s) ; rien n'a été écrit."]
