"""How long one document, and each rule on it, may take (``Options.doc_timeout``, ``rule_timeout``).

A :class:`Budget` is opened per document by :meth:`Pipeline.clean` and, within it, per rule. Time is
the CPU time of the thread that cleans the document (:func:`time.thread_time`), so the load other
processes put on the machine, or other threads of the same one, does not decide whether a document
runs out of time: an input that the pipeline cleans well within its budget is cleaned the same way
on an idle machine and on a busy one. A rule's budget is ``rule_timeout`` seconds per million
characters of the document (at least ``rule_timeout``): work that grows with the text never runs out
of it, a regular expression that backtracks without end does.

How a long run is stopped. Python can interrupt a thread only at points the thread chooses: signals
reach the main thread of a process alone (the library runs in worker threads too), and an exception
thrown into another thread at an arbitrary bytecode (``PyThreadState_SetAsyncExc``) can leave a lock
held or a lazily built lexicon half-built for every later document. So the budget is checked where
the work is: the pipeline checks it before each rule and between a rule's findings, detectors check
it in their long loops (:func:`check`), and each regular-expression call gets the rule's budget as
its ``timeout`` (:func:`regex_timeout`). The ``regex`` module measures the CPU time of the whole
process, which other threads add to, so that timeout is the budget times the number of threads: it
stops a call that runs away, and the thread's own clock decides everything else. A detector without
checkpoints can overrun the document's budget, by as long as it runs: the budget is then reported
when it returns.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

_CURRENT: ContextVar[Budget | None] = ContextVar("cleaner_budget", default=None)
INF = float("inf")
T = TypeVar("T")


class RuleTimeoutError(TimeoutError):
    """The rule being run is past its budget on this document."""


class DocumentTimeoutError(TimeoutError):
    """The document is past its budget."""


class Budget:
    """The deadlines of one document and of the rule running on it, on the thread's CPU clock.

    Reading a thread's CPU clock is a system call (12 µs on this VM, under load), the wall clock is
    not (~50 ns); a thread's CPU time never runs ahead of the wall clock. So a check reads the wall
    clock and reads the CPU clock only once the wall clock says a deadline could have passed: on a
    document that takes milliseconds, the CPU clock is read once, when it starts.

    >>> b = Budget(doc_seconds=60.0, rule_seconds=2.0, size=3_000_000)
    >>> b.rule_seconds  # two seconds per million characters
    6.0
    """

    SETTLE = 0.05  # wall seconds into a document before a rule's start is read from the CPU clock

    def __init__(self, doc_seconds: float | None, rule_seconds: float | None, size: int,
                 clock: Callable[[], float] = time.thread_time, wall: Callable[[], float] = time.perf_counter) -> None:
        self.clock, self.wall = clock, wall
        self.started, self.wall_started = clock(), wall()
        self.doc_seconds = doc_seconds or INF  # 0 or None: no limit
        self.doc_deadline = self.started + self.doc_seconds
        self.rule_seconds = (rule_seconds or INF) * max(1.0, size / 1e6)
        self.rule_deadline = INF
        self.regex_seconds: float | None = None
        self.threads = threading.active_count()  # for regex_seconds: read once per document, not per rule

    def _cpu_at_most(self) -> float:
        """An upper bound of the thread's CPU clock now, without the system call."""
        return self.started + (self.wall() - self.wall_started)

    @contextmanager
    def active(self) -> Iterator[Budget]:
        """This budget is the one :func:`check` and :func:`regex_timeout` see in this thread."""
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    def start_rule(self) -> None:
        """A rule starts: its deadline is ``rule_seconds`` from now, and never past the document's. In
        a document's first ``SETTLE`` wall seconds, "now" is the document's start (a rule gets at most
        that much less than its budget, whatever the load); later it is read from the CPU clock.
        Raises :class:`DocumentTimeoutError` if the document is past its deadline."""
        self.rule_deadline = INF
        elapsed = self.wall() - self.wall_started  # read once: check() and "now" below in one
        if self.started + elapsed > self.doc_deadline and self.clock() > self.doc_deadline:
            raise DocumentTimeoutError
        now = self.started if elapsed <= self.SETTLE else self.clock()
        self.rule_deadline = min(now + self.rule_seconds, self.doc_deadline)
        left = self.rule_deadline - now
        self.regex_seconds = None if left == INF else max(left, 0.001) * self.threads

    def left(self) -> float:
        """Seconds left before the earlier of the two deadlines."""
        return min(self.rule_deadline, self.doc_deadline) - self.clock()

    def check(self) -> None:
        deadline = min(self.rule_deadline, self.doc_deadline)
        if self._cpu_at_most() <= deadline:
            return  # no deadline can have passed: the CPU clock is not read
        now = self.clock()
        if now > self.doc_deadline:
            raise DocumentTimeoutError
        if now > self.rule_deadline:
            raise RuleTimeoutError

    @property
    def spent(self) -> bool:
        """Has the document run past its deadline?"""
        return self.clock() > self.doc_deadline


def check() -> None:
    """Raise :class:`RuleTimeoutError` or :class:`DocumentTimeoutError` if the rule or document being cleaned
    in this thread is past its budget; nothing outside :meth:`Pipeline.clean`. For detectors' loops."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.check()


def checked(items: Iterable[T], every: int = 16) -> Iterator[T]:
    """``items``, with :func:`check` every ``every`` of them: for a detector's loop over candidates
    that mostly yield nothing (a loop that yields is checked by the pipeline between findings)."""
    budget = _CURRENT.get()
    if budget is None:
        yield from items
        return
    for n, item in enumerate(items, 1):
        if not n % every:
            budget.check()
        yield item


def regex_timeout(default: float | None) -> float | None:
    """The ``timeout`` for a ``regex`` call: the budget the running rule started with (see the
    module's notes on threads), or ``default`` outside :meth:`Pipeline.clean`. What a call may take
    beyond what is left of it is bounded by the checks between calls."""
    budget = _CURRENT.get()
    if budget is None:
        return default
    return budget.regex_seconds
