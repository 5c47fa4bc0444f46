"""Who is calling, with their memberships: the loaders the kernel's auth middleware is given.

The kernel defines Actor and Role (passnum.auth.actor); memberships are stored here, so the
queries that read them live here and the app factory wires them into the middleware.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser

from organisations.tables import OpeningSlot
from passnum import clock, db
from passnum.auth.actor import Actor, ActorLoaders, MembershipInfo, Role

# One query per request: the user (active only) with their memberships joined. Raw SQL because
# Piccolo's query building cost more CPU than the query itself on the hot API paths.
_ACTOR_SQL = """
SELECT u.id, u.email, u.first_name, u.last_name, m.organisation AS org_id, o.name AS org_name,
       m.role,
       EXISTS (SELECT 1 FROM two_factor f WHERE f."user" = u.id AND f.enabled_at IS NOT NULL)
         AS two_factor
FROM {source}
LEFT JOIN membership m ON m."user" = u.id
LEFT JOIN organisation o ON o.id = m.organisation
WHERE {where} AND u.active = {{}}
ORDER BY m.id
"""
_BY_ID = _ACTOR_SQL.format(source="piccolo_user u", where="u.id = {}")
_BY_TOKEN = _ACTOR_SQL.format(
    source='api_token t JOIN piccolo_user u ON u.id = t."user"',
    where="t.token_hash = {} AND t.revoked_at IS NULL",
)


def _actor(rows: list[dict]) -> Actor | None:
    if not rows:
        return None
    user = rows[0]
    memberships = tuple(
        MembershipInfo(r["org_id"], r["org_name"], Role(r["role"]))
        for r in rows
        if r["org_id"] is not None
    )
    name = " ".join(p for p in (user["first_name"], user["last_name"]) if p) or user["email"]
    return Actor(
        user["id"], user["email"], name, memberships, memberships, bool(user["two_factor"])
    )


async def organisation_of_the_hour(actor: Actor) -> int | None:
    """For a site agent of several sites: the site whose opening slot is happening now (Paris
    time, passnum's clock), so that the adviser at a permanence acts there without choosing."""
    sites = {m.organisation_id for m in actor.choices if m.role == Role.site_agent}
    if not sites:
        return None
    now = clock.now()
    slots = await OpeningSlot.select(
        OpeningSlot.organisation, OpeningSlot.opens, OpeningSlot.closes
    ).where(OpeningSlot.organisation.is_in(list(sites)) & (OpeningSlot.weekday == now.weekday()))
    moment = now.time().replace(tzinfo=None)
    open_now = sorted(
        s["organisation"]
        for s in slots
        if db.as_time(s["opens"]) <= moment < db.as_time(s["closes"])
    )
    return open_now[0] if open_now else None


async def load_actor(user_id: int) -> Actor | None:
    """The active user with their memberships, or None if unknown or deactivated."""
    return _actor(await db.fetch(BaseUser, _BY_ID, user_id, True))


async def actor_for_token_hash(token_hash: str) -> Actor | None:
    """The active user owning this unrevoked API token (by digest), with their memberships."""
    return _actor(await db.fetch(BaseUser, _BY_TOKEN, token_hash, True))


ACTOR_LOADERS = ActorLoaders(
    by_user_id=load_actor,
    by_token_hash=actor_for_token_hash,
    default_organisation=organisation_of_the_hour,
)
