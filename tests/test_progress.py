"""Progress off a terminal: plain lines a log or a hook shows, throttled by work and time."""

from __future__ import annotations

import io

from corpus.progress import PlainProgress, progress


def test_off_a_terminal_a_line_every_tenth_of_the_work():
    out = io.StringIO()
    with progress("vectorizing training", 50, out=out) as advance:
        for _ in range(50):
            advance(1)
    lines = out.getvalue().splitlines()
    assert lines[0] == "vectorizing training: 0/50"
    assert lines[1] == "vectorizing training: 5/50 (10%)"
    assert lines[-1] == "vectorizing training: 50/50 (100%)"
    assert len(lines) == 11


def test_slow_work_gets_a_line_every_ten_seconds_even_between_tenths():
    now = [0.0]
    out = io.StringIO()
    plain = PlainProgress("training", 1000, out, clock=lambda: now[0])
    plain.advance(1)
    assert out.getvalue() == ""
    now[0] = 10.5
    plain.advance(1)
    assert out.getvalue() == "training: 2/1000 (0%)\n"


def test_nothing_when_hidden_or_empty():
    out = io.StringIO()
    with progress("x", 10, show=False, out=out) as advance:
        advance(3)
    with progress("x", 0, out=out) as advance:
        advance(1)
    assert out.getvalue() == ""
