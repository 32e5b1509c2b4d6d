"""The demo 编办 branch's duties as plain data: the seed report's 2023 (述职报告 一（一）（三）至（六）) and the
2024 plan of its section 三. duties.py writes it through the duties services.

2023: the responsibility list “把党建工作量化、细化到人” (the quantified tasks count the records the party demo
wrote: 6 跟进学习, 12 专题研讨, the 谈心谈话 4 人次 and 廉政谈话 8 人次, the visits' households); the 书记项目
“强化党建引领，提升机构编制服务保障水平” whose results are 核增 quota for 安全生产、公共卫生、教育, the three 三定
issued that year and the verification with its rectifications; the April–July visit campaign with exactly the seed's
figures (the branch: 10 households, 18 people; the leadership and the 第一书记: 30 households, 54 people) and the
problems it raised; the ideology risk points reviewed at the quarterly 研判会; and the key dates of 元旦春节、中秋国庆.
"""

from dataclasses import dataclass, field
from datetime import date

from bianban.duties.choices import DutyMeasure as M
from bianban.duties.choices import IssueKind, IssueTopic, RiskLevel, VisitGroup, VisitorRole
from bianban.party.choices import ActivityKind as K
from bianban.party.choices import CommitteeRole as R
from bianban.party.choices import TalkKind

PROJECT_YEAR = 2023


@dataclass(frozen=True)
class DutySpec:
    title: str
    owner_role: str  # the committee seat whose holder owns it that year (when no section owns it)
    months: tuple[int, ...]
    measure: str = M.MANUAL
    activity_kind: str = ""
    talk_kind: str = ""
    target: int | None = None
    description: str = ""
    done: str = ""  # manual tasks done: the completion note (the evidence is a generated PDF)
    children: tuple["DutySpec", ...] = ()
    section: str = ""  # a section of 区委编办 owns it: the branch's records count whoever held them


ALL_MONTHS = tuple(range(1, 13))

DUTIES_2023: tuple[DutySpec, ...] = (
    DutySpec("履行党建工作“第一责任人”职责，明确班子内部党建工作分工", R.SECRETARY, (1,),
             description="支部书记统一领导，各科室各司其职，一级抓一级、层层抓落实",
             done="1月支委会研究明确班子成员党建工作分工，印发《2023年党建工作责任分工》。"),
    DutySpec("结合主题教育跟进学习习近平总书记最新重要讲话精神", R.PUBLICITY, (2, 3, 4, 6, 7, 9),
             M.ACTIVITIES, activity_kind=K.FOLLOW_UP_STUDY, target=6),
    DutySpec("结合职能职责开展专题研讨", R.SECRETARY, ALL_MONTHS, M.ACTIVITIES, activity_kind=K.SEMINAR, target=12),
    DutySpec("从严落实“三会一课”制度", R.ORGANISATION, ALL_MONTHS, children=(
        DutySpec("每月召开支委会", R.ORGANISATION, ALL_MONTHS, M.ACTIVITIES, activity_kind=K.COMMITTEE_MEETING,
                 target=12),
        DutySpec("每季度召开支部党员大会", R.ORGANISATION, (3, 6, 9, 12), M.ACTIVITIES,
                 activity_kind=K.GENERAL_MEETING, target=4),
        DutySpec("每季度讲一次党课", R.SECRETARY, (3, 6, 9, 12), M.ACTIVITIES, activity_kind=K.PARTY_LECTURE,
                 target=4),
    )),
    DutySpec("召集班子成员开展谈心谈话", R.SECRETARY, (11,), M.TALKS, talk_kind=TalkKind.HEART_TO_HEART, target=4),
    DutySpec("分管领导和科室负责人开展廉政谈话", R.DISCIPLINE, (1, 9), M.TALKS, talk_kind=TalkKind.INTEGRITY,
             target=8, section="监督检查科"),
    DutySpec("开展“村村到、户户进、人人访”集中走访", R.SECRETARY, (4, 5, 6, 7), M.VISITS, target=40,
             description="支部走访10户，领导班子成员和挂职第一书记走访30户", section="综合科"),
    DutySpec("定期召开意识形态分析研判会", R.PUBLICITY, (3, 6, 9, 12), M.ACTIVITIES,
             activity_kind=K.IDEOLOGY_REVIEW, target=4),
    DutySpec("开展护林防火、文明城市创建志愿服务", R.ORGANISATION, (3, 9), M.ACTIVITIES, activity_kind=K.VOLUNTEER,
             target=2),
    DutySpec("重要节点廉洁自律提醒（元旦春节、中秋国庆）", R.DISCIPLINE, (1, 9),
             done="元旦春节、中秋国庆节前分别召开廉政提醒教育会，向全体干部职工发送廉政提醒短信。"),
)

# Section 三 of the report: the 2024 plan, deployed but not yet counted in the report's year.
DUTIES_2024: tuple[DutySpec, ...] = (
    DutySpec("落实“党支部书记是第一责任人，党员干部都是责任人”的党建工作责任体系", R.SECRETARY, (1,),
             done="支部书记与班子成员、科室负责人逐一签订党建工作责任书。"),
    DutySpec("细化量化党建责任清单，层层传导压力、逐级分解任务", R.ORGANISATION, (1, 2),
             done="印发《2024年党建工作责任清单》，任务逐月分解到科室和责任人。"),
    DutySpec("通过讲党课加强党员教育培训", R.SECRETARY, (3, 6, 9, 12), M.ACTIVITIES, activity_kind=K.PARTY_LECTURE,
             target=4),
    DutySpec("每月开展主题党日活动", R.ORGANISATION, ALL_MONTHS, M.ACTIVITIES, activity_kind=K.THEME_DAY,
             target=12),
    DutySpec("在机构编制、创文等工作中发挥党员作用，开展志愿服务", R.ORGANISATION, (3, 9), M.ACTIVITIES,
             activity_kind=K.VOLUNTEER, target=2),
)


@dataclass(frozen=True)
class VisitSpec:
    day: date
    role: str
    street: str
    community: str
    group: str
    households: int
    people: int
    summary: str
    visitors: tuple[str, ...] = ()  # committee roles of branch members who went; the 第一书记 is named below
    issues: tuple[tuple[str, str, str, str], ...] = ()  # (kind, topic, content, department)


FIRST_SECRETARY = "刘建国（挂职第一书记）"
CAMPAIGN = dict(title="2023年“村村到、户户进、人人访”集中走访", starts_on=date(2023, 4, 1), ends_on=date(2023, 7, 31),
                scope="城东街道和平社区、城西街道新华社区、南湖街道湖滨社区；重点走访特殊困难群体和妇女儿童家庭",
                requirement="村村到、户户进、人人访；收集的问题和意见建议分类建立台账，逐条梳理、协调解决")
B, L, F = VisitorRole.BRANCH_MEMBER, VisitorRole.LEADERSHIP, VisitorRole.FIRST_SECRETARY
P, S = IssueKind.PROBLEM, IssueKind.SUGGESTION
VISITS_2023: tuple[VisitSpec, ...] = (
    VisitSpec(date(2023, 4, 20), B, "城东街道", "和平社区", VisitGroup.HARDSHIP, 3, 5,
              "走访低保户和困难家庭，了解生活保障和救助政策落实情况", (R.ORGANISATION,),
              ((P, IssueTopic.ASSISTANCE, "独居困难老人申请临时救助，不清楚办理流程", "区民政局"),)),
    VisitSpec(date(2023, 5, 18), B, "城西街道", "新华社区", VisitGroup.WOMEN_CHILDREN, 3, 6,
              "走访留守儿童和单亲母亲家庭，宣传妇女儿童权益保障政策", (R.PUBLICITY,),
              ((P, IssueTopic.RIGHTS, "双职工家庭反映小学生放学后无人看护，希望社区开设课后托管", "区妇联"),)),
    VisitSpec(date(2023, 6, 15), B, "南湖街道", "湖滨社区", VisitGroup.HARDSHIP, 4, 7,
              "走访残疾人家庭和大病患者家庭，了解就医和康复需求", (R.DISCIPLINE,),
              ((S, IssueTopic.HEALTH, "建议社区卫生服务中心为行动不便的居民提供上门随访", "区卫健委"),)),
    VisitSpec(date(2023, 4, 26), L, "城东街道", "和平社区", VisitGroup.HARDSHIP, 8, 14,
              "班子成员走访困难群众，面对面听取意见建议", (R.SECRETARY,),
              ((P, IssueTopic.INFRASTRUCTURE, "老旧小区路灯损坏多处，夜间出行不便", "城东街道办事处"),)),
    VisitSpec(date(2023, 5, 24), L, "城西街道", "新华社区", VisitGroup.WOMEN_CHILDREN, 7, 13,
              "走访妇女儿童家庭，了解就业和子女入学情况", (R.MEMBER,),
              ((P, IssueTopic.EDUCATION, "随迁子女入学材料要求不清楚，希望一次性告知", "区教育局"),)),
    VisitSpec(date(2023, 6, 21), L, "南湖街道", "湖滨社区", VisitGroup.ELDERLY, 7, 13,
              "走访高龄和空巢老人，了解养老服务需求", (R.SECRETARY,),
              ((S, IssueTopic.ASSISTANCE, "建议社区增设老年助餐点", "区民政局"),)),
    VisitSpec(date(2023, 5, 10), F, "南湖街道", "湖滨社区", VisitGroup.HARDSHIP, 4, 7,
              "第一书记入户走访低收入家庭，了解就业帮扶需求", (),
              ((P, IssueTopic.EMPLOYMENT, "低收入家庭成员希望参加技能培训后就业", "区人社局"),)),
    VisitSpec(date(2023, 7, 12), F, "南湖街道", "湖滨社区", VisitGroup.GENERAL, 4, 7,
              "第一书记回访，通报前期问题办理情况", ()),
)
# The seed's figures, which the visits above must add up to.
BRANCH_TOTAL, LEADERSHIP_TOTAL = (10, 18), (30, 54)
SOLVED_ISSUES = 7  # every problem raised was answered and closed in the ledger that year (积极帮助群众协调解决)


@dataclass(frozen=True)
class RiskSpec:
    title: str
    description: str
    level: str
    measures: str
    owner_role: str
    reviews: tuple[tuple[int, str, str], ...] = field(default_factory=tuple)  # (quarter, conclusion, level after)


RISKS_2023: tuple[RiskSpec, ...] = (
    RiskSpec("网络舆情风险", "机构改革、编制调整等信息在网络上被误读或不实传播，引发负面舆情", RiskLevel.HIGH,
             "涉改信息发布前审核把关，关注网络热点和舆论风向，重要节点和敏感时期加强舆论监管", R.PUBLICITY,
             ((1, "两会期间网络舆情平稳，未发现涉编负面信息", RiskLevel.MEDIUM),
              (2, "机构改革信息发布审核到位，舆情平稳", RiskLevel.MEDIUM),
              (3, "国庆前后加强监测，未发现苗头性问题", RiskLevel.MEDIUM),
              (4, "全年未发生涉编负面舆情，保持中等级别持续关注", RiskLevel.MEDIUM))),
    RiskSpec("干部职工思想动态", "编制调整、人员转隶中个别干部思想波动", RiskLevel.MEDIUM,
             "班子成员定期谈心谈话，及时掌握干部群众思想动态，做好教育引导", R.SECRETARY,
             ((2, "转隶人员思想总体稳定，个别同志有顾虑，已开展谈心谈话", RiskLevel.MEDIUM),
              (4, "干部思想稳定，风险降低", RiskLevel.LOW))),
    RiskSpec("意识形态阵地管理", "单位网站、政务新媒体和宣传栏信息发布审核不严", RiskLevel.LOW,
             "落实信息发布“三审三校”，明确专人管理意识形态阵地", R.PUBLICITY,
             ((3, "阵地管理制度落实，未发现问题", RiskLevel.LOW),)),
)
LATER_REVIEW = "结合本季度网络热点和干部思想动态研判，未发现新的苗头性、倾向性问题，防控措施继续落实"
SENSITIVE_2023 = (
    ("全国两会", date(2023, 3, 4), date(2023, 3, 13), "加强网络舆情监测，落实值班值守"),
    ("国庆节", date(2023, 9, 29), date(2023, 10, 6), "节日期间舆情监测和廉洁自律提醒"),
)
KEY_DATE_ACTIONS = "向全体干部职工发送节前廉政提醒；召开廉政提醒教育会"
