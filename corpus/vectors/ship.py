"""Writing a model's weights into its ruleset file, in place.

Only the number literals of the trainee's coefficients and its bias change (each
to the shortest text that reads back as the same float), plus one marker comment
recording the model: `// corpus ship: trainee=new model=sha256:<hex> cutoff=0.75`,
inserted above the coefficients once and rewritten in place afterwards. Every
other byte stays as it was. Rules in the model but not in the file, or the other
way round, are refused before anything is written.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import BadInput, CorpusError
from corpus.store.atomic import atomic_write
from corpus.vectors.jsruleset import is_js_ruleset
from corpus.vectors.weights import (
    MARKER_TEXT,
    WeightLayout,
    comment_prefix,
    ruleset_weights,
    splice,
    weight_layout,
)

_MODEL_IN_MARKER = re.compile(r"model=sha256:([0-9a-f]{64})")


@dataclass(frozen=True)
class Weights:
    """What ships: one coefficient per rule, the bias, and the model's identity."""

    trainee: str
    coeffs: list[tuple[str, float]]
    bias: float
    model_sha256: str
    cutoff: float


@dataclass
class ShipReport:
    path: Path
    changed: bool  # the file's bytes changed
    numbers: int  # literals written


def number_text(value: float) -> str:
    """The shortest literal that reads back as `value`, valid in JavaScript and Python."""
    if not math.isfinite(value):
        raise BadInput(f"cannot ship the weight {value!r}: not a finite number")
    return repr(float(value))


def marker_line(path: Path, weights: Weights) -> str:
    return (f"{comment_prefix(path)} {MARKER_TEXT} trainee={weights.trainee} "
            f"model=sha256:{weights.model_sha256} cutoff={weights.cutoff!r}")


def shipped_model(path: Path, trainee: str, cache_root: Path | None = None) -> str | None:
    """The sha256 of the model file the ruleset's marker for `trainee` names, if any
    (`cache_root`: see weights.ruleset_weights); CorpusError when the ruleset does not parse."""
    marker = ruleset_weights(path, cache_root).marker_for(trainee)
    found = _MODEL_IN_MARKER.search(marker.name) if marker else None
    return found.group(1) if found else None


def ship(path: Path, weights: Weights) -> ShipReport:
    """Write `weights` into the ruleset at `path` (atomically); BadInput when rules differ."""
    path = Path(path)
    source = path.read_bytes()
    layout = weight_layout(path, source)
    cuts = _cuts(path, layout, weights)
    _check_numbers(path, source, cuts[:-1])
    new = splice(source, cuts)
    if new != source:
        atomic_write(path, new)
    return ShipReport(path, new != source, len(cuts) - 1)


def _check_numbers(path: Path, source: bytes, cuts: list[tuple[int, int, bytes]]) -> None:
    """Refuse unless each span to rewrite holds a number: offsets that do not match the
    bytes (a reader's bug, a file changed meanwhile) must never write into the code."""
    for start, end, _ in cuts:
        try:
            float(source[start:end].decode("ascii"))
        except ValueError:
            raise CorpusError(f"{path}: bytes {start}-{end} are not the number expected there "
                              f"({source[start:end][:40]!r}); nothing written") from None


def _cuts(path: Path, layout: WeightLayout, weights: Weights) -> list[tuple[int, int, bytes]]:
    spans = layout.coeffs.get(weights.trainee)
    if spans is None:
        known = ", ".join(sorted(layout.coeffs)) or "none"
        hint = "" if is_js_ruleset(path) else (
            f"; a Python ruleset keeps them, read by nothing, in a module-level `coefficients = "
            f"{{{json.dumps(weights.trainee)}: [(\"rule\", 0.0), ...]}}` as corpus init writes it")
        raise BadInput(f"{path}: no coefficients found for trainee {weights.trainee!r} (found: {known}){hint}")
    in_file = [s.name for s in spans]
    in_model = [name for name, _ in weights.coeffs]
    only_model = [n for n in in_model if n not in in_file]
    only_file = [n for n in in_file if n not in in_model]
    if only_model or only_file:
        raise BadInput(f"{path}: the rules differ from the model's: "
                       + "; ".join(part for part in (
                           f"in the model, not the file: {', '.join(only_model)}" if only_model else "",
                           f"in the file, not the model: {', '.join(only_file)}" if only_file else "",
                       ) if part) + "; nothing written")
    bias = layout.bias_for(weights.trainee)
    if bias is None:
        wanted = layout.vector_types.get(weights.trainee, weights.trainee)
        add = (f"add `const biases = [['{wanted}', 0]]` and pass it to ruleset(rules, coeffs, biases)"
               if is_js_ruleset(path) else f"add `biases = {{{json.dumps(wanted)}: 0.0}}` at module level")
        raise BadInput(f"{path}: no bias for type {wanted!r} ({add}); nothing written")
    values = dict(weights.coeffs)
    cuts = [(s.start, s.end, number_text(values[s.name]).encode()) for s in spans]
    cuts.append((bias.start, bias.end, number_text(weights.bias).encode()))
    line = marker_line(path, weights)
    marker = layout.marker_for(weights.trainee)
    if marker is not None:
        cuts.append((marker.start, marker.end, line.encode()))
    else:
        cuts.append((layout.anchors[weights.trainee], layout.anchors[weights.trainee], (line + "\n").encode()))
    return cuts
