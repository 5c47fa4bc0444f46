"""Applying to become a qualified site ("Devenir lieu qualifié") and staff's decision.

A structure applies without an account; staff qualify it (the organisation is created, qualified,
and its contact invited through ``organisations.invitations``) or refuse it with a reason. The
bank details given are checked (python-stdnum) and kept on the application; qualifying it records
them as the site's first bank details (organisations.bank_details), in force from that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from organisations import invitations
from organisations.bank_details import clean_bic, clean_holder, clean_iban, insert_bank_details
from organisations.charter import current_charter
from organisations.editing import (
    CLEANERS,
    clean_email,
    clean_insee,
    clean_name,
    clean_phone,
    clean_postcode,
    clean_rna,
    clean_siret,
    official_commune,
)
from organisations.errors import refuse
from organisations.tables import ApplicationStatus, Organisation, SiteApplication, SiteStatus
from organisations.tasks import queue_geocoding
from passnum import audit, mail
from passnum.auth import Actor, Role
from passnum.clock import stamp, today
from passnum.db import write_transaction
from passnum.settings import get_settings

TEMPLATES = mail.MailTemplates(Path(__file__).parent / "templates")
TEXT_FIELDS = ("kind", "address", "commune", "opening_hours")


async def submit_application(data: dict[str, Any]) -> SiteApplication:
    """Check and keep an application (no account needed)."""
    values: dict[str, Any] = {
        "name": clean_name(data.get("name")),
        "siret": clean_siret(data.get("siret")),
        "rna": clean_rna(data.get("rna")),
        "legal_representative": CLEANERS["legal_representative"](data.get("legal_representative")),
        "postcode": clean_postcode(data.get("postcode")),
        # The commune picked by name (the form's one commune field), or its code (the API).
        "insee_code": clean_insee(data.get("insee_code") or data.get("commune")),
        "phone": clean_phone(data.get("phone")),
        "email": clean_email(data.get("email")),
        "contact_first_name": str(data.get("contact_first_name") or "").strip(),
        "contact_last_name": str(data.get("contact_last_name") or "").strip(),
        "contact_email": clean_email(data.get("contact_email")),
        "services": CLEANERS["services"](data.get("services") or []),
        "iban": clean_iban(data.get("iban")),
        "bic": clean_bic(data.get("bic")),
        "account_holder": clean_holder(data.get("account_holder"), "account_holder"),
        **{f: str(data.get(f) or "").strip() for f in TEXT_FIELDS},
    }
    values["kind"] = values["kind"] or "association"
    values = await official_commune(values)
    if not values["insee_code"]:
        raise refuse("invalid.commune", field="insee_code")
    if not values["siret"] and not values["rna"]:
        raise refuse("identifier_required", field="siret")
    if not values["contact_email"]:
        raise refuse("invalid.contact_email", field="contact_email")
    if data.get("charter_accepted") is not True:
        raise refuse("charter_not_accepted", field="charter_accepted")
    values["charter_accepted"] = True
    values["charter_version"] = (await current_charter()).version  # the text they accepted
    await _identifier_free(values)
    application = SiteApplication(**values)
    async with write_transaction():
        await application.save()
        await audit.record(
            None, "apply", "site_application", application.id, {"name": values["name"]}
        )
    return application


async def _identifier_free(values: dict[str, Any]) -> None:
    if values.get("siret") and await Organisation.exists().where(
        Organisation.siret == values["siret"]
    ):
        raise refuse("duplicate_siret")
    if values.get("rna") and await Organisation.exists().where(Organisation.rna == values["rna"]):
        raise refuse("duplicate_rna")


async def get_application(application_id: int) -> SiteApplication:
    application = await SiteApplication.objects().get(SiteApplication.id == application_id)
    if application is None:
        raise refuse("not_found.application")
    return application


@dataclass(frozen=True)
class Decision:
    application: SiteApplication
    invitation: str  # what staff read about the contact's invitation ("" when refused)


async def decide(actor: Actor, application_id: int, decision: str, reason: str = "") -> Decision:
    """Qualify (organisation created, contact invited) or refuse (a reason, e-mailed)."""
    application = await get_application(application_id)
    if application.status != ApplicationStatus.pending:
        raise refuse("already_decided.application")
    reason = reason.strip()
    if decision == "refuse":
        if not reason:
            raise refuse("invalid.application_reason", field="reason")
        application.status = ApplicationStatus.refused.value
        application.decision_reason = reason
        application.decided_at = stamp()
        async with write_transaction():
            await application.save()
            await audit.record(
                actor, "refuse", "site_application", application.id, {"reason": reason}
            )
        await _tell_refusal(application)
        return Decision(application, "")
    if decision != "qualify":
        raise refuse("invalid.application_decision", field="decision")
    if not application.siret and not application.rna:
        raise refuse("qualification_needs_siret.application")
    await _identifier_free({"siret": application.siret, "rna": application.rna})
    organisation = Organisation(
        name=application.name,
        kind=application.kind,
        siret=application.siret,
        rna=application.rna,
        legal_representative=application.legal_representative,
        address=application.address,
        postcode=application.postcode,
        commune=application.commune,
        insee_code=application.insee_code,
        phone=application.phone,
        email=application.email,
        services=application.services,
        is_site=True,
        site_status=SiteStatus.qualified.value,
    )
    async with write_transaction():
        await organisation.save()
        application.status = ApplicationStatus.qualified.value
        application.decision_reason = reason
        application.decided_at = stamp()
        application.organisation = organisation.id
        await application.save()
        await audit.record(
            actor, "create", "organisation", organisation.id, {"site_application": application.id}
        )
        await insert_bank_details(
            actor,
            organisation.id,
            iban=application.iban,
            bic=application.bic,
            holder=application.account_holder,
            valid_from=today(),
            approved=True,  # staff checked them with the application
        )
        await audit.record(
            actor,
            "qualify",
            "site_application",
            application.id,
            {"organisation": organisation.id},
        )
    await queue_geocoding(organisation.id)
    invitation = await invitations.invite_user(
        application.contact_email,
        organisation.id,
        Role.site_agent,
        application.contact_first_name,
        application.contact_last_name,
        actor=actor,
    )
    return Decision(application, invitation.message)


async def _tell_refusal(application: SiteApplication) -> None:
    if not mail.is_configured():
        return
    settings = get_settings()
    message = TEMPLATES.render(
        "organisations/mail/application_refused.txt",
        to=application.contact_email,
        name=application.name,
        reason=application.decision_reason,
        operator=settings.operator_name,
        phone=settings.operator_phone,
    )
    await mail.send_later(message)  # the decision stands; the queue retries the notice
