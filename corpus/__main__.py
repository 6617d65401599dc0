"""`python -m corpus`: the `corpus` command (what the hook launcher runs)."""

from corpus.cli.main import main

main(prog_name="corpus")
