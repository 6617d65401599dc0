"""A problem found in the corpus, reported as `path:line: message` like a compiler.

Every finding has a stable `kind` (the names below), so a rubric can make a kind a
warning (`checks: {missing-resource: warning}`): a warning is printed, marked as
one, but fails neither `corpus check` nor the commit hook.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.errors import escape_line

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

# kind -> what it is about (docs/hooks.md lists the same names for users).
KINDS: dict[str, str] = {
    "rubric-error": "the rubric's front matter does not parse or breaks its schema",
    "unreadable-page": "the page cannot be read",
    "empty-page": "the page is empty",
    "not-html": "the page is not HTML (binary, misnamed, or does not parse)",
    "inline-data": "the page still holds data: URLs that extract would move out",
    "data-url-left": "a data: URL extraction cannot move out",
    "bad-leftover": "an evaluator's `BAD <type>` label left in the page",
    "unknown-type": "a label type the rubric does not declare (or an empty label)",
    "selector-mismatch": "a labeled element that does not match its type's selector",
    "negative-with-targets": "a page named negative that holds labels",
    "positive-without-target": "a page named positive without any label",
    "target-count": "a type's targets on a positive page outside its min..max",
    "resource-outside": "a reference to another page's resources",
    "unstaged-resource": "a referenced resource on disk but not staged (commit hook)",
    "missing-resource": "referenced resource files that are absent (one finding per page)",
    "symlink": "a set folder, page or resource that is a symbolic link",
    "naming-rule": "a name that breaks the rubric's naming rule",
    "shared-id": "an id (or, without one, a name) used by more than one page",
    "leakage": "a naming group whose pages sit in more than one of training, validation, testing",
    "not-a-file": "a folder in a set named like a page (no command reads it as one)",
    "temp-file": "a temporary file a killed corpus command left in a set",
    "stray-resource": "a file directly in resources/, outside any page's folder",
    "orphan-resources": "a resources folder whose page is gone",
    "drift": "a page labeled under an older rubric version (--drift)",
    "resource-content": "a resource stored as content instead of a Git LFS pointer",
    "resource-not-lfs": "a resource the .gitattributes LFS rule does not cover",
    "lfs-not-set-up": "Git LFS is not set up in this clone",
}


@dataclass(frozen=True, order=True)
class Finding:
    path: Path  # relative to the corpus root, as git shows it
    line: int  # 1-based; 1 for problems with a whole file
    message: str
    kind: str = ""  # one of KINDS
    severity: str = ERROR  # the rubric's `checks:` may make a kind a warning

    def __str__(self) -> str:
        mark = "warning: " if self.severity == WARNING else ""
        return escape_line(f"{self.path.as_posix()}:{self.line}: {mark}{self.message}")

    def to_json(self) -> dict[str, object]:
        return {"path": self.path.as_posix(), "line": self.line, "message": self.message,
                "kind": self.kind, "severity": self.severity}

    @property
    def is_error(self) -> bool:
        return self.severity != WARNING
