"""Fathom's logistic regression trained with its gradient written out, in numpy.

The model is torch.nn.Linear(features, 1) under BCEWithLogitsLoss(reduction=sum,
pos_weight): the same initial weights for the same seed (torch's own random
stream, reproduced bit for bit), the same loss, the same Adam steps, so the same
model as the autograd loop up to float rounding (tests/trainer/test_logistic.py
checks it against torch). Written by hand because for one linear layer the
gradient is one matrix product, X^T r, and because torch's import alone (about
a second) is most of a small training run.

Each iteration is one pass over the training matrix forward (X w), one back
(X^T r) and one over the validation matrix, all into buffers made once; the
element-wise work runs in place on them. A big matrix is cut into shards that
threads work through at once.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from trainer.adam import Adam
from trainer.dedup import WeightedRows, merge_identical_rows

# Rows per shard: enough that each shard's products and element-wise passes outweigh
# handing it to a thread (about 10 MB of 40 rules), few enough to spread across cores.
SHARD_ROWS = 1 << 16
# Below this many rows a thread's share of an iteration is too little to outweigh
# handing work to it and waiting: at 90,000 rows two threads were no faster than one.
ROWS_PER_THREAD = 200_000


def linear_init(n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """torch.nn.Linear(n_features, 1)'s initial weight (1, n) and bias (1,) after torch.manual_seed(seed).

    torch draws both from Uniform(-1/sqrt(n), 1/sqrt(n)) (kaiming_uniform_ with
    a=sqrt(5) comes to that bound), weight first, one 32-bit Mersenne Twister
    output per value, keeping its low 24 bits. numpy's legacy RandomState seeds
    the same generator the same way.
    """
    raw = np.random.RandomState(seed % 2**32).randint(0, 2**32, size=n_features + 1, dtype=np.uint32)
    unit = (raw.astype(np.uint64) & ((1 << 24) - 1)).astype(np.float64) * 2.0**-24
    if n_features == 0:
        return np.zeros((1, 0), np.float32), np.zeros(1, np.float32)
    weight_bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + 5)) / math.sqrt(n_features))
    bias_bound = 1 / math.sqrt(n_features)
    weight = _uniform(unit[:n_features], weight_bound)
    bias = _uniform(unit[n_features:], bias_bound)
    return weight.reshape(1, n_features), bias


def _uniform(unit: np.ndarray, bound: float) -> np.ndarray:
    # torch's arithmetic: bounds rounded to float32, the product taken in double.
    low, high = np.float64(np.float32(-bound)), np.float64(np.float32(bound))
    return (unit * (high - low) + low).astype(np.float32)


class _Shard:
    """A run of (possibly weighted) rows with buffers for its pass: its summed loss and gradient."""

    def __init__(self, rows: WeightedRows, pos_weight: float):
        # Features by rows, candidates along them: numpy's BLAS runs both products
        # about a quarter faster on this layout than on candidates by rows.
        self.columns = np.ascontiguousarray(rows.x.T)
        self.counts = rows.counts
        self.pos_weight = np.float32(pos_weight)
        self.targets = np.flatnonzero(rows.y > 0.5)
        self.target_counts = None if rows.counts is None else rows.counts[self.targets]
        n = len(rows.y)
        self.logits = np.empty(n, np.float32)
        self.softplus = np.empty(n, np.float32)
        self.scratch = np.empty(n, np.float32)
        self.gradient = np.empty(self.columns.shape[0], np.float32)

    def run(self, weight: np.ndarray, bias: np.ndarray, with_gradient: bool) -> tuple[float, np.ndarray, float]:
        """The loss at (weight, bias) and, if asked, its gradient: d/d weight (features,) and d/d bias."""
        loss = self._loss(weight, bias)
        if not with_gradient:
            return loss, self.gradient, 0.0
        r = self._residuals()
        np.dot(self.columns, r, out=self.gradient)
        return loss, self.gradient, float(r.sum())

    def _loss(self, weight: np.ndarray, bias: np.ndarray) -> float:
        """sum over rows of count * [pos_weight * y * softplus(-z) + (1 - y) * softplus(z)]."""
        z, softplus, scratch = self.logits, self.softplus, self.scratch
        np.dot(weight[0], self.columns, out=z)
        z += bias[0]
        # softplus(z) = max(z, 0) + log(1 + exp(-|z|)): no overflow for any z.
        np.abs(z, out=scratch)
        np.negative(scratch, out=scratch)
        np.exp(scratch, out=scratch)
        np.log1p(scratch, out=softplus)
        np.maximum(z, 0, out=scratch)
        softplus += scratch
        # Targets (a few percent) swap softplus(z) for pos_weight * softplus(-z) = pos_weight * (softplus(z) - z).
        per_target = (self.pos_weight - 1) * softplus[self.targets] - self.pos_weight * z[self.targets]
        per_row = softplus
        if self.counts is not None:
            per_row = np.multiply(softplus, self.counts, out=scratch)  # softplus itself stays for residuals
            per_target *= self.target_counts
        # numpy sums float32 pairwise: rounding grows with log(rows), not rows.
        return float(per_row.sum()) + float(per_target.sum())

    def _residuals(self) -> np.ndarray:
        """d loss / d z at the logits of the last `_loss`: count * (sigmoid(z) - y), targets times pos_weight."""
        r = self.scratch
        np.subtract(self.logits, self.softplus, out=r)  # log sigmoid(z) = z - softplus(z)
        np.exp(r, out=r)
        r[self.targets] = self.pos_weight * (r[self.targets] - 1)
        if self.counts is not None:
            r *= self.counts
        return r


def shards(rows: WeightedRows, pos_weight: float, shard_rows: int) -> list[_Shard]:
    """`rows` cut into runs of about `shard_rows` rows at most (at least one run)."""
    count = max(1, -(-len(rows.y) // shard_rows))
    bounds = np.linspace(0, len(rows.y), count + 1).astype(int)
    return [
        _Shard(WeightedRows(rows.x[a:b], rows.y[a:b], None if rows.counts is None else rows.counts[a:b]), pos_weight)
        for a, b in zip(bounds, bounds[1:])
    ]


class LogisticLearner:
    """One linear layer: parameters [weight (1, n), bias (1,)], as torch.nn.Linear keeps them.

    The rows are cut into shards of SHARD_ROWS; each iteration's shards (training:
    loss and gradient; validation: loss) run on `threads` threads at once, and their
    sums are taken in shard order, so the result does not depend on the thread count
    or on which thread ran what. numpy lets go of the GIL inside each product and
    element-wise pass, and an idle thread sleeps rather than spins, so a busy machine
    costs a slower iteration, not the 20x that BLAS's spinning threads cost
    (trainer/deep.py).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, lr: float, seed: int, pos_weight: float | None = None,
                 validation: tuple[np.ndarray, np.ndarray] | None = None, merge_rows: bool = True,
                 threads: int = 1, shard_rows: int = SHARD_ROWS):
        weight = 1.0 if pos_weight is None else pos_weight

        def rows(x: np.ndarray, y: np.ndarray) -> WeightedRows:
            return merge_identical_rows(x, y) if merge_rows else WeightedRows(x, y, None)

        self.training = shards(rows(x, y), weight, shard_rows)
        self.validation = None if validation is None else shards(rows(*validation), weight, shard_rows)
        self.params = list(linear_init(x.shape[1], seed))
        self.grads = [np.empty_like(p) for p in self.params]
        self.optimizer = Adam(self.params, lr)
        total_rows = sum(len(shard.logits) for shard in [*self.training, *(self.validation or [])])
        workers = min(threads, total_rows // ROWS_PER_THREAD)
        self.pool = ThreadPoolExecutor(workers) if workers > 1 else None

    def losses(self) -> tuple[float, float | None]:
        """Training and validation loss at the current weights; the next `step` goes along
        the gradient found here."""
        weight, bias = self.params
        jobs = [(shard, True) for shard in self.training] + [(shard, False) for shard in self.validation or []]

        def run(job: tuple[_Shard, bool]) -> tuple[float, np.ndarray, float]:
            return job[0].run(weight, bias, job[1])

        results = list(self.pool.map(run, jobs) if self.pool is not None else map(run, jobs))
        trained, validated = results[: len(self.training)], results[len(self.training) :]
        self.grads[0][0] = np.sum([gradient for _, gradient, _ in trained], axis=0)
        self.grads[1][0] = sum(bias_gradient for _, _, bias_gradient in trained)
        loss = sum(shard_loss for shard_loss, _, _ in trained)
        return loss, None if self.validation is None else sum(shard_loss for shard_loss, _, _ in validated)

    def step(self) -> None:
        """One Adam step along the gradient at the weights of the last `losses`."""
        self.optimizer.step(self.grads)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
