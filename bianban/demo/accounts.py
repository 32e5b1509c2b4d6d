"""The demo logins, one per role, and the register entries of the people behind them."""

from dataclasses import dataclass

from bianban.accounts.choices import Role
from bianban.demo import catalog as c
from bianban.people.choices import PoliticalStatus, Sex

DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str | None  # None: superuser
    scope_key: str | None  # the unit of the grant, None: the whole district
    # The person in the register who holds the login (None: a technical account). Staff of 区委编办 form the
    # office's Party branch, which the party-work demo builds on.
    person_unit_key: str | None
    sex: str = Sex.MALE
    birth_year: int = 1980
    political_status: str = PoliticalStatus.CPC_MEMBER
    # Further roles over the same scope. The secretary is a leader of 区委编办: the 书记项目's results are register
    # records, which he must be able to read (not change) to link and see them.
    also: tuple[str, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role, *self.also) if self.role else ()

    @property
    def role_label(self) -> str:
        return "、".join(Role(r).label for r in self.roles) if self.role else "超级管理员"

    @property
    def scope_label(self) -> str:
        return f"{c.name_of(self.scope_key)}（含下属单位）" if self.scope_key else "全区"


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "周志强", None, None, None, birth_year=1978),
    DemoAccount("bbadmin", "陈静", Role.OFFICE_ADMIN, None, c.OFFICE_KEY, Sex.FEMALE, 1981),
    DemoAccount("bbstaff", "李明轩", Role.OFFICE_STAFF, None, c.OFFICE_KEY, Sex.MALE, 1991),
    DemoAccount("liaison_edu", "张慧敏", Role.UNIT_LIAISON, c.EDUCATION_KEY, c.EDUCATION_KEY, Sex.FEMALE, 1987),
    DemoAccount("shuji", "刘建华", Role.BRANCH_SECRETARY, None, c.OFFICE_KEY, Sex.MALE, 1974, also=(Role.REVIEWER,)),
    DemoAccount("zhiwei", "杨晓燕", Role.COMMITTEE_MEMBER, None, c.OFFICE_KEY, Sex.FEMALE, 1985),
    DemoAccount("dangyuan", "赵宇航", Role.MEMBER, None, c.OFFICE_KEY, Sex.MALE, 1995),
    DemoAccount("shenyue", "吴国平", Role.REVIEWER, None, "organisation", Sex.MALE, 1972),
)
