"""The training loop: Fathom's model and optimizer, full batch, nothing hidden.

Model: Linear(features -> 1), or Linear/ReLU stacks when hidden layers are asked
for. Loss: BCEWithLogitsLoss summed over all candidates, with an optional weight
on targets. Optimizer: Adam. Every iteration sees every candidate once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from corpus.errors import BadInput, CorpusError
from trainer.dataset import Dataset
from trainer.hyperparameters import Hyperparameters
from trainer.model import Layer, Network

# Training runs on one thread, whatever the size. An iteration is a few matrix-vector
# products, bound by memory, not arithmetic: more threads gain little on an idle machine,
# and on a busy one (CI, a shared box) their spin-waiting costs 20x to 50x. Measured on
# 67k candidates x 40 rules, 1000 iterations, 2 cores shared with other jobs: 1.1 s on
# one thread, 21 to 69 s on two.
TRAINING_THREADS = 1

# Called once per iteration with (iteration, training loss, validation loss or None).
IterationHook = Callable[[int, float, float | None], None]


class Adam:
    """Adam (Kingma & Ba), written out: torch.optim's Adam does the same arithmetic
    but its first use imports torch's compiler stack, about a second of start-up."""

    def __init__(
        self, params: list[torch.Tensor], lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ):
        self.params = params
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.steps = 0
        self.first_moments = [torch.zeros_like(p) for p in params]  # running mean of gradients
        self.second_moments = [torch.zeros_like(p) for p in params]  # ... of squared gradients

    @torch.no_grad()
    def step(self) -> None:
        self.steps += 1
        # The moments start at zero, so early averages are too small; these undo that bias.
        correction1 = 1 - self.beta1**self.steps
        correction2 = 1 - self.beta2**self.steps
        for param, m, v in zip(self.params, self.first_moments, self.second_moments):
            grad = param.grad
            m.mul_(self.beta1).add_(grad, alpha=1 - self.beta1)
            v.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
            denominator = (v.sqrt() / math.sqrt(correction2)).add_(self.eps)
            param.addcdiv_(m, denominator, value=-self.lr / correction1)

    def zero_grad(self) -> None:
        for param in self.params:
            param.grad = None


@dataclass
class TrainingRun:
    network: Network
    iterations_run: int  # optimizer steps taken
    best_iteration: int | None  # with early stopping: the step count whose weights were kept
    stopped_early: bool
    early_stopping: bool = False  # whether validation loss guided the run (asked for, and a validation set)
    training_loss: list[float] = field(default_factory=list)  # per iteration, before its step
    validation_loss: list[float] = field(default_factory=list)


def build_model(n_features: int, hidden: tuple[int, ...], seed: int) -> torch.nn.Sequential:
    """Fathom's classifier, initialized from `seed` without touching torch's global RNG."""
    sizes = [n_features, *hidden]
    modules: list[torch.nn.Module] = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for n_in, n_out in zip(sizes, sizes[1:]):
            modules += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
        modules.append(torch.nn.Linear(sizes[-1], 1))
    return torch.nn.Sequential(*modules)


def to_network(model: torch.nn.Sequential, feature_names: list[str]) -> Network:
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    return Network(
        list(feature_names),
        [Layer(m.weight.detach().tolist(), m.bias.detach().tolist()) for m in linears],
    )


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

    threads = torch.get_num_threads()
    torch.set_num_threads(TRAINING_THREADS)
    try:
        return _fit(training, hp, validation, on_iteration)
    finally:
        torch.set_num_threads(threads)


def _fit(
    training: Dataset, hp: Hyperparameters, validation: Dataset | None, on_iteration: IterationHook | None
) -> TrainingRun:
    x = torch.from_numpy(training.x)
    y = torch.from_numpy(training.y).unsqueeze(1)
    model = build_model(x.shape[1], hp.layers, hp.seed)
    pos_weight = None if hp.pos_weight is None else torch.tensor([hp.pos_weight])
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum", pos_weight=pos_weight)
    optimizer = Adam(list(model.parameters()), lr=hp.learning_rate)
    if validation is not None:
        vx = torch.from_numpy(validation.x)
        vy = torch.from_numpy(validation.y).unsqueeze(1)

    run = TrainingRun(
        network=to_network(model, training.feature_names), iterations_run=0, best_iteration=None, stopped_early=False
    )
    run.early_stopping = hp.stop_early and validation is not None
    best_loss = float("inf")
    best_weights: list[torch.Tensor] = []
    since_best = 0
    for t in range(hp.iterations):
        loss = loss_fn(model(x), y)
        validation_loss = None
        if validation is not None:
            with torch.no_grad():
                validation_loss = loss_fn(model(vx), vy).item()
            run.validation_loss.append(validation_loss)
        run.training_loss.append(loss.item())
        if not math.isfinite(run.training_loss[-1]):
            # Adam with too large a step, or features too large for float32: every
            # weight would end up NaN, and a NaN model must never be written.
            raise CorpusError(
                f"{training.source}: training diverged at iteration {t} (the loss is not a finite number); "
                f"lower --learning-rate (now {hp.learning_rate})"
            )
        if on_iteration is not None:
            on_iteration(t, run.training_loss[-1], validation_loss)

        if run.early_stopping:
            assert validation_loss is not None
            if validation_loss < best_loss:
                # clone(): Adam updates parameters in place, so a reference would
                # silently follow the weights forward (the old trainer's fault).
                best_weights = [p.detach().clone() for p in model.parameters()]
                best_loss, run.best_iteration, since_best = validation_loss, t, 0
            else:
                since_best += 1
                if since_best >= hp.patience:
                    run.stopped_early = True
                    break

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        run.iterations_run = t + 1

    if run.early_stopping and best_weights:
        with torch.no_grad():
            for param, best in zip(model.parameters(), best_weights):
                param.copy_(best)
    run.network = to_network(model, training.feature_names)
    return run
