"""corpus.parallel.ordered_map: results in order, a bounded window, one Died for a killed
worker, the state made once per worker, exceptions and Ctrl-C handed to the caller once."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from corpus.parallel import Died, ordered_map, usable_cpus


def square(n: int) -> int:
    time.sleep(0.01 * (n % 3))  # later items sometimes finish first
    return n * n


def test_results_come_in_input_order() -> None:
    assert list(ordered_map(square, range(40), workers=3, start="fork")) == [n * n for n in range(40)]


def test_one_worker_runs_in_this_process() -> None:
    assert list(ordered_map(lambda n: (n, os.getpid()), range(3), workers=1)) == [(n, os.getpid()) for n in range(3)]


def test_at_most_workers_times_ahead_items_are_out_while_the_first_is_slow() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for n in range(30):
            taken.append(n)
            yield n

    def slow_first(n: int) -> int:
        if n == 0:
            time.sleep(0.5)
        return n

    yielded = 0
    for result in ordered_map(slow_first, items(), workers=2, ahead=2, start="fork"):
        assert result == yielded
        yielded += 1
        assert len(taken) - yielded <= 2 * 2
    assert yielded == 30


def wait_for_pid(pids: Path, n: int) -> int:
    if n == 5:
        pids.write_text(str(os.getpid()))
        time.sleep(60)  # until killed
    return n


def test_a_killed_worker_is_one_died_naming_its_item_and_the_rest_go_on(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    results = []
    for result in ordered_map(lambda n: wait_for_pid(pidfile, n), range(12), workers=3, start="fork",
                              name=lambda n: f"item {n}"):
        results.append(result)
        if len(results) == 5:  # the worker has item 5 now or soon
            while not pidfile.exists() or not pidfile.read_text():
                time.sleep(0.01)
            os.kill(int(pidfile.read_text()), signal.SIGKILL)
    died = results[5]
    assert isinstance(died, Died) and died.item == 5
    assert "item 5" in died.message and "SIGKILL" in died.message
    assert results[:5] + results[6:] == [n for n in range(12) if n != 5]


@contextmanager
def logged_state(log: Path) -> Iterator[int]:
    with open(log, "a") as f:
        f.write(f"enter {os.getpid()}\n")
    yield os.getpid()
    with open(log, "a") as f:
        f.write(f"exit {os.getpid()}\n")


def pid_of_state(state: int, n: int) -> tuple[int, int]:
    assert state == os.getpid()
    return n, state


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_the_state_is_made_once_per_worker_and_left_at_the_end(tmp_path: Path, start: str) -> None:
    log = tmp_path / "log"
    from functools import partial
    results = list(ordered_map(pid_of_state, range(20), workers=2, state=partial(logged_state, log), start=start))
    assert [n for n, _ in results] == list(range(20))
    lines = log.read_text().splitlines()
    entered = [line.split()[1] for line in lines if line.startswith("enter")]
    assert len(entered) == len(set(entered)) <= 2
    assert {str(pid) for _, pid in results} <= set(entered)
    assert sorted(line.split()[1] for line in lines if line.startswith("exit")) == sorted(entered)


def fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_an_exception_in_work_is_raised_at_its_place() -> None:
    got = []
    with pytest.raises(ValueError, match="three"):
        for result in ordered_map(fail_on_three, range(10), workers=2, start="spawn"):
            got.append(result)
    assert got == [0, 1, 2]


class NeedsTwo(Exception):
    """Pickles, but unpickling calls NeedsTwo(message): a TypeError."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")


def fail_needing_two(n: int) -> int:
    if n == 1:
        raise NeedsTwo("one", "odd")
    return n


def test_an_exception_that_does_not_unpickle_comes_as_a_corpus_error_naming_it() -> None:
    got = []
    with pytest.raises(CorpusError, match="NeedsTwo: one: odd"):
        for result in ordered_map(fail_needing_two, range(4), workers=2, start="fork"):
            got.append(result)
    assert got == [0]


def test_ctrl_c_reaches_the_caller_once_and_no_worker_prints_a_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    def interrupt_all(n: int) -> int:
        if n == 2:
            os.kill(os.getpid(), signal.SIGINT)  # as a terminal's Ctrl-C does: the worker and the parent
            os.kill(os.getppid(), signal.SIGINT)
            time.sleep(0.5)
        return n

    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in ordered_map(interrupt_all, range(10), workers=2, start="fork"):
                time.sleep(0.1)
    finally:
        signal.signal(signal.SIGINT, old)
    assert "Traceback" not in capfd.readouterr().err


def test_usable_cpus_is_at_least_one() -> None:
    assert usable_cpus() >= 1
