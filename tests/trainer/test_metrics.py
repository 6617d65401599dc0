"""Metrics counted by hand on a tiny set, pruned targets included."""

from __future__ import annotations

import math

import numpy as np

from corpus.vectors.vectorfile import NodeVector, PageVectors, VectorFile
from trainer.dataset import dataset_from_vectors
from trainer.metrics import evaluate, optimal_cutoff
from trainer.model import linear_network
from trainer.synthetic import make_vectors

# score = sigmoid(4*a - 4*b - 1): [1,0] -> 0.95 (called a target); [0,1], [1,1], [0,0] -> below 0.5
NETWORK = linear_network([("a", 4.0), ("b", -4.0)], -1.0)


def _fixture() -> VectorFile:
    return VectorFile(
        ["a", "b"],
        [
            PageVectors(
                "a.html",
                [
                    NodeVector(True, [1.0, 0.0], "<input id=hit>"),  # TP
                    NodeVector(True, [], "<input id=missed>", pruned=True),  # pruned: FN, in the middle of the page
                    NodeVector(False, [0.0, 1.0], "<div>"),  # TN
                    NodeVector(False, [1.0, 0.0], "<input id=decoy>"),  # FP
                ],
            ),
            PageVectors(
                "b.html",
                [
                    NodeVector(True, [0.0, 0.0], "<input id=weak>"),  # FN
                    NodeVector(False, [1.0, 1.0], "<span>"),  # TN
                ],
            ),
            PageVectors("n3.html", [NodeVector(False, [0.0, 1.0], "<p>")]),  # TN
        ],
    )


def test_metrics_match_the_hand_count() -> None:
    m = evaluate(NETWORK, dataset_from_vectors(_fixture(), "fixture.json"), 0.5).metrics
    c = m.confusion
    assert (c.true_positives, c.false_positives, c.true_negatives, c.false_negatives, c.pruned) == (1, 1, 3, 2, 1)
    assert m.accuracy == 4 / 7
    assert m.false_positive_rate == 1 / 4
    assert m.false_negative_rate == 2 / 3
    assert m.precision == 1 / 2
    assert m.recall == 1 / 3
    assert math.isclose(m.f1, 2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))
    assert math.isclose(m.mcc, (1 * 3 - 1 * 2) / math.sqrt(2 * 3 * 4 * 5))
    # Wilson's interval for 4 of 7 (what statsmodels' proportion_confint(4, 7, method="wilson") gives).
    assert np.allclose(m.accuracy_interval, (0.250458, 0.841780), atol=1e-6)
    assert m.false_negative_rate_interval is not None and m.false_negative_rate_interval[1] <= 1.0


def test_per_page_results_name_each_target_and_error_in_page_order() -> None:
    pages = evaluate(NETWORK, dataset_from_vectors(_fixture(), "fixture.json"), 0.5).pages
    a, b, n3 = pages
    assert [(t.markup, t.outcome) for t in a.tags] == [
        ("<input id=hit>", "TP"),
        ("<input id=missed>", "pruned"),
        ("<input id=decoy>", "FP"),
    ]
    assert a.tags[1].score is None and a.tags[0].score > 0.9 and a.true_negatives == 1
    assert [(t.markup, t.outcome) for t in b.tags] == [("<input id=weak>", "FN")]
    assert n3.tags == [] and n3.true_negatives == 1


def test_a_higher_cutoff_turns_the_false_positive_into_a_true_negative() -> None:
    # Nudge the decoy's score below the real target's so a cutoff can part them.
    vectors = _fixture()
    vectors.pages[0].nodes[3] = NodeVector(False, [1.0, 0.1], "<input id=decoy>")
    dataset = dataset_from_vectors(vectors, "fixture.json")
    scores = NETWORK.scores(dataset.x)
    cutoff, best = optimal_cutoff(dataset.y, scores, dataset.pruned_targets)
    assert scores[3] < cutoff <= scores[0]
    m = evaluate(NETWORK, dataset, cutoff).metrics
    assert m.confusion.false_positives == 0 and math.isclose(m.mcc, best)
    assert best > evaluate(NETWORK, dataset, 0.5).metrics.mcc


def test_an_unknown_rule_is_named_in_the_error() -> None:
    try:
        dataset_from_vectors(_fixture(), "fixture.json", exclude=["nope"])
    except Exception as e:
        assert "fixture.json" in str(e) and "'nope'" in str(e)
    else:
        raise AssertionError("an unknown rule was accepted")


def test_per_page_results_counted_with_arrays_match_a_walk_over_every_node() -> None:
    vectors = make_vectors(pages=40, features=5, seed=9, target_rate=0.2, pruned_rate=0.3)
    dataset = dataset_from_vectors(vectors, "walk.json")
    network = linear_network([(f"rule{i}", w) for i, w in enumerate([3.0, -1.0, 2.0, 0.5, -2.0])], -1.5)
    scores = network.scores(dataset.x)
    expected, row = {}, 0
    for page in sorted(vectors.pages, key=lambda p: p.filename):  # the old walk, in the rows' order
        tags, quiet = [], 0
        for node in page.nodes:
            if node.pruned:
                tags.append((node.markup, None, "pruned"))
                continue
            score, row = float(scores[row]), row + 1
            if node.is_target:
                tags.append((node.markup, score, "TP" if score >= 0.5 else "FN"))
            elif score >= 0.5:
                tags.append((node.markup, score, "FP"))
            else:
                quiet += 1
        expected[page.filename] = (tags, quiet)
    pages = evaluate(network, dataset, 0.5).pages
    assert [p.filename for p in pages] == sorted(expected)
    assert any(t.outcome == "pruned" for p in pages for t in p.tags) and any(t.outcome == "FP" for p in pages
                                                                           for t in p.tags)
    for page in pages:
        assert ([(t.markup, t.score, t.outcome) for t in page.tags], page.true_negatives) == expected[page.filename]
