"""Document storage: put, open, check and delete documents by key, streamed in chunks both ways.

Where the bytes live follows the database, so that a document is kept where the data is:

- on SQLite, one file per document under ``{PASSNUM_DATA_DIR}/documents/`` (named by a random id);
- on PostgreSQL, in the database itself: rows of ``document_chunk`` of at most ``CHUNK_SIZE``
  (1 MiB), so that every server sharing the database serves the same documents and a database
  backup holds them.

On both, the ``document`` table holds each document's key, content type, size and SHA-256.

Nothing is ever whole in memory. :func:`put` takes an iterator (plain or async) of byte strings of
any size and writes them one chunk at a time; :func:`write_with` runs a function that writes to a
binary file (the PDF renderers do) in a worker thread, and its output flows to storage with
back-pressure; :func:`open` reads one chunk at a time, and :func:`download` hands those chunks to
a Litestar ``Stream`` response. A 40 MB print run therefore costs about two chunks of memory.

A document appears only once complete: it takes its key in the transaction that removes the
document it replaces. A failed put leaves nothing behind, nor does a process killed in the middle
of one: on PostgreSQL the whole write is one transaction, rolled back with the connection; on disk
the file being written (``documents/en-cours/…part``) is removed by a write a day later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import anyio
import anyio.to_thread
from litestar.response import Stream

from passnum.errors import DomainError
from passnum.refusals import REFUSALS
from passnum.storage import backends
from passnum.storage.tables import Document

CHUNK_SIZE = backends.CHUNK_SIZE
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")
T = TypeVar("T")


class DocumentNotFound(DomainError):
    def __init__(self) -> None:
        status, message = REFUSALS["document_not_found"]
        super().__init__("document_not_found", message, status)


@dataclass(frozen=True)
class StoredDocument:
    key: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class OpenedDocument:
    """A stored document and its bytes, read one chunk at a time by ``async for``."""

    document: StoredDocument
    _chunks: AsyncIterator[bytes]

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks


def _check(key: str) -> str:
    if len(key) > 255 or not KEY.fullmatch(key):
        raise ValueError(f"Invalid document key: {key!r}")
    return key


def _stored(row: dict[str, Any]) -> StoredDocument:
    return StoredDocument(row["key"], row["content_type"], row["size"], row["sha256"])


async def _row(key: str) -> dict[str, Any] | None:
    return await Document.select().where(Document.key == _check(key)).first()


async def _pieces(chunks: Iterable[bytes] | AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """The pieces of an async iterator, or of a plain one read in a worker thread."""
    if isinstance(chunks, AsyncIterable):
        async for piece in chunks:
            yield piece
        return
    iterator = iter(chunks)
    while (piece := await anyio.to_thread.run_sync(next, iterator, None)) is not None:
        yield piece


async def _chunks(chunks: Iterable[bytes] | AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Pieces of any size cut into chunks of ``CHUNK_SIZE`` (the last one shorter)."""
    buffer = bytearray()
    async for piece in _pieces(chunks):
        buffer += piece
        while len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)


async def put(
    key: str, chunks: Iterable[bytes] | AsyncIterable[bytes], content_type: str
) -> StoredDocument:
    """Store the bytes under ``key``, replacing any document stored there; what was stored."""
    _check(key)
    digest = hashlib.sha256()

    async def hashed() -> AsyncIterator[bytes]:
        async for chunk in _chunks(chunks):
            digest.update(chunk)
            yield chunk

    row = await backends.current().put(key, hashed(), content_type, digest)
    return _stored(row)


async def write_with(
    key: str, content_type: str, write: Callable[[BinaryIO], T]
) -> tuple[StoredDocument, T]:
    """Run ``write(file)`` in a worker thread and store what it writes under ``key``.

    The file is a pipe to :func:`put`: at most two chunks wait in it, so a slow database slows
    the writer instead of filling memory. If ``write`` raises, nothing is stored and its error
    is raised here. Returns the stored document and what ``write`` returned.
    """
    send, receive = anyio.create_memory_object_stream[bytes](max_buffer_size=2)
    outcome: dict[str, Any] = {}

    def run() -> None:
        with _Pipe(send) as pipe:
            # A write-only file: the methods of BinaryIO that the writers call, not all of them.
            outcome["value"] = write(pipe)  # pyright: ignore[reportArgumentType]

    async def produce() -> None:
        try:
            await anyio.to_thread.run_sync(run)
        except Exception as error:
            outcome["error"] = error
        finally:
            await send.aclose()

    async def written() -> AsyncIterator[bytes]:
        async with receive:
            async for chunk in receive:
                yield chunk
        if "error" in outcome:
            raise outcome["error"]

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(produce)
            try:
                document = await put(key, written(), content_type)
            finally:
                receive.close()  # a writer still running stops at its next write
    except BaseExceptionGroup as errors:  # the task group wraps put's error: give it as it is
        if len(errors.exceptions) == 1:
            raise errors.exceptions[0] from None
        raise
    if "error" in outcome:
        raise outcome["error"]
    return document, outcome["value"]


class _Pipe:
    """A write-only binary file whose chunks go to a memory stream, from a worker thread."""

    def __init__(self, send: Any) -> None:
        self._send = send
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK_SIZE:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            chunk, self._buffer = bytes(self._buffer), bytearray()
            anyio.from_thread.run(self._send.send, chunk)

    def __enter__(self) -> _Pipe:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.flush()


async def exists(key: str) -> bool:
    return await _row(key) is not None


async def stat(key: str) -> StoredDocument | None:
    """What is stored under ``key`` (without its bytes), or None."""
    row = await _row(key)
    return _stored(row) if row else None


async def open(key: str) -> OpenedDocument:
    """The document under ``key``, its bytes read as they are iterated; DocumentNotFound."""
    row = await _row(key)
    chunks = await backends.current().reader(row) if row else None
    if row is None or chunks is None:
        raise DocumentNotFound()
    return OpenedDocument(_stored(row), chunks)


async def delete(key: str) -> bool:
    """Remove the document under ``key``; whether there was one."""
    row = await _row(key)
    if row is None:
        return False
    await backends.current().delete(row)
    return True


async def download(key: str, filename: str) -> Stream:
    """A response that streams the document as an attachment named ``filename``."""
    opened = await open(key)
    document = opened.document
    return Stream(
        opened,
        media_type=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Length": str(document.size),
            "ETag": f'"{document.sha256}"',
        },
    )


def documents_dir() -> Path:
    """Where documents are kept on disk (SQLite): ``{PASSNUM_DATA_DIR}/documents``."""
    return backends.documents_dir()


__all__ = [
    "CHUNK_SIZE",
    "DocumentNotFound",
    "OpenedDocument",
    "StoredDocument",
    "delete",
    "documents_dir",
    "download",
    "exists",
    "open",
    "put",
    "stat",
    "write_with",
]
