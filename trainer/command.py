"""What `corpus train` does, as one function tests call: vectorize set folders, train, decide
where the model goes and whether it may replace the one there, write it, draw the plot.

The click layer (corpus/cli/train.py) parses options into `TrainOptions` and prints the
`TrainOutcome`; every decision is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import BadInput
from corpus.tree.sample import SETS
from trainer.guard import Verdict, judge
from trainer.hyperparameters import Hyperparameters
from trainer.modelfile import model_path, model_to_json, save_model
from trainer.pipeline import Trained, train_model
from trainer.report import evaluation_to_json
from trainer.sources import vectors_for

if TYPE_CHECKING:
    from trainer.train import IterationHook


@dataclass(frozen=True)
class Vectorizing:
    """How set folders given instead of vector files are vectorized first."""

    ruleset: Path | None = None
    training_cache: Path | None = None  # the vector files written [default: vectors/<set>_<trainee>.json]
    validation_cache: Path | None = None
    tabs: int = 1
    delay: float = 0.0
    scheduler: str | None = None
    show_browser: bool = False  # a visible browser window (fathom's --show-browser)


@dataclass(frozen=True)
class TrainOptions:
    training: Path  # a vector file, or a set folder vectorized first
    validation: Path | None = None
    trainee: str | None = None  # names the model file models/TRAINEE.json
    hyperparameters: Hyperparameters = field(default_factory=Hyperparameters)
    cutoff: float | None = None  # None: chosen on validation (0.5 without it)
    output: Path | None = None  # the model file [default: models/TRAINEE.json, or none without a trainee]
    overwrite: bool = False  # write the model even over a better one when this run looks wrong
    plot: Path | None = None  # a PNG of the loss curves and the precision-recall curve
    comment: str = ""  # appended to the TensorBoard run's name
    vectorizing: Vectorizing = field(default_factory=Vectorizing)
    root: Path | None = None  # the corpus, when training inside one


@dataclass
class TrainOutcome:
    trained: Trained
    out: Path | None  # where the model was to go (None: no trainee and no -o)
    verdict: Verdict | None  # whether it could replace the model there
    plot: Path | None

    @property
    def written(self) -> Path | None:
        """The model file written, if any."""
        if self.out is None or self.verdict is None or self.verdict.keep_existing is not None:
            return None
        return self.out

    @property
    def warnings(self) -> list[str]:
        return self.verdict.warnings if self.verdict else []

    @property
    def kept_existing(self) -> str | None:
        """Why the model file there was kept (this run looks wrong and the old one scores better)."""
        return self.verdict.keep_existing if self.verdict else None

    def to_json(self) -> dict[str, Any]:
        trained = self.trained
        data = {
            "model": model_to_json(trained.model),
            "training": evaluation_to_json(trained.training),
            "modelFile": str(self.written) if self.written is not None else None,
            "stoppedEarly": trained.run.stopped_early,
            "warnings": self.warnings,
        }
        if trained.validation is not None:
            data["validation"] = evaluation_to_json(trained.validation)
        return data


def train_command(options: TrainOptions, on_iteration: IterationHook | None = None) -> TrainOutcome:
    """Train as `corpus train` does; `on_iteration` sees every iteration (progress), after the
    TensorBoard log when tensorboard is installed."""
    from trainer.tensorboard import tensorboard_log

    for argument in (options.training, options.validation):
        refuse_other_trainee(argument, options.trainee)
    training_file = _vectors(options, options.training, options.vectorizing.training_cache)
    validation_file = (_vectors(options, options.validation, options.vectorizing.validation_cache)
                       if options.validation is not None else None)
    hp = options.hyperparameters
    with tensorboard_log(hp, options.comment) as log:
        trained = train_model(training_file, hp, validation_file, options.cutoff, options.trainee, options.root,
                              _chain(log, on_iteration))
    out = options.output
    if out is None and options.trainee is not None:
        out = model_path(options.root if options.root is not None else Path.cwd(), options.trainee)
    verdict = judge(trained.model, out, options.overwrite) if out is not None else None
    outcome = TrainOutcome(trained, out, verdict, options.plot)
    if outcome.written is not None:
        save_model(trained.model, outcome.written)
    if options.plot is not None:
        _plot(trained, options.plot)
    return outcome


def refuse_other_trainee(argument: Path | None, trainee: str | None) -> None:
    """BadInput when a vector file's name says it holds another trainee's vectors: vectorize
    names them `vectors/<set>_<trainee>.json`, and a model trained on one type's vectors
    under another's name would label the wrong elements. Files elsewhere or named
    otherwise (`-o` puts them anywhere, under any name) are taken as given."""
    if argument is None or trainee is None or not argument.is_file() or argument.resolve().parent.name != "vectors":
        return
    stem, _, made_for = argument.stem.partition("_")
    if stem in SETS and made_for and made_for != trainee and argument.suffix == ".json":
        raise BadInput(f"{argument}: vectors of the trainee `{made_for}` (as its name says), not `{trainee}`: "
                       f"give --trainee {made_for}, or vectorize the set for {trainee}")


def _vectors(options: TrainOptions, argument: Path, cache: Path | None) -> Path:
    how = options.vectorizing
    return vectors_for(argument, options.trainee, how.ruleset, cache, how.tabs, how.delay, scheduler=how.scheduler,
                       show_browser=how.show_browser)


def _chain(*hooks: IterationHook | None) -> IterationHook | None:
    live = [h for h in hooks if h is not None]
    if not live:
        return None

    def both(t: int, loss: float, validation_loss: float | None) -> None:
        for hook in live:
            hook(t, loss, validation_loss)

    return both


def _plot(trained: Trained, path: Path) -> None:
    from trainer.plots import training_plot

    candidates = {name: len(d.y) for name, d in trained.datasets.items()}
    shown = "validation" if "validation" in trained.datasets else "training"
    training_plot(trained.run, candidates, (shown, trained.datasets[shown]), trained.model.cutoff, path)
