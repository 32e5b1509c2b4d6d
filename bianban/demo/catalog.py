"""The institutions of 示例区, as a 县级 district of a 杭州-like city has them after the 2019 reform.

Only the facts a person would look up are written here (names, 加挂牌子, duties, internal divisions, sizes);
dates, codes, document numbers and exact figures are drawn in tree.py from the seeded random generator.

Ranks, chosen once for the whole district (the district itself is 正处级): every 委、办、局, the 人大/政协
offices, the court, the procuratorate and the 群团 are 正科级; the two large central streets are 副处级
(高配), the others 正科级; 事业单位 are 正科级 (the 区人民医院, 区第一中学), 副科级 (centres with public duties)
or 未定级 (most schools and small service units).
"""

from dataclasses import dataclass, field
from datetime import date

from bianban.units.choices import Funding, InstitutionClass, SystemCategory, UnitKind, UnitRank

REGION = "330106"  # 登记管理机关行政区划码 of 示例区 in its 统一社会信用代码
DISTRICT = "示例区"
OFFICE_KEY = "office"  # 区委编办, which runs bianban and whose presence means the demo is loaded
EDUCATION_KEY = "edu"
# The one unit whose (legal, early pilot) credit code fails the GB 32100 check.
FAILING_USCC_KEY = "housing.property"
FAILING_USCC_REASON = "早期试点代码，经登记管理机关确认"

# Staff profiles: who works in a unit decides sex ratio, education, age and party membership (people.py).
ORGAN, OFFICE, POLITICAL_LEGAL, STREET, MASS = "organ", "office", "political_legal", "street", "mass"
SCHOOL, KINDERGARTEN, HOSPITAL, CLINIC, INSTITUTION = "school", "kindergarten", "hospital", "clinic", "institution"

P1, P2, BIZ, ADM = (InstitutionClass.PUBLIC_1, InstitutionClass.PUBLIC_2, InstitutionClass.BUSINESS,
                    InstitutionClass.ADMINISTRATIVE)


@dataclass(frozen=True)
class Sub:
    """A 事业单位 (or 参公单位) under a top-level body."""

    key: str
    name: str
    short: str = ""
    cls: str = P1
    kind: str = UnitKind.INSTITUTION
    rank: str = UnitRank.UNRANKED
    profile: str = INSTITUTION
    quota: tuple[int, int] = (6, 10)
    duty: str = ""
    divisions: tuple[str, ...] = ()
    other_names: str = ""
    founded: int = 0  # year; 0: drawn
    # (funding, share of the quota) when the unit is not funded the usual way for its class
    funding: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Body:
    """A top-level unit: a 机关, 群团机关 or street, or an institution directly under the district."""

    key: str
    name: str
    short: str
    system: str
    kind: str = UnitKind.ORGAN
    rank: str = UnitRank.SECTION
    profile: str = ORGAN
    quota: tuple[int, int] = (10, 14)
    area: str = ""  # the field of work, for the functions text
    duties: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ("办公室", "政策法规科", "组织人事科", "计划财务科")
    other_names: str = ""
    founded: int = 2001  # 示例区 was set up in 2001
    charter_year: int = 2019  # the district's 2019 机构改革 issued every 机关's 三定
    political_legal: tuple[int, int] = (0, 0)  # 政法专项编制 besides 行政编制 (司法所 staff of the 司法局)
    cls: str = ""
    children: tuple[Sub, ...] = field(default_factory=tuple)


PARTY, CONGRESS, CPPCC = SystemCategory.PARTY, SystemCategory.CONGRESS, SystemCategory.CPPCC
GOV = SystemCategory.GOVERNMENT
SCHOOL_DIVISIONS = ("校长办公室", "教务处", "德育处", "总务处", "教科室")
CHC_DIVISIONS = ("综合办公室", "医疗科", "公共卫生科")
HOSPITAL_DIVISIONS = ("院长办公室", "医务科", "护理部", "财务科", "人事科", "院感科", "信息科")

BODIES: tuple[Body, ...] = (
    Body("party_office", "中共示例区委办公室", "区委办", PARTY, quota=(16, 20), area="区委日常运转和综合协调",
         other_names="区委保密办公室、区委机要局",
         duties=("负责区委会议的组织安排和区委文件的起草、审核、印发工作",
                 "负责督促检查区委重要决策部署的贯彻落实情况",
                 "统筹协调全区机要、保密和档案工作"),
         divisions=("秘书科", "综合科", "督查科", "信息科", "机要科"),
         children=(Sub("party_office.archives", "示例区档案馆", "区档案馆", quota=(10, 14),
                       duty="集中统一管理全区党和国家的档案，提供档案利用服务", other_names="区党史研究室",
                       divisions=("办公室", "档案接收征集科", "档案利用科"), founded=1988),)),
    Body("organisation", "中共示例区委组织部", "区委组织部", PARTY, quota=(18, 22), area="组织工作",
         other_names="区公务员局",
         duties=("负责全区党的组织建设和党员队伍建设", "负责区管干部的考察、任免和监督管理",
                 "统筹全区公务员队伍建设和人才工作"),
         divisions=("办公室", "组织科", "干部科", "干部监督科", "公务员管理科", "人才工作科"),
         children=(Sub("organisation.education", "示例区党员教育服务中心", "区党员教育中心", quota=(4, 6),
                       duty="承担全区党员教育培训和远程教育的服务保障工作"),)),
    Body("propaganda", "中共示例区委宣传部", "区委宣传部", PARTY, quota=(12, 16), area="宣传思想文化",
         other_names="区政府新闻办公室、区精神文明建设指导委员会办公室",
         duties=("负责全区理论学习、宣传教育和新闻出版管理工作", "指导全区精神文明建设和文明创建工作",
                 "负责全区网络意识形态和网络宣传工作"),
         divisions=("办公室", "理论科", "宣传科", "文明创建科", "网络宣传管理科"),
         children=(Sub("propaganda.media", "示例区融媒体中心", "区融媒体中心", cls=P2, rank=UnitRank.VICE_SECTION,
                       quota=(30, 36), duty="承担全区新闻宣传、媒体融合和广播电视播出工作",
                       divisions=("办公室", "新闻采编部", "新媒体部", "技术保障部"),
                       funding=((Funding.FULL, 0.6), (Funding.PARTIAL, 0.4))),
                   Sub("propaganda.civility", "示例区新时代文明实践指导中心", "区文明实践中心", quota=(4, 6),
                       duty="承担新时代文明实践中心（所、站）建设的指导和志愿服务工作"))),
    Body("united_front", "中共示例区委统战部", "区委统战部", PARTY, quota=(8, 10), area="统一战线",
         other_names="区民族宗教事务局、区侨务办公室",
         duties=("负责联系全区民主党派、工商联和无党派人士", "负责全区民族宗教和侨务工作"),
         divisions=("办公室", "党派工作科", "民族宗教科", "经济联络科")),
    Body("political_legal", "中共示例区委政法委员会", "区委政法委", PARTY, quota=(10, 12), area="政法",
         duties=("统筹推进全区平安建设和社会治安综合治理", "监督和支持政法单位依法行使职权"),
         divisions=("办公室", "平安建设科", "执法监督科", "队伍建设科"),
         children=(Sub("political_legal.governance", "示例区社会治理中心", "区社会治理中心", quota=(8, 12),
                       duty="承担全区矛盾纠纷多元化解和社会治理事件的统筹流转工作",
                       divisions=("综合科", "事件流转科")),)),
    Body(OFFICE_KEY, "中共示例区委机构编制委员会办公室", "区委编办", PARTY, profile=OFFICE, quota=(11, 11),
         area="机构编制", other_names="区事业单位登记管理局",
         duties=("研究拟订全区机构编制管理的政策措施并组织实施",
                 "负责全区党政机关、群团机关和事业单位的机构设置、职能配置和编制管理",
                 "负责全区机构编制实名制管理和机构编制监督检查", "负责全区事业单位登记管理工作"),
         divisions=("综合科", "行政机构编制科", "事业机构编制科", "监督检查科"),
         children=(Sub("office.data", "示例区机构编制数据中心", "区编制数据中心", quota=(3, 3),
                       duty="承担全区机构编制实名制数据、电子政务和事业单位登记管理的技术保障工作"),)),
    Body("social_work", "中共示例区委社会工作部", "区委社会工作部", PARTY, quota=(8, 10), area="社会工作",
         founded=2024, charter_year=2024,
         duties=("统筹指导全区基层政权建设和基层治理", "统筹推进全区志愿服务体系建设"),
         divisions=("办公室", "基层治理科", "志愿服务科")),
    Body("party_school", "中共示例区委党校", "区委党校", PARTY, kind=UnitKind.INSTITUTION, cls=P1,
         profile=INSTITUTION, quota=(16, 20), founded=1985, charter_year=2021, other_names="示例区行政学校",
         duties=("承担全区党员领导干部和公务员的教育培训", "开展党的理论和决策咨询研究"),
         divisions=("办公室", "教务科", "教研室")),
    Body("discipline", "中共示例区纪律检查委员会", "区纪委监委", SystemCategory.SUPERVISION, quota=(28, 32),
         area="纪检监察", other_names="示例区监察委员会", founded=2001,
         duties=("维护党的章程和其他党内法规，检查党的路线方针政策和决议的执行情况",
                 "对全区行使公权力的公职人员依法实行监察", "调查职务违法和职务犯罪，开展廉政建设和反腐败工作"),
         divisions=("办公室", "党风政风监督室", "信访室", "案件监督管理室", "第一纪检监察室", "案件审理室")),
    Body("congress", "示例区人大常委会办公室", "区人大办", CONGRESS, quota=(12, 14), area="人大常委会服务保障",
         duties=("负责区人大常委会会议的组织服务工作", "负责联系和服务区人大代表"),
         divisions=("秘书科", "法制工作科", "代表联络科", "财经工作科")),
    Body("cppcc", "政协示例区委员会办公室", "区政协办", CPPCC, quota=(10, 12), area="政协服务保障",
         duties=("负责区政协全体会议和常委会议的组织服务工作", "负责提案和委员联络工作"),
         divisions=("秘书科", "提案科", "委员联络科", "文史和学习科")),
    Body("gov_office", "示例区人民政府办公室", "区政府办", GOV, quota=(20, 24), area="区政府日常运转和综合协调",
         other_names="区外事办公室",
         duties=("负责区政府会议的组织安排和区政府文件的起草、审核工作", "负责督促检查区政府决定事项的落实",
                 "负责全区政务公开和政府信息公开工作"),
         divisions=("秘书科", "综合调研科", "督查科", "政务公开科"),
         children=(Sub("gov_office.affairs", "示例区机关事务服务中心", "区机关事务中心", rank=UnitRank.VICE_SECTION,
                       quota=(12, 16), duty="承担区级机关办公用房、公务用车和后勤服务保障工作",
                       divisions=("综合科", "资产管理科", "后勤保障科")),
                   Sub("gov_office.guesthouse", "示例区机关招待所", "区机关招待所", cls=BIZ, quota=(6, 8),
                       duty="承担区级机关会议接待和住宿服务", founded=1995))),
    Body("drc", "示例区发展和改革局", "区发改局", GOV, quota=(18, 22), area="经济社会发展",
         other_names="区粮食和物资储备局",
         duties=("拟订并组织实施全区国民经济和社会发展规划", "负责全区固定资产投资综合管理和重大项目统筹",
                 "负责全区粮食和物资储备管理"),
         divisions=("办公室", "发展规划科", "投资科", "经济运行科", "价格科"),
         children=(Sub("drc.projects", "示例区重点项目服务中心", "区重点项目中心", quota=(8, 10),
                       duty="承担全区重点项目的跟踪服务和协调推进工作", divisions=("综合科", "项目服务科")),)),
    Body(EDUCATION_KEY, "示例区教育局", "区教育局", GOV, quota=(22, 26), area="教育",
         other_names="中共示例区委教育工作委员会",
         duties=("拟订全区教育发展规划并组织实施", "统筹管理全区各级各类学校和学前教育",
                 "负责全区教师队伍建设和教育督导评估"),
         divisions=("办公室", "组织人事科", "计划财务科", "基础教育科", "教育督导科", "安全稳定科"),
         children=(
             Sub("edu.high1", "示例区第一中学", "区一中", rank=UnitRank.SECTION, profile=SCHOOL, quota=(115, 125),
                 duty="实施高中阶段教育和初中阶段义务教育", divisions=SCHOOL_DIVISIONS, founded=1956),
             Sub("edu.high2", "示例区第二中学", "区二中", profile=SCHOOL, quota=(88, 98),
                 duty="实施初中阶段义务教育", divisions=SCHOOL_DIVISIONS, founded=1972),
             Sub("edu.lab_middle", "示例区实验中学", "区实验中学", profile=SCHOOL, quota=(75, 85),
                 duty="实施初中阶段义务教育", divisions=SCHOOL_DIVISIONS[:4], founded=2003),
             Sub("edu.vocational", "示例区职业高级中学", "区职高", profile=SCHOOL, quota=(62, 72),
                 other_names="示例区职业技术教育中心", duty="实施中等职业教育和职业技能培训",
                 divisions=("校长办公室", "教务处", "学生处", "实训处"), founded=1984),
             Sub("edu.lab_primary", "示例区实验小学", "区实验小学", profile=SCHOOL, quota=(75, 85),
                 duty="实施小学阶段义务教育", divisions=SCHOOL_DIVISIONS[:4], founded=1952),
             Sub("edu.primary1", "示例区第一小学", "区一小", profile=SCHOOL, quota=(62, 70),
                 duty="实施小学阶段义务教育", divisions=SCHOOL_DIVISIONS[:3], founded=1960),
             Sub("edu.primary2", "示例区第二小学", "区二小", profile=SCHOOL, quota=(60, 66),
                 duty="实施小学阶段义务教育", divisions=SCHOOL_DIVISIONS[:3], founded=1978),
             Sub("edu.chengdong_primary", "示例区城东小学", "城东小学", profile=SCHOOL, quota=(60, 66),
                 duty="实施小学阶段义务教育", divisions=SCHOOL_DIVISIONS[:3], founded=2006),
             Sub("edu.nanhu_primary", "示例区南湖小学", "南湖小学", profile=SCHOOL, quota=(60, 66),
                 duty="实施小学阶段义务教育", divisions=SCHOOL_DIVISIONS[:3], founded=2012),
             Sub("edu.lab_kindergarten", "示例区实验幼儿园", "区实验幼儿园", profile=KINDERGARTEN, quota=(28, 34),
                 duty="实施学前教育", divisions=("园长办公室", "保教处", "后勤处"), founded=1981),
             Sub("edu.organ_kindergarten", "示例区机关幼儿园", "区机关幼儿园", cls=P2, profile=KINDERGARTEN,
                 quota=(22, 28), duty="实施学前教育", founded=1990),
             Sub("edu.research", "示例区教育发展研究中心", "区教研中心", profile=SCHOOL, quota=(16, 20),
                 other_names="示例区教师进修学校", duty="承担全区基础教育教学研究、质量监测和教师培训工作",
                 divisions=("办公室", "教学研究部", "师资培训部")),
         )),
    Body("science", "示例区科学技术局", "区科技局", GOV, quota=(8, 10), area="科技创新",
         duties=("拟订全区科技创新政策和发展规划并组织实施", "负责全区高新技术企业培育和科技成果转化"),
         divisions=("办公室", "科技计划科", "高新技术科"),
         children=(Sub("science.service", "示例区科技创新服务中心", "区科创中心", quota=(6, 8),
                       duty="承担科技企业孵化和科技服务平台建设工作"),)),
    Body("police", "示例区公安分局", "区公安分局", GOV, profile=POLITICAL_LEGAL, quota=(100, 108), area="公安",
         duties=("负责全区社会治安管理，预防、制止和侦查违法犯罪活动", "负责全区户政、出入境和道路交通安全管理",
                 "负责全区公安队伍建设和监督管理"),
         divisions=("办公室", "政治处", "警务保障室", "刑事侦查大队", "治安管理大队", "法制大队")),
    Body("civil_affairs", "示例区民政局", "区民政局", GOV, quota=(12, 16), area="民政",
         duties=("负责全区社会救助和养老服务体系建设", "负责全区社会组织登记管理和区划地名管理"),
         divisions=("办公室", "社会救助科", "养老服务科", "社会组织管理科", "区划地名科"),
         children=(Sub("civil_affairs.welfare", "示例区社会福利中心", "区福利中心", quota=(14, 18),
                       duty="承担特困供养、孤残儿童养育和养老服务工作", divisions=("办公室", "护理部", "后勤科")),
                   Sub("civil_affairs.funeral", "示例区殡葬管理所", "区殡葬所", cls=P2, quota=(8, 10),
                       duty="承担全区殡葬管理和殡仪服务工作"))),
    Body("justice", "示例区司法局", "区司法局", GOV, quota=(12, 14), political_legal=(18, 22), area="司法行政",
         duties=("统筹推进全区法治政府建设和行政复议工作", "负责全区社区矫正、人民调解和公共法律服务工作",
                 "指导管理各街道司法所"),
         divisions=("办公室", "法治督察科", "行政复议与应诉科", "社区矫正科", "人民参与和促进法治科"),
         children=(Sub("justice.notary", "示例区公证处", "区公证处", cls=P2, quota=(8, 10),
                       duty="依法办理公证事务", divisions=("综合科", "公证业务科")),
                   Sub("justice.legal_aid", "示例区法律援助中心", "区法援中心", quota=(5, 7),
                       duty="组织实施全区法律援助工作"))),
    Body("finance", "示例区财政局", "区财政局", GOV, quota=(20, 24), area="财政",
         duties=("拟订全区财政发展规划和政策措施", "负责编制全区年度预决算草案并组织执行",
                 "负责全区国有资产和政府债务管理"),
         divisions=("办公室", "预算科", "国库科", "行政政法科", "经济建设科", "社会保障科"),
         children=(Sub("finance.treasury", "示例区财政国库支付中心", "区国库支付中心", cls=ADM,
                       kind=UnitKind.CIVIL_SERVICE_MANAGED, rank=UnitRank.VICE_SECTION, quota=(10, 12),
                       duty="承担区级财政资金国库集中支付工作", divisions=("综合科", "支付核算科")),
                   Sub("finance.review", "示例区政府投资评审中心", "区投资评审中心", quota=(8, 10),
                       duty="承担区级政府投资项目预算、结算评审工作"))),
    Body("hr", "示例区人力资源和社会保障局", "区人力社保局", GOV, quota=(16, 20), area="人力资源和社会保障",
         duties=("拟订全区人力资源和社会保障事业发展规划并组织实施", "负责全区就业创业和社会保险工作",
                 "负责全区事业单位人事管理和工资福利工作"),
         divisions=("办公室", "就业促进科", "事业单位人事管理科", "劳动关系科", "工资福利科"),
         children=(Sub("hr.employment", "示例区就业管理服务中心", "区就业中心", cls=ADM,
                       kind=UnitKind.CIVIL_SERVICE_MANAGED, quota=(10, 12), duty="承担全区就业创业服务工作",
                       divisions=("综合科", "就业服务科")),
                   Sub("hr.insurance", "示例区社会保险服务中心", "区社保中心", cls=ADM,
                       kind=UnitKind.CIVIL_SERVICE_MANAGED, rank=UnitRank.VICE_SECTION, quota=(18, 22),
                       duty="承担全区社会保险经办服务工作",
                       divisions=("综合科", "参保登记科", "待遇核定科", "基金财务科")),
                   Sub("hr.arbitration", "示例区劳动人事争议仲裁院", "区仲裁院", quota=(6, 8),
                       duty="承担全区劳动人事争议调解仲裁工作"))),
    Body("land", "示例区自然资源局", "区自然资源局", GOV, quota=(16, 20), area="自然资源",
         duties=("负责全区国土空间规划和用途管制", "负责全区耕地保护和自然资源资产管理"),
         divisions=("办公室", "国土空间规划科", "耕地保护科", "自然资源执法科"),
         children=(Sub("land.registry", "示例区不动产登记中心", "区不动产登记中心", rank=UnitRank.VICE_SECTION,
                       quota=(20, 24), duty="承担全区不动产统一登记和登记资料管理工作",
                       divisions=("综合科", "登记业务科", "档案信息科")),
                   Sub("land.reserve", "示例区土地储备中心", "区土地储备中心", quota=(8, 10),
                       duty="承担全区土地收储和前期开发工作"))),
    Body("housing", "示例区住房和城乡建设局", "区住建局", GOV, quota=(18, 22), area="住房和城乡建设",
         other_names="区人民防空办公室",
         duties=("负责全区建筑市场和房地产市场监督管理", "负责全区城乡建设和住房保障工作"),
         divisions=("办公室", "建筑业管理科", "房地产市场监管科", "城建科", "住房保障科"),
         children=(Sub("housing.quality", "示例区建设工程质量安全监督站", "区质安站", quota=(14, 18),
                       duty="承担全区建设工程质量和施工安全监督工作", divisions=("综合科", "质量监督科", "安全监督科")),
                   Sub("housing.expropriation", "示例区房屋征收服务中心", "区征收中心", quota=(8, 10),
                       duty="承担全区国有土地上房屋征收与补偿的具体工作"),
                   Sub("housing.property", "示例区公有房产经营管理所", "区房管所", cls=BIZ, quota=(8, 10),
                       duty="承担直管公房的经营和维修管理", founded=1993))),
    Body("transport", "示例区交通运输局", "区交通运输局", GOV, quota=(12, 14), area="交通运输",
         duties=("负责全区综合交通运输规划和行业管理", "负责全区农村公路建设和养护管理"),
         divisions=("办公室", "综合规划科", "运输管理科", "建设管理科"),
         children=(Sub("transport.roads", "示例区公路与运输管理中心", "区公路运输中心", quota=(16, 20),
                       duty="承担全区公路养护和道路运输服务工作", divisions=("综合科", "公路养护科", "运输服务科")),)),
    Body("agriculture", "示例区农业农村局", "区农业农村局", GOV, quota=(16, 20), area="农业农村",
         other_names="区乡村振兴局",
         duties=("统筹推进全区乡村振兴战略实施", "负责全区种植业、畜牧业和农产品质量安全监管"),
         divisions=("办公室", "乡村发展科", "农村经营管理科", "种植业科", "畜牧兽医科"),
         children=(Sub("agriculture.extension", "示例区农业技术推广中心", "区农技中心", quota=(16, 20),
                       duty="承担全区农业新技术、新品种的试验示范和推广工作",
                       divisions=("综合科", "农技推广科", "土肥植保科")),
                   Sub("agriculture.animal", "示例区动物疫病预防控制中心", "区动物疫控中心", quota=(8, 10),
                       duty="承担全区动物疫病监测、诊断和预防控制工作"))),
    Body("commerce", "示例区商务局", "区商务局", GOV, quota=(10, 12), area="商务",
         duties=("负责全区商贸流通和消费促进工作", "负责全区对外贸易和利用外资工作"),
         divisions=("办公室", "商贸流通科", "对外贸易科"),
         children=(Sub("commerce.investment", "示例区投资促进中心", "区投促中心", quota=(8, 10),
                       duty="承担全区招商引资和项目洽谈服务工作"),)),
    Body("culture", "示例区文化和旅游局", "区文旅局", GOV, quota=(12, 14), area="文化和旅游",
         other_names="区广播电视局、区文物局",
         duties=("负责全区公共文化服务体系建设", "负责全区旅游业发展和文物保护工作"),
         divisions=("办公室", "公共服务科", "文化产业科", "旅游发展科", "文物保护科"),
         children=(Sub("culture.library", "示例区图书馆", "区图书馆", quota=(14, 18), founded=1979,
                       duty="承担文献信息资源收藏、借阅和全民阅读推广工作",
                       divisions=("办公室", "借阅部", "数字资源部")),
                   Sub("culture.centre", "示例区文化馆", "区文化馆", quota=(12, 16), founded=1980,
                       duty="承担群众文化活动组织和非物质文化遗产保护工作",
                       divisions=("办公室", "活动部", "非遗保护部")),
                   Sub("culture.enforcement", "示例区文化市场综合行政执法队", "区文化执法队", cls=ADM,
                       kind=UnitKind.CIVIL_SERVICE_MANAGED, quota=(12, 14),
                       duty="承担全区文化、旅游、广电和文物市场的综合行政执法工作",
                       divisions=("综合科", "执法一中队")))),
    Body("health", "示例区卫生健康委员会", "区卫健委", GOV, quota=(18, 22), area="卫生健康",
         other_names="区中医药管理局",
         duties=("拟订全区卫生健康事业发展规划并组织实施", "负责全区医疗机构和医疗服务行业管理",
                 "负责全区疾病预防控制、妇幼健康和人口监测工作"),
         divisions=("办公室", "医政医管科", "基层卫生科", "疾病预防控制科", "人口家庭科", "组织人事科"),
         children=(
             Sub("health.hospital", "示例区人民医院", "区人民医院", cls=P2, rank=UnitRank.SECTION, profile=HOSPITAL,
                 quota=(300, 320), duty="提供医疗、急救、预防保健和教学科研服务", divisions=HOSPITAL_DIVISIONS,
                 founded=1951, funding=((Funding.PARTIAL, 1.0),)),
             Sub("health.tcm", "示例区中医院", "区中医院", cls=P2, rank=UnitRank.VICE_SECTION, profile=HOSPITAL,
                 quota=(200, 215), duty="提供中医、中西医结合医疗服务", divisions=HOSPITAL_DIVISIONS[:6],
                 founded=1958, funding=((Funding.FULL, 0.15), (Funding.PARTIAL, 0.85))),
             Sub("health.maternity", "示例区妇幼保健院", "区妇幼保健院", profile=HOSPITAL, quota=(200, 215),
                 duty="提供妇女儿童医疗保健服务", divisions=("院长办公室", "医务科", "保健部", "护理部", "财务科"),
                 founded=1985),
             Sub("health.cdc", "示例区疾病预防控制中心", "区疾控中心", rank=UnitRank.VICE_SECTION, profile=CLINIC,
                 quota=(40, 48), duty="承担全区疾病预防控制、突发公共卫生事件处置和健康教育工作",
                 divisions=("办公室", "传染病防制科", "慢性病防制科", "检验科", "健康教育科")),
             Sub("health.inspection", "示例区卫生监督所", "区卫监所", cls=ADM, kind=UnitKind.CIVIL_SERVICE_MANAGED,
                 quota=(14, 18), duty="承担全区公共卫生和医疗卫生监督执法工作",
                 divisions=("综合科", "监督一科", "监督二科")),
             Sub("health.chc_chengdong", "示例区城东街道社区卫生服务中心", "城东社区卫生服务中心", profile=CLINIC,
                 quota=(44, 52), duty="提供社区基本医疗和基本公共卫生服务", divisions=CHC_DIVISIONS),
             Sub("health.chc_chengxi", "示例区城西街道社区卫生服务中心", "城西社区卫生服务中心", profile=CLINIC,
                 quota=(42, 48), duty="提供社区基本医疗和基本公共卫生服务", divisions=CHC_DIVISIONS),
             Sub("health.chc_nanhu", "示例区南湖街道社区卫生服务中心", "南湖社区卫生服务中心", profile=CLINIC,
                 quota=(38, 44), duty="提供社区基本医疗和基本公共卫生服务", divisions=CHC_DIVISIONS),
         )),
    Body("veterans", "示例区退役军人事务局", "区退役军人事务局", GOV, quota=(8, 10), area="退役军人服务保障",
         founded=2019, duties=("负责全区退役军人移交安置和就业创业工作", "负责全区退役军人思想政治和权益维护工作"),
         divisions=("办公室", "思想政治和权益维护科", "移交安置和就业创业科"),
         children=(Sub("veterans.service", "示例区退役军人服务中心", "区退役军人服务中心", quota=(5, 7), founded=2019,
                       duty="承担退役军人接收、服务和帮扶援助工作"),)),
    Body("emergency", "示例区应急管理局", "区应急管理局", GOV, quota=(12, 14), area="应急管理", founded=2019,
         duties=("负责全区应急管理体系建设和应急预案编制", "负责全区安全生产综合监督管理和防灾减灾救灾工作"),
         divisions=("办公室", "综合减灾科", "安全生产监管科", "应急指挥科"),
         children=(Sub("emergency.command", "示例区应急指挥保障中心", "区应急指挥中心", quota=(6, 8), founded=2019,
                       duty="承担全区应急值守、应急指挥平台运行和物资保障工作"),)),
    Body("audit", "示例区审计局", "区审计局", GOV, quota=(12, 14), area="审计监督",
         duties=("负责全区预算执行、财政收支和政府投资项目的审计监督",
                 "负责领导干部经济责任审计和自然资源资产离任审计"),
         divisions=("办公室", "财政审计科", "经济责任审计科", "投资审计科")),
    Body("market", "示例区市场监督管理局", "区市场监管局", GOV, quota=(30, 36), area="市场监督管理",
         other_names="区知识产权局",
         duties=("负责全区市场主体登记注册和市场秩序监督管理", "负责全区食品安全、产品质量和特种设备安全监督管理",
                 "负责全区知识产权保护和市场监管综合执法"),
         divisions=("办公室", "登记注册科", "食品安全协调科", "质量安全科", "知识产权科", "执法稽查科"),
         children=(Sub("market.testing", "示例区市场监管检验检测中心", "区检验检测中心", cls=P2, quota=(10, 14),
                       duty="承担食品、产品质量的检验检测工作", divisions=("综合科", "检测科")),)),
    Body("statistics", "示例区统计局", "区统计局", GOV, quota=(8, 10), area="统计",
         duties=("负责全区统计调查和统计数据的收集、汇总、分析与发布", "组织实施全区重大国情国力普查"),
         divisions=("办公室", "综合统计科", "经济统计科")),
    Body("medical_insurance", "示例区医疗保障局", "区医保局", GOV, quota=(8, 10), area="医疗保障", founded=2019,
         duties=("拟订全区医疗保障政策并组织实施", "负责全区医疗保障基金监督管理"),
         divisions=("办公室", "待遇保障科", "医药服务管理科", "基金监管科"),
         children=(Sub("medical_insurance.service", "示例区医疗保障服务中心", "区医保中心", cls=ADM,
                       kind=UnitKind.CIVIL_SERVICE_MANAGED, quota=(10, 12), founded=2019,
                       duty="承担全区医疗保障经办服务工作", divisions=("综合科", "待遇核定科")),)),
    Body("petitions", "示例区信访局", "区信访局", GOV, quota=(8, 10), area="信访",
         duties=("负责受理、交办和督办群众来信来访", "负责全区信访形势分析和重大信访问题协调处理"),
         divisions=("办公室", "来访接待科", "督查督办科")),
    Body("data", "示例区数据资源局", "区数据资源局", GOV, quota=(10, 12), area="数据资源和政务服务",
         other_names="区政务服务管理办公室", founded=2019,
         duties=("统筹全区公共数据资源管理和数字化改革", "负责全区政务服务体系建设和管理"),
         divisions=("办公室", "数据资源科", "政务服务科", "数字化改革科"),
         children=(Sub("data.service_centre", "示例区政务服务中心", "区政务服务中心", cls=ADM,
                       kind=UnitKind.CIVIL_SERVICE_MANAGED, rank=UnitRank.VICE_SECTION, quota=(16, 20),
                       duty="承担区政务服务中心的运行管理和窗口服务工作",
                       divisions=("综合科", "窗口管理科", "12345热线科")),
                   Sub("data.bigdata", "示例区大数据发展中心", "区大数据中心", quota=(8, 10), founded=2019,
                       duty="承担全区公共数据平台建设和运行维护工作"))),
    Body("urban", "示例区城市管理局", "区城管局", GOV, quota=(22, 26), area="城市管理",
         other_names="区综合行政执法局",
         duties=("负责全区市容环境卫生和市政设施管理", "负责全区城市管理领域的综合行政执法"),
         divisions=("办公室", "市容环境卫生科", "市政设施科", "执法监督科"),
         children=(Sub("urban.sanitation", "示例区环境卫生管理中心", "区环卫中心", quota=(14, 18),
                       duty="承担全区道路保洁、垃圾收运和公厕管理工作", divisions=("综合科", "作业管理科")),)),
    Body("court", "示例区人民法院", "区法院", SystemCategory.COURT, profile=POLITICAL_LEGAL, quota=(48, 54),
         area="审判", duties=("依法审理刑事、民事、行政案件", "依法执行生效裁判"),
         divisions=("办公室", "政治部", "立案庭", "刑事审判庭", "民事审判庭", "执行局")),
    Body("procuratorate", "示例区人民检察院", "区检察院", SystemCategory.PROCURATORATE, profile=POLITICAL_LEGAL,
         quota=(34, 40), area="法律监督", duties=("依法行使检察权，对刑事、民事、行政诉讼活动实行法律监督",
                                                "依法提起公益诉讼"),
         divisions=("办公室", "政治部", "第一检察部", "第二检察部", "第三检察部")),
    Body("trade_union", "示例区总工会", "区总工会", SystemCategory.MASS, kind=UnitKind.MASS_ORG, profile=MASS,
         quota=(8, 10), area="工会", duties=("维护全区职工合法权益", "指导全区基层工会组织建设"),
         divisions=("办公室", "组织宣传部", "权益保障部"),
         children=(Sub("trade_union.service", "示例区职工服务中心", "区职工服务中心", quota=(4, 6),
                       duty="承担职工帮扶、法律援助和技能培训服务工作"),)),
    Body("youth_league", "共青团示例区委员会", "团区委", SystemCategory.MASS, kind=UnitKind.MASS_ORG, profile=MASS,
         quota=(6, 7), area="共青团", duties=("负责全区团的组织建设和青少年思想引领", "维护青少年合法权益"),
         divisions=("办公室", "青少年工作部"),
         children=(Sub("youth_league.palace", "示例区青少年宫", "区青少年宫", quota=(10, 14), founded=1986,
                       duty="承担青少年校外教育和活动组织工作"),)),
    Body("women", "示例区妇女联合会", "区妇联", SystemCategory.MASS, kind=UnitKind.MASS_ORG, profile=MASS,
         quota=(6, 7), area="妇女", duties=("维护妇女儿童合法权益", "指导全区基层妇联组织建设"),
         divisions=("办公室", "妇女发展部"),
         children=(Sub("women.centre", "示例区妇女儿童活动中心", "区妇儿中心", quota=(4, 6),
                       duty="承担妇女儿童教育培训和活动服务工作"),)),
)

# 街道: name, founded, 副处级 (高配)?, quota range.
STREETS: tuple[tuple[str, int, bool, tuple[int, int]], ...] = (
    ("城东", 2001, True, (50, 56)), ("城西", 2001, True, (48, 54)), ("南湖", 2001, False, (36, 42)),
    ("北山", 2001, False, (34, 38)), ("文华", 2004, False, (32, 36)), ("新桥", 2008, False, (30, 34)),
    ("柳岸", 2013, False, (30, 32)), ("金沙", 2016, False, (30, 32)),
)
STREET_DIVISIONS = ("党政综合办公室", "党建工作办公室", "经济发展办公室", "社会事务办公室", "平安建设办公室",
                    "城市管理办公室")


def street_bodies() -> tuple[Body, ...]:
    """The eight 街道办事处, each with its 社区服务中心 and 综合行政执法队 (承担行政职能事业单位)."""
    bodies = []
    for name, founded, senior, quota in STREETS:
        key = f"street.{name}"
        bodies.append(Body(
            key, f"示例区{name}街道办事处", f"{name}街道", SystemCategory.STREET, profile=STREET,
            rank=UnitRank.VICE_DIVISION if senior else UnitRank.SECTION, quota=quota, area="基层治理",
            founded=founded, charter_year=2020, other_names=f"中共示例区{name}街道工作委员会",
            duties=(f"负责{name}街道辖区党的建设和基层治理", "负责辖区公共服务、公共管理和公共安全工作",
                    "负责辖区经济发展服务和社区建设"),
            divisions=STREET_DIVISIONS,
            children=(
                Sub(f"{key}.community", f"示例区{name}街道社区服务中心", f"{name}社区服务中心", quota=(8, 12),
                    duty="承担辖区社区服务、党群服务和便民服务工作", divisions=("综合科", "便民服务科")),
                Sub(f"{key}.enforcement", f"示例区{name}街道综合行政执法队", f"{name}综合执法队", cls=ADM,
                    quota=(8, 12), duty="承担辖区综合行政执法工作"),
            ),
        ))
    return tuple(bodies)


ALL_BODIES: tuple[Body, ...] = BODIES + street_bodies()

FOUNDING_DATE = date(2001, 3, 18)  # when 示例区 was set up; bodies founded in 2001 date from it


def name_of(key: str) -> str:
    """The full name of the body or institution with this key."""
    for body in ALL_BODIES:
        if body.key == key:
            return body.name
        for sub in body.children:
            if sub.key == key:
                return sub.name
    raise KeyError(key)
