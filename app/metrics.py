"""What the process counts, for `/metrics` (bot.service serves it in Prometheus' text format).

One `Metrics` per runtime, each with its own `CollectorRegistry` rather than prometheus-client's global one, so
several runtimes (tests, benchmarks) count apart. Counters are this process's since it started; `feeds` is read
from the database at each scrape (every process reports the same numbers for it).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["DIGEST_OUTCOMES", "UPDATE_KINDS", "Metrics"]

DIGEST_OUTCOMES = ("sent", "failed", "unknown", "skipped")
UPDATE_KINDS = ("command", "message", "button", "inline", "member", "other")
FEED_STATES = ("ok", "failing", "paused")
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
PASS_SECONDS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.feeds = Gauge("storybot_feeds", "Feeds by state (ok, failing, paused), from the database",
                           ["state"], registry=r)
        self.articles_ingested = Counter("storybot_articles_ingested", "New articles stored by feed refreshes",
                                         registry=r)
        self.cluster_pass = Histogram("storybot_cluster_pass_seconds", "Duration of one clustering pass",
                                      buckets=PASS_SECONDS, registry=r)
        self.digests = Counter("storybot_digests", "Digest rows finished, by outcome", ["outcome"], registry=r)
        self.digest_build_failures = Counter(
            "storybot_digest_build_failures", "Digest rows failed because building or rendering them kept raising",
            registry=r)
        self.send_queue = Gauge("storybot_send_queue_depth",
                                "Digest rows this process holds: queued, being sent or waiting to retry", registry=r)
        self.rate_limited = Counter("storybot_telegram_429", "429 Too Many Requests answers from the Bot API",
                                    registry=r)
        self.updates = Histogram("storybot_update_seconds", "Time to handle one update (command, button, ...)",
                                 ["kind"], buckets=SECONDS, registry=r)
        self.webhook_refused = Counter("storybot_webhook_refused", "Webhook requests refused, by reason",
                                       ["reason"], registry=r)
        for outcome in DIGEST_OUTCOMES:
            self.digests.labels(outcome)
        for kind in UPDATE_KINDS:
            self.updates.labels(kind)
        for state in FEED_STATES:
            self.feeds.labels(state)

    def set_feed_states(self, states: dict[str, int]) -> None:
        for state in FEED_STATES:
            self.feeds.labels(state).set(states.get(state, 0))
