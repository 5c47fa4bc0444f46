"""Site agents' Scanner page and the public cheque page ``/c/{CODE}`` that a phone camera opens.

The scan form posts to the redemption service (same result codes as the API) through the
idempotency service, with a fresh key in each rendered form: a double click or a reloaded POST
shows the first answer again instead of a misleading "déjà utilisé".
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from organisations.nearby import commune_origin, operator_territory
from passnum.auth import Actor, Role, roles
from passnum.auth.middleware import remember_organisation
from passnum.errors import DomainError
from passnum.settings import get_settings
from vouchers import schemas
from vouchers import services as svc
from vouchers.api import SCAN_AGENTS, SCAN_PUBLIC
from vouchers.choices import ACTIVITIES, PLACES
from vouchers.codes import normalise_code, parse_code
from vouchers.pages_common import (
    RESULT_NEXT_STEP,
    RESULT_TITLES,
    error_view,
    form_dict,
    int_or_none,
    page,
)
from vouchers.services.nearest import nearest_sites


def _choice(value: str, allowed: dict[str, str], default: str) -> str:
    return value if value in allowed else default


def _sites(actor: Actor) -> list[dict[str, Any]]:
    """Every site of the agent (all their organisations: choosing one switches to it)."""
    return [
        {"id": m.organisation_id, "name": m.organisation_name}
        for m in actor.choices or actor.memberships
        if m.role == Role.site_agent
    ]


def _at_site(actor: Actor, site_id: int | None) -> Actor:
    """The agent acting at ``site_id``, one of their sites (the request's one organisation)."""
    if site_id is not None and site_id in {s["id"] for s in _sites(actor)}:
        return actor.within(site_id)
    return actor


def _remember_site(response: Any, actor: Actor) -> Any:
    if actor.organisation_id is not None:
        remember_organisation(response, actor.organisation_id, get_settings().https)
    return response


def _result(status_code: int, body: dict[str, Any]) -> dict[str, Any]:
    """The big green or red box: a title, the reason in words and what to do next."""
    code = body.get("result") or body.get("error") or "unknown"
    return {
        "ok": code == "redeemed",
        "code": code,
        "status_code": status_code,
        "title": RESULT_TITLES.get(code, "Chèque refusé"),
        "message": body.get("message", ""),
        "next": RESULT_NEXT_STEP.get(code, "N'acceptez pas ce chèque."),
        "details": body if code == "redeemed" else None,
    }


async def scan_page(
    actor: Actor,
    activity: str = "individual",
    place: str = "site",
    site_id: int | None = None,
    result: dict[str, Any] | None = None,
    status_code: int = 200,
    code: str = "",
) -> Template:
    """The Scanner; ``code`` is put back in the field (a mistyped or unknown code)."""
    sites = _sites(actor)
    own = sorted(actor.organisation_ids(Role.site_agent))
    chosen = site_id if site_id in own else (own[0] if own else sites[0]["id"])
    return page(
        "scanner.html",
        status_code=status_code,
        result=result,
        activity=_choice(activity, ACTIVITIES, "individual"),
        place=_choice(place, PLACES, "site"),
        sites=sites,
        site_id=chosen,
        today=await svc.site_redemptions(actor, site_id=chosen),
        offline_scans=(await svc.site_offline_scans(actor, chosen))[:20],
        nonce=secrets.token_urlsafe(16),
        code=code,
    )


# Typing mistakes: the code stays in the field beside the error, to be corrected.
KEEP_TYPED = frozenset({"malformed", "unknown"})


class ScanPages(Controller):
    path = "/scanner"
    include_in_schema = False

    @get("/", opt=roles(Role.site_agent))
    async def show(
        self,
        request: Request,
        activite: FromQuery[str] = "individual",
        lieu: FromQuery[str] = "site",
        site: FromQuery[int | None] = None,
    ) -> Template:
        actor = _at_site(request.user, site)
        return _remember_site(await scan_page(actor, activite, lieu, site), actor)

    @post("/", opt=SCAN_AGENTS)
    async def scan(self, request: Request) -> Template:
        form = await request.form()
        values = form_dict(form, "code", "activity", "place", "site_id", "nonce")
        data = schemas.RedemptionIn(
            code=values["code"],
            activity=values["activity"],
            place=values["place"] or "site",
            site_id=int_or_none(values["site_id"]),
        )
        actor = _at_site(request.user, data.site_id)  # the chosen site is the request's one
        answer = await svc.run_idempotent(
            actor.user_id,
            values["nonce"] or None,
            msgspec.json.encode(data),
            lambda: svc.redeem_cheque(actor, data),
        )
        status = 200 if answer.status_code == 201 else answer.status_code
        result = _result(answer.status_code, answer.body)
        page = await scan_page(
            actor,
            data.activity,
            data.place,
            data.site_id,
            result,
            status,
            code=data.code if result["code"] in KEEP_TYPED else "",
        )
        return _remember_site(page, actor)

    @post("/annuler", opt=roles(Role.site_agent))
    async def reverse(self, request: Request) -> Template:
        """The "Annuler" of a line of today's list: the reversal service, then the page again."""
        values = form_dict(await request.form(), "code", "reason", "site_id")
        site_id = int_or_none(values["site_id"])
        try:
            done = await svc.reverse_redemption(request.user, values["code"], values["reason"])
        except DomainError as error:
            body = {"error": error.code, "message": error.message}
            result = {
                **_result(error.status_code, body),
                "title": "Annulation impossible",
                "next": "Le chèque reste encaissé.",
            }
            return await scan_page(request.user, site_id=site_id, result=result, status_code=200)
        return await scan_page(request.user, site_id=site_id, result=_reversed(done))


def _reversed(done: schemas.Reversal) -> dict[str, Any]:
    return {
        "ok": True,
        "code": "reversed",
        "status_code": 200,
        "title": "Encaissement annulé",
        "message": (
            f"Le chèque {done.code_display} (carnet {done.booklet_number}, n° {done.position}) "
            "est de nouveau valable. L'annulation et son motif sont enregistrés."
        ),
        "next": "Rendez le chèque à la personne : elle pourra l'utiliser pour une autre séance.",
        "details": None,
    }


@get("/c", opt=SCAN_PUBLIC, include_in_schema=False)
async def cheque_lookup(code: FromQuery[str] = "") -> Redirect:
    """The "check a code" form: send the visitor to that cheque's page (the canonical code when
    it reads as one, even typed by a US-layout scanner on AZERTY; else what was typed, cleaned)."""
    try:
        cleaned = parse_code(code)
    except DomainError:
        cleaned = re.sub(r"[^0-9A-Z]", "", normalise_code(code))  # a code has nothing else
    return Redirect(path=f"/c/{cleaned or '-'}")


@get("/c/{code:str}", opt=SCAN_PUBLIC, include_in_schema=False)
async def cheque_page(
    request: Request, code: FromPath[str], commune: FromQuery[str] = ""
) -> Template:
    """What a phone camera opens: the public status and, once the person gives their commune, the
    three nearest places that accept it; a logged-in site agent also gets the form."""
    actor: Actor | None = request.user
    is_agent = actor is not None and actor.has_role(Role.site_agent)
    try:
        cheque = await svc.cheque_status(code)
    except DomainError as error:
        return page("cheque.html", status_code=error.status_code, error=error_view(error))
    near, commune_error, origin = [], None, None
    try:
        origin = await commune_origin(commune, "commune", typed=True)
        near = await nearest_sites(origin, cheque.accepted_everywhere, cheque.accepted_sites)
    except DomainError as error:
        commune_error = error_view(error)
    return page(
        "cheque.html",
        status_code=422 if commune_error else 200,
        commune=commune,
        commune_error=commune_error,
        prefer=",".join((await operator_territory())[1]),
        origin=origin,
        nearest=near,
        cheque=cheque,
        is_agent=is_agent,
        sites=_sites(actor) if actor is not None and is_agent else [],
        activity="individual",
        place="site",
        nonce=secrets.token_urlsafe(16),
    )


SITE_PAGE_HANDLERS = [ScanPages, cheque_lookup, cheque_page]
