"""`corpus ship`: a model's weights written into its ruleset, then checked in the browser.

corpus/vectors/ship.py rewrites the numbers; this module picks the model and the
ruleset, and compares fathom-web's scores of the shipped file in Chromium with the
model's own scores of the same candidates (corpus/vectors/shipcheck.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import BadInput
from corpus.store.digest import sha256_file
from corpus.store.lock import writer_lock
from corpus.tree.sample import set_samples
from corpus.vectors.jsruleset import is_js_ruleset
from corpus.vectors.ship import ShipReport, Weights, ship
from trainer.config import load_training_config
from trainer.modelfile import MODELS_DIR, ModelFile, load_model, model_path
from trainer.staleness import trainee_ruleset

TOLERANCE = 1e-4  # the largest score difference a verified ship allows


@dataclass
class ShipOutcome:
    report: ShipReport
    verified_on: str | None = None  # the set the browser scored; None: not checked
    candidates: int = 0
    max_score_difference: float | None = None
    pages_checked: int = 0  # pages the browser scored (at most shipcheck.CHECK_PAGES)
    pages_skipped: int = 0  # pages that did not render or whose ruleset failed
    first_skipped: str | None = None  # why the first of those was skipped
    error: str | None = None  # why nothing was shipped (retrain's `ship: true` goes on to the next trainee)

    @classmethod
    def failed(cls, ruleset: Path, error: str) -> ShipOutcome:
        return cls(ShipReport(ruleset, False, 0), error=error)

    @property
    def verified(self) -> bool:
        if self.error is not None:
            return False
        return self.max_score_difference is None or self.max_score_difference <= TOLERANCE

    def check_text(self) -> str | None:
        """The browser check in words; None when none ran."""
        if self.max_score_difference is None:
            return None
        skipped = (f", {self.pages_skipped} skipped (first: {self.first_skipped})"
                   if self.pages_skipped else "")
        return (f"in the browser on {self.verified_on} ({self.candidates} candidates): largest score difference "
                f"{self.max_score_difference:.3g} (allowed {TOLERANCE:g}); {self.pages_checked} page(s) checked"
                f"{skipped}")

    def to_json(self) -> dict[str, Any]:
        return {"changed": self.report.changed, "numbers": self.report.numbers, "verifiedOn": self.verified_on,
                "candidates": self.candidates, "max_score_difference": self.max_score_difference,
                "pages_checked": self.pages_checked, "pages_skipped": self.pages_skipped, "error": self.error}


def weights_of(model: ModelFile, model_file: Path, trainee: str) -> Weights:
    """The model's weights; a rule it was trained without (`exclude:`) ships as 0.0, so the
    ruleset scores as the model does, the rule left in the file but not counted."""
    if not model.network.is_linear:
        raise BadInput(f"{model_file}: a model with hidden layers has no per-rule weights to ship")
    coeffs = model.network.coeffs()
    trained = {name for name, _ in coeffs}
    excluded = [str(r) for r in model.hyperparameters.get("exclude") or () if str(r) not in trained]
    return Weights(trainee, coeffs + [(rule, 0.0) for rule in excluded], model.network.bias,
                   sha256_file(model_file), model.cutoff)


def verify_set(root: Path, asked: str | None) -> str | None:
    """`--verify SET`, else validation, else testing: the first that holds pages."""
    if asked is not None:
        return asked
    return next((name for name in ("validation", "testing") if set_samples(root, name)), None)


def ship_inputs(root: Path, trainee: str | None, model_file: Path | None,
                ruleset: Path | None) -> tuple[str, Path, Path]:
    """The trainee (else the only one with a model file), its model file (else models/TYPE.json)
    and its ruleset (else training.yaml's `ruleset:`, else the vectorizer's default)."""
    if trainee is None:
        models = sorted((root / MODELS_DIR).glob("*.json")) if model_file is None else [model_file]
        if len(models) != 1:
            raise BadInput("say which type to ship with --trainee (models/ holds "
                           f"{len(models)} model files)")
        trainee = load_model(models[0]).trainee or models[0].stem
    model_file = model_file if model_file is not None else model_path(root, trainee)
    if not model_file.is_file():
        raise BadInput(f"{model_file}: no such model file (train one with corpus retrain or corpus train)")
    if ruleset is None:
        ruleset = trainee_ruleset(root, load_training_config(root).get(trainee))
    return trainee, model_file, ruleset


def ship_model(root: Path, trainee: str, model_file: Path, ruleset: Path, verify: str | None,
               check: bool = True) -> ShipOutcome:
    """Write the model into `ruleset`; then, for a JavaScript ruleset and unless `check` is
    False, score `verify` in the browser."""
    model = load_model(model_file)
    with writer_lock(root):
        outcome = ShipOutcome(ship(ruleset, weights_of(model, model_file, trainee)))
    set_name = verify_set(root, verify) if check else None
    if set_name is None or not is_js_ruleset(ruleset):
        return outcome
    outcome.verified_on = set_name
    score_difference(root, ruleset, trainee, set_name, model, outcome)
    return outcome


def score_difference(root: Path, ruleset: Path, trainee: str, set_name: str, model: ModelFile,
                     outcome: ShipOutcome) -> None:
    """Fill in `outcome`: how many pages and candidates the browser scored (and skipped), and
    the largest |browser - model| score."""
    from corpus.vectors.shipcheck import browser_scores

    names, candidates, pages = browser_scores(root, ruleset, trainee, set_name)
    columns = [names.index(name) for name in model.network.feature_names]
    count, largest = 0, 0.0
    for candidate in candidates:
        features = np.array([[candidate.features[i] for i in columns]])
        expected = float(model.network.scores(features)[0])
        largest = max(largest, abs(expected - candidate.score))
        count += 1
    outcome.candidates, outcome.max_score_difference = count, largest
    outcome.pages_checked, outcome.pages_skipped = pages.checked, pages.skipped
    outcome.first_skipped = pages.first_skipped
