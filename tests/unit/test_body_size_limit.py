"""The body-size middleware grants a larger limit (the proving-key upload's) to one request
at a time: the limit is granted from headers before any signature can be checked, so
concurrent large bodies must not pile up in memory."""

import asyncio

from zkvote.coordinator.limits import BodySizeLimit


def _scope(path: str) -> dict:
    return {"type": "http", "method": "PUT", "path": path, "headers": []}


def test_only_one_request_at_a_time_gets_the_larger_limit() -> None:
    async def scenario() -> list[int]:
        inside = asyncio.Event()
        release = asyncio.Event()
        statuses: list[int] = []

        async def app(scope, receive, send) -> None:
            await receive()
            if scope["path"] == "/slow":
                inside.set()
                await release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        limit = BodySizeLimit(app, 10, limit_for=lambda s: 1000 if s["path"] != "/small" else None)

        def client(body: bytes):
            async def receive() -> dict:
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(message: dict) -> None:
                if message["type"] == "http.response.start":
                    statuses.append(message["status"])
            return receive, send

        first = asyncio.create_task(limit(_scope("/slow"), *client(b"a" * 500)))
        await inside.wait()
        await limit(_scope("/other"), *client(b"b" * 500))  # a second large one: 503
        await limit(_scope("/small"), *client(b"c" * 5))  # default-limit requests still pass
        await limit(_scope("/small"), *client(b"c" * 50))  # and the default limit holds: 413
        release.set()
        await first
        await limit(_scope("/other"), *client(b"d" * 500))  # the slot is free again
        return statuses

    assert asyncio.run(scenario()) == [503, 200, 413, 200, 200]
