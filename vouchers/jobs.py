"""Background print jobs: a large batch's print-shop PDF, rendered outside the request.

The job's state lives in the database (``PrintJob``), so any worker process can show its progress
or serve the file. The worker that starts a job renders it in a thread and beats a heartbeat
every second; a job whose heartbeat stopped (its process died) is claimed again by the next page
view, in whichever worker, with a conditional UPDATE so only one worker takes it over.
The PDF streams into document storage (:mod:`passnum.storage`: files beside SQLite, the database
itself on PostgreSQL) as it is rendered, under ``vouchers/print-jobs/{file_name}``; it appears
there only once complete, and the download streams it back in chunks.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from datetime import timedelta
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
STALE_AFTER = timedelta(seconds=30)
_RUNNING: set[asyncio.Task] = set()  # keeps the tasks of this process alive


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


async def _claim(job_id: int) -> bool:
    """Take the job if it is queued or its worker stopped beating; the database decides."""
    stale = stamp() - STALE_AFTER
    taken = (
        await PrintJob.update(
            {PrintJob.status: "running", PrintJob.heartbeat_at: stamp(), PrintJob.done: 0}
        )
        .where(
            (PrintJob.id == job_id)
            & (
                (PrintJob.status == "queued")
                | ((PrintJob.status == "running") & (PrintJob.heartbeat_at < stale))
            )
        )
        .returning(PrintJob.id)
    )
    return bool(taken)


def _booklets(batch_id: int) -> Iterator[BookletData]:
    """The batch's booklets, read chunk by chunk from the event loop (runs in the thread)."""
    chunks = svc.batch_print_chunks(batch_id)
    while True:
        try:
            chunk = anyio.from_thread.run(chunks.__anext__)
        except StopAsyncIteration:
            return
        yield from chunk


async def run_job(job_id: int) -> None:
    """Render the job's PDF if this worker can claim it; record progress, result or failure."""
    if not await _claim(job_id):
        return
    job = await get_job(job_id)
    name = f"tirage-{job['batch']}-impression-{job_id}.pdf"
    progress = {"pages": 0}

    def render(out: BinaryIO) -> int:
        return render_booklets(
            _booklets(job["batch"]), out, on_progress=lambda n: progress.update(pages=n)
        )

    async def beat() -> None:
        while True:
            await anyio.sleep(1)
            await PrintJob.update(
                {PrintJob.done: progress["pages"], PrintJob.heartbeat_at: stamp()}
            ).where(PrintJob.id == job_id)

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(beat)
            _, pages = await storage.write_with(document_key(name), "application/pdf", render)
            group.cancel_scope.cancel()
        values = {PrintJob.status: "done", PrintJob.done: pages, PrintJob.file_name: name}
    except Exception as error:  # the job records its failure; staff can start another
        values = {PrintJob.status: "failed", PrintJob.error: str(error)[:1000]}
    await PrintJob.update({**values, PrintJob.finished_at: stamp()}).where(PrintJob.id == job_id)


def spawn(job_id: int) -> None:
    """Run the job in this worker's event loop, after the response is sent."""
    task = asyncio.get_running_loop().create_task(run_job(job_id))
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)


async def resume_if_stalled(job: dict) -> None:
    """A job nobody is working on (queued, or its worker died) is picked up by this worker."""
    stale = job["heartbeat_at"] is None or job["heartbeat_at"] < stamp() - STALE_AFTER
    if job["status"] == "queued" or (job["status"] == "running" and stale):
        spawn(job["id"])
