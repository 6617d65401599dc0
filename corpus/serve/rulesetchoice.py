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

from corpus.errors import CorpusError
from corpus.tree.sample import SETS
from corpus.vectors.ruleset import ruleset_hash
from corpus.vectors.vectorize import default_ruleset_path, default_vectors_path

RULESET_SUFFIXES = (".py", ".js", ".mjs")
# Folders that hold pages, outputs or other people's code, never the corpus's ruleset.
NOT_RULESETS = {".git", ".corpus-cache", "samples", "vectors", "models", "runs", "node_modules", "__pycache__"}
MAX_RULESET_BYTES = 8 << 20


def ruleset_for(root: Path, trainee: str | None, given: Path | None = None) -> Path:
    """`given`, else the corpus file whose sha256 the trainee's model or vectors
    record, else the default ruleset path."""
    if given is not None:
        return given
    wanted = recorded_hashes(root, trainee) if trainee else []
    if wanted:
        by_hash: dict[str, Path] = {}
        for path in _candidates(root, trainee):
            try:
                by_hash.setdefault(ruleset_hash(path), path)
            except OSError:
                continue
        for digest in wanted:
            if digest in by_hash:
                return by_hash[digest]
    return default_ruleset_path(root)


def recorded_hashes(root: Path, trainee: str) -> list[str]:
    """The `rulesetHash` values the trainee's model file and vector files record,
    the model's first (it was trained on the vectors); unreadable files record none."""
    from trainer.modelfile import load_model, model_path
    from trainer.staleness import read_header

    found: list[str] = []
    try:
        model = model_path(root, trainee)
        if model.is_file():
            found.append(load_model(model).provenance.get("rulesetHash"))
    except CorpusError:
        pass
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
