"""Who is calling: sessions for people, bearer tokens for machines, roles for everything."""

from passnum.auth.actor import Actor, ActorLoaders, MembershipInfo, Role
from passnum.auth.guards import PUBLIC, access_guard, roles

__all__ = ["PUBLIC", "Actor", "ActorLoaders", "MembershipInfo", "Role", "access_guard", "roles"]
