"""`corpus serve`: the samples over HTTP on this machine, as `fathom serve`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from corpus.cli.common import SetOrPath, reports_errors


@click.command()
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to use (0: any free one).")
@click.option("-d", "--directory", type=SetOrPath(exists=True, file_okay=False, path_type=Path), default=".",
              help="The directory (or set) to serve files from [default: the current directory].")
@click.option("--json", "as_json", is_flag=True, help="Print {url, directory, port} as one JSON line once serving.")
@reports_errors
def serve(port: int, directory: Path, as_json: bool) -> None:
    """Serve the files in DIRECTORY at http://127.0.0.1:PORT/<path>, as `fathom serve`.

    Each file is at its path relative to DIRECTORY (a page and its resources/
    folder, so pages render as they do from disk), folders as listings. Only this
    machine can connect. Stop with Ctrl+C.
    """
    from corpus.serve.server import make_server

    server = make_server(directory, port)
    host, bound = server.server_address[:2]
    url = f"http://{host}:{bound}/"
    if as_json:
        click.echo(json.dumps({"url": url, "directory": str(directory.resolve()), "port": bound}))
    else:
        click.echo(f"Serving {directory} over {url}")
        click.echo("Press Ctrl+C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
