from django.db import models


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", "编办管理员"
    OFFICE_STAFF = "office_staff", "业务科室"
    UNIT_LIAISON = "unit_liaison", "单位联络员"
    BRANCH_SECRETARY = "branch_secretary", "支部书记"
    COMMITTEE_MEMBER = "committee_member", "支委"
    MEMBER = "member", "党员"
    REVIEWER = "reviewer", "审阅"


class Perm(models.TextChoices):
    """What a role lets its holder do, inside the grant's unit subtree (or everywhere when it has none)."""

    UNITS_VIEW = "units.view", "查看机构"
    UNITS_CHANGE = "units.change", "维护机构"
    STAFFING_CHANGE = "staffing.change", "办理编制业务（核定编制、用编核准、入编、出编、调动）"
    LEDGER_CHANGE = "ledger.change", "登记问题、制定和落实整改措施"
    LEDGER_CLOSE = "ledger.close", "审核销号"
    CHECKS_RUN = "checks.run", "发起编制核查"
    PEOPLE_VIEW = "people.view", "查看人员"
    PEOPLE_CHANGE = "people.change", "维护人员"
    PEOPLE_VIEW_PII = "people.view_pii", "查看完整身份证号码等个人信息"
    ACCOUNTS_MANAGE = "accounts.manage", "管理账号与授权"
    AUDIT_VIEW = "audit.view", "查看审计日志"
    PARTY_VIEW = "party.view", "查看党建工作"
    PARTY_CHANGE = "party.change", "维护党建工作"


_REGISTER_READ = {Perm.UNITS_VIEW, Perm.PEOPLE_VIEW}

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.OFFICE_ADMIN: frozenset(Perm.values),
    Role.OFFICE_STAFF: frozenset(
        {*_REGISTER_READ, Perm.UNITS_CHANGE, Perm.STAFFING_CHANGE, Perm.PEOPLE_CHANGE, Perm.PEOPLE_VIEW_PII,
         Perm.AUDIT_VIEW, Perm.LEDGER_CHANGE, Perm.CHECKS_RUN}
    ),
    # A liaison keeps the roster of their own unit: they see and edit its people, and request structural
    # changes from the office rather than making them.
    # …and carry out the rectification of their unit's problems (the office reviews and closes them).
    Role.UNIT_LIAISON: frozenset({*_REGISTER_READ, Perm.PEOPLE_CHANGE, Perm.PEOPLE_VIEW_PII, Perm.LEDGER_CHANGE}),
    Role.BRANCH_SECRETARY: frozenset({Perm.PARTY_VIEW, Perm.PARTY_CHANGE}),
    Role.COMMITTEE_MEMBER: frozenset({Perm.PARTY_VIEW, Perm.PARTY_CHANGE}),
    Role.MEMBER: frozenset({Perm.PARTY_VIEW}),
    # Reviewers read everything but personal data, which they see masked.
    Role.REVIEWER: frozenset({*_REGISTER_READ, Perm.PARTY_VIEW, Perm.AUDIT_VIEW}),
}

# Roles whose grant must name a unit: a liaison without a unit would see the whole district.
UNIT_BOUND_ROLES = frozenset({Role.UNIT_LIAISON})
