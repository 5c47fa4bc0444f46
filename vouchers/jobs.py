"""Background print jobs: a large batch's print-shop PDF, rendered outside the request.

The job's state lives in the database (``PrintJob``), so any web process can show its progress
or serve the file. The rendering is a task of the queue (``vouchers.tasks.print_run``, see
:mod:`passnum.tasks`): a ``passnum worker`` on any machine runs it (inside ``passnum serve`` on
SQLite), once at a time, and again on another worker if the one running it dies.
The PDF streams into document storage (:mod:`passnum.storage`: files beside SQLite, the database
itself on PostgreSQL) as it is rendered, under ``vouchers/print-jobs/{file_name}``; it appears
there only once complete, and the download streams it back in chunks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

import anyio
import anyio.from_thread
from litestar.response import Stream

from passnum import audit, storage
from passnum.auth.actor import Actor
from passnum.clock import stamp
from passnum.db import write_transaction
from printing import BookletData, render_booklets
from vouchers import services as svc
from vouchers.errors import refuse
from vouchers.job_tables import PrintJob
from vouchers.services.common import require_staff

DIRECT_LIMIT = 200  # booklets: above this, the batch PDF is a background job


def document_key(file_name: str) -> str:
    """Where a job's PDF is kept in document storage."""
    return f"vouchers/print-jobs/{file_name}"


def render_all(booklets: list[BookletData]) -> bytes:
    """A small batch's PDF in memory (called in a thread)."""
    buffer = io.BytesIO()
    render_booklets(booklets, buffer)
    return buffer.getvalue()


async def start_job(actor: Actor, batch_id: int) -> int:
    """A new job for the batch, or the one already queued or running for it."""
    require_staff(actor)
    total = await svc.batch_booklet_count(batch_id)
    if total == 0:
        raise refuse("batch_not_found")
    current = (
        await PrintJob.select(PrintJob.id)
        .where((PrintJob.batch == batch_id) & PrintJob.status.is_in(["queued", "running"]))
        .first()
    )
    if current:
        return current["id"]
    job = PrintJob(batch=batch_id, total=total, created_by=actor.user_id, created_at=stamp())
    async with write_transaction():
        await job.save()
        await audit.record(actor, "print", "batch", batch_id, {"job": job.id, "booklets": total})
    return job.id


async def get_job(job_id: int) -> dict:
    job = await PrintJob.select().where(PrintJob.id == job_id).first()
    if job is None:
        raise refuse("not_found")
    return job


async def latest_job(batch_id: int) -> dict | None:
    return (
        await PrintJob.select()
        .where(PrintJob.batch == batch_id)
        .order_by(PrintJob.id, ascending=False)
        .first()
    )


async def job_document(job: dict) -> storage.StoredDocument | None:
    """The finished job's PDF, if it is still stored."""
    if job["status"] != "done" or not job["file_name"]:
        return None
    return await storage.stat(document_key(job["file_name"]))


async def download(job: dict) -> Stream:
    """The finished job's PDF, streamed from storage."""
    if job["status"] != "done" or not job["file_name"]:
        raise refuse("not_found")
    return await storage.download(document_key(job["file_name"]), job["file_name"])


def _booklets(batch_id: int) -> Iterator[BookletData]:
    """The batch's booklets, read chunk by chunk from the event loop (runs in the thread)."""
    chunks = svc.batch_print_chunks(batch_id)
    while True:
        try:
            chunk = anyio.from_thread.run(chunks.__anext__)
        except StopAsyncIteration:
            return
        yield from chunk


async def render_job(job_id: int) -> None:
    """Render the job's PDF into document storage (the task ``vouchers:print_run``).

    The queue runs it at most once at a time (its lock) and again if its worker died (the PDF is
    written from the start: storage shows it only once complete). A job already done is left.
    Progress (``done``) is written every second for the page; a failure is recorded, then
    raised so that the queue retries it.
    """
    job = await get_job(job_id)
    if job["status"] == "done":
        return
    await PrintJob.update(
        {PrintJob.status: "running", PrintJob.done: 0, PrintJob.heartbeat_at: stamp()}
    ).where(PrintJob.id == job_id)
    name = f"tirage-{job['batch']}-impression-{job_id}.pdf"
    progress = {"pages": 0}

    def render(out: BinaryIO) -> int:
        return render_booklets(
            _booklets(job["batch"]), out, on_progress=lambda n: progress.update(pages=n)
        )

    async def report_progress() -> None:
        while True:
            await anyio.sleep(1)
            await PrintJob.update(
                {PrintJob.done: progress["pages"], PrintJob.heartbeat_at: stamp()}
            ).where(PrintJob.id == job_id)

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(report_progress)
            _, pages = await storage.write_with(document_key(name), "application/pdf", render)
            group.cancel_scope.cancel()
    except Exception as error:
        await PrintJob.update(
            {
                PrintJob.status: "failed",
                PrintJob.error: str(error)[:1000],
                PrintJob.finished_at: stamp(),
            }
        ).where(PrintJob.id == job_id)
        raise
    await PrintJob.update(
        {
            PrintJob.status: "done",
            PrintJob.done: pages,
            PrintJob.file_name: name,
            PrintJob.error: "",
            PrintJob.finished_at: stamp(),
        }
    ).where(PrintJob.id == job_id)
