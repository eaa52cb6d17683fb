"""Request parameters as the Bot API reads them: form fields, multipart parts or a JSON body.

PTB 22 (HTTPXRequest) posts ``application/x-www-form-urlencoded`` fields, switching to
``multipart/form-data`` when it uploads a file; strings go as-is and every other value (ints, bools,
nested objects) as its JSON text. A JSON body gives typed values directly; both read the same here.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from fakes.telegram_state import JSON, ApiError, bad_request


class Params:
    def __init__(self, values: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"field \"{name}\" must be of type Integer") from None

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        try:
            return default if value in (None, "") else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"field \"{name}\" must be of type Float") from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def obj(self, name: str) -> JSON | None:
        value = self.json(name)
        if value is not None and not isinstance(value, dict):
            raise bad_request(f"field \"{name}\" must be of type Object")
        return value

    def array(self, name: str) -> list[Any] | None:
        value = self.json(name)
        if value is not None and not isinstance(value, list):
            raise bad_request(f"field \"{name}\" must be of type Array")
        return value


async def read_params(request: web.Request) -> Params:
    """Query string, then form / multipart fields and files, or a JSON object body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: request body must be a JSON object")
        values.update(body)
    elif request.body_exists:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = (value.filename, value.file.read())
            else:
                values[name] = value if isinstance(value, str) else value.decode()
    return Params(values, files)
