"""Requests as JSON for the Redis queue (scrapy-redis's ``SCHEDULER_SERIALIZER``): never
pickle. ``dumps`` takes the dict of ``Request.to_dict``; bytes (headers, body) travel as
``{"b64": ...}``; ``loads`` gives back plain values only, and :func:`request_from_document`
makes a plain :class:`scrapy.Request` of them with callbacks named by the spider, refusing
anything else: nothing read from Redis is imported or run.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from scrapy import Request, Spider

#: What a request read from Redis may name as its callback or errback: spider methods.
CALLBACK_PREFIXES = ("parse", "on_error")


class UnsafeRequest(ValueError):
    """A queued request newsbot did not write: refused, not run."""


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {str(k.decode("latin-1") if isinstance(k, bytes) else k): _plain(v)
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot queue a request holding a {type(value).__name__}")


def _bytes(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"b64"} and isinstance(value["b64"], str):
            return base64.b64decode(value["b64"])
        return {k: _bytes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bytes(v) for v in value]
    return value


def dumps(obj: dict[str, Any]) -> str:
    """A request's dict as JSON."""
    return json.dumps(_plain(obj), ensure_ascii=False, separators=(",", ":"))


def loads(data: str | bytes) -> dict[str, Any]:
    """A request's dict from JSON (bytes restored)."""
    value = json.loads(data)
    if not isinstance(value, dict):
        raise UnsafeRequest("a queued request is not a JSON object")
    restored: dict[str, Any] = _bytes(value)
    return restored


def _method(spider: Spider, name: Any) -> Any:
    if name is None:
        return None
    if not isinstance(name, str) or not name.startswith(CALLBACK_PREFIXES):
        raise UnsafeRequest(f"a queued request names {name!r} as its callback")
    method = getattr(spider, name, None)
    if not callable(method):
        raise UnsafeRequest(f"the spider has no method {name!r}")
    return method


def request_from_document(document: dict[str, Any], spider: Spider) -> Request:
    """The request ``document`` describes (:func:`loads`), for ``spider``."""
    if "_class" in document:
        raise UnsafeRequest(f"a queued request names a class ({document['_class']!r})")
    try:
        kwargs = {
            key: value
            for key, value in document.items()
            if key in Request.attributes and key not in ("callback", "errback")
        }
        headers = kwargs.get("headers") or {}
        kwargs["headers"] = {str(k): v for k, v in headers.items()}
        return Request(
            **kwargs,
            callback=_method(spider, document.get("callback")),
            errback=_method(spider, document.get("errback")),
        )
    except (TypeError, ValueError) as exc:
        raise UnsafeRequest(f"unreadable queued request: {exc}") from None


def request_document(request: Request, spider: Spider) -> dict[str, Any]:
    """The dict of ``request`` as :func:`dumps` writes it (lease bookkeeping left out)."""
    document = request.to_dict(spider=spider)
    meta = {}
    for key, value in document["meta"].items():
        if key in LOCAL_META:
            continue
        try:
            _plain(value)
        except TypeError:
            continue  # (a downloader's own note, such as a proxy object: not the request's)
        meta[key] = value
    document["meta"] = meta
    return document


#: Request meta that belongs to the process holding the request, never queued.
LOCAL_META = ("newsbot_lease", "download_slot", "download_latency", "download_timeout", "depth")
