"""Several machines, one service (issue 24, item 3): two `passnum serve` processes with their own
data folders and two `passnum worker` processes, all on one PostgreSQL database.

- a print run started through the first server is rendered by a worker; that worker is killed
  with ``kill -9`` in the middle of it; the other worker takes the job over; the PDF is
  downloaded through the second server and decodes to the batch's cheques;
- a reminder due today, queued on both machines at once, is e-mailed exactly once (a real local
  SMTP server).
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from pypdf import PdfReader, PdfWriter

from composition.tasks import task_app
from equipment import schemas as equipment_schemas
from equipment.handover import check_out_loan
from equipment.tables import Loan, ReminderSent
from passnum import db
from tests.equipment.conftest import TODAY, Fleet
from tests.factories import CSRF_COOKIE, World
from tests.live_server import PASSNUM, _free_port, _wait_until_up
from tests.printing.scanning import rasterise, scan
from tests.vouchers.conftest import make_batch
from vouchers.job_tables import PrintJob
from vouchers.tables import Cheque

if TYPE_CHECKING:
    from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.postgres_only

BOOKLETS = 1200  # long enough to render (several seconds) to be killed in the middle
STALLED_SECONDS = 3


def _env(data_dir: Path, smtp: SmtpServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PICCOLO_CONF"}
    env.update(
        PASSNUM_DATABASE_URL=db.engine().config["dsn"],
        PASSNUM_DATA_DIR=str(data_dir),
        # Both behind one address; plain http so that httpx sends the cookies back.
        PASSNUM_PUBLIC_URL="http://passnum.example.test",
        PASSNUM_SECRET_KEY="two-machines-one-secret-key-for-this-test",
        PASSNUM_TASK_STALLED_SECONDS=str(STALLED_SECONDS),
        PASSNUM_SMTP_HOST=smtp.host,
        PASSNUM_SMTP_PORT=str(smtp.port),
    )
    return env


class Machines:
    def __init__(self, root: Path, smtp: SmtpServer) -> None:
        self.root, self.smtp = root, smtp
        self.processes: list[subprocess.Popen] = []

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        data_dir = self.root / name
        data_dir.mkdir(exist_ok=True)
        log = (data_dir / "output.log").open("w")
        process = subprocess.Popen(
            [PASSNUM, *args], env=_env(data_dir, self.smtp), stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def serve(self, name: str) -> tuple[str, subprocess.Popen]:
        """Start a server (:meth:`up` waits for it)."""
        port = _free_port()
        return f"http://127.0.0.1:{port}", self._start(name, "serve", "--port", str(port))

    def up(self, name: str, url: str, process: subprocess.Popen) -> str:
        _wait_until_up(f"{url}/health", process, self.root / name / "output.log")
        return url

    def worker(self, name: str, wait: bool = True) -> subprocess.Popen:
        process = self._start(name, "worker")
        if wait:
            self.ready(name, process)
        return process

    def ready(self, name: str, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + 90
        log = self.root / name / "output.log"
        while "en attente" not in log.read_text():
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def machines(root: Path, smtp: SmtpServer) -> Iterator[Machines]:
    running = Machines(root, smtp)
    try:
        yield running
    finally:
        running.stop()


async def _login(client: httpx.AsyncClient, email: str, password: str) -> None:
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": email, "password": password, "next": "/"},
        headers={"x-csrftoken": client.cookies[CSRF_COOKIE]},
    )
    assert response.status_code in (302, 303), response.text


async def _print_job(job_id: int) -> dict:
    return await PrintJob.select().where(PrintJob.id == job_id).first()


async def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = await condition()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


async def test_two_servers_and_two_workers_share_one_database(
    world: World, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    batch = await make_batch(world, count=BOOKLETS)
    fleet_staff = await _fleet(world)
    await _loan_due_today(fleet_staff)

    with machines(tmp_path, smtp_server) as run:
        (first, serve_1), (second, serve_2) = run.serve("machine-1"), run.serve("machine-2")
        worker_1 = run.worker("worker-1", wait=False)
        run.up("machine-1", first, serve_1)
        run.up("machine-2", second, serve_2)
        run.ready("worker-1", worker_1)

        # A print run started through the first machine…
        async with httpx.AsyncClient(base_url=first) as staff_1:
            await _login(staff_1, world.staff.email, world.staff.password)
            started = await staff_1.post(
                f"/staff/tirages/{batch.id}/impression",
                headers={"x-csrftoken": staff_1.cookies[CSRF_COOKIE]},
            )
            assert started.status_code == 302, started.text
            job_id = int(re.search(r"/staff/impressions/(\d+)", started.headers["location"])[1])
            cookies = dict(staff_1.cookies)

        # … is being rendered by worker 1, which is killed in the middle of it.
        async def rendering() -> bool:
            job = await _print_job(job_id)
            return job["status"] == "running" and 0 < job["done"] < BOOKLETS

        await _wait_for(rendering, 90, "worker 1 renders the print run")
        worker_1.send_signal(signal.SIGKILL)
        worker_1.wait(timeout=10)
        left_at = (await _print_job(job_id))["done"]
        assert 0 < left_at < BOOKLETS

        # The other worker takes the job over once worker 1's heartbeat is too old.
        run.worker("worker-2")

        async def done() -> bool:
            return (await _print_job(job_id))["status"] == "done"

        await _wait_for(done, 180, "worker 2 finishes the print run")
        (queued,) = await task_app().job_manager.list_jobs_async(task="vouchers:print_run")
        assert queued.status == "succeeded" and queued.attempts >= 1  # retried once at least

        # Downloaded through the second machine (same session: sessions live in the database).
        async with httpx.AsyncClient(base_url=second, cookies=cookies) as staff_2:
            page = await staff_2.get(f"/staff/impressions/{job_id}")
            assert page.status_code == 200 and "PDF prêt" in page.text
            pdf = (await staff_2.get(f"/staff/impressions/{job_id}/fichier")).content
        await _check_the_pdf_holds_the_batch(pdf, batch.id)

        # A reminder due today, queued by both machines at the same moment: e-mailed once.
        run.worker("worker-1-again")
        remind = task_app().tasks["equipment:remind"]
        tick = int(time.time())
        await asyncio.gather(
            remind.defer_async(timestamp=tick), remind.defer_async(timestamp=tick + 1)
        )

        async def reminders_done() -> bool:
            jobs = await task_app().job_manager.list_jobs_async(task="equipment:remind")
            return len(jobs) >= 2 and all(job.status == "succeeded" for job in jobs)

        await _wait_for(reminders_done, 60, "both reminder jobs ran")
        sent = Counter((m["To"], m["Subject"]) for m in smtp_server.messages)
        assert len(sent) == 1 and set(sent.values()) == {1}, sent
        assert await ReminderSent.count() == 1


async def _check_the_pdf_holds_the_batch(pdf: bytes, batch_id: int) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == BOOKLETS  # complete, one page per booklet, none twice
    rows = (
        await Cheque.select(Cheque.code, Cheque.booklet.number)
        .where(Cheque.booklet.batch == batch_id)
        .order_by(Cheque.booklet.number)
    )
    codes = {row["code"] for row in rows}
    numbers = sorted({row["booklet.number"] for row in rows})
    assert len(numbers) == BOOKLETS and len(codes) == 5 * BOOKLETS
    # Every 100th page (text extraction of all 1,200 takes minutes): the booklets in order.
    sample = sorted({*range(0, BOOKLETS, 100), BOOKLETS - 1})
    for index in sample:
        assert numbers[index] in reader.pages[index].extract_text(), index
    # The first and the last pages, as a phone scans them: their QR codes are the batch's cheques.
    for index in (0, BOOKLETS - 1):
        single = io.BytesIO()
        writer = PdfWriter()
        writer.add_page(reader.pages[index])
        writer.write(single)
        (image,) = rasterise(single.getvalue())
        payloads = [r.text for r in scan(image) if "/c/" in r.text]
        assert len(payloads) == 5
        scanned = {p.rsplit("/c/", 1)[1].replace("-", "") for p in payloads}
        assert scanned <= {c.replace("-", "") for c in codes}, scanned


async def _fleet(world: World):
    from equipment import schemas
    from equipment.inventory import create_item
    from organisations.actors import load_actor

    staff = await load_actor(world.staff.user_id)
    item = await create_item(
        staff,
        schemas.ItemIn(
            item_type="tablet",
            serial="SN-2M-1",
            brand="Samsung",
            model="Galaxy Tab A8",
            declared_value_cents=29_900,
        ),
    )
    return Fleet(world, staff, world.borrower_id, world.borrower_id, [item.asset_tag])


async def _loan_due_today(fleet: Fleet) -> None:
    loan = await fleet.reserve(fleet.tags, TODAY, TODAY)
    await check_out_loan(
        fleet.staff, loan.number, [equipment_schemas.CheckoutLine(item=fleet.tags[0])]
    )
    await Loan.update({Loan.due_date: TODAY}).where(Loan.id == loan.id)
