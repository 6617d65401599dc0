"""Made-up vector files that look like real ones, for the benchmark and the tests.

Real rule scores are mostly yes/no smells plus some graded ones in [0, 1]; a few
percent of candidates are targets, and rules are informative but noisy. A few
targets per file are pruned (no candidate selector picked them).
"""

from __future__ import annotations

import random

from corpus.vectors.vectorfile import NodeVector, PageVectors, VectorFile


def make_vectors(
    pages: int = 100,
    features: int = 30,
    nodes_per_page: tuple[int, int] = (20, 80),
    target_rate: float = 0.02,
    pruned_rate: float = 0.05,
    seed: int = 0,
    separable: bool = False,
) -> VectorFile:
    """A vector file of `pages` pages.

    With `separable`, rule 0 alone tells targets apart (targets score >= 0.6,
    others <= 0.4), so a perfect linear model exists.
    """
    rng = random.Random(seed)
    informative = max(1, features // 3)  # the first third of the rules carry signal
    names = [f"rule{i}" for i in range(features)]
    out = []
    for p in range(pages):
        nodes = []
        for n in range(rng.randint(*nodes_per_page)):
            target = rng.random() < target_rate
            if target and rng.random() < pruned_rate:
                nodes.append(NodeVector(True, [], f'<input id="pruned{p}_{n}">', pruned=True))
                continue
            values = []
            for k in range(features):
                signal = target and k < informative
                if k % 2 == 0:  # a yes/no smell
                    values.append(1.0 if rng.random() < (0.6 if signal else 0.1) else 0.0)
                else:  # a graded score
                    values.append(min(1.0, max(0.0, rng.gauss(0.62 if signal else 0.4, 0.2))))
            if separable:
                values[0] = rng.uniform(0.6, 1.0) if target else rng.uniform(0.0, 0.4)
            nodes.append(NodeVector(target, values, f'<div class="c{n}" data-page="{p}">'))
        negative = not any(node.is_target for node in nodes)
        out.append(PageVectors(f"{'n' if negative else ''}{p}.html", nodes, time=rng.randint(5, 50)))
    return VectorFile(names, out, {page.filename: f"{i:064x}" for i, page in enumerate(out)}, "0" * 64)
