"""Request logs: one line per request, as JSON lines when ``PASSNUM_LOG_FORMAT=json``.

Each request gets a request id: the caller's ``X-Request-ID`` when it is sane (1–128 letters,
digits, ``-_.:``; a reverse proxy or load balancer usually sets one), else a new one. It is
echoed in the response's ``X-Request-ID`` and, in JSON mode, written on the request's log line
(logger ``passnum.requests``) with the method, path, status and duration. In JSON mode every
log record (passnum's, Litestar's, uvicorn's) is one JSON object per line, its ``time`` read
from :mod:`passnum.clock` (the operator's zone, with its offset).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.logging.config import LoggingConfig
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from passnum import clock

REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode()
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
request_logger = logging.getLogger("passnum.requests")

# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is sane, else a new one (32 hexadecimal digits)."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (passnum.clock), level, logger, message, the extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": clock.now().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestLogMiddleware(ASGIMiddleware):
    """Gives each HTTP request its id and echoes it; with ``log`` (JSON logs) also writes one
    line per request when its response starts. In text mode it writes nothing: uvicorn's
    ``--access-log`` is the text log, off by default (it costs CPU under load)."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, log: bool = False) -> None:
        self.log = log

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        raw = next((v for k, v in scope["headers"] if k == REQUEST_ID_HEADER_BYTES), None)
        request_id = request_id_from(raw.decode("latin-1") if raw else None)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
                if self.log and scope["type"] == ScopeType.HTTP:  # the only scopes it gets
                    _log_request(scope, message["status"], started, request_id)
            await send(message)

        await next_app(scope, receive, send_with_id)


def _log_request(scope: HTTPScope, status: int, started: float, request_id: str) -> None:
    request_logger.info(
        "%s %s %s",
        scope["method"],
        scope["path"],
        status,
        extra={
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "request_id": request_id,
        },
    )


def logging_config(log_format: str) -> LoggingConfig:
    """Litestar's logging configuration for ``PASSNUM_LOG_FORMAT``: ``json`` sends every record
    (passnum's, Litestar's, any other library's) to standard error as JSON lines; ``text`` keeps
    Litestar's default (and uvicorn's access log says each request)."""
    if log_format != "json":
        return LoggingConfig()  # what Litestar uses when given none
    return LoggingConfig(
        formatters={"json": {"()": JsonFormatter}},
        handlers={
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        loggers={
            "passnum": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "litestar": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        root={"level": "WARNING", "handlers": ["console"]},
    )


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own lines (start, stop, errors) as JSON lines; its access log is replaced by
    ``passnum.requests``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "uvicorn.error": {"level": "INFO"},
        },
    }


def worker_logging(log_format: str) -> None:
    """``passnum worker``'s lines on standard error: each job started, finished, failed or
    retried (procrastinate's records) and passnum's own, as JSON lines with
    ``PASSNUM_LOG_FORMAT=json``, else as text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s")
    )
    for name in ("procrastinate", "passnum"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False
