"""Vancouver-style references built from the fields a study carries."""

from __future__ import annotations

from .model import Study


def vancouver(study: Study) -> str:
    """`Author et al. Title. Journal. Year. doi:… PMID: …` with the parts the data has."""
    parts = [f"{study.first_author} et al."]
    if study.title:
        parts.append(study.title.rstrip(".") + ".")
    source = [part for part in (study.journal.rstrip("."), study.year) if part]
    parts.append(". ".join(str(part) for part in source) + ".")
    if study.doi:
        parts.append(f"doi:{study.doi}")
    if study.pmid:
        parts.append(f"PMID: {study.pmid}")
    return " ".join(parts)
