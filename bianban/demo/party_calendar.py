"""What the demo 编办 branch did each year, as plain data: the seed report's 2023 figures and wording (述职报告
一（一）（二）（六）（七）), and the plausible years around it. party.py turns it into dated records with attendance.

2023 follows the report: 6 跟进学习 of the latest important speeches, 12 专题研讨 tied to the office's duties, the
“学先锋建新功” and “读原著悟原理奋进新征程” theme days, the collective study of the 二十大 spirit, the visit to the
宿城抗日石刻红色教育基地, the three documentaries on the fixed study day, the 二十大 briefing, the 元旦春节 and 中秋国庆
integrity reminders, the 护林防火 and 文明城市创建 volunteer service and the regular 意识形态 reviews. The 三会一课
around them are mostly held; a few are missed on purpose (`MISSED`) so that the compliance calendar shows red cells
next to the green ones, and the 2023 谈心谈话 are only the four the report names.
"""

from dataclasses import dataclass
from datetime import date

from bianban.party.choices import ActivityKind as K
from bianban.party.choices import VolunteerField

FIRST_YEAR = 2023


@dataclass(frozen=True)
class Event:
    """One activity on a given day (moved to the next working day if it falls on a day off)."""

    day: date
    kind: str
    topic: str
    place: str = ""
    speaker: str = ""
    content: str = ""
    materials: str = ""
    key: str = ""  # names the activity for the records that point at it (the appraisal's meeting)
    service_field: str = ""  # 志愿服务: what it served


MEETING_ROOM = "区委编办三楼会议室"
ACTIVITY_ROOM = "机关党员活动室"

# --- 2023: the seed report --------------------------------------------------------------------------------------

_FOLLOW_UPS_2023 = (
    (date(2023, 2, 13), "习近平总书记在省部级主要领导干部学习贯彻习近平新时代中国特色社会主义思想和党的二十大精神"
                        "研讨班开班式上的重要讲话精神"),
    (date(2023, 3, 20), "习近平总书记在十四届全国人大一次会议闭幕会上的重要讲话精神"),
    (date(2023, 4, 10), "习近平总书记在学习贯彻习近平新时代中国特色社会主义思想主题教育工作会议上的重要讲话精神"),
    (date(2023, 6, 12), "习近平总书记在文化传承发展座谈会上的重要讲话精神"),
    (date(2023, 7, 24), "习近平总书记在全国生态环境保护大会上的重要讲话精神"),
    (date(2023, 9, 25), "习近平总书记考察浙江时的重要讲话精神"),
)
# 结合职能职责开展12次专题研讨: one a month, on the office's own work of the year (report 一（四）).
_SEMINARS_2023 = (
    "深入学习党的二十大精神，谋划2023年机构编制工作",
    "盘活用好机构编制资源，保障安全生产、公共卫生、教育等重点领域用编需求",
    "学习领会党和国家机构改革方案，研究机构编制工作新任务",
    "以学铸魂、以学促干：推动主题教育与机构编制工作深度融合",
    "稳步推进中小学校党组织领导的校长负责制试点",
    "配合做好行政复议体制改革的机构编制保障",
    "规范基层行政执法，深化乡街综合行政执法改革",
    "加强乡街综合行政执法力量配备，提升行政执法能力",
    "全区机关事业单位编制及实有人员核查问题整改销号",
    "“三定”规定执行情况评估与内设机构调整优化",
    "规范进人纳编、退休销编和事业单位登记办理，提高办事效率",
    "转作风、提效能、树形象：建设新型服务型机关",
)
_SEMINAR_DAYS_2023 = (17, 21, 23, 18, 23, 20, 18, 22, 19, 24, 21, 19)

EVENTS_2023: tuple[Event, ...] = (
    Event(date(2023, 1, 6), K.STUDY, "集中学习党的二十大报告和新修订的《中国共产党章程》", MEETING_ROOM,
          content="原原本本学习党的二十大报告和党章修正案，交流学习体会，把思想和行动统一到党的二十大精神上来。",
          materials="《党的二十大报告》《中国共产党章程》（2022年10月修改）"),
    Event(date(2023, 1, 12), K.INTEGRITY_EDUCATION, "元旦春节前廉政提醒教育", MEETING_ROOM,
          content="通报近期违反中央八项规定精神典型问题，重申元旦春节期间廉洁自律“十不准”，开展廉政提醒。"),
    Event(date(2023, 3, 7), K.THEME_DAY, "“读原著悟原理奋进新征程”主题党日", ACTIVITY_ROOM,
          content="全面学习习近平总书记在省部级主要领导干部专题研讨班上的重要讲话精神和《习近平谈治国理政》"
                  "（第四卷），支部班子成员撰写领导笔谈文章。",
          materials="《习近平谈治国理政》（第四卷）；习近平总书记在省部级主要领导干部专题研讨班开班式上的重要讲话"),
    Event(date(2023, 3, 16), K.BRIEFING, "党的二十大精神专题宣讲", MEETING_ROOM, speaker="区委宣讲团成员",
          content="深刻领会和把握党的二十大精神的丰富内涵和精神实质，把学习成效转化为推动机构编制工作高质量发展的"
                  "强大动力和实际行动。"),
    Event(date(2023, 3, 31), K.VOLUNTEER, "清明节前护林防火志愿服务", "示例区北山林区入口",
          content="在林区入口开展森林防火宣传、劝导和巡查，引导党员在志愿服务中发挥先锋模范作用。",
          service_field=VolunteerField.FOREST_FIRE),
    Event(date(2023, 5, 19), K.SCREENING, "固定学习日观看专题纪录片《选择》", ACTIVITY_ROOM,
          content="利用固定学习日集中观看专题纪录片《选择》，交流观后感。"),
    Event(date(2023, 6, 16), K.INTEGRITY_EDUCATION,
          "学习《中国共产党章程》《中国共产党纪律处分条例》《中国共产党廉洁自律准则》", MEETING_ROOM,
          content="有文必学、有规必守：逐条学习党章和党内法规，结合机构编制工作梳理廉政风险点。"),
    Event(date(2023, 6, 29), K.EDUCATION_VISIT, "赴宿城抗日石刻红色教育基地重温入党誓词",
          "宿城抗日石刻红色教育基地", content="参观抗日石刻，在党旗下重温入党誓词，追忆入党初心。"),
    Event(date(2023, 8, 18), K.SCREENING, "固定学习日观看专题纪录片《刀锋》", ACTIVITY_ROOM,
          content="利用固定学习日集中观看专题纪录片《刀锋》，开展警示教育。"),
    Event(date(2023, 9, 14), K.VOLUNTEER, "“文明城市创建”志愿服务", "示例区城东街道和平社区",
          content="参加文明城市创建志愿服务，开展文明劝导、环境整治和政策宣传。",
          service_field=VolunteerField.CIVILISED_CITY),
    Event(date(2023, 9, 21), K.INTEGRITY_EDUCATION, "中秋国庆前廉政提醒教育", MEETING_ROOM,
          content="重申中秋国庆期间纪律要求，开展廉政提醒，严防“四风”问题反弹。"),
    Event(date(2023, 11, 17), K.SCREENING, "固定学习日观看专题纪录片《红岩家书》", ACTIVITY_ROOM,
          content="利用固定学习日集中观看专题纪录片《红岩家书》，感悟革命先辈的理想信念。"),
    *(Event(day, K.FOLLOW_UP_STUDY, f"跟进学习{speech}", MEETING_ROOM,
            content="第一时间跟进学习，交流学习体会，研究贯彻落实措施。") for day, speech in _FOLLOW_UPS_2023),
    *(Event(date(2023, month, _SEMINAR_DAYS_2023[month - 1]), K.SEMINAR, f"专题研讨：{topic}", MEETING_ROOM,
            content="结合职能职责开展专题研讨，各科室负责人交流发言，形成问题清单和工作举措。")
      for month, topic in enumerate(_SEMINARS_2023, start=1)),
)

# --- 2024–2026: the years around it -------------------------------------------------------------------------------

EVENTS_2024: tuple[Event, ...] = (
    Event(date(2024, 1, 10), K.SCREENING, "观看电视专题片《持续发力 纵深推进》", ACTIVITY_ROOM,
          content="集中观看反腐败专题片，开展警示教育，交流观后感。"),
    Event(date(2024, 1, 26), K.INTEGRITY_EDUCATION, "元旦春节前廉政提醒教育", MEETING_ROOM,
          content="通报典型案例，重申节日期间纪律要求，开展廉政提醒。"),
    Event(date(2024, 3, 14), K.FOLLOW_UP_STUDY, "跟进学习2024年全国两会精神", MEETING_ROOM,
          content="学习政府工作报告，研究在机构编制工作中贯彻落实的举措。"),
    Event(date(2024, 3, 29), K.VOLUNTEER, "清明节前护林防火志愿服务", "示例区北山林区入口",
          content="开展森林防火宣传劝导和巡查。",
          service_field=VolunteerField.FOREST_FIRE),
    Event(date(2024, 4, 18), K.STUDY, "党纪学习教育：逐章学习《中国共产党纪律处分条例》", MEETING_ROOM,
          content="原原本本学习新修订的《中国共产党纪律处分条例》，做到学纪、知纪、明纪、守纪。",
          materials="《中国共产党纪律处分条例》（2023年12月修订）"),
    Event(date(2024, 5, 23), K.INTEGRITY_EDUCATION, "党纪学习教育警示教育会", MEETING_ROOM,
          content="以案说纪、以案明纪，通报机构编制领域违纪违规典型问题。"),
    Event(date(2024, 6, 13), K.SEMINAR, "专题研讨：学纪知纪明纪守纪，严守机构编制纪律", MEETING_ROOM,
          content="结合机构编制工作实际交流研讨，查找纪律意识薄弱环节。"),
    Event(date(2024, 6, 27), K.EDUCATION_VISIT, "赴区廉政教育基地接受警示教育", "示例区廉政教育基地",
          content="参观廉政教育展陈，重温入党誓词。"),
    Event(date(2024, 7, 25), K.STUDY, "集中学习党的二十届三中全会精神", MEETING_ROOM,
          content="学习全会公报和《中共中央关于进一步全面深化改革、推进中国式现代化的决定》。"),
    Event(date(2024, 8, 22), K.SEMINAR, "专题研讨：深化机构编制改革，服务进一步全面深化改革", MEETING_ROOM,
          content="围绕三中全会关于机构职能体系的部署开展研讨。"),
    Event(date(2024, 9, 12), K.VOLUNTEER, "“文明城市创建”志愿服务", "示例区城东街道和平社区",
          content="开展文明劝导和环境整治志愿服务。",
          service_field=VolunteerField.CIVILISED_CITY),
    Event(date(2024, 9, 13), K.INTEGRITY_EDUCATION, "中秋国庆前廉政提醒教育", MEETING_ROOM,
          content="重申节日期间纪律要求，开展廉政提醒。"),
    Event(date(2024, 10, 17), K.BRIEFING, "党的二十届三中全会精神专题宣讲", MEETING_ROOM, speaker="区委宣讲团成员",
          content="系统宣讲全会精神，结合机构编制工作谈落实。"),
    Event(date(2024, 11, 21), K.FOLLOW_UP_STUDY, "跟进学习习近平总书记关于党的建设的重要思想", MEETING_ROOM,
          content="跟进学习，交流体会。"),
)

EVENTS_2025: tuple[Event, ...] = (
    Event(date(2025, 1, 16), K.INTEGRITY_EDUCATION, "元旦春节前廉政提醒教育", MEETING_ROOM,
          content="重申节日期间纪律要求，开展廉政提醒。"),
    Event(date(2025, 3, 13), K.FOLLOW_UP_STUDY, "跟进学习2025年全国两会精神", MEETING_ROOM,
          content="学习政府工作报告，研究贯彻落实举措。"),
    Event(date(2025, 3, 28), K.VOLUNTEER, "清明节前护林防火志愿服务", "示例区北山林区入口",
          content="开展森林防火宣传劝导和巡查。",
          service_field=VolunteerField.FOREST_FIRE),
    Event(date(2025, 4, 17), K.STUDY, "深入贯彻中央八项规定精神学习教育：集中学习", MEETING_ROOM,
          content="学习中央八项规定及其实施细则精神，对照查摆作风问题。"),
    Event(date(2025, 5, 22), K.SEMINAR, "专题研讨：以优良作风推动机构编制工作提质增效", MEETING_ROOM,
          content="结合学习教育查摆问题、交流研讨。"),
    Event(date(2025, 6, 19), K.INTEGRITY_EDUCATION, "深入贯彻中央八项规定精神学习教育警示教育", MEETING_ROOM,
          content="通报违反中央八项规定精神典型问题，开展警示教育。"),
    Event(date(2025, 8, 29), K.EDUCATION_VISIT, "纪念中国人民抗日战争胜利80周年：赴宿城抗日石刻红色教育基地",
          "宿城抗日石刻红色教育基地", content="参观抗日石刻，缅怀革命先烈，重温入党誓词。"),
    Event(date(2025, 9, 11), K.VOLUNTEER, "“文明城市创建”志愿服务", "示例区城东街道和平社区",
          content="开展文明劝导和环境整治志愿服务。",
          service_field=VolunteerField.CIVILISED_CITY),
    Event(date(2025, 9, 26), K.INTEGRITY_EDUCATION, "中秋国庆前廉政提醒教育", MEETING_ROOM,
          content="重申节日期间纪律要求，开展廉政提醒。"),
    Event(date(2025, 11, 6), K.STUDY, "集中学习党的二十届四中全会精神", MEETING_ROOM,
          content="学习全会公报和关于制定“十五五”规划的建议。"),
    Event(date(2025, 11, 20), K.SEMINAR, "专题研讨：谋划“十五五”时期机构编制工作", MEETING_ROOM,
          content="围绕“十五五”规划建议开展研讨。"),
)

EVENTS_2026: tuple[Event, ...] = (
    Event(date(2026, 1, 15), K.BRIEFING, "党的二十届四中全会精神专题宣讲", MEETING_ROOM, speaker="区委宣讲团成员",
          content="宣讲全会精神，结合机构编制工作谈落实。"),
    Event(date(2026, 2, 5), K.INTEGRITY_EDUCATION, "元旦春节前廉政提醒教育", MEETING_ROOM,
          content="重申节日期间纪律要求，开展廉政提醒。"),
    Event(date(2026, 3, 19), K.FOLLOW_UP_STUDY, "跟进学习2026年全国两会精神", MEETING_ROOM,
          content="学习政府工作报告和“十五五”规划纲要。"),
    Event(date(2026, 3, 27), K.VOLUNTEER, "清明节前护林防火志愿服务", "示例区北山林区入口",
          content="开展森林防火宣传劝导和巡查。",
          service_field=VolunteerField.FOREST_FIRE),
    Event(date(2026, 5, 21), K.SEMINAR, "专题研讨：机构编制资源统筹服务“十五五”开局", MEETING_ROOM,
          content="结合职能职责开展研讨。"),
    Event(date(2026, 6, 30), K.EDUCATION_VISIT, "庆祝建党105周年：赴宿城抗日石刻红色教育基地重温入党誓词",
          "宿城抗日石刻红色教育基地", content="参观学习，重温入党誓词。"),
    Event(date(2026, 9, 10), K.VOLUNTEER, "“文明城市创建”志愿服务", "示例区城东街道和平社区",
          content="开展文明劝导和环境整治志愿服务。",
          service_field=VolunteerField.CIVILISED_CITY),
    Event(date(2026, 9, 18), K.INTEGRITY_EDUCATION, "中秋国庆前廉政提醒教育", MEETING_ROOM,
          content="重申节日期间纪律要求，开展廉政提醒。"),
    Event(date(2026, 10, 22), K.SEMINAR, "专题研讨：深化事业单位改革的机构编制保障", MEETING_ROOM,
          content="结合职能职责开展研讨。"),
)

EVENTS: dict[int, tuple[Event, ...]] = {2023: EVENTS_2023, 2024: EVENTS_2024, 2025: EVENTS_2025, 2026: EVENTS_2026}

# --- the regular organisational life ------------------------------------------------------------------------------

# 主题党日, month by month (None: not held that month).
THEME_DAYS: dict[int, tuple[str | None, ...]] = {
    # 2023 quotes only the names the report repeats (“学先锋建新功”, “三促三带三个一”); March is the “读原著悟原理”
    # day above.
    2023: ("主题党日：学思践悟党的二十大精神", None, None,
           "“学先锋建新功”主题党日：学习身边先进典型", "“三促三带三个一”党性实践活动主题党日",
           "“学先锋建新功”主题党日：庆祝建党102周年", "“学先锋建新功”主题党日：集中走访社区群众",
           "主题党日：学习《习近平新时代中国特色社会主义思想专题摘编》", "主题党日：主题教育调研成果交流",
           "“学先锋建新功”主题党日：学习新时代“枫桥经验”", "主题党日：党员“亮身份、作承诺”",
           "主题党日：学习贯彻党的二十大精神一周年回顾"),
    2024: ("主题党日：重温入党志愿书", "主题党日：“新春送温暖”走访慰问", "主题党日：学雷锋志愿服务",
           "主题党日：党纪学习教育动员", "主题党日：学习《中国共产党纪律处分条例》", "主题党日：“知纪明纪”知识测试",
           "主题党日：庆祝建党103周年", "主题党日：学习三中全会公报", "主题党日：“转作风、提效能、树形象”交流",
           "主题党日：庆祝新中国成立75周年", "主题党日：“红色根脉”学习交流", "主题党日：年度党建工作回顾"),
    2025: ("主题党日：新年学习计划交流", "主题党日：“新春送温暖”走访慰问", "主题党日：学雷锋志愿服务",
           "主题党日：学习中央八项规定精神", "主题党日：查摆作风问题", "主题党日：作风建设交流研讨",
           "主题党日：庆祝建党104周年", "主题党日：纪念抗战胜利80周年", "主题党日：“我为群众办实事”",
           "主题党日：学习“千万工程”经验", "主题党日：学习四中全会精神", "主题党日：年度党建工作回顾"),
    2026: ("主题党日：“十五五”开局学习交流", "主题党日：“新春送温暖”走访慰问", "主题党日：学雷锋志愿服务",
           "主题党日：学习全国两会精神", "主题党日：党员“亮身份、作承诺”", "主题党日：“红色根脉”学习交流",
           "主题党日：庆祝建党105周年", "主题党日：学习新修订的党内法规", "主题党日：“转作风、提效能”交流",
           "主题党日：学习“千万工程”经验", "主题党日：年度党建工作回顾", None),  # November: planned
}

# 支委会 topics, month by month.
COMMITTEE_TOPICS: dict[int, tuple[str, ...]] = {
    2023: ("研究部署元旦春节期间党风廉政工作", "研究制定2023年度党建工作要点和“12334”工作机制",
           "研究“读原著悟原理”主题党日方案", "研究主题教育实施方案", "审查{admitted}同志入党材料，提交支部党员大会讨论",
           "研究七一主题党日和红色教育活动安排", "研究主题教育调查研究安排", "研究下半年党建工作",
           "研究意识形态风险点排查", "研究党建“书记项目”推进情况", "研究民主评议党员工作方案",
           "研究年度组织生活会准备工作"),
    2024: ("研究2024年度党建工作要点", "研究春节期间党风廉政工作", "研究党员发展和教育管理工作",
           "研究党纪学习教育实施方案", "研究党纪学习教育推进情况", "研究{admitted}同志转正事宜，提交支部党员大会讨论",
           "研究三中全会精神学习安排", "研究下半年党建工作", "研究意识形态风险点排查",
           "研究党建“书记项目”推进情况", "研究民主评议党员工作方案", "研究年度组织生活会准备工作"),
    2025: ("研究换届选举工作方案，报区直机关工委", "{term}支委会第一次会议：选举支部书记，明确委员分工",
           "研究2025年度党建工作要点", "研究中央八项规定精神学习教育实施方案", "研究学习教育推进情况",
           "研究七一主题党日安排", "研究下半年党建工作", "研究抗战胜利80周年纪念活动安排",
           "研究意识形态风险点排查", "研究党建“书记项目”推进情况", "研究民主评议党员工作方案",
           "研究年度组织生活会准备工作"),
    2026: ("研究2026年度党建工作要点", "研究春节期间党风廉政工作", "研究党员发展工作",
           "审查{newcomer}同志入党材料", "研究接收预备党员事宜，提交支部党员大会讨论", "研究七一主题党日安排",
           "研究下半年党建工作", "研究意识形态风险点排查", "研究党建“书记项目”推进情况",
           "研究四季度党建工作", "研究民主评议党员工作方案", "研究年度组织生活会准备工作"),
}

# 支部党员大会, quarter by quarter (the admission, the 转正, the election and the appraisal meetings are marked by
# party.py, which knows who and when).
GENERAL_TOPICS: dict[int, tuple[str, ...]] = {
    2023: ("审议支部2023年度党建工作计划", "讨论接收{admitted}同志为中共预备党员",
           "主题教育阶段性总结", "审议支部2023年度工作总结"),
    2024: ("审议支部2024年度党建工作计划", "讨论{admitted}同志转为中共正式党员",
           "党纪学习教育总结", "审议支部2024年度工作总结"),
    2025: ("选举产生中共示例区委编办党支部{term}委员会", "学习教育阶段性总结",
           "审议支部上半年工作情况", "审议支部2025年度工作总结"),
    2026: ("审议支部2026年度党建工作计划", "讨论接收{newcomer}同志为中共预备党员",
           "审议支部上半年工作情况", "审议支部2026年度工作总结"),
}

# 党课, quarter by quarter: (topic, who gives it: "secretary", a committee role, or a speaker's name).
LECTURES: dict[int, tuple[tuple[str, str], ...]] = {
    2023: (("书记讲党课：学习贯彻党的二十大精神，推进机构编制工作高质量发展", "secretary"),
           ("主题教育专题党课：以学铸魂、以学增智、以学正风、以学促干", "secretary"),
           ("专题党课：弘扬伟大建党精神，坚定理想信念", "DISCIPLINE"),
           ("专题党课：坚持和发展新时代“枫桥经验”", "PUBLICITY")),
    2024: (("书记讲党课：以高质量党建引领机构编制工作", "secretary"),
           ("党纪学习教育专题党课：学纪知纪明纪守纪", "secretary"),
           ("专题党课：深刻领会进一步全面深化改革的总目标", "ORGANISATION"),
           ("专题党课：铸牢忠诚干净担当的政治品格", "DISCIPLINE")),
    2025: (("新一届支委会书记讲党课：守正创新，开创支部工作新局面", "secretary"),
           ("专题党课：深入贯彻中央八项规定精神", "DISCIPLINE"),
           ("专题党课：弘扬伟大抗战精神", "PUBLICITY"),
           ("专题党课：学习贯彻党的二十届四中全会精神", "secretary")),
    2026: (("书记讲党课：奋力推进“十五五”开局之年机构编制工作", "secretary"),
           ("专题党课：学党史、悟思想，庆祝建党105周年", "ORGANISATION"),
           ("专题党课：以严的基调强化正风肃纪", "DISCIPLINE"),
           ("专题党课：做新时代合格共产党员", "PUBLICITY")),
}

GROUP_TOPICS: tuple[str, ...] = (
    "学习上级文件精神，交流思想和工作情况", "党员汇报思想、工作和学习情况", "学习党章党规，开展批评与自我批评",
    "交流专题学习心得体会", "讨论支部工作意见建议", "学习身边先进典型事迹", "交流岗位履职情况",
)

IDEOLOGY_TOPIC = "意识形态领域情况分析研判会（{quarter}）"
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
LIFE_MEETING_TOPIC = "{year}年度组织生活会暨民主评议党员大会"

# Deliberately missed: the calendar's red cells. (year, month) for 支委会 and 主题党日, (year, group index, month)
# for 党小组会. A 2023 支委会 is recorded without its quorum (three of five away on duty), to show the warning.
MISSED_COMMITTEE = {(2023, 2), (2023, 8), (2026, 9)}
MISSED_GROUP = {(2023, 0, 2), (2023, 1, 7), (2023, 1, 10), (2024, 0, 8), (2025, 1, 5), (2026, 1, 10)}
INQUORATE_COMMITTEE = (2023, 7)
# February 2025: the groups met inside the theme day (春节), exempted by the committee (grey cells).
GROUP_EXEMPT = (2025, 2, "春节假期，2月党小组会并入主题党日集中开展，经支委会研究同意")

# 谈话 topics.
HEART_TALK_TOPICS: dict[str, tuple[str, ...]] = {
    "secretary": ("书记与党员谈心谈话：交流思想和工作情况，听取对支部工作的意见建议",
                  "书记与党员谈心谈话：了解学习、工作和生活情况"),
    "committee": ("支委之间谈心谈话：交流履职情况，相互提醒", "支委之间谈心谈话：交流分工工作推进情况"),
    "member": ("党员之间谈心谈话：交流学习体会和思想动态", "党员之间谈心谈话：互相提醒、共同进步",
               "谈心谈话：交流工作中的困难和建议"),
}
INTEGRITY_TALK_TOPICS = ("元旦春节前廉政谈话", "中秋国庆前廉政谈话")
SELF_EVALUATIONS = (
    "本年度能够认真学习党的创新理论，按时参加组织生活，完成岗位工作任务；存在理论学习不够深入的不足，今后加以改进。",
    "坚定理想信念，认真履行党员义务，严守纪律规矩；对照先进找差距，在工作创新方面还需加强。",
    "积极参加“三会一课”和主题党日，立足岗位发挥先锋模范作用；在调查研究方面还需下功夫。",
    "能够自觉遵守党章党规，按时足额交纳党费；联系群众、服务基层的主动性还需进一步增强。",
)
