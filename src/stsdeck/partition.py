"""Items in order over pages: as few pages as fit, the tallest page as short as it can be, then the
shortest as tall as it can be (a linear partition; an item is never cut)."""

from __future__ import annotations


def balanced_pages(heights: list[int], room: int, count: int | None = None) -> list[list[int]]:
    """Indexes of `heights` grouped into the fewest pages of at most `room` (an item taller than the
    room gets a page of its own), or into `count` pages if that is more (and there are enough items),
    spread so that the pages are as even as the items allow."""
    if not heights:
        return [[]]
    count = max(len(_greedy(heights, room)), min(count or 0, len(heights)))
    top = _least_top(heights, count, room)
    low, high = 0, min(top, sum(heights) // count)
    while low < high:  # the tallest shortest page that still leaves `count` pages under `top`
        middle = (low + high + 1) // 2
        low, high = (middle, high) if _split(heights, count, middle, top) else (low, middle - 1)
    return _split(heights, count, low, top) or _greedy(heights, top)


def _greedy(heights: list[int], room: int) -> list[list[int]]:
    """Pages filled in order up to `room`: the fewest pages there can be."""
    pages: list[list[int]] = [[]]
    used = 0
    for index, height in enumerate(heights):
        if pages[-1] and used + height > room:
            pages.append([])
            used = 0
        pages[-1].append(index)
        used += height
    return pages


def _least_top(heights: list[int], count: int, room: int) -> int:
    """The smallest page height that still fits `heights` in `count` pages (bisection)."""
    low, high = max(heights), max(room, max(heights))
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if len(_greedy(heights, middle)) <= count else (middle + 1, high)
    return low


def _split(heights: list[int], count: int, low: int, high: int) -> list[list[int]] | None:
    """`count` pages, each between `low` and `high` tall (a single item may exceed `high`), or None.
    For each prefix, the page counts it can end with form a range: kept as (fewest, most)."""
    ends = [0]
    for height in heights:
        ends.append(ends[-1] + height)
    reach: list[tuple[int, int] | None] = [(0, 0)]
    for end in range(1, len(ends)):
        options = [reach[start] for start in _starts(ends, end, low, high) if reach[start] is not None]
        reach.append((min(o[0] for o in options) + 1, max(o[1] for o in options) + 1) if options else None)
    pages: list[list[int]] = []
    end, left = len(heights), count
    while end:
        start = next((s for s in _starts(ends, end, low, high)
                      if reach[s] is not None and reach[s][0] <= left - 1 <= reach[s][1]), None)
        if start is None:
            return None
        pages.insert(0, list(range(start, end)))
        end, left = start, left - 1
    return pages if left == 0 else None


def _starts(ends: list[int], end: int, low: int, high: int) -> list[int]:
    """Where a page ending before item `end` may start: its height between `low` and `high`, or a
    single item."""
    starts = []
    for start in range(end - 1, -1, -1):
        height = ends[end] - ends[start]
        if height > high and start < end - 1:
            break
        if height >= low or start == end - 1 and height > high:
            starts.append(start)
    return starts
