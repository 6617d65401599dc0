"""The linear model's hand-written gradient against torch's autograd, and merged rows against plain ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import trainer.logistic
from trainer.dataset import dataset_from_vectors
from trainer.dedup import merge_identical_rows
from trainer.deep import TorchLearner
from trainer.hyperparameters import Hyperparameters
from trainer.logistic import LogisticLearner, linear_init
from trainer.synthetic import make_vectors
from trainer.train import train_network


@pytest.mark.parametrize("features", [1, 3, 40, 41])
@pytest.mark.parametrize("seed", [0, 7, 12345, -1, 2**32 + 3])
def test_initial_weights_are_torchs_bit_for_bit(features: int, seed: int) -> None:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layer = torch.nn.Linear(features, 1)
    weight, bias = linear_init(features, seed)
    assert np.array_equal(weight, layer.weight.detach().numpy())
    assert np.array_equal(bias, layer.bias.detach().numpy())


def _sets(seed: int = 2, pages: int = 40, features: int = 8):
    make = dict(pages=pages, features=features, target_rate=0.08, pruned_rate=0.0)
    training = dataset_from_vectors(make_vectors(seed=seed, **make), "training.json")
    validation = dataset_from_vectors(make_vectors(seed=seed + 50, **make), "validation.json")
    return training, validation


@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_the_hand_gradient_takes_the_steps_autograd_takes(pos_weight: float | None) -> None:
    training, validation = _sets()
    pair = (validation.x, validation.y)
    ours = LogisticLearner(training.x, training.y, 0.1, seed=3, pos_weight=pos_weight, validation=pair)
    theirs = TorchLearner(training.x, training.y, 0.1, seed=3, pos_weight=pos_weight, validation=pair)
    for a, b in zip(ours.params, theirs.params):
        assert np.array_equal(a, b)  # the same start
    for _ in range(60):
        (loss, validation_loss), (t_loss, t_validation_loss) = ours.losses(), theirs.losses()
        assert loss == pytest.approx(t_loss, rel=1e-5)
        assert validation_loss == pytest.approx(t_validation_loss, rel=1e-5)
        ours.step()
        theirs.step()
    for a, b in zip(ours.params, theirs.params):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_the_whole_default_run_gives_the_autograd_model() -> None:
    """Fathom's settings (learning rate 1, early stopping): the same kept iteration and weights."""
    training, validation = _sets(seed=4, pages=60)
    hp = Hyperparameters(iterations=300)
    ours = train_network(training, hp, validation)

    from trainer.train import fit

    pair = (validation.x, validation.y)
    reference = fit(TorchLearner(training.x, training.y, hp.learning_rate, hp.seed, validation=pair),
                    training, hp, True, None)
    assert ours.best_iteration == reference.best_iteration and ours.iterations_run == reference.iterations_run
    np.testing.assert_allclose(ours.training_loss, reference.training_loss, rtol=1e-4)
    np.testing.assert_allclose(ours.network.layers[0].weight, reference.network.layers[0].weight, rtol=1e-3,
                               atol=1e-4)


def _with_repeats(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Yes/no rows as real vectors have them: each row appears 1 to 5 times, shuffled."""
    rng = np.random.default_rng(seed)
    repeats = rng.integers(1, 6, len(y))
    order = rng.permutation(int(repeats.sum()))
    return np.repeat(x, repeats, axis=0)[order], np.repeat(y, repeats)[order]


def test_merged_rows_stand_for_exactly_the_rows_they_replace() -> None:
    rng = np.random.default_rng(1)
    x = (rng.random((300, 6)) < 0.3).astype(np.float32)
    y = (rng.random(300) < 0.2).astype(np.float32)
    x[:10], y[:10] = x[10], 1 - y[10]  # same features, other label: never merged with a different label
    merged = merge_identical_rows(x, y)
    assert merged.counts is not None and merged.counts.sum() == len(y) and len(merged.y) < len(y)
    original = {(tuple(row), label) for row, label in zip(x.tolist(), y.tolist())}
    kept = [(tuple(row), label) for row, label in zip(merged.x.tolist(), merged.y.tolist())]
    assert len(set(kept)) == len(kept) and set(kept) == original
    for (row, label), count in zip(kept, merged.counts):
        assert count == sum(1 for r, lab in zip(x.tolist(), y.tolist()) if tuple(r) == row and lab == label)


def test_rows_with_nothing_to_merge_are_left_alone() -> None:
    x = np.random.default_rng(2).random((500, 5)).astype(np.float32)
    y = np.zeros(500, np.float32)
    merged = merge_identical_rows(x, y)
    assert merged.counts is None and merged.x is x


def test_merging_repeated_rows_gives_the_same_losses_and_model() -> None:
    rng = np.random.default_rng(3)
    base = (rng.random((400, 10)) < 0.25).astype(np.float32)
    labels = ((base[:, 0] + base[:, 1] + rng.random(400) * 0.8) > 1.4).astype(np.float32)
    x, y = _with_repeats(base, labels)
    vx, vy = _with_repeats(base[:200], labels[:200], seed=1)
    merged = LogisticLearner(x, y, 0.5, seed=0, pos_weight=2.0, validation=(vx, vy))
    plain = LogisticLearner(x, y, 0.5, seed=0, pos_weight=2.0, validation=(vx, vy), merge_rows=False)
    assert merged.training[0].counts is not None and len(merged.training[0].counts) < len(y) / 2
    for _ in range(80):
        (loss, validation_loss), (p_loss, p_validation_loss) = merged.losses(), plain.losses()
        assert loss == pytest.approx(p_loss, rel=1e-5) and validation_loss == pytest.approx(p_validation_loss,
                                                                                             rel=1e-5)
        merged.step()
        plain.step()
    for a, b in zip(merged.params, plain.params):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_shards_on_threads_take_the_steps_one_pass_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big matrix is cut into shards that threads work through: the same losses and model as
    one pass, and bit for bit the same whatever the thread count (sums go in shard order)."""
    monkeypatch.setattr(trainer.logistic, "ROWS_PER_THREAD", 100)  # threads even for a small matrix
    training, validation = _sets(seed=5, pages=80)
    pair = (validation.x, validation.y)
    whole = LogisticLearner(training.x, training.y, 1.0, seed=1, pos_weight=2.0, validation=pair)
    one_thread = LogisticLearner(training.x, training.y, 1.0, seed=1, pos_weight=2.0, validation=pair,
                                 shard_rows=97)
    threads = LogisticLearner(training.x, training.y, 1.0, seed=1, pos_weight=2.0, validation=pair,
                              shard_rows=97, threads=3)
    assert len(whole.training) == 1 and len(threads.training) > 3 and threads.pool is not None
    try:
        for _ in range(100):
            expected, single, shared = whole.losses(), one_thread.losses(), threads.losses()
            assert single == pytest.approx(expected, rel=1e-5) and shared == single
            for learner in (whole, one_thread, threads):
                learner.step()
        for a, b, c in zip(whole.params, one_thread.params, threads.params):
            np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
            assert np.array_equal(b, c)
    finally:
        threads.close()
