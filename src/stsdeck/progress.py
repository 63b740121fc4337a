"""Stage messages for long builds: one line per stage, redrawn in place only on a terminal."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Progress:
    """Shows the current stage on `stream`; silent when `quiet`."""

    quiet: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stderr)

    def stage(self, message: str) -> None:
        """Announce a stage: redrawn in place on a terminal, a plain line otherwise."""
        if self.quiet:
            return
        if self.stream.isatty():
            self.stream.write(f"\r\x1b[K{message}…")
        else:
            self.stream.write(f"{message}…\n")
        self.stream.flush()

    def notice(self, message: str) -> None:
        """A line shown even when `quiet` (a wait the user would otherwise not understand)."""
        clear = "\r\x1b[K" if self.stream.isatty() else ""
        self.stream.write(f"{clear}{message}…\n")
        self.stream.flush()

    def done(self) -> None:
        """End the in-place line on a terminal."""
        if not self.quiet and self.stream.isatty():
            self.stream.write("\r\x1b[K")
            self.stream.flush()
