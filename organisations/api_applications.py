"""JSON API of applications to become a qualified site: anyone applies, staff decide."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody

from organisations import applications, charter, schemas
from organisations.editing import split_list
from organisations.tables import SiteApplication
from passnum.auth import PUBLIC, Role, roles

ANONYMOUS_FORM = {**PUBLIC, "rate_limit": "form"}  # per address, as the login form


def to_schema(a: SiteApplication, invitation: str = "") -> schemas.SiteApplication:
    return schemas.SiteApplication(
        id=a.id,
        status=a.status,
        name=a.name,
        kind=a.kind,
        siret=a.siret,
        rna=a.rna,
        legal_representative=a.legal_representative,
        address=a.address,
        postcode=a.postcode,
        commune=a.commune,
        insee_code=a.insee_code,
        phone=a.phone,
        email=a.email,
        contact_first_name=a.contact_first_name,
        contact_last_name=a.contact_last_name,
        contact_email=a.contact_email,
        services=split_list(a.services),
        opening_hours=a.opening_hours,
        iban=a.iban,
        bic=a.bic,
        account_holder=a.account_holder,
        decision_reason=a.decision_reason,
        organisation_id=a.organisation,
        invitation=invitation,
        charter_version=a.charter_version,
    )


class SiteApplicationApi(Controller):
    path = "/api/v1/site-applications"
    tags = ["organisations"]
    opt = roles(Role.staff)

    @post("/", opt=ANONYMOUS_FORM, summary="Candidater pour devenir lieu qualifié (sans compte)")
    async def apply(self, data: JSONBody[schemas.SiteApplicationIn]) -> schemas.SiteApplication:
        application = await applications.submit_application(msgspec.structs.asdict(data))
        return to_schema(application)

    @get("/", summary="Candidatures, les plus récentes d'abord (Département)")
    async def list_applications(self) -> list[schemas.SiteApplication]:
        rows = await SiteApplication.objects().order_by(SiteApplication.id, ascending=False)
        return [to_schema(a) for a in rows]

    @get("/{application_id:int}", summary="Une candidature")
    async def get_application(self, application_id: FromPath[int]) -> schemas.SiteApplication:
        return to_schema(await applications.get_application(application_id))

    @post(
        "/{application_id:int}/decision",
        status_code=200,
        summary="Qualifier (organisation créée, contact invité) ou refuser avec un motif",
    )
    async def decide(
        self,
        request: Request,
        application_id: FromPath[int],
        data: JSONBody[schemas.DecisionIn],
    ) -> schemas.SiteApplication:
        decision = await applications.decide(
            request.user, application_id, data.decision, data.reason
        )
        return to_schema(decision.application, decision.invitation)


def charter_schema(c: charter.CharterText) -> schemas.CharterOut:
    return schemas.CharterOut(c.version, c.text, c.created_at)


class CharterApi(Controller):
    path = "/api/v1/charter"
    tags = ["organisations"]
    opt = roles(Role.staff)

    @get("/", opt=PUBLIC, summary="La charte des lieux qualifiés en vigueur (celle qu'on accepte "
         "en candidatant)")  # fmt: skip
    async def current(self) -> schemas.CharterOut:
        return charter_schema(await charter.current_charter())

    @put("/", summary="Changer le texte de la charte (Département ; les versions sont gardées)")
    async def change(
        self, request: Request, data: JSONBody[schemas.CharterIn]
    ) -> schemas.CharterOut:
        return charter_schema(await charter.set_charter(request.user, data.text))

    @get("/versions", summary="Toutes les versions de la charte, la plus récente d'abord")
    async def versions(self) -> list[schemas.CharterOut]:
        return [charter_schema(c) for c in await charter.charter_versions()]
