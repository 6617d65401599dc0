"""corpus: keep a labeled web-page corpus in git and train recognizers from it."""

__version__ = "0.1.0"
