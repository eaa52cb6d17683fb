"""The plans behind bench/scale.py's figures: `EXPLAIN (ANALYZE, BUFFERS)` of each operation's slowest statements.

`Capture` listens to the engine while an operation's timed calls run (`recording`, not the bench's resets between
them) and keeps every statement with its parameters and time. `plans` then explains, on PostgreSQL, the slowest
distinct statements of each operation with the parameters of their slowest run: a SELECT as it is, an INSERT,
UPDATE or DELETE inside a transaction that is rolled back, so explaining changes nothing. The plans go to a text
file (`--explain FILE`), headed by the load, the operation, the statement's slowest measured time and its runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

__all__ = ["Capture", "plans", "recording"]

TOP = 3
_RECORDING = [False]  # only the timed calls themselves: not the bench's own set-up and resets between them


@contextmanager
def recording() -> Iterator[None]:
    _RECORDING[0] = True
    try:
        yield
    finally:
        _RECORDING[0] = False


@dataclass
class Capture:
    engine: Engine
    runs: dict[str, list[tuple[str, Any, float]]] = field(default_factory=dict)
    _operation: str | None = None
    _started: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, cursor: Any, *_args: Any) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, statement: str, parameters: Any, _context: Any,
               executemany: bool) -> None:
        began = self._started.pop(id(cursor), None)
        if self._operation is None or began is None or executemany or not _RECORDING[0]:
            return
        self.runs.setdefault(self._operation, []).append((statement, parameters, time.perf_counter() - began))

    @contextmanager
    def operation(self, name: str) -> Iterator[None]:
        self._operation = name
        try:
            yield
        finally:
            self._operation = None


def _slowest(runs: list[tuple[str, Any, float]]) -> list[tuple[str, Any, float, int]]:
    """The TOP statements by total time: (statement, parameters of its slowest run, its slowest time, runs)."""
    by_statement: dict[str, list[tuple[Any, float]]] = {}
    for statement, parameters, seconds in runs:
        by_statement.setdefault(statement, []).append((parameters, seconds))
    ranked = sorted(by_statement.items(), key=lambda item: -sum(s for _p, s in item[1]))[:TOP]
    return [(statement, max(samples, key=lambda ps: ps[1])[0], max(s for _p, s in samples), len(samples))
            for statement, samples in ranked]


def plans(capture: Capture, label: str) -> str:
    """The plans of each operation's slowest statements, as text (PostgreSQL only)."""
    if capture.engine.dialect.name != "postgresql":
        return ""
    out = []
    for operation, runs in capture.runs.items():
        for statement, parameters, seconds, count in _slowest(runs):
            head = statement.lstrip().split(None, 1)[0].upper()
            if head not in ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE"):
                continue
            raw = capture.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                raw.rollback()
            except Exception as exc:  # a plan that can't be had is reported, not fatal
                raw.rollback()
                plan = f"(not explained: {exc})"
            finally:
                raw.close()
            out.append(f"=== {label} · {operation} · slowest run {seconds * 1000:.1f} ms · {count} runs\n"
                       f"{statement.strip()}\n--- plan\n{plan}\n")
    capture.runs.clear()
    return "\n".join(out)
