"""Errors a command reports to the user as one line, with an exit code."""


class CorpusError(Exception):
    """A problem with the corpus or the input: reported in one line, exit 1."""

    exit_code = 1


class BadInput(CorpusError):
    """The user asked for something that cannot be done as asked: exit 2."""

    exit_code = 2
