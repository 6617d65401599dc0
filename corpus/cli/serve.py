"""`corpus serve`: the viewer of the corpus, or a folder's files as `fathom serve`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from corpus.cli.common import SetOrPath, corpus_root, reports_errors
from corpus.errors import BadInput, CorpusError
from corpus.tree.sample import find_root


@click.command()
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to use (0: any free one).")
@click.option("-d", "--directory", type=SetOrPath(exists=True, file_okay=False, path_type=Path),
              help="Serve only this folder's (or set's) files, as fathom serve [default: the viewer of the "
                   "corpus here; outside a corpus, the files of the current directory].")
@click.option("--ruleset", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The ruleset file (.py or .js) the viewer scores pages with [default: the one the trainee's "
                   "model and vectors were made with, found by the hash they record; else rulesets.py].")
@click.option("--allow-local", is_flag=True, help="Let the viewer's collect field fetch loopback and private addresses.")
@click.option("--json", "as_json", is_flag=True, help="Print {url, directory, port, viewer} as one JSON line once serving.")
@reports_errors
def serve(port: int, directory: Path | None, ruleset: Path | None, allow_local: bool, as_json: bool) -> None:
    """Open the corpus in a browser, or serve a folder's files as `fathom serve`.

    Inside a corpus: an index of every sample per set (labels, counts of findings
    and model mistakes, worst first); each sample as the vectorizer sees it, opened
    at its first mistake, targets and the model's candidates outlined, hover for the
    rules behind a score; click to label (the file changes by that one attribute
    and is staged); a gallery of mistakes; a field that collects a URL into unused. Corpus files are served at their paths
    in a sandbox (no page script runs as the viewer). With -d DIR, or outside a
    corpus: DIR's files at their paths. Both: 127.0.0.1 only, this server's Host
    only, nothing outside the folder or in .git. Stop with Ctrl+C.
    """
    root = _corpus_here() if directory is None else None
    if directory is None and root is None:
        directory = Path(".")
    if root is None and (ruleset is not None or allow_local):
        raise BadInput("--ruleset and --allow-local are for the viewer of a corpus, not for serving a folder's files")
    served = str(root if root is not None else Path(directory).resolve())
    what = "corpus viewer" if root is not None else f"Serving {directory}"
    ready = _announce(served, what, root is not None, as_json)
    if root is not None:
        from corpus.serve.viewer import serve_viewer

        serve_viewer(root, port, ready, ruleset.resolve() if ruleset is not None else None, allow_local)
        return
    from corpus.serve.files import make_server, serve_until_interrupted

    server = make_server(directory, port)
    host, bound = server.server_address[:2]
    ready(f"http://{host}:{bound}/", bound)
    serve_until_interrupted(server)


def _corpus_here() -> Path | None:
    """The corpus around the cwd, once what a killed command left is finished (a label
    written before that would replace the interrupted plan in the journal); None outside one."""
    try:
        find_root(Path.cwd())
    except CorpusError:
        return None
    return corpus_root()


def _announce(served: str, what: str, viewer: bool, as_json: bool) -> Callable[[str, int], None]:
    """What to print once serving: `<what> at <url>`, or {url, directory, port, viewer} as JSON."""
    def ready(url: str, port: int) -> None:
        if as_json:
            click.echo(json.dumps({"url": url, "directory": served, "port": port, "viewer": viewer}))
        else:
            click.echo(f"{what} at {url}")
            click.echo("Press Ctrl+C to stop.")

    return ready
