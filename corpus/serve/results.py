"""What the index shows: every sample with its labels, findings and model results."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import CorpusError
from corpus.extract.factcache import page_facts, worktree_blob_ids
from corpus.serve.findingcache import page_findings
from corpus.tree.rubric import Rubric
from corpus.tree.sample import SAMPLES_DIR, SETS, Sample, all_samples, set_samples
from corpus.vectors.vectorize import default_vectors_path

if TYPE_CHECKING:
    from trainer.metrics import Metrics, PageResult
    from trainer.modelfile import ModelFile

# The trainer (numpy, orjson: the `train` extra) is imported by the functions that
# read or score with a model, not by the module: the viewer starts without it.


@dataclass
class SampleRow:
    set_name: str
    name: str
    negative: bool
    labels: dict[str, int]  # label value -> how many elements carry it
    findings: list[str]  # `check` messages, `line: message`
    outcomes: dict[str, int] = field(default_factory=dict)  # TP / FP / FN / pruned -> count
    worst: float | None = None  # how far the worst error's score is on the wrong side of the cutoff

    @property
    def errors(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome != "TP")

    def to_json(self) -> dict[str, Any]:
        return {"set": self.set_name, "name": self.name, "negative": self.negative, "labels": self.labels,
                "findings": self.findings, "outcomes": self.outcomes, "errors": self.errors, "worst": self.worst}


@dataclass
class SetSummary:
    set_name: str
    rows: list[SampleRow]
    metrics: Metrics | None  # when vectors and a model exist for the trainee
    problem: str | None = None  # why there are no results: a model or vector file that cannot be read

    def to_json(self) -> dict[str, Any]:
        return {"set": self.set_name, "samples": [r.to_json() for r in self.rows],
                "metrics": self.metrics.to_json() if self.metrics else None, "problem": self.problem}


def trained_types(root: Path, rubric: Rubric) -> list[str]:
    """Types of the rubric that have a model file, in the rubric's order."""
    from trainer.modelfile import model_path

    return [t for t in rubric.types if model_path(root, t).is_file()]


def load_trainee_model(root: Path, trainee: str | None) -> ModelFile | None:
    from trainer.modelfile import load_model, model_path

    if trainee is None or not model_path(root, trainee).is_file():
        return None
    return load_model(model_path(root, trainee))


def _worst(tags: list[Any], cutoff: float) -> float | None:
    distances = [abs(t.score - cutoff) for t in tags if t.outcome in ("FP", "FN") and t.score is not None]
    if any(t.outcome == "pruned" for t in tags):
        distances.append(1.0)  # a target no candidate picked is as wrong as it gets
    return max(distances) if distances else None


def _apply_results(rows: dict[str, SampleRow], pages: list[PageResult], cutoff: float) -> None:
    for page in pages:
        row = rows.get(page.filename)
        if row is None:  # vectors of a page that is gone: the index shows what is there
            continue
        row.outcomes = dict(Counter(t.outcome for t in page.tags))
        row.worst = _worst(page.tags, cutoff)


def _results(model: ModelFile, vectors: Path, rows: dict[str, SampleRow]) -> Metrics:
    """The model's results on a set's vectors, written into its rows."""
    from trainer.pipeline import evaluate_model

    evaluation, _ = evaluate_model(model, vectors)
    _apply_results(rows, evaluation.pages, evaluation.metrics.cutoff)
    return evaluation.metrics


def index_rows(root: Path, rubric: Rubric, trainee: str | None, model: ModelFile | None = None,
               model_problem: str | None = None) -> list[SetSummary]:
    """Per set, every sample; with model results when `trainee` has vectors and `model`
    (the trainee's, loaded by the caller; `model_problem` says why it could not be).
    A vector file that cannot be read costs only its set's results, and is named."""
    by_set: dict[str, list[Sample]] = {s: [] for s in SETS}
    for sample in all_samples(root):
        by_set[sample.set_name].append(sample)
    # Labels and findings from per-page caches git blob ids key (read again only for changed
    # pages); git names the blobs once for both.
    everyone = [s for samples in by_set.values() for s in samples]
    try:
        ids: dict[str, str] | None = worktree_blob_ids(root, f"{SAMPLES_DIR}/")
    except CorpusError:  # not in git: both read every page
        ids = None
    facts = page_facts(root, [s.relpath for s in everyone], ids=ids)
    findings = page_findings(root, rubric, everyone, ids).by_page
    summaries = []
    for set_name in SETS:
        rows = {
            s.name: SampleRow(set_name, s.name, rubric.naming.is_negative(s.name),
                              dict(Counter(facts[s.relpath].types)), findings.get(s.relpath, []))
            for s in by_set[set_name]
        }
        summaries.append(_summary(root, set_name, rows, trainee, model, model_problem))
    return summaries


def set_results(root: Path, rubric: Rubric, set_name: str, trainee: str | None, model: ModelFile | None,
                model_problem: str | None = None) -> SetSummary:
    """One set's samples with the model's results only (no labels, no findings): what the
    gallery of mistakes needs, without the work of the whole index."""
    rows = {s.name: SampleRow(set_name, s.name, rubric.naming.is_negative(s.name), {}, [])
            for s in set_samples(root, set_name)}
    return _summary(root, set_name, rows, trainee, model, model_problem)


def trainee_model(root: Path, trainee: str | None) -> tuple[ModelFile | None, str | None]:
    """The trainee's model, or why it cannot be read (a model file that cannot be read
    costs only the results, and is named)."""
    try:
        return load_trainee_model(root, trainee), None
    except CorpusError as e:
        return None, str(e)


def _summary(root: Path, set_name: str, rows: dict[str, SampleRow], trainee: str | None,
             model: ModelFile | None, problem: str | None) -> SetSummary:
    """A set's rows with the model's results on its vectors, worst first."""
    metrics = None
    vectors = default_vectors_path(root, set_name, trainee) if trainee else None
    if model is not None and vectors is not None and vectors.is_file():
        try:
            metrics = _results(model, vectors, rows)
        except CorpusError as e:
            problem = str(e)
    ordered = sorted(rows.values(), key=lambda r: (-r.errors, -(r.worst or 0.0), r.name))
    return SetSummary(set_name, ordered, metrics, problem)
