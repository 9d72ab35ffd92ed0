"""The FastAPI application: :func:`create_app` wires the routes, limits and error mapping.

Middleware, outermost first: the per-client rate limit (429) and the body-size limit (413)
act before routing and parsing; then ballot submissions take a fast path that skips FastAPI's
routing (zkvote.coordinator.routes_ballots.BallotFastPath), everything else goes to the
routes. Errors become ``{"error": {"code", "message"}}``
(zkvote.coordinator.errors): library errors by class, FastAPI's own (an unknown route, a bad
query parameter) with codes ``not_found``, ``method_not_allowed``, ``invalid_request``; an
unexpected exception is a 500 ``internal`` without details (they are logged, never sent).
Nothing about a request's origin is logged by the application.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

import zkvote
from zkvote.errors import ZkvoteError
from zkvote.request_signing import key_id

from . import routes_ballots, routes_board, routes_dkg, routes_groups, routes_polls, routes_tally
from .errors import error_body, http_error
from .limits import BodySizeLimit, RateLimit
from .openapi import build_openapi
from .proving_keys import body_limit_for
from .service import Service, service
from .settings import Settings

log = logging.getLogger("zkvote.coordinator")


def create_app(settings: Settings, service_: Service | None = None) -> FastAPI:
    """The coordinator application for ``settings`` (a prebuilt ``service_`` may be passed
    by tests). The ballot batcher runs while the app's lifespan is active (uvicorn, or
    FastAPI's TestClient used as a context manager)."""
    svc = service_ or Service.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        await svc.ingestor.start()
        try:
            yield
        finally:
            await svc.ingestor.stop()

    app = FastAPI(title="zkvote coordinator", version=zkvote.__version__, lifespan=lifespan,
                  description="Anonymous, verifiable polls: registrar, polls and trustees' "
                              "key generation, ballots, bulletin board, tally and record. "
                              "Admin and trustee calls are Ed25519-signed requests "
                              "(docs/coordinator.md).")
    app.state.service = svc
    # ballots first: the hot route is matched before the others are tried
    for module in (routes_ballots, routes_groups, routes_polls, routes_dkg, routes_board,
                   routes_tally):
        app.include_router(module.router)

    @app.get("/info", tags=["service"])
    def info(request: Request) -> dict:
        """The service's version and the public key that signs its board heads."""
        s = service(request).settings
        return {"version": 1, "service": "zkvote-coordinator", "zkvote": zkvote.__version__,
                "log_public_key": key_id(s.log_key), "auth": "ed25519-signed-requests",
                "max_body_bytes": s.max_body_bytes}

    @app.exception_handler(ZkvoteError)
    async def zkvote_error(_: Request, exc: ZkvoteError) -> JSONResponse:
        status, body = http_error(exc)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def request_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(error_body("invalid_request", f"{where}: {first.get('msg', '')}"),
                            status_code=400)

    @app.exception_handler(HTTPException)
    async def http_exception(_: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.error("internal error: %s", type(exc).__name__, exc_info=exc)
        return JSONResponse(error_body("internal", "internal error"), status_code=500)

    app.openapi = lambda: build_openapi(app)
    app.add_middleware(routes_ballots.BallotFastPath, svc=svc)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes,
                       limit_for=body_limit_for([key_id(k) for k in settings.admin_keys]))
    app.add_middleware(RateLimit, rate=settings.rate_per_second, burst=settings.rate_burst)
    return app


__all__ = ["create_app"]
