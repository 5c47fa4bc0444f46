"""Staff pages of background print jobs: start one, follow its progress, download the PDF."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from passnum.auth import Role, roles
from vouchers import jobs, tasks
from vouchers.pages_common import page


async def _state(job: dict) -> dict:
    ready = await jobs.job_document(job) is not None
    percent = round(100 * job["done"] / job["total"]) if job["total"] else 0
    return {
        "id": job["id"],
        "batch": job["batch"],
        "status": job["status"],
        "done": job["done"],
        "total": job["total"],
        "percent": percent,
        "download": f"/staff/impressions/{job['id']}/fichier" if ready else "",
    }


class PrintJobPages(Controller):
    path = "/staff"
    opt = roles(Role.staff)
    include_in_schema = False

    @post("/tirages/{batch_id:int}/impression")
    async def start(self, request: Request, batch_id: FromPath[int]) -> Redirect:
        job_id = await tasks.start_print_job(request.user, batch_id)
        return Redirect(path=f"/staff/impressions/{job_id}")

    @get("/impressions/{job_id:int}")
    async def show(self, job_id: FromPath[int]) -> Template:
        job = await jobs.get_job(job_id)
        return page("print_job.html", job=await _state(job), error_text=job["error"])

    @get("/impressions/{job_id:int}/etat")
    async def state(self, job_id: FromPath[int]) -> dict:
        """Progress as JSON for print-job.js (same session and access as the page)."""
        return await _state(await jobs.get_job(job_id))

    @get("/impressions/{job_id:int}/fichier")
    async def download(self, job_id: FromPath[int]) -> Stream:
        return await jobs.download(await jobs.get_job(job_id))


JOB_PAGE_HANDLERS = [PrintJobPages]
