"""`stsdeck build --watch`: rebuild whenever a data or template file is saved (watchfiles)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import BuildConfig


def watched_folders(config: BuildConfig) -> list[Path]:
    """The data folder and every template folder the build reads."""
    from .themes import template_chain

    return [config.data, *template_chain(config.template)]


def watch(config: BuildConfig, rebuild: Callable[[], int], stop: Callable[[], bool] | None = None) -> int:
    """Build now, then after every change under the watched folders until interrupted or `stop()`;
    the workers' libraries are loaded here after the first build, for every later build's workers."""
    from watchfiles import watch as changes

    from .warm import load_libraries

    rebuild()
    load_libraries(config.formats)
    folders = [str(f) for f in watched_folders(config)]
    print(f"Surveillance de {', '.join(folders)} (Ctrl+C pour arrêter)")
    try:
        for _ in changes(*folders, debounce=300, step=50, rust_timeout=500, yield_on_timeout=True,
                         watch_filter=lambda _change, path: not Path(path).name.startswith(".")):
            if stop is not None and stop():
                return 0
            if _:
                rebuild()
    except KeyboardInterrupt:
        pass
    return 0
