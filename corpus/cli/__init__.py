"""The click layer: `corpus` and its subcommands, one module per area.

Takes command lines; calls the plain functions of the stage packages and prints
their results (text, or JSON with `--json`). `main.main` is the entry point.
"""
