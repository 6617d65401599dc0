"""A problem found in the corpus, reported as `path:line: message` like a compiler."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.errors import escape_line


@dataclass(frozen=True, order=True)
class Finding:
    path: Path  # relative to the corpus root, as git shows it
    line: int  # 1-based; 1 for problems with a whole file
    message: str

    def __str__(self) -> str:
        return escape_line(f"{self.path.as_posix()}:{self.line}: {self.message}")

    def to_json(self) -> dict[str, object]:
        return {"path": self.path.as_posix(), "line": self.line, "message": self.message}
