"""The viewer's requests and answers, as plain functions of a request (no sockets here).

Safety of a local server: every request must name this server in its `Host`
header (a page on another site that rebinds its DNS name to 127.0.0.1 still
sends its own name), and every request that writes must carry the token that
only this server's own pages hold. Files are served from inside the corpus only,
never from `.git` (safety.py decides on the resolved path).

No file of the corpus runs in the viewer's origin, where it could read the token from
`/` and write: each is served in a CSP sandbox (an origin of its own, no script), and
the sample frame, which the viewer's script reaches into, runs no script.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from corpus.check.check import check_paths
from corpus.errors import BadInput, CorpusError
from corpus.extract.mime import content_type
from corpus.render.browser import Viewport
from corpus.render.facts import for_browser, mark_elements
from corpus.samples.labeling import (
    LabelEdit,
    html_element,
    labels_by_element,
    set_label,
    write_label,
)
from corpus.serve import pages
from corpus.serve.browser_thread import ViewerBrowsers
from corpus.serve.collecting import collect_one
from corpus.serve.nodes import sample_nodes
from corpus.serve.results import (
    index_rows,
    set_results,
    trained_types,
    trainee_model,
)
from corpus.serve.rulesetchoice import RulesetChoice
from corpus.serve.safety import real_path_inside, request_path, split_target
from corpus.store.lock import writer_lock
from corpus.tree.rubric import Rubric, load_rubric
from corpus.tree.sample import RESOURCES_DIR, SETS, Sample, is_page_name

STATIC_DIR = (Path(__file__).parent / "static").resolve()
TOKEN_HEADER = "x-corpus-token"
UNDO_DEPTH = 100
WRITER_WAIT_SECONDS = 10.0  # a `corpus pick` running beside the viewer ends before a label is refused
# The sample frame: no script runs, nothing is fetched from elsewhere, no form is sent.
# It keeps the viewer's origin (the viewer's script draws the overlay into it), so the
# sandbox allows that and nothing else: no script, form, popup or navigation of the top.
FRAME_CSP = ("default-src 'none'; img-src 'self' data:; media-src 'self' data:; font-src 'self' data:; "
             "style-src 'self' 'unsafe-inline' data:; frame-src 'self' data:; script-src 'none'; "
             "form-action 'none'; base-uri 'none'; sandbox allow-same-origin")
# Every other file of the corpus (a page at its path, a resource, an SVG): an opaque
# origin of its own, no script; it cannot read the viewer's pages or send its writes.
CORPUS_FILE_CSP = "sandbox"
_CROP_NAME = re.compile(r"([0-9]{1,9})\.png")
PAGE_CSP = "default-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'"


@dataclass
class Request:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # lowercase names
    body: bytes = b""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _json(data: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(data).encode(), "application/json")


def _text(status: int, message: str) -> Response:
    return Response(status, (message + "\n").encode())


@dataclass
class Undo:
    sample: Sample
    edit: LabelEdit


class ViewerApp:
    """The viewer of one corpus, for one run of the server."""

    def __init__(self, root: Path, hosts: set[str], token: str | None = None, ruleset: Path | None = None,
                 allow_local: bool = False) -> None:
        self.root = root.resolve()
        self.ruleset = ruleset.resolve() if ruleset is not None else None  # None: each trainee's own (rulesetchoice.py)
        self.rulesets = RulesetChoice(self.root, self.ruleset)
        self.hosts = hosts  # `Host` header values this server answers to
        self.token = token or secrets.token_urlsafe(24)
        self.allow_local = allow_local  # the collect field may fetch loopback and private addresses
        rubric = load_rubric(self.root)
        self.viewport = rubric.viewport
        self.browser = ViewerBrowsers(self.root, Viewport(*rubric.viewport))
        self.undo: list[Undo] = []
        self._writing = threading.Lock()

    def close(self) -> None:
        self.browser.close()

    # --- dispatch -----------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.headers.get("host", "").lower() not in self.hosts:
            return _text(403, "refused: the Host header does not name this server")
        raw_path, raw_query = split_target(request.target)
        path = request_path(raw_path)
        if path is None:
            return _text(404, "not served")
        query = {k: v[-1] for k, v in parse_qs(raw_query).items()}
        try:
            if request.method == "POST":
                if not secrets.compare_digest(request.headers.get(TOKEN_HEADER, ""), self.token):
                    return _text(403, "refused: a write needs this server's token")
                return self._post(path, request.body)
            if request.method in ("GET", "HEAD"):
                return self._get(path, query)
            return _text(405, f"{request.method}: not allowed")
        except CorpusError as e:
            return _json({"error": str(e)}, 400 if e.exit_code == 2 else 409)
        except Exception as e:  # a bug: answer it (the browser shows it) and log it, never drop the connection
            traceback.print_exc()
            return _json({"error": f"internal error: {type(e).__name__}: {e}"}, 500)

    def _get(self, path: str, query: dict[str, str]) -> Response:
        if path in ("/", "/api/index", "/gallery") or path.startswith(("/sample/", "/api/sample/")):
            return self._view(path, query)
        if path.startswith("/frame/"):
            return self._frame(path.removeprefix("/frame/"))
        if path.startswith("/crop/"):
            return self._crop(path.removeprefix("/crop/"))
        if path == "/favicon.ico":
            return Response(204, b"")
        if path.startswith("/static/"):
            return self._file(STATIC_DIR, path.removeprefix("/static/"))
        return self._corpus_file(self.root, path.lstrip("/"))

    def _view(self, path: str, query: dict[str, str]) -> Response:
        """The viewer's own pages and their data: the ones that read the rubric and the trainee
        (a frame's resource, a static file or a crop reads neither)."""
        rubric = load_rubric(self.root)
        trained = trained_types(self.root, rubric) if path == "/" or not query.get("trainee") else []
        trainee = self._trainee(rubric, query.get("trainee"), trained)
        if path.startswith("/sample/"):
            sample = self._sample(path.removeprefix("/sample/"))
            return self._page(pages.sample_page(sample, trainee, list(rubric.types), self.token))
        if path.startswith("/api/sample/"):
            return _json(self._sample_data(self._sample(path.removeprefix("/api/sample/")), rubric, trainee))
        if path == "/gallery":
            set_name = query.get("set", "validation")
            mistakes, problem = self._mistakes(rubric, set_name, trainee)
            return self._page(pages.gallery_page(mistakes, set_name, trainee, self.token, problem))
        summaries = index_rows(self.root, rubric, trainee, *trainee_model(self.root, trainee))
        if path == "/api/index":
            return _json([s.to_json() for s in summaries])
        return self._page(pages.index_page(summaries, trainee, trained, self.token))

    def _post(self, path: str, body: bytes) -> Response:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return _text(400, "the body is not JSON")
        try:
            if path == "/api/label":
                return self._label(data)
            if path == "/api/undo":
                return _json(self._undo_last())
            if path == "/api/collect":
                return self._collect(data)
        except FileNotFoundError as e:  # a `split` or `pick` moved the page since it was shown
            raise CorpusError(f"{e.filename}: moved or removed since the page was loaded; reload") from None
        return _text(404, f"{path}: no such action")

    def _label(self, data: Any) -> Response:
        if not isinstance(data, dict):
            return _text(400, "the body is not a JSON object")
        sample = self._sample(f"{data.get('set')}/{data.get('name')}")
        element = data.get("element")
        if data.get("wholePage"):
            element = html_element(sample.path.read_bytes())
        if not isinstance(element, int):
            return _text(400, "element: a start tag number is needed")
        label = data.get("label") or None
        return _json(self._write_label(sample, element, label))

    def _collect(self, data: Any) -> Response:
        """Collect one URL into `unused` (corpus collect's code); answers where to open it."""
        line = data.get("url") if isinstance(data, dict) else None
        if not isinstance(line, str):
            return _text(400, "url: a URL to collect is needed")
        sample = collect_one(self.root, line, Viewport(*self.viewport), self.allow_local, WRITER_WAIT_SECONDS)
        return _json({"set": sample.set_name, "name": sample.name, "path": sample.relpath,
                      "view": f"/sample/{pages.url_part(sample.set_name)}/{pages.url_part(sample.name)}"})

    # --- pieces -------------------------------------------------------------------------

    @staticmethod
    def _trainee(rubric: Rubric, asked: str | None, trained: list[str]) -> str | None:
        """The trainee asked for, else the first type with a model (`trained`)."""
        if asked:
            if asked not in rubric.types:
                raise CorpusError(f"{asked}: not a type of the rubric")
            return asked
        return trained[0] if trained else None

    def _sample(self, rel: str) -> Sample:
        set_name, _, name = rel.partition("/")
        if set_name not in SETS or "/" in name or not is_page_name(name):
            raise CorpusError(f"{rel}: not a sample")
        sample = Sample(self.root, set_name, name)
        try:
            found = sample.path.is_file() and not sample.path.is_symlink()
        except OSError:  # a name the file system cannot hold (too long, say)
            raise BadInput(f"{rel}: not a sample") from None
        if not found:
            raise CorpusError(f"{sample.relpath}: no such sample")
        return sample

    def _page(self, html: str) -> Response:
        # A name that is not UTF-8 (its bytes held as surrogates) is written as those bytes.
        return Response(200, html.encode("utf-8", "surrogateescape"), "text/html; charset=utf-8",
                        {"content-security-policy": PAGE_CSP, "x-frame-options": "SAMEORIGIN"})

    def _sample_data(self, sample: Sample, rubric: Rubric, trainee: str | None) -> dict[str, Any]:
        html = sample.path.read_bytes()
        findings = [f"{f.line}: {f.message}" for f in check_paths(self.root, [sample.path])]
        nodes: list[dict[str, Any]] = []
        error = None
        model, problem = trainee_model(self.root, trainee)  # read once: the ruleset's choice reads it too
        ruleset = self.rulesets.for_trainee(trainee, model)
        if trainee is not None and ruleset.is_file():
            try:  # a broken model file: the page and its labels still show, with the error
                if problem is not None:
                    raise CorpusError(problem)
                found = self.browser.run(lambda browsers: sample_nodes(self.root, ruleset, sample, trainee, model,
                                                                       browsers, self.viewport))
                nodes = [n.to_json() for n in found]
            except CorpusError as e:
                error = str(e)
        try:
            page_element = html_element(html)
        except CorpusError:
            page_element = None
        return {"set": sample.set_name, "name": sample.name, "labels": labels_by_element(html),
                "htmlElement": page_element, "nodes": nodes, "nodesError": error, "findings": findings,
                "types": list(rubric.types), "trainee": trainee, "undo": len(self.undo)}

    def _frame(self, rel: str) -> Response:
        """`<set>/<stem>/<page>`: the marked page; `<set>/<stem>/resources/<stem>/...`: its own files."""
        set_name, _, rest = rel.partition("/")
        stem, _, inner = rest.partition("/")
        if set_name not in SETS:
            return _text(404, "no such set")
        if "/" not in inner:
            sample = self._sample(f"{set_name}/{inner}")
            if sample.stem != stem:
                return _text(404, "no such page")
            body = for_browser(mark_elements(sample.path.read_bytes()))
            return Response(200, body, "text/html", {"content-security-policy": FRAME_CSP})
        own = self.root / "samples" / set_name / RESOURCES_DIR / stem
        wanted = inner.removeprefix(f"{RESOURCES_DIR}/{stem}/")
        if wanted == inner:
            return _text(404, "only the sample's own resources are served")
        return self._corpus_file(own, wanted)

    def _corpus_file(self, base: Path, rel: str) -> Response:
        """A file of the corpus, in a sandbox: whatever it holds runs in no origin of ours."""
        response = self._file(base, rel)
        if response.status == 200:
            response.headers["content-security-policy"] = CORPUS_FILE_CSP
        return response

    def _file(self, base: Path, rel: str) -> Response:
        """A regular file inside `base` (`rel`: resolved by request_path), reached through
        no symlink; nothing in `.git/`."""
        rel = rel.lstrip("/")
        real = real_path_inside(base, rel) if rel else None
        # A symlink anywhere on the way (the resources folder itself included) makes the
        # real path differ from the one asked for.
        if real is None or real != base.absolute() / rel or not real.is_file():
            return _text(404, "not served")
        return Response(200, real.read_bytes(), content_type(real))

    def _crop(self, rel: str) -> Response:
        sample_rel, _, last = rel.rpartition("/")
        number = _CROP_NAME.fullmatch(last)
        if number is None:
            return _text(404, "no such crop")
        png = self.browser.crop(self._sample(sample_rel), int(number.group(1)))
        if png is None:
            return _text(404, "no such element")
        return Response(200, png, "image/png") if png else _text(404, "the element is not rendered")

    def _mistakes(self, rubric: Rubric, set_name: str, trainee: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """Every false positive, false negative and pruned target of a set, worst pages
        first; or why there are no results (a model or vector file that cannot be read)."""
        if trainee is None or set_name not in SETS:
            return [], None
        model, problem = trainee_model(self.root, trainee)
        summary = set_results(self.root, rubric, set_name, trainee, model, problem)
        if summary.problem is not None:
            return [], summary.problem
        ruleset = self.rulesets.for_trainee(trainee, model)
        found = []
        for row in summary.rows:
            if not row.errors:
                continue
            sample = Sample(self.root, set_name, row.name)
            nodes = self.browser.run(lambda browsers, s=sample: sample_nodes(self.root, ruleset, s, trainee, model,
                                                                             browsers, self.viewport))
            found += [{"set": set_name, "name": row.name, **n.to_json()} for n in nodes
                      if n.outcome in ("FP", "FN", "pruned") and n.element is not None]
        return found, None

    # --- writes -------------------------------------------------------------------------

    def _apply(self, sample: Sample, edit: LabelEdit) -> None:
        """Write the edited page and stage it, journaled, under the writer lock (a corpus
        command holding it is waited for a while). Callers hold `self._writing`."""
        with writer_lock(self.root, WRITER_WAIT_SECONDS):
            write_label(self.root, sample, edit)

    def _write_label(self, sample: Sample, element: int, label: str | None) -> dict[str, Any]:
        # Requests run on threads of their own: this server's writes and its undo list
        # change one at a time.
        with self._writing:
            edit = set_label(sample.path.read_bytes(), element, label)
            if edit.after != edit.before:
                self._apply(sample, edit)
                self.undo = [*self.undo, Undo(sample, edit)][-UNDO_DEPTH:]
            undo_depth = len(self.undo)
        findings = [f"{f.line}: {f.message}" for f in check_paths(self.root, [sample.path])]
        return {"changed": edit.after != edit.before, "old": edit.old, "new": edit.new,
                "findings": findings, "undo": undo_depth}

    def _undo_last(self) -> dict[str, Any]:
        with self._writing:
            if not self.undo:
                raise CorpusError("nothing to undo")
            last = self.undo[-1]
            reverse = LabelEdit(last.edit.after, last.edit.before, last.edit.element, last.edit.new, last.edit.old)
            self._apply(last.sample, reverse)
            self.undo = self.undo[:-1]
            return {"set": last.sample.set_name, "name": last.sample.name, "element": last.edit.element,
                    "label": last.edit.old, "undo": len(self.undo)}
