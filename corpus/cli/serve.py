"""`corpus serve`: the corpus in a browser (index, sample view, labeling, gallery)."""

from __future__ import annotations

import click

from corpus.cli.common import corpus_root, reports_errors


@click.command()
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Anything but loopback lets other machines label your corpus.")
@click.pass_context
@reports_errors
def serve(ctx: click.Context, port: int, host: str) -> None:
    """Open the corpus in a browser: samples, labels, check findings and model results.

    The index lists every sample per set (worst first when a model exists); a
    sample's page shows it rendered as the vectorizer sees it (its own resources
    only, no scripts) with labeled targets outlined and the model's candidates
    coloured by outcome; click an element to label it (the file changes by that one
    attribute and is staged; undo takes it back). The gallery shows crops of every
    false positive and false negative of a set. Stop with Ctrl-C.
    """
    from corpus.viewer.server import serve as run_server

    root = corpus_root(ctx)

    def ready(url: str) -> None:
        click.echo(f"corpus viewer at {url} (Ctrl-C to stop)")

    run_server(root, host, port, ready)
