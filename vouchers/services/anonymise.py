"""Retention: beneficiary references and free text are erased after the retention period
(default 12 months after the end of the booklet's validity); statistics keep working because
they only count coarse fields (commune, age band, social status, needs) that stay."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date

from piccolo.query.functions.aggregate import Count, Sum

from passnum import audit
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.clock import stamp, today
from passnum.db import write_transaction
from vouchers import schemas
from vouchers.errors import refuse
from vouchers.rules import accepted_until
from vouchers.tables import Batch, Beneficiary, Booklet, Cheque

CHUNK = 1_000


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def anonymise_beneficiaries(
    months: int = 12, actor: Actor | None = None, day: date | None = None
) -> int:
    """Erase internal references (and cancellation notes) of booklets whose validity ended more
    than ``months`` ago; returns how many beneficiary records were anonymised."""
    day = day or today()
    batches = await Batch.select(Batch.id, Batch.valid_until, Batch.grace_days)
    over = {
        b["id"]
        for b in batches
        if add_months(accepted_until(b["valid_until"], b["grace_days"]), months) < day
    }
    if not over:
        return 0
    rows = await Booklet.select(Booklet.batch, Booklet.beneficiary).where(
        Booklet.beneficiary.is_not_null()
    )
    still_used = {r["beneficiary"] for r in rows if r["batch"] not in over}
    ids = sorted({r["beneficiary"] for r in rows if r["batch"] in over} - still_used)
    count = 0
    async with write_transaction():
        for start in range(0, len(ids), CHUNK):
            done = (
                await Beneficiary.update(
                    {Beneficiary.reference: "", Beneficiary.anonymised_at: stamp()}
                )
                .where(
                    Beneficiary.id.is_in(ids[start : start + CHUNK])
                    & Beneficiary.anonymised_at.is_null()
                )
                .returning(Beneficiary.id)
            )
            count += len(done)
        await Booklet.update({Booklet.cancel_note: ""}).where(
            Booklet.batch.is_in(sorted(over)) & (Booklet.cancel_note != "")
        )
        if count:
            await audit.record(actor, "anonymise", "beneficiary", "*", {"records": count})
    return count


async def statistics(actor: Actor) -> schemas.Statistics:
    """Counts for staff (everything) or a funder (its own batches); no personal data involved."""
    if actor.is_staff:
        funders = None
    elif actor.has_role(Role.funder):
        funders = sorted(actor.organisation_ids(Role.funder))
    else:
        raise refuse("forbidden")
    issued = Booklet.issued_at.is_not_null()
    redeemed = Cheque.status == "redeemed"
    if funders is not None:
        issued &= Booklet.batch.funder.is_in(funders)
        redeemed &= Cheque.booklet._.batch._.funder.is_in(funders)
    people = (
        await Booklet.select(
            Booklet.beneficiary.insee_code.as_alias("commune"),
            Booklet.beneficiary.age_band.as_alias("age_band"),
            Booklet.beneficiary.social_status.as_alias("social_status"),
            Booklet.beneficiary.needs.as_alias("needs"),
        )
        .where(issued)
        .output(load_json=True)
    )
    uses = (
        await Cheque.select(
            Cheque.activity,
            Cheque.place,
            Count(alias="n"),
            Sum(Cheque.booklet._.batch._.face_value_cents, alias="cents"),
        )
        .where(redeemed)
        .group_by(Cheque.activity, Cheque.place)
    )
    needs: Counter[str] = Counter()
    for p in people:
        needs.update(p["needs"] or [])
    activity: Counter[str] = Counter()
    place: Counter[str] = Counter()
    for u in uses:
        activity[u["activity"]] += u["n"]
        place[u["place"]] += u["n"]
    return schemas.Statistics(
        booklets_issued=len(people),
        cheques_redeemed=sum(u["n"] for u in uses),
        face_value_redeemed_cents=sum(u["cents"] or 0 for u in uses),
        by_need=dict(needs.most_common()),
        by_age_band=dict(Counter(p["age_band"] or "unknown" for p in people).most_common()),
        by_social_status=dict(
            Counter(p["social_status"] or "unknown" for p in people).most_common()
        ),
        by_commune=dict(Counter(p["commune"] or "?" for p in people).most_common()),
        by_activity=dict(activity.most_common()),
        by_place=dict(place.most_common()),
    )
