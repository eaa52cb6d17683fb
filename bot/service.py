"""The operator's HTTP endpoint (off unless METRICS_PORT is set; bound to METRICS_HOST, 127.0.0.1 by default):

    GET /healthz   200 "ok" while the process runs
    GET /readyz    200 "ready", or 503 with one reason a line: the database can't be read, or a tick is late
    GET /metrics   Prometheus text format (app.metrics), from this runtime's own registry
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.health import Health
from app.metrics import Metrics
from app.operators import Operators
from app.runtime import StartupError

__all__ = ["DB_TIMEOUT", "ServiceEndpoint"]

log = logging.getLogger(__name__)
DB_TIMEOUT = 5.0  # seconds a readiness or feed-count query may take


class ServiceEndpoint:
    def __init__(self, operators: Operators, health: Health, metrics: Metrics, host: str, port: int) -> None:
        self.operators, self.health, self.metrics = operators, health, metrics
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=1024)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as exc:
            raise StartupError(f"cannot listen on {self.host}:{self.port} for health and metrics ({exc.strerror}); "
                               "check METRICS_HOST and METRICS_PORT") from None
        self.port = int(self._runner.addresses[0][1])  # METRICS_PORT=0: the port the system chose
        log.info("health and metrics at http://%s:%d/ (healthz, readyz, metrics)", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        reasons = []
        try:
            await asyncio.wait_for(self.operators.ping(), DB_TIMEOUT)
        except Exception as exc:  # any failure of the database is the answer, not an error of ours
            reasons.append(f"database unreachable: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                           if str(exc) else f"database unreachable: {type(exc).__name__}")
        reasons.extend(self.health.late())
        if reasons:
            return web.Response(status=503, text="".join(f"{r}\n" for r in reasons))
        return web.Response(text="ready\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        try:
            self.metrics.set_feed_states(await asyncio.wait_for(self.operators.feed_states(), DB_TIMEOUT))
        except Exception as exc:  # the process's own counters are still worth serving
            log.warning("metrics: feed counts not refreshed: %s", type(exc).__name__)
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
