"""Which Dask scheduler to use, if any: `--scheduler`, else CORPUS_SCHEDULER, else
`scheduler:` in the corpus's training.yaml; None runs on local worker processes."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from corpus.errors import BadInput, CorpusError
from corpus.textformats import yaml_value

ENV_VAR = "CORPUS_SCHEDULER"
CONFIG_NAME = "training.yaml"  # the same file `corpus retrain` reads its trainees from
CONFIG_KEY = "scheduler"
LOCAL = "local"  # an explicit way to say "no cluster" over the environment or training.yaml


def resolve_scheduler(option: str | None, root: Path | None) -> str | None:
    """The scheduler address to use, or None for local workers.

    `option` is what the command line said (click fills it from CORPUS_SCHEDULER
    too); `--scheduler local` overrides both the variable and training.yaml.
    """
    value = option if option is not None else os.environ.get(ENV_VAR) or None
    if value is None and root is not None:
        value = _from_config(Path(root) / CONFIG_NAME)
    if value is None or value.strip() in ("", LOCAL):
        return None
    value = value.strip()
    if any(c.isspace() for c in value):
        raise BadInput(f"scheduler address `{value}`: expected HOST:PORT or tcp://HOST:PORT")
    return value


def _from_config(path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        data = yaml_value(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise CorpusError(f"{path}: {' '.join(str(e).split())}") from None
    value = data.get(CONFIG_KEY) if isinstance(data, dict) else None
    if value is not None and not isinstance(value, str):
        raise BadInput(f"{path}: `{CONFIG_KEY}` must be an address such as tcp://10.0.0.5:8786")
    return value


def require_distributed() -> None:
    """A one-line error naming the extra when dask.distributed is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise BadInput(
            "--scheduler needs dask.distributed: pip install 'corpus[cluster]' (./setup.sh installs it)"
        ) from None


def scheduler_for(root: Path | None, option: str | None) -> str | None:
    """The address to use (None: local workers); a one-line error when dask.distributed is missing."""
    address = resolve_scheduler(option, root)
    if address is not None:
        require_distributed()
    return address
