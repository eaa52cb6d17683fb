"""The soak's figures: a row per simulated day, and the run's summary (day 90 / day 31 ratios, violations)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from soak_check import DayAudit, Violation

HEADER = f"{'day':>4} {'date':>10} {'active':>6} {'sent':>6} {'skipped':>7} {'viol':>5} {'db MB':>8} {'ticks':>5} " \
         f"{'ms/tick':>8} {'stmt/tick':>9} {'articles':>8} {'day s':>6} {'own s':>6} per kind: ms/statements per tick"


@dataclass
class DayRow:
    day: int
    date: date
    active: int
    audit: DayAudit
    size: int
    costs: dict[str, list[float]]  # "hour", "digest", "prune" -> ticks, seconds, statements
    new_articles: int
    wall: float = 0.0  # seconds the simulated day took in all: its ticks, the user actions, the audit, the feeds
    own: float = 0.0  # of which the soak's own: the audit, the model, the feed farm, the size (not the app's)

    @property
    def ticks(self) -> int:
        return int(sum(c[0] for c in self.costs.values()))

    @property
    def seconds(self) -> float:
        return sum(c[1] for c in self.costs.values())

    @property
    def statements(self) -> int:
        return int(sum(c[2] for c in self.costs.values()))

    def per_tick(self, kind: str) -> tuple[float, float]:
        """Milliseconds and statements per tick of one kind."""
        ticks, seconds, statements = self.costs.get(kind, [0, 0.0, 0])
        return 1000 * seconds / max(1, ticks), statements / max(1, ticks)

    def line(self) -> str:
        return (f"{self.day:>4} {self.date:%Y-%m-%d} {self.active:>6} {self.audit.sent:>6} {self.audit.skipped:>7} "
                f"{len(self.audit.violations):>5} {self.size / 1e6:>8.1f} {self.ticks:>5} "
                f"{1000 * self.seconds / max(1, self.ticks):>8.1f} {self.statements / max(1, self.ticks):>9.1f} "
                f"{self.new_articles:>8} {self.wall:>6.1f} {self.own:>6.1f} "
                + " ".join(f"{k} {self.per_tick(k)[0]:.0f}ms/{self.per_tick(k)[1]:.0f}"
                           for k in ("hour", "digest", "prune")))


@dataclass
class Result:
    kind: str
    rows: list[DayRow] = field(default_factory=list)
    violations: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Violation]] = field(default_factory=lambda: defaultdict(list))
    chats: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # kind -> chats it struck
    wall: float = 0.0
    tables: dict[int, dict[str, int]] = field(default_factory=dict)  # day -> table -> bytes (or rows)

    def ratios(self, late: int = 90, early: int = 31, days: int = 1) -> dict[str, float] | None:
        """Day `late` over day `early` (with `days` > 1: the means of the weeks ending on those days, which a
        shared machine's noise moves less): size, wall time per tick, statements per tick."""
        if len(self.rows) < late:
            return None

        def figures(last: int) -> tuple[float, float, float]:
            rows = self.rows[last - days:last]
            ticks = sum(r.ticks for r in rows)
            return (rows[-1].size, sum(r.seconds for r in rows) / ticks, sum(r.statements for r in rows) / ticks)

        (size_a, ms_a, st_a), (size_b, ms_b, st_b) = figures(early), figures(late)
        return {"size": size_b / size_a, "ms_per_tick": ms_b / ms_a, "statements_per_tick": st_b / st_a}

    def summary(self) -> str:
        ratios, weekly = self.ratios(), self.ratios(days=7)
        shown = "n/a (fewer than 90 days)"
        if ratios and weekly:
            shown = ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()) + " (weeks ending on those days: " + \
                ", ".join(f"{k} {v:.2f}" for k, v in weekly.items() if k != "size") + ")"
        last = self.rows[-1] if self.rows else None
        sent, skipped = sum(r.audit.sent for r in self.rows), sum(r.audit.skipped for r in self.rows)
        return (f"SOAK {self.kind}: {len(self.rows)} days in {self.wall:.0f} s; digests sent {sent}, "
                f"skipped {skipped}; violations {sum(self.violations.values())} {dict(self.violations)} "
                f"in chats {({kind: len(ids) for kind, ids in self.chats.items()})}; "
                f"day 90 / day 31: {shown}; "
                f"db {last.size / 1e6 if last else 0:.1f} MB at the end")

    def table_growth(self) -> list[str]:
        """Per table: its size on each day measured (day 31 and the last), largest first."""
        days = sorted(self.tables)
        names = sorted({n for t in self.tables.values() for n in t}, key=lambda n: -self.tables[days[-1]].get(n, 0))
        return [f"{n:<24} " + " ".join(f"day {d}: {self.tables[d].get(n, 0):>12,}" for d in days)
                + (f"  x{self.tables[days[-1]].get(n, 0) / self.tables[days[0]][n]:.2f}"
                   if len(days) > 1 and self.tables[days[0]].get(n) else "")
                for n in names]
