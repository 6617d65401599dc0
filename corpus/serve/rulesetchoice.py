"""Which ruleset file the viewer runs for a trainee.

`corpus serve --ruleset FILE` names it. Without it, the viewer runs the ruleset the
trainee's model and vectors were made with: the model file's provenance and each
vector file's header record the sha256 of its bytes (`rulesetHash`), and the file of
the corpus with those bytes is the one. A corpus may hold the scaffolded `rulesets.py`
beside the team's own `rulesets.js`, or a ruleset renamed since; the default (what
`vectorize` takes without `--ruleset`) would then name a trainee the ruleset lacks.
When nothing recorded matches a file, the default it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.errors import CorpusError
from corpus.tree.sample import SETS
from corpus.vectors.ruleset import ruleset_hash
from corpus.vectors.vectorize import default_ruleset_path, default_vectors_path

if TYPE_CHECKING:
    from trainer.modelfile import ModelFile

RULESET_SUFFIXES = (".py", ".js", ".mjs")
# Folders that hold pages, outputs or other people's code, never the corpus's ruleset.
NOT_RULESETS = {".git", ".corpus-cache", "samples", "vectors", "models", "runs", "node_modules", "__pycache__"}
MAX_RULESET_BYTES = 8 << 20


class RulesetChoice:
    """Which ruleset runs for each trainee, for one run of the viewer: `given` (--ruleset),
    else the corpus file whose sha256 the trainee's model or vectors record, else the
    default. Each candidate's hash is kept while its file is unchanged (path, mtime,
    size), so a request hashes only files that changed since."""

    def __init__(self, root: Path, given: Path | None = None) -> None:
        self.root = root
        self.given = given
        self._hashes: dict[tuple[Path, int, int], str] = {}

    def for_trainee(self, trainee: str | None, model: ModelFile | None) -> Path:
        """The ruleset for `trainee`, whose `model` (loaded by the caller, None when it has
        none or it cannot be read) records the hash it was trained with."""
        if self.given is not None:
            return self.given
        wanted = recorded_hashes(self.root, trainee, model) if trainee else []
        found: dict[str, Path] = {}
        for path in _candidates(self.root, trainee) if wanted else ():
            digest = self._hash(path)
            if digest == wanted[0]:  # the model's own (or the first vectors'): no better match
                return path
            if digest in wanted:
                found.setdefault(digest, path)
        return next((found[d] for d in wanted if d in found), None) or default_ruleset_path(self.root)

    def _hash(self, path: Path) -> str | None:
        try:
            stat = path.stat()
            key = (path, stat.st_mtime_ns, stat.st_size)
            if key not in self._hashes:
                self._hashes[key] = ruleset_hash(path)
        except OSError:
            return None
        return self._hashes[key]


def recorded_hashes(root: Path, trainee: str, model: ModelFile | None) -> list[str]:
    """The `rulesetHash` values the trainee's `model` and vector files record, the
    model's first (it was trained on the vectors); unreadable files record none."""
    from trainer.staleness import read_header

    found: list[str] = [model.provenance.get("rulesetHash")] if model is not None else []
    for set_name in SETS:
        vectors = default_vectors_path(root, set_name, trainee)
        try:
            found.append(read_header(vectors).get("rulesetHash") if vectors.is_file() else None)
        except (OSError, ValueError):
            continue
    return [h for i, h in enumerate(found) if isinstance(h, str) and h not in found[:i]]


def _candidates(root: Path, trainee: str) -> Iterator[Path]:
    """Files that may be a ruleset: the one training.yaml names for the trainee, then
    `.py`/`.js` files at the root and one folder down (outside samples, outputs, .git)."""
    from trainer.config import load_training_config

    try:
        configured = load_training_config(root).get(trainee)
    except CorpusError:
        configured = None
    if configured is not None and configured.ruleset is not None and configured.ruleset.is_file():
        yield configured.ruleset
    folders = [root] + [p for p in _listing(root) if p.is_dir() and not _skipped(p.name)]
    for folder in folders:
        yield from (p for p in _listing(folder) if p.suffix in RULESET_SUFFIXES and _small_file(p))


def _skipped(name: str) -> bool:
    return name in NOT_RULESETS or name.startswith(".")  # .git, .venv and other tools' folders


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _small_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size <= MAX_RULESET_BYTES
    except OSError:
        return False
