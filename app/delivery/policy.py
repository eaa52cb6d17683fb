"""How the digest delivery works: pool size, retries, leases (app.delivery), from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.delivery.claims import ClaimPolicy
from app.settings import Settings

__all__ = ["DeliveryPolicy", "delivery_policy"]


@dataclass(frozen=True)
class DeliveryPolicy(ClaimPolicy):
    per_topic: int = 5
    workers: int = 32
    max_failures: int = 10
    build_attempts: int = 3  # a digest that cannot be built or rendered is tried this often, then FAILED
    backoff_cap: float = 300.0
    lease: timedelta = timedelta(seconds=60)  # a dead process's rows are taken over after this
    backlog: int = 128  # rows held by this process at once (queued, in flight, waiting to retry)


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        max_lateness=timedelta(hours=settings.digest_max_lateness_hours),
        default_times=settings.digest_time.strftime("%H:%M"),
        default_zone=settings.digest_timezone,
        per_topic=settings.digest_stories_per_topic,
        workers=settings.digest_workers,
        lease=timedelta(seconds=settings.digest_lease_seconds),
        backlog=4 * settings.digest_workers,
    )
