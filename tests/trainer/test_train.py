"""The training loop: Fathom's model, trained for real (numpy for the linear model, torch for hidden layers)."""

from __future__ import annotations

import torch

from trainer.adam import Adam
from trainer.dataset import dataset_from_vectors
from trainer.metrics import evaluate
from trainer.synthetic import make_vectors
from trainer.train import Hyperparameters, train_network


def _datasets(seed: int = 1, separable: bool = False, pages: int = 30):
    training = dataset_from_vectors(
        make_vectors(pages=pages, features=6, seed=seed, target_rate=0.1, pruned_rate=0.0, separable=separable),
        "training.json",
    )
    validation = dataset_from_vectors(
        make_vectors(pages=pages, features=6, seed=seed + 100, target_rate=0.1, pruned_rate=0.0, separable=separable),
        "validation.json",
    )
    return training, validation


def test_a_linearly_separable_set_is_learned_perfectly() -> None:
    training, validation = _datasets(separable=True)
    run = train_network(training, Hyperparameters(iterations=1000))
    for dataset in (training, validation):
        metrics = evaluate(run.network, dataset, 0.5).metrics
        assert metrics.accuracy == 1.0
        assert metrics.confusion.true_positives == int(dataset.y.sum()) > 0


def test_the_same_seed_gives_the_same_model_and_another_seed_starts_elsewhere() -> None:
    training, _ = _datasets()
    hp = Hyperparameters(iterations=50, seed=7)
    assert train_network(training, hp).network == train_network(training, hp).network
    start = train_network(training, Hyperparameters(iterations=0, seed=7)).network
    other = train_network(training, Hyperparameters(iterations=0, seed=8)).network
    assert start != other


def test_early_stopping_keeps_the_weights_of_the_lowest_validation_loss() -> None:
    training, validation = _datasets(seed=3, pages=15)
    hp = Hyperparameters(iterations=400, stop_early=True, patience=5, learning_rate=1.0)
    run = train_network(training, hp, validation)
    assert run.stopped_early
    best = run.best_iteration
    assert best is not None and best < run.iterations_run
    assert run.validation_loss[best] == min(run.validation_loss)
    # The weights after exactly `best` steps, and not those the loop had reached when it stopped.
    replay = train_network(training, Hyperparameters(iterations=best, learning_rate=1.0))
    assert run.network == replay.network
    last = train_network(training, Hyperparameters(iterations=run.iterations_run, learning_rate=1.0))
    assert run.network != last.network


def test_early_stopping_is_the_default_and_needs_a_validation_set_to_act() -> None:
    training, validation = _datasets(seed=3, pages=15)
    assert Hyperparameters().stop_early
    alone = train_network(training, Hyperparameters(iterations=60))
    assert not alone.early_stopping and alone.iterations_run == 60 and alone.best_iteration is None
    watched = train_network(training, Hyperparameters(iterations=60), validation)
    assert watched.early_stopping and watched.best_iteration is not None


def test_our_adam_steps_like_torchs() -> None:
    torch.manual_seed(0)
    x, y = torch.rand(64, 5), (torch.rand(64, 1) < 0.3).float()
    ours, theirs = torch.nn.Linear(5, 1), torch.nn.Linear(5, 1)
    theirs.load_state_dict(ours.state_dict())
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")
    # Ours works on numpy views of the parameters' memory, as trainer/deep.py uses it.
    mine = Adam([p.detach().numpy() for p in ours.parameters()], lr=0.1)
    reference = torch.optim.Adam(theirs.parameters(), lr=0.1)
    for _ in range(30):
        ours.zero_grad()
        loss_fn(ours(x), y).backward()
        mine.step([p.grad.numpy() for p in ours.parameters()])
        reference.zero_grad()
        loss_fn(theirs(x), y).backward()
        reference.step()
    for a, b in zip(ours.parameters(), theirs.parameters()):
        assert torch.allclose(a, b, atol=1e-6)


def test_hidden_layers_and_an_excluded_rule() -> None:
    vectors = make_vectors(pages=20, features=6, seed=4, target_rate=0.1, separable=True)
    training = dataset_from_vectors(vectors, "t.json", exclude=["rule3"])
    assert "rule3" not in training.feature_names and training.x.shape[1] == 5
    run = train_network(training, Hyperparameters(iterations=500, layers=(4, 3), learning_rate=0.01))
    assert run.network.hidden_sizes == [4, 3]
    assert evaluate(run.network, training, 0.5).metrics.mcc > 0.9
