"""一、工作总结、成绩和经验: the seven generated paragraphs （一）…（七） with the seed's leads. Each paragraph is the
seed's prose around figures counted from the records; a sentence whose count is zero is left out (or, where the
prose needs it, said without a number), never printed as "0次"."""

from decimal import ROUND_HALF_UP, Decimal

from bianban.duties.choices import VisitorRole
from bianban.duties.volunteer.selectors import VolunteerStats
from bianban.party.choices import ActivityKind
from bianban.reports.duty.draft import Block, BlockOrigin, Figure, Section
from bianban.reports.duty.facts_activities import ActivityFacts
from bianban.reports.duty.facts_duties import DutyFacts
from bianban.reports.duty.facts_ideology import IdeologyFacts
from bianban.reports.duty.facts_integrity import KeyDateFacts
from bianban.reports.duty.facts_project import ProjectFacts
from bianban.reports.duty.facts_sources import activity, figure, project
from bianban.reports.duty.facts_talks import TalkFacts
from bianban.reports.duty.facts_visits import LEADERSHIP_ROLES, VisitFacts
from bianban.reports.duty.sentences import Para, clause, listing, months_span, quoted, study_lead, titled_names

K = ActivityKind

LEADS = {
    "duty": "（一）抓实支部工作，切实履行党建工作职责。",
    "activities": "（二）组织多种活动，不断丰富党建工作内涵。",
    "visits": "（三）落实工作要求，扎实开展集中走访活动。",
    "project": "（四）坚持党建引领，全面推进党建“书记项目”。",
    "ideology": "（五）加强组织领导，确保意识形态落实到位。",
    "integrity": "（六）强化廉政教育，引导党员干部知规明纪。",
    "service": "（七）提升履职能力，推进新型服务型机关建设。",
}


def _block(key: str, para: Para) -> Block:
    return Block(key=f"summary.{key}", section=Section.SUMMARY, origin=BlockOrigin.GENERATED, level=2,
                 lead=LEADS[key], template=para.template, figures=para.figures)


def featured_themes(acts: ActivityFacts) -> list[str]:
    """The two theme-day names （一） quotes: the most used; （二） names the others."""
    return [name for name, _ in acts.theme_names(study=False)[:2]]


def duty_block(duties: DutyFacts, acts: ActivityFacts, talks: TalkFacts, appraisal: Figure | None,
               year: int) -> Block:
    p = Para()
    p.add("认真履行党建工作“第一责任人”职责，充分发挥领导核心和表率作用，加强支部班子自身建设，明确班子内部党建工作分工，")
    if duties.items:
        members, divisions = duties.owners()
        p.add("制定", str(year), "年度党建责任清单，列出任务", duties.tasks())
        member_names, division_names = duties.owner_names()
        owners = [(f, names, "责任人" if f is members else "科室")
                  for f, names in ((members, member_names), (divisions, division_names)) if f.value]
        if owners:
            p.add("，落实到")
            for n, (f, names, noun) in enumerate(owners):
                p.add("和" if n else "", listing(names, limit=6, etc=False) if len(names) <= 6 else "", f, noun)
        p.add("，把党建工作量化、细化到人，")
    else:
        p.add("把党建工作量化、细化到人，")
    p.add("形成了支部书记统一领导，各科室各司其职，一级抓一级、层层抓落实的党建工作格局。")
    follow, seminar = acts.count(K.FOLLOW_UP_STUDY), acts.count(K.SEMINAR)
    if follow or seminar:
        p.add(study_lead(year), "，")
        if follow:
            p.add(acts.figure("study_follow_up", "跟进学习习近平总书记最新重要讲话精神", K.FOLLOW_UP_STUDY),
                  "跟进学习习近平总书记最新重要讲话精神", "，" if seminar else "。")
        if seminar:
            p.add("结合职能职责开展", acts.figure("study_seminar", "结合职能职责开展专题研讨", K.SEMINAR), "专题研讨。")
    if duties.items:
        months = duties.months()
        if months.value == 12:
            p.add("靠实党建工作责任，逐月部署重点任务")
        else:
            p.add("靠实党建工作责任，在", months, "中部署重点任务")
        if duties.completed().value:
            p.add("，全年完成责任清单任务", duties.completed())
        p.add("；")
    p.add("从严落实“三会一课”、谈心谈话、民主评议党员等制度")
    meetings = [("召开支部党员大会", "general_meetings", K.GENERAL_MEETING), ("支委会", "committee_meetings",
                K.COMMITTEE_MEETING), ("党小组会", "group_meetings", K.GROUP_MEETING), ("讲党课", "party_lectures",
                K.PARTY_LECTURE), ("召开组织生活会", "life_meetings", K.LIFE_MEETING)]
    held = [(label, acts.figure(key, label.removeprefix("召开"), kind)) for label, key, kind in meetings
            if acts.count(kind)]
    if held:
        p.add("，全年")
        for n, (label, f) in enumerate(held):
            p.add("、" if n else "", label, f)
    heart = sum(f.value for f in talks.heart_split())
    if heart:
        p.add("，开展谈心谈话", talks.kind_figure("talks_heart", "谈心谈话", "HEART_TO_HEART"))
    if appraisal is not None:
        p.add("，完成", str(year), "年度民主评议党员")
        if appraisal.value:
            p.add("，评议党员", appraisal)
    p.add("。")
    themes = acts.count(K.THEME_DAY)
    if themes:
        names = featured_themes(acts)
        p.add("积极开展", quoted(names) + "等" if names else "", "主题党日活动",
              acts.figure("theme_days", "主题党日活动", K.THEME_DAY), "，极大提升了党支部的凝聚力和参与度。")
    return _block("duty", p)


def activities_block(acts: ActivityFacts) -> Block:
    """The year's activities of study and education, named from their subjects: the theme days that studied set
    texts, collective study, red education, documentaries, briefings."""
    p = Para()
    sentences = 0
    others = acts.theme_names(study=True)
    if others:
        name, rows = others[0]
        p.add("开展", quoted([name]), "主题党日活动")
        detail = clause(rows[0].content)
        if detail and len(detail) <= 90:
            p.add("，", detail)
        p.add("；")
        sentences += 1
    study = acts.of(K.STUDY)
    if len(study) == 1:
        topic = study[0].topic
        p.add("组织", topic if topic.startswith("集中学习") else f"集中学习{topic}", "；")
        sentences += 1
    elif study:
        p.add("组织集中学习", acts.figure("study_sessions", "集中学习", K.STUDY), "（",
              listing((a.topic.removeprefix("集中学习") for a in study), limit=3), "）；")
        sentences += 1
    visits = acts.of(K.EDUCATION_VISIT)
    if visits:
        first = visits[0].topic
        if len(visits) == 1 and first.startswith("赴"):
            p.add("组织支部党员", first, "，追忆入党初心；")
        else:
            p.add("组织支部党员开展红色教育", acts.figure("red_education", "红色教育", K.EDUCATION_VISIT), "（",
                  listing((a.place or a.topic for a in visits), limit=3), "），追忆入党初心；")
        sentences += 1
    screenings = acts.of(K.SCREENING)
    if screenings:
        titles = [t for a in screenings for t in titled_names(a.topic)]
        films = "".join(f"《{t}》" for t in list(dict.fromkeys(titles))[:5])
        p.add("利用固定学习日组织支部党员观看", f"{films}等" if films else "", "专题纪录片",
              acts.figure("screenings", "观看专题纪录片", K.SCREENING), "；")
        sentences += 1
    briefings = acts.of(K.BRIEFING)
    if briefings:
        p.add("举办", listing((a.topic for a in briefings), limit=2))
        if len(briefings) > 1:
            p.add("等宣讲活动", acts.figure("briefings", "专题宣讲", K.BRIEFING))
        else:
            p.add("活动")
        p.add("，深刻领会和把握党的创新理论的丰富内涵和精神实质；")
        sentences += 1
    if sentences:
        p.close().add("把学习成效转化为推动各项工作高质量发展的强大动力和实际行动。")
    else:
        p.add("结合支部实际开展主题党日、集中学习等活动，把学习成效转化为推动各项工作高质量发展的强大动力和实际行动。")
    return _block("activities", p)


def visits_block(visits: VisitFacts) -> Block:
    p = Para()
    requirement = next((r.split("；")[0] for r in visits.requirements() if r), "")
    if requirement:
        p.add("认真落实“", requirement, "”集中走访工作要求")
    else:
        p.add("认真落实集中走访工作要求")
    if not visits.visits:
        p.add("，组织党员干部深入社区联系服务群众。")
        return _block("visits", p)
    topics = [label for _, label, n in sorted(visits.stats.topic_rows(), key=lambda r: -r[2])][:2]
    if topics:
        p.add("，结合", "和".join(topics), "等问题")
    p.add("，于", months_span(visits.months()), "期间", "多次" if len(visits.visits) > 1 else "", "深入社区")
    own = visits.households_people("visits_branch", "支部党员", (VisitorRole.BRANCH_MEMBER,))
    lead = visits.households_people("visits_leadership", "领导班子成员和挂职第一书记", LEADERSHIP_ROLES)
    parts = [(label, pair) for label, pair in (("", own), ("领导班子成员和挂职第一书记", lead)) if pair[0].value]
    for label, (households, people) in parts:
        p.add("，", label, "走访群众", households, people)
    raised, solved = visits.raised(), visits.solved()
    if raised.value:
        p.add("，收集问题和意见建议", raised, "，分类建立台账，逐条梳理，加强与区级相关部门、街道和社区的沟通")
        if solved.value:
            p.add("，已协调解决", solved)
        p.add("，积极帮助群众协调解决实际问题。")
    else:
        p.add("，面对面听取群众意见建议。")
    return _block("visits", p)


def project_block(projects: list[ProjectFacts], year: int) -> Block:
    p = Para()
    if not projects:
        p.add("坚持党建引领，围绕中心工作谋划推进党建“书记项目”，推动党建工作与业务工作深度融合。")
        return _block("project", p)
    p.add("把", quoted(f.project.title for f in projects), "列为", str(year), "年度“书记项目”。")
    for f in projects:
        steps: list[list[str | Figure]] = []
        added = f.quota_added()
        if added.value:
            by_area = f.quota_by_area()
            step: list[str | Figure] = ["盘活用好各类机构编制资源"]
            if by_area:
                step += ["，重点保障", listing(a for a, _ in by_area), "等领域编制使用和机构调整"]
            step += ["，核增单位编制", added]
            if len(by_area) > 1:
                step.append("（")
                for n, (area, fig) in enumerate(by_area):
                    step += ["、" if n else "", area, "领域", fig]
                step.append("）")
            steps.append(step)
        changes, change_units = f.division_changes()
        if changes.value:
            steps.append(["调整优化", listing(change_units, limit=3), "内设机构", changes, "并明确相应职责"])
        charters, charter_units = f.charters()
        if charters.value:
            steps.append(["制定印发", listing(charter_units, limit=4), "“三定”方案", charters])
        runs = f.check_runs()
        linked, closed = f.problems()
        if runs.value:
            step = ["对机关事业单位编制及实有人员开展核查", runs]
            if linked.value:
                step += ["，梳理机构编制问题台账", linked, "，逐条制定整改销号计划"]
                if closed.value:
                    step += ["，已完成整改销号", closed]
            steps.append(step)
        elif closed.value:
            steps.append(["梳理机构编制问题台账，完成整改销号", closed])
        for n, step in enumerate(steps):
            p.add(*step, "；" if n + 1 < len(steps) else "。")
        if f.milestones_done:
            done = figure(f"project{f.project.pk}_milestones_done", f.milestones_done, "个", "已完成的书记项目节点",
                          [project(f.project.pk, f.project.year, f.project.title)])
            if f.milestones_done == f.milestones:
                p.add("项目确定的", done, "推进节点已全部完成。")
            else:
                p.add("项目确定的推进节点已完成", done, "。")
    return _block("project", p)


def ideology_block(ideology: IdeologyFacts, acts: ActivityFacts) -> Block:
    p = Para()
    p.add("高度重视意识形态工作，把意识形态工作纳入单位重要议事日程，认真落实党支部书记意识形态工作述职制度，"
          "实行“一把手”负总责，班子成员各负其责。加强意识形态阵地管理、风险点排查，及时了解掌握干部群众思想动态，"
          "大力传播正能量。")
    points, reviews = ideology.points_figure(), ideology.reviews_figure()
    meetings = acts.count(K.IDEOLOGY_REVIEW)
    if points.value:
        p.add("立足工作实际，梳理意识形态风险点", points)
    else:
        p.add("立足工作实际，梳理意识形态风险点")
    if meetings:
        p.add("，定期召开分析研判会议", acts.figure("ideology_meetings", "意识形态分析研判会", K.IDEOLOGY_REVIEW))
    if reviews.value:
        p.add("，对风险点开展研判", reviews)
    p.add("，了解把握网络热点和舆论风向")
    if ideology.sensitive:
        p.add("，在", listing(ideology.sensitive, limit=4, etc=False), "等重要节点和敏感时期做好舆论监管。")
    else:
        p.add("，及时做好重要节点和敏感时期的舆论监管。")
    return _block("ideology", p)


def integrity_block(keys: KeyDateFacts, acts: ActivityFacts, talks: TalkFacts) -> Block:
    p = Para()
    p.add("切实履行党风廉政建设工作“第一责任人”职责，将党风廉政建设纳入全年工作议事日程，与业务工作同研究、同部署、同推进。")
    education = acts.count(K.INTEGRITY_EDUCATION)
    if education:
        p.add("认真抓好党章党规和上级党风廉政建设重要文件的学习，开展廉政教育",
              acts.figure("integrity_education", "廉政教育", K.INTEGRITY_EDUCATION), "，做到有文必学、有规必守；")
    reminders = keys.reminders()
    if reminders.value:
        p.add("抓好日常监管，重点抓好", listing(keys.names(), limit=4, etc=False), "等重要节点廉洁自律工作，",
              "开展廉政提醒", reminders, "，严格纪律要求；")
    committee, members, _others = talks.heart_split()
    integrity = talks.kind_figure("talks_integrity", "分管领导和科室负责人廉政谈话", "INTEGRITY")
    reminder = talks.kind_figure("talks_reminder", "提醒谈话", "REMINDER")
    said = [(text, f) for text, f in (("召集班子成员开展谈话", committee), ("书记与党员开展谈心谈话", members),
                                      ("分管领导和科室负责人开展廉政谈话", integrity), ("开展提醒谈话", reminder))
            if f.value]
    if said:
        p.add("定期开展谈心谈话活动，今年以来，")
        for n, (text, f) in enumerate(said):
            p.add("，" if n else "", text, f)
        p.add("。通过谈话，增强了党员干部的廉政意识、大局意识，强化了对党员干部的日常监督，对苗头性问题进行及时有效的"
              "提醒、教育和帮助，做到警钟长鸣，防患于未然。")
    elif p.template.endswith("；"):
        p.close().add("做到警钟长鸣，防患于未然。")
    return _block("integrity", p)


def _hours(value: Decimal) -> int:
    return int(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def service_block(volunteer: VolunteerStats, acts: ActivityFacts) -> Block:
    p = Para()
    p.add("始终将机关作风建设和服务型机关建设作为抓好党建工作和各项工作的重要基础，推动作风大转变、服务大优化、形象大提升，"
          "充分发挥党组织的战斗堡垒作用和党员的先锋模范作用。在处理具体业务事项中，规范办理手续，提高办事效率，"
          "形成程序规范、服务优质、职责明确、监督有力的工作运行机制")
    if volunteer.activities:
        rows = acts.of(K.VOLUNTEER)
        sources = [activity(a.pk, a.held_on, a.kind, a.topic) for a in rows]
        fields = [r.label for r in volunteer.by_field if r.activities and r.field not in ("", "other")]
        p.add("；组织开展", listing(fields) + "等" if fields else "", "志愿服务",
              acts.figure("volunteer_activities", "志愿服务活动", K.VOLUNTEER))
        if volunteer.participations:
            p.add("，党员参与", figure("volunteer_participations", volunteer.participations, "人次",
                                   "参加志愿服务的党员人次", sources))
        hours = _hours(volunteer.hours)
        if hours:
            p.add("，累计服务", figure("volunteer_hours", hours, "小时", "志愿服务时长（四舍五入到整小时）", sources))
        p.add("，引导党员在志愿服务中发挥先锋模范作用。")
    else:
        p.add("。")
    return _block("service", p)
