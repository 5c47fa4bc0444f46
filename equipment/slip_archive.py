"""Signed slips kept in the document storage, with their SHA-256, so a copy can be checked later.

When a hand-over or a return is signed on the tablet, the slip it signs (the loan slip, or the
return slip as it stands after that return) is rendered once, with the signature printed on it,
and stored (:mod:`passnum.storage`) under ``equipment/prets/{loan}/bon-de-pret-{id}.pdf`` or
``…/bon-de-retour-{id}.pdf``; the storage computes its SHA-256 while writing, and the signature
row keeps the key and that digest. The slip is stored after the transaction that took the
signature (a document is a side effect): should that fail, the next download stores it.

Downloading a signed loan's slip gives that stored document, byte for byte — the signed one, even
if the loan was extended since — so that the copy someone brings back later can be checked by
its digest (:func:`check_copy`): the same bytes are the document that was signed; a copy changed
by one byte is not.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from litestar.response import Stream

from equipment import documents, schemas
from equipment.loans import get_loan
from equipment.signatures import Moment
from equipment.tables import LoanItem, LoanSignature
from passnum import storage
from printing import render_loan_slip, render_return_slip

PDF = "application/pdf"
NAMES = {Moment.handover: "bon-de-pret", Moment.return_: "bon-de-retour"}


def slip_key(number: str, moment: Moment, signature_id: int) -> str:
    return f"equipment/prets/{number}/{NAMES[moment]}-{signature_id}.pdf"


async def archive(number: str, signature_id: int) -> storage.StoredDocument:
    """Render the slip a signature signs and keep it; the stored document (key, SHA-256)."""
    row = await LoanSignature.select().where(LoanSignature.id == signature_id).first()
    if row is None:
        raise storage.DocumentNotFound()
    moment = Moment(row["moment"])
    returning = moment is Moment.return_
    data = await documents.loan_slip_data(number, returning=returning, signed_up_to=signature_id)
    pdf = render_return_slip(data) if returning else render_loan_slip(data)
    stored = await storage.put(slip_key(number, moment, signature_id), [pdf], PDF)
    await LoanSignature.update(
        {LoanSignature.slip_key: stored.key, LoanSignature.slip_sha256: stored.sha256}
    ).where(LoanSignature.id == signature_id)
    return stored


async def _kept(number: str, row: dict) -> storage.StoredDocument:
    """The stored slip of this signature, stored now if it was not yet."""
    if row["slip_key"]:
        stored = await storage.stat(row["slip_key"])
        if stored is not None:
            return stored
    return await archive(number, row["id"])


async def signed_slip(loan_id: int, number: str, moment: Moment) -> Stream | None:
    """The stored signed slip to download, if it is still the current one: the hand-over's
    always; the last return's while nothing came back after it. None: render it afresh."""
    rows = (
        await LoanSignature.select()
        .where((LoanSignature.loan == loan_id) & (LoanSignature.moment == moment.value))
        .order_by(LoanSignature.id, ascending=False)
        .limit(1)
    )
    if not rows:
        return None
    row = rows[0]
    if moment is Moment.return_ and await _returned_since(loan_id, row["signed_at"]):
        return None
    stored = await _kept(number, row)
    return await storage.download(stored.key, filename(number, moment))


async def current_slip(number: str, moment: Moment) -> Stream | bytes:
    """The slip to download: the signed one kept (a stream of its stored bytes) while it is
    current, else the PDF rendered now (bytes; with boxes to sign on paper if unsigned)."""
    loan = await get_loan(number)
    signed = await signed_slip(loan.id, loan.number, moment)
    if signed is not None:
        return signed
    if moment is Moment.return_:
        return await documents.return_slip_pdf(loan.number)
    return await documents.loan_slip_pdf(loan.number)


def filename(number: str, moment: Moment) -> str:
    return f"{NAMES[moment]}-{number}.pdf"


async def kept_slip(number: str, signature_id: int) -> Stream:
    """The signed slip kept for one signature of this loan (stored now if it was not yet)."""
    row = (
        await LoanSignature.select()
        .where(
            (LoanSignature.id == signature_id)
            & (LoanSignature.loan.number == number.strip().upper())
        )
        .first()
    )
    if row is None:
        raise storage.DocumentNotFound()
    stored = await _kept(number, row)
    return await storage.download(stored.key, filename(number, Moment(row["moment"])))


async def _returned_since(loan_id: int, signed_at: datetime) -> bool:
    return await LoanItem.exists().where(
        (LoanItem.loan == loan_id) & (LoanItem.returned_at > signed_at)
    )


async def check_copy(content: bytes) -> schemas.SlipCheck:
    """Is this file, byte for byte, a signed slip kept here? By its SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    row = (
        await LoanSignature.select(
            LoanSignature.moment,
            LoanSignature.signer_name,
            LoanSignature.signed_at,
            LoanSignature.loan.number,
        )
        .where(LoanSignature.slip_sha256 == digest)
        .first()
    )
    if row is None:
        return schemas.SlipCheck(sha256=digest, matches=False)
    return schemas.SlipCheck(
        sha256=digest,
        matches=True,
        loan_number=row["loan.number"],
        moment=row["moment"],
        signer_name=row["signer_name"],
        signed_at=row["signed_at"],
    )
