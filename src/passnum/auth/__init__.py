"""Who is calling: sessions for people, bearer tokens for machines, roles for everything."""

from passnum.auth.actor import Actor, MembershipInfo
from passnum.auth.guards import PUBLIC, access_guard, roles

__all__ = ["PUBLIC", "Actor", "MembershipInfo", "access_guard", "roles"]
