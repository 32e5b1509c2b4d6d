"""API schemas shared by the party and duties routers."""

from ninja import Schema

from bianban.party.models import Member


class MemberRef(Schema):
    """A member as other records point at them: id and name."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Member) -> str:
        return str(obj)
