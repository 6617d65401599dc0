"""Errors a command reports to the user as one line, with an exit code."""


class CorpusError(Exception):
    """A problem with the corpus or the input: reported in one line, exit 1."""

    exit_code = 1


class BadInput(CorpusError):
    """The user asked for something that cannot be done as asked: exit 2."""

    exit_code = 2


class BadInputFile(BadInput):
    """A file the user gave or keeps that cannot be read or does not parse: the rubric, a
    ruleset, a model file, a vector file. The one rule for all of them, whichever command
    reads one: its reader raises this, naming the file (and line, where known), exit 2."""


def escape_line(message: str) -> str:
    """`message` on one line: control characters (a newline from an attribute value, say)
    written as escapes, so reports stay one line per finding for grep and editors."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
