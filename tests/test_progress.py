"""Progress messages: plain lines off a terminal, nothing with --quiet."""

from __future__ import annotations

import io

from stsdeck.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_without_control_characters_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream=stream)
    progress.stage("Mise en page des diapositives")
    progress.stage("Écriture")
    progress.done()
    assert stream.getvalue() == "Mise en page des diapositives…\nÉcriture…\n"


def test_redrawn_in_place_on_a_terminal() -> None:
    stream = Terminal()
    progress = Progress(stream=stream)
    progress.stage("Écriture")
    progress.done()
    assert stream.getvalue() == "\r\x1b[KÉcriture…\r\x1b[K"


def test_quiet_prints_nothing() -> None:
    stream = Terminal()
    Progress(quiet=True, stream=stream).stage("Écriture")
    assert stream.getvalue() == ""
