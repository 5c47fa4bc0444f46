"""Joint statements (états contradictoires) and credit notes: pages for staff and funders, API."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Response, Template

from passnum import audit
from passnum.auth import Role, roles
from passnum.csvout import attachment, csv_response
from passnum.db import as_datetime
from passnum.errors import DomainError
from passnum.fr import format_moment
from reimbursements import credit_notes as notes
from reimbursements import dashboard, documents, joint, schemas
from reimbursements.errors import refuse
from reimbursements.tables import CreditNote

PDF = "application/pdf"
STAFF_AND_FUNDERS = roles(Role.staff, Role.funder)


class FigureFields(TypedDict):
    booklets_issued: int
    booklets_handed_out: int
    booklets_started: int
    cheques: int
    cheques_used: int
    cheques_unused: int
    face_value_cents: int
    used_cents: int
    unused_cents: int


def figure_fields(f: joint.Figures) -> FigureFields:
    """A run's figures as the joint statement and the funder's dashboard both answer them."""
    return FigureFields(
        booklets_issued=f.booklets_issued,
        booklets_handed_out=f.booklets_handed_out,
        booklets_started=f.booklets_started,
        cheques=f.cheques,
        cheques_used=f.cheques_used,
        cheques_unused=f.cheques_unused,
        face_value_cents=f.face_value_cents,
        used_cents=f.used_cents,
        unused_cents=f.unused_cents,
    )


def joint_out(view: joint.JointView) -> schemas.JointStatement:
    return schemas.JointStatement(
        batch_id=view.batch_id,
        batch=view.batch_label,
        funder_id=view.funder_id,
        funder=view.funder_name,
        accepted_until=view.accepted_until,
        state=view.state,
        **figure_fields(view.figures),
        established_at=view.established_at,
        established_by=view.established_by or None,
        agreed_at=view.agreed_at,
        agreed_by=view.agreed_by or None,
    )


def note_out(n: CreditNote) -> schemas.CreditNote:
    return schemas.CreditNote(
        id=n.id,
        number=n.number,
        state=n.state,
        batch_id=n.batch.id,
        batch=n.batch.label,
        funder_id=n.funder.id,
        funder=n.funder.name,
        unused_cheques=n.unused_cheques,
        face_value_cents=n.face_value_cents,
        amount_cents=n.amount_cents,
        created_at=n.created_at,
        issued_at=n.issued_at,
        settled_at=n.settled_at,
        settled_on=n.settled_on,
        settlement_reference=n.settlement_reference or None,
    )


def _common() -> dict:
    return {
        "when": lambda v: format_moment(as_datetime(v)) if v else "",
    }


async def _joint_page(
    request: Request, batch_id: int, done: str = "", error: str = "", status: int = 200
) -> Template:
    view = await joint.joint_statement(request.user, batch_id)
    note = await CreditNote.objects().where(CreditNote.batch == batch_id).first()
    context = {
        **_common(),
        "j": view,
        "figures": documents.joint_figures(view),
        "note": note,
        "done": done,
        "error": error,
    }
    if request.user.is_staff:
        history = await audit.history_page("joint_statement", batch_id, "")
        context["history"], context["history_pager"] = history.items, history
    return Template("reimbursements/joint_statement.html", context=context, status_code=status)


async def _note_page(
    request: Request, note_id: int, done: str = "", error: str = "", status: int = 200
) -> Template:
    note = await notes.get_credit_note(request.user, note_id)
    context = {**_common(), "n": note, "done": done, "error": error}
    if request.user.is_staff:
        history = await audit.history_page("credit_note", note_id, "")
        context["history"], context["history_pager"] = history.items, history
    return Template("reimbursements/credit_note.html", context=context, status_code=status)


class JointStatementPages(Controller):
    path = "/etats-contradictoires"
    opt = STAFF_AND_FUNDERS
    include_in_schema = False

    @get("/{batch_id:int}")
    async def detail(self, request: Request, batch_id: FromPath[int]) -> Template:
        return await _joint_page(request, batch_id)

    @get("/{batch_id:int}/pdf")
    async def pdf(self, request: Request, batch_id: FromPath[int]) -> Response[bytes]:
        view = await joint.joint_statement(request.user, batch_id)
        return Response(
            documents.joint_statement_pdf(view),
            media_type=PDF,
            headers=attachment(f"etat-contradictoire-{batch_id}.pdf"),
        )

    @get("/{batch_id:int}/csv")
    async def csv(self, request: Request, batch_id: FromPath[int]) -> Response[bytes]:
        view = await joint.joint_statement(request.user, batch_id)
        return csv_response(
            documents.joint_statement_csv(view), f"etat-contradictoire-{batch_id}.csv"
        )

    @post("/{batch_id:int}/etablir", opt=roles(Role.staff))
    async def establish(self, request: Request, batch_id: FromPath[int]) -> Template:
        try:
            await joint.establish(request.user, batch_id)
        except DomainError as error:
            return await _joint_page(
                request, batch_id, error=error.message, status=error.status_code
            )
        return await _joint_page(
            request, batch_id, done="État contradictoire établi : ses chiffres ne bougent plus."
        )

    @post("/{batch_id:int}/accord")
    async def agree(self, request: Request, batch_id: FromPath[int]) -> Template:
        form = await request.form()
        try:
            if form.get("confirmation") != "oui":
                raise refuse("invalid.agreement_unticked")
            await joint.agree(request.user, batch_id)
        except DomainError as error:
            return await _joint_page(
                request, batch_id, error=error.message, status=error.status_code
            )
        return await _joint_page(request, batch_id, done="Accord du financeur enregistré.")

    @post("/{batch_id:int}/avoir", opt=roles(Role.staff))
    async def credit(self, request: Request, batch_id: FromPath[int]) -> Template | Redirect:
        try:
            note = await notes.create_from_joint_statement(request.user, batch_id)
        except DomainError as error:
            return await _joint_page(
                request, batch_id, error=error.message, status=error.status_code
            )
        return Redirect(f"/avoirs/{note.id}")


class CreditNotePages(Controller):
    path = "/avoirs"
    opt = STAFF_AND_FUNDERS
    include_in_schema = False

    @get("/")
    async def index(self, request: Request) -> Template:
        return Template(
            "reimbursements/credit_notes.html",
            context={
                **_common(),
                "runs": await joint.ended_runs(request.user),
                "notes": await notes.list_credit_notes(request.user),
            },
        )

    @get("/{note_id:int}")
    async def detail(self, request: Request, note_id: FromPath[int]) -> Template:
        return await _note_page(request, note_id)

    @get("/{note_id:int}/pdf")
    async def pdf(self, request: Request, note_id: FromPath[int]) -> Response[bytes]:
        note = await notes.get_credit_note(request.user, note_id)
        body = await (notes.issued_pdf(note) if note.number else documents.credit_note_pdf(note))
        name = f"avoir-{note.number or note.id}.pdf"
        return Response(body, media_type=PDF, headers=attachment(name))

    @get("/{note_id:int}/csv")
    async def csv(self, request: Request, note_id: FromPath[int]) -> Response[bytes]:
        note = await notes.get_credit_note(request.user, note_id)
        return csv_response(documents.credit_note_csv(note), f"avoir-{note.number or note.id}.csv")

    @post("/{note_id:int}/emettre", opt=roles(Role.staff))
    async def issue(self, request: Request, note_id: FromPath[int]) -> Template:
        try:
            note = await notes.issue(request.user, note_id)
        except DomainError as error:
            return await _note_page(request, note_id, error=error.message, status=error.status_code)
        return await _note_page(request, note_id, done=f"Avoir émis : n° {note.number}.")

    @post("/{note_id:int}/regler", opt=roles(Role.staff))
    async def settle(self, request: Request, note_id: FromPath[int]) -> Template:
        form = await request.form()
        try:
            try:
                settled_on = date.fromisoformat(str(form.get("settled_on", "")))
            except ValueError:
                raise refuse("invalid.settlement_date") from None
            await notes.settle(request.user, note_id, settled_on, str(form.get("reference", "")))
        except DomainError as error:
            return await _note_page(request, note_id, error=error.message, status=error.status_code)
        return await _note_page(request, note_id, done="Règlement de l'avoir enregistré.")


class JointStatementApi(Controller):
    path = "/api/v1/joint-statements"
    tags = ["remboursements"]
    opt = STAFF_AND_FUNDERS

    @get("/", summary="États contradictoires des tirages dont la période de grâce est finie")
    async def index(self, request: Request) -> list[schemas.JointStatement]:
        return [joint_out(v) for v in await joint.ended_runs(request.user)]

    @get("/{batch_id:int}", summary="L'état contradictoire d'un tirage (chiffres)")
    async def detail(self, request: Request, batch_id: FromPath[int]) -> schemas.JointStatement:
        return joint_out(await joint.joint_statement(request.user, batch_id))

    @post(
        "/{batch_id:int}",
        opt=roles(Role.staff),
        status_code=200,
        summary="Établir l'état contradictoire (fige les chiffres, après la période de grâce)",
    )
    async def establish(self, request: Request, batch_id: FromPath[int]) -> schemas.JointStatement:
        return joint_out(await joint.establish(request.user, batch_id))

    @post(
        "/{batch_id:int}/agree",
        status_code=200,
        summary="Accord du financeur sur l'état contradictoire",
    )
    async def agree(self, request: Request, batch_id: FromPath[int]) -> schemas.JointStatement:
        return joint_out(await joint.agree(request.user, batch_id))

    @post(
        "/{batch_id:int}/credit-note",
        opt=roles(Role.staff),
        status_code=201,
        summary="Créer l'avoir (brouillon) d'après l'état contradictoire accepté",
    )
    async def credit(self, request: Request, batch_id: FromPath[int]) -> schemas.CreditNote:
        return note_out(await notes.create_from_joint_statement(request.user, batch_id))


class CreditNoteApi(Controller):
    path = "/api/v1/credit-notes"
    tags = ["remboursements"]
    opt = STAFF_AND_FUNDERS

    @get("/", summary="Avoirs : numéro, état (brouillon, émis, réglé) et montant")
    async def index(self, request: Request) -> list[schemas.CreditNote]:
        return [note_out(n) for n in await notes.list_credit_notes(request.user)]

    @get("/{note_id:int}", summary="Un avoir")
    async def detail(self, request: Request, note_id: FromPath[int]) -> schemas.CreditNote:
        return note_out(await notes.get_credit_note(request.user, note_id))

    @post(
        "/{note_id:int}/issue",
        opt=roles(Role.staff),
        status_code=200,
        summary="Émettre l'avoir (numéro AV-AAAA-NNNN, montant figé, PDF conservé)",
    )
    async def issue(self, request: Request, note_id: FromPath[int]) -> schemas.CreditNote:
        return note_out(await notes.issue(request.user, note_id))

    @post(
        "/{note_id:int}/settle",
        opt=roles(Role.staff),
        status_code=200,
        summary="Enregistrer le règlement de l'avoir",
    )
    async def settle(
        self, request: Request, note_id: FromPath[int], data: JSONBody[schemas.SettleIn]
    ) -> schemas.CreditNote:
        return note_out(await notes.settle(request.user, note_id, data.settled_on, data.reference))


def dashboard_out(card: dashboard.RunCard) -> schemas.DashboardRun:
    return schemas.DashboardRun(
        batch_id=card.batch_id,
        batch=card.label,
        funder=card.funder,
        status=card.status,
        valid_until=card.valid_until,
        days_left=card.days_left,
        **figure_fields(card.figures),
        alerts=card.alerts,
        blocking_confirmed=card.blocking_confirmed,
        joint_state=card.joint_state,
        credit_note_id=card.credit_note_id,
        credit_note_number=card.credit_note_number,
    )


@get(
    "/api/v1/funder-dashboard",
    opt=STAFF_AND_FUNDERS,
    tags=["remboursements"],
    summary="Tableau de bord du financeur : ses tirages actifs, leurs chiffres, jours restants et "
    "alertes (mêmes chiffres que la page ; Département : tous les financeurs)",
)
async def funder_dashboard_api(request: Request) -> list[schemas.DashboardRun]:
    return [dashboard_out(card) for card in await dashboard.funder_dashboard(request.user)]


@get("/financeur/tableau-de-bord", opt=STAFF_AND_FUNDERS, include_in_schema=False)
async def funder_dashboard(request: Request) -> Template:
    """Per active print run: booklets and cheques, amounts, days left, alerts, documents."""
    context = _common()
    context["cards"] = await dashboard.funder_dashboard(request.user)
    context["show_funder"] = request.user.is_staff
    return Template("reimbursements/dashboard.html", context=context)


CREDIT_HANDLERS = [
    JointStatementPages,
    CreditNotePages,
    JointStatementApi,
    CreditNoteApi,
    funder_dashboard,
    funder_dashboard_api,
]
