"""Suspending a qualified site and qualifying it again (staff), audited and e-mailed to the site
(through the task queue, ``mail.send_later``: the page does not wait for the relay).

While suspended, a site's scans are refused ``site_not_qualified`` (vouchers reads
``site_status``), it leaves the public directory and the open data (``places.qualified_site``);
its past redemptions stay on its statements, which never look at the status.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from organisations.editing import NEEDS_SIRET
from organisations.errors import refuse
from organisations.tables import Organisation, SiteStatus
from passnum import audit, mail
from passnum.auth import Actor
from passnum.clock import today
from passnum.db import write_transaction
from passnum.settings import get_settings

TEMPLATES = mail.MailTemplates(Path(__file__).parent / "templates")


async def _site(organisation_id: int) -> Organisation:
    site = await Organisation.objects().get(Organisation.id == organisation_id)
    if site is None or not site.is_site:
        raise refuse("not_found.site")
    return site


async def suspend_site(
    actor: Actor, organisation_id: int, reason: str, start: date | None = None
) -> tuple[Organisation, bool]:
    """Suspend a qualified site from ``start`` (today by default); returns it and whether the
    site was told by e-mail."""
    site = await _site(organisation_id)
    reason = reason.strip()
    if not reason:
        raise refuse("invalid.suspension_reason", field="reason")
    start = start or today()
    if start > today():
        raise refuse("suspension_in_future", field="from")
    if site.site_status != SiteStatus.qualified:
        raise refuse("not_qualified")
    site.site_status = SiteStatus.suspended.value
    site.suspension_reason = reason
    site.suspended_from = start
    async with write_transaction():
        await site.save(
            [Organisation.site_status, Organisation.suspension_reason, Organisation.suspended_from]
        )
        await audit.record(
            actor,
            "suspend",
            "organisation",
            site.id,
            {
                "site_status": {"old": "qualified", "new": "suspended"},
                "reason": reason,
                "from": start.isoformat(),
            },
        )
    told = await _tell(site, "organisations/mail/suspended.txt", reason=reason, start=start)
    return site, told


async def requalify_site(actor: Actor, organisation_id: int) -> tuple[Organisation, bool]:
    """End a suspension: the site scans again and is back in the directory."""
    site = await _site(organisation_id)
    if site.site_status != SiteStatus.suspended:
        raise refuse("not_suspended")
    if not site.siret and not site.rna:
        raise NEEDS_SIRET
    old_reason = site.suspension_reason
    site.site_status = SiteStatus.qualified.value
    site.suspension_reason = ""
    site.suspended_from = None
    async with write_transaction():
        await site.save(
            [Organisation.site_status, Organisation.suspension_reason, Organisation.suspended_from]
        )
        await audit.record(
            actor,
            "requalify",
            "organisation",
            site.id,
            {"site_status": {"old": "suspended", "new": "qualified"}, "reason": old_reason},
        )
    told = await _tell(site, "organisations/mail/requalified.txt")
    return site, told


async def _tell(site: Organisation, template: str, **data: Any) -> bool:
    """Queue the site's e-mail when SMTP is configured and it has an address (the queue tries
    again while the relay is down; the change is made and audited either way)."""
    if not (mail.is_configured() and site.email):
        return False
    settings = get_settings()
    message = TEMPLATES.render(
        template,
        to=site.email,
        site=site.name,
        operator=settings.operator_name,
        phone=settings.operator_phone,
        **data,
    )
    await mail.send_later(message)
    return True
