"""`corpus fox`: what replaces FathomFox (and `fathom fox`) in this tool."""

from __future__ import annotations

from pathlib import Path

import click

FOX = """\
FathomFox was Firefox with an add-on for collecting, labeling and vectorizing
samples. corpus replaces each of its parts; no browser add-on is needed:

  Save a page (freeze-dry)  Save pages with any tool that inlines resources as
                            data: URLs (FathomFox's saver, SingleFile, ...), then
                            `corpus add PAGES...`: it names, extracts and stages them.
  Label elements            Add data-fathom="TYPE" to the element in the saved page
                            (any editor); `corpus label DIR TYPE` labels whole pages.
                            `corpus check` finds typos and misplaced labels.
  Look at a sample          `corpus serve` in the corpus, then open the URL it prints:
                            every sample per set, each as the vectorizer sees it with
                            its targets and the model's candidates outlined; click an
                            element to label it.
  Vectorizer                `corpus vectorize SET --trainee TYPE` (headless Chromium,
                            incremental; the vector files FathomFox wrote).
  Evaluator                 `corpus serve` too: each page's mistakes (missed targets,
                            wrong picks) with the rules behind each score, and a
                            gallery of them; `corpus test SET MODEL -v` in a terminal.
  Corpus Collector          `corpus add` on a folder of saved pages.

The ruleset that `fathom fox -r` loaded is given to `corpus vectorize --ruleset`.
(`corpus serve -d DIR` only serves DIR's files, as `fathom serve` did.)
"""


@click.command()
@click.option("-r", "--ruleset", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Accepted for `fathom fox` compatibility: say how corpus uses this ruleset.")
def fox(ruleset: Path | None) -> None:
    """Explain what replaces FathomFox (`fathom fox` launched Firefox with it)."""
    click.echo(FOX, nl=False)
    if ruleset is not None:
        click.echo(f"\nFor this ruleset: corpus vectorize SET --trainee TYPE --ruleset {ruleset}")
