"""The training loop: Fathom's model and optimizer, full batch, nothing hidden.

Model: Linear(features -> 1), or Linear/ReLU stacks when hidden layers are asked
for. Loss: BCEWithLogitsLoss summed over all candidates, with an optional weight
on targets. Optimizer: Adam. Every iteration sees every candidate once.

The loop here is the same for both kinds of network; a learner does the
arithmetic. The linear model (the one a ruleset pastes in) learns in numpy with
its gradient written out (trainer/logistic.py), hidden layers in torch
(trainer/deep.py), imported only then.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from corpus.errors import BadInput, CorpusError
from corpus.parallel import usable_cpus
from trainer.dataset import Dataset
from trainer.hyperparameters import Hyperparameters
from trainer.model import Layer, Network

# numpy's BLAS on one thread, for the reason trainer/deep.py gives for torch: BLAS's
# threads spin-wait badly on a busy machine. The linear model runs its shards on
# threads of its own instead (trainer/logistic.py), each product on one BLAS thread.
BLAS_THREADS = 1

# Called once per iteration with (iteration, training loss, validation loss or None).
IterationHook = Callable[[int, float, float | None], None]


class Learner(Protocol):
    params: list[np.ndarray]  # [weight (outputs, inputs), bias (outputs,)] per layer, updated in place

    def losses(self) -> tuple[float, float | None]: ...  # at the current weights; step() starts from them

    def step(self) -> None: ...

    def close(self) -> None: ...  # lets go of any threads


@dataclass
class TrainingRun:
    network: Network
    iterations_run: int  # optimizer steps taken
    best_iteration: int | None  # with early stopping: the step count whose weights were kept
    stopped_early: bool
    early_stopping: bool = False  # whether validation loss guided the run (asked for, and a validation set)
    training_loss: list[float] = field(default_factory=list)  # per iteration, before its step
    validation_loss: list[float] = field(default_factory=list)


def to_network(params: list[np.ndarray], feature_names: list[str]) -> Network:
    return Network(
        list(feature_names),
        [Layer(weight.tolist(), bias.tolist()) for weight, bias in zip(params[::2], params[1::2])],
    )


def make_learner(training: Dataset, hp: Hyperparameters, validation: Dataset | None) -> Learner:
    pair = None if validation is None else (validation.x, validation.y)
    if hp.layers:
        from trainer.deep import TorchLearner

        return TorchLearner(training.x, training.y, hp.learning_rate, hp.seed, hp.layers, hp.pos_weight, pair)
    from trainer.logistic import LogisticLearner

    return LogisticLearner(training.x, training.y, hp.learning_rate, hp.seed, hp.pos_weight, pair,
                           threads=usable_cpus())


def train_network(
    training: Dataset,
    hp: Hyperparameters,
    validation: Dataset | None = None,
    on_iteration: IterationHook | None = None,
) -> TrainingRun:
    """Fit a network to `training`; `validation` (same features) gives the stopping signal."""
    if hp.iterations < 0:
        raise BadInput("the number of iterations cannot be negative")
    if validation is not None and validation.feature_names != training.feature_names:
        raise BadInput(f"{validation.source}: its features differ from the training set's")
    if len(training.y) == 0:
        raise BadInput(f"{training.source}: no candidate nodes to train on")
    with threadpool_limits(BLAS_THREADS, user_api="blas"):
        learner = make_learner(training, hp, validation)
        try:
            return fit(learner, training, hp, validation is not None, on_iteration)
        finally:
            learner.close()


def fit(
    learner: Learner, training: Dataset, hp: Hyperparameters, validating: bool, on_iteration: IterationHook | None
) -> TrainingRun:
    """Step `learner` hp.iterations times, or until validation loss has not improved for hp.patience."""
    run = TrainingRun(
        network=to_network(learner.params, training.feature_names), iterations_run=0, best_iteration=None,
        stopped_early=False,
    )
    run.early_stopping = hp.stop_early and validating
    best_loss = float("inf")
    best_weights: list[np.ndarray] = []
    since_best = 0
    for t in range(hp.iterations):
        loss, validation_loss = learner.losses()
        if validation_loss is not None:
            run.validation_loss.append(validation_loss)
        run.training_loss.append(loss)
        if not math.isfinite(loss):
            # Adam with too large a step, or features too large for float32: every
            # weight would end up NaN, and a NaN model must never be written.
            raise CorpusError(
                f"{training.source}: training diverged at iteration {t} (the loss is not a finite number); "
                f"lower --learning-rate (now {hp.learning_rate})"
            )
        if on_iteration is not None:
            on_iteration(t, loss, validation_loss)

        if run.early_stopping:
            assert validation_loss is not None
            if validation_loss < best_loss:
                # copy(): Adam updates parameters in place, so a reference would
                # silently follow the weights forward (the old trainer's fault).
                best_weights = [p.copy() for p in learner.params]
                best_loss, run.best_iteration, since_best = validation_loss, t, 0
            else:
                since_best += 1
                if since_best >= hp.patience:
                    run.stopped_early = True
                    break

        learner.step()
        run.iterations_run = t + 1

    if run.early_stopping and best_weights:
        for param, best in zip(learner.params, best_weights):
            param[...] = best
    run.network = to_network(learner.params, training.feature_names)
    return run
