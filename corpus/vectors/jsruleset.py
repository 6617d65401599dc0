"""Fathom rulesets written in JavaScript (`rulesets.js`), as FathomFox runs them.

The file is an ES module importing `fathom-web` and ending in `export default
trainees` (a Map from trainee id to `{coeffs, viewportSize, vectorType,
rulesetMaker, isTarget}`). `load_js_ruleset` bundles it with the in-page harness
(`js/harness.mjs`) by esbuild, through `js/bundle.mjs` on Node, and reads each
trainee's declarations; the bundle is what the browser workers evaluate.

fathom-web and esbuild come from npm, pinned by `js/package-lock.json` and
installed by `./setup.sh` (`npm ci`); nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import BadInput, BadInputFile, CorpusError
from corpus.store.digest import sha256_file
from corpus.store.filecache import FileCache

JS_RULESET_NAME = "rulesets.js"
JS_DIR = Path(__file__).parent / "js"
SETUP_HINT = "run ./setup.sh (it installs Node.js and runs `npm ci` in corpus/vectors/js)"


@dataclass(frozen=True)
class JsTrainee:
    """One trainee as the JavaScript file declares it."""

    name: str
    feature_names: list[str]  # coeffs.keys(), in order: the vector file's featureNames
    viewport: tuple[int, int] | None  # viewportSize; None: the rubric's viewport
    vector_type: str  # the Fathom type whose fnodes are vectorized (defaults to the id)
    custom_is_target: bool  # the trainee defines isTarget(fnode)


@dataclass
class JsRuleset:
    path: Path
    hash: str  # sha256 of the rulesets.js bytes, as FathomFox's header.rulesetHash
    code: str  # the bundle: fathom-web, the user's modules and the harness in one script
    trainees: dict[str, JsTrainee] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)  # every file that went into the bundle

    def imported_hashes(self) -> list[str | None]:
        """The sha256 of each bundled file but the ruleset (its imports, fathom-web, the
        harness), sorted: by content, so neither a rename nor where the corpus lives counts."""
        me = self.path.resolve()
        return sorted((_input_hash(p) or "") for p in self.inputs if p.resolve() != me)

    @staticmethod
    def bundler_version() -> str:
        """The installed esbuild's package.json, which fixes how the bundle is written."""
        return _input_hash(JS_DIR / "node_modules" / "esbuild" / "package.json") or ""

    def get(self, name: str) -> JsTrainee:
        try:
            return self.trainees[name]
        except KeyError:
            known = ", ".join(sorted(self.trainees)) or "none"
            raise BadInput(f"{self.path}: no trainee {name!r} (its default export defines: {known})") from None


def is_js_ruleset(path: Path) -> bool:
    return Path(path).suffix.lower() in (".js", ".mjs")


def node_path() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise CorpusError(f"Node.js not found, which JavaScript rulesets need: {SETUP_HINT}")
    return node


def run_node(script: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """One of our scripts in js/ (bundler, weight locator, freeze-dry bundler) on Node."""
    return subprocess.run([node_path(), str(JS_DIR / script), *args], cwd=cwd, capture_output=True, text=True)


def node_json(script: str, *args: str, failing: str, error: type[CorpusError] = CorpusError,
              cwd: Path | None = None) -> dict[str, Any]:
    """The one JSON object a script in js/ prints; `error(f"{failing}: <its last stderr line>")`
    when it prints none (it crashed, or Node itself failed)."""
    result = run_node(script, *args, cwd=cwd)
    try:
        return json.loads(result.stdout)
    except ValueError:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise error(f"{failing}: {detail}") from None


def load_js_ruleset(path: Path, cache_root: Path | None = None) -> JsRuleset:
    """Bundle `path` and read its trainees; CorpusError naming the file on any failure.

    With `cache_root`, the bundle is kept in its file cache (`.corpus-cache/js/`, by the
    ruleset's absolute path) and used again while every file that went into it (the
    ruleset, its imports, fathom-web, the harness) is unchanged.
    """
    path = Path(path)
    try:
        digest = sha256_file(path)
    except FileNotFoundError:
        raise BadInputFile(f"{path}: no ruleset file (`corpus init --js` scaffolds an example {JS_RULESET_NAME})") from None
    except OSError as e:
        raise BadInputFile(f"{path}: cannot read the ruleset: {e.strerror}") from None
    if not (JS_DIR / "node_modules" / "fathom-web").is_dir() or not (JS_DIR / "node_modules" / "esbuild").is_dir():
        raise CorpusError(f"fathom-web is not installed for JavaScript rulesets: {SETUP_HINT}")
    cache = None if cache_root is None else FileCache(cache_root, "js", ".json")
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
    answer = None if cache is None else _from_cache(cache.get(key))
    if answer is None:
        answer = _bundle(path)
        if cache is not None:
            answer["inputHashes"] = {p: _input_hash(Path(p)) for p in answer["inputs"]}
            cache.put(key, json.dumps(answer).encode())
    trainees = {
        name: JsTrainee(
            name,
            list(info["featureNames"]),
            tuple(info["viewport"]) if info["viewport"] else None,
            str(info["vectorType"]),
            bool(info["customIsTarget"]),
        )
        for name, info in answer["trainees"].items()
    }
    return JsRuleset(path, digest, answer["code"], trainees, [Path(p) for p in answer["inputs"]])


def _input_hash(path: Path) -> str | None:
    """The sha256 of a file that went into a bundle; None where it is gone."""
    try:
        return sha256_file(path)
    except OSError:
        return None


def _from_cache(cached: bytes | None) -> dict[str, Any] | None:
    """A cached bundle whose every input file still has the bytes it was made from."""
    if cached is None:
        return None
    try:
        answer = json.loads(cached)
        fresh = all(_input_hash(Path(p)) == h for p, h in answer["inputHashes"].items())
    except (OSError, ValueError, KeyError, AttributeError):
        return None  # a damaged entry is made again
    return answer if fresh else None


def _bundle(path: Path) -> dict[str, Any]:
    """Run js/bundle.mjs on Node: the bundle, its input files and the trainees."""
    # Run next to the ruleset, so esbuild names files relative to the ruleset's folder.
    answer = node_json("bundle.mjs", str(path.resolve()), cwd=path.resolve().parent,
                       failing=f"{path}: bundling the ruleset failed", error=BadInputFile)
    if "error" in answer:
        first_line = str(answer["error"]).splitlines()[0] if answer["error"] else "unknown error"
        if answer.get("file"):
            where = f"{path.parent / answer['file']}:{answer['line']}:{answer['column']}"
        else:
            where = str(path)
        raise BadInputFile(f"{where}: {first_line}")
    return answer
