"""Names and shapes for the synthetic province (synth.py): localities, the departments every level of
government has after the 2019 reform, the institutions under them, and personal names.

Everything here is fictional but shaped like a real register: "临江市河西区教育局" under "临江市河西区人民政府",
"临江市河西区第三小学" under the bureau. Departments are listed in the order a smaller synthetic province keeps
them (the first `n` of the list), so that a tiny run still has a 编办, an education bureau and a health bureau.
"""

from dataclasses import dataclass

from bianban.units.choices import Funding, InstitutionClass, QuotaKind, SystemCategory, UnitKind

PROVINCES = ("东川", "西岭", "南陵", "北原", "中州", "云泽", "青峦", "江右")
# Two-character place names for cities, counties and streets; drawn without replacement within one parent.
PLACES = (
    "临江", "安平", "青山", "白河", "长宁", "永和", "清源", "丰乐", "明湖", "松阳", "桐川", "兰溪",
    "望海", "宁远", "泰和", "云台", "石门", "凤鸣", "金川", "玉泉", "广德", "怀仁", "东阳", "西平",
    "南丰", "北流", "新昌", "富春", "定远", "崇安", "龙泉", "鹤山", "平江", "仙居", "宜春", "秀山",
    "乐安", "文昌", "武宁", "华容", "庆元", "德兴", "开化", "遂安", "建德", "丹霞", "碧溪", "槐荫",
    "柳林", "梅岭", "竹山", "荷塘", "桂阳", "枫桥", "桃源", "杏坛", "栖霞", "沙河", "洛川", "汉阴",
    "淮安", "泗水", "汾阳", "渭南", "漳浦", "沅陵", "湘东", "赣西", "闽清", "黔江", "滇池", "秦岭",
    "楚雄", "越城", "吴江",
)
# District names of a city (区 first, then counties named from PLACES).
DISTRICTS = ("城东区", "城西区", "河东区", "河西区", "新城区", "高新区", "南湖区", "北塘区", "经开区", "滨江区")
STREETS = ("城关", "东关", "西城", "北苑", "南湖", "中山", "人民路", "解放路", "新华", "建设", "朝阳", "文化路",
           "和平", "胜利", "光明", "幸福")

ADM, PL, INS, WORKER = (QuotaKind.ADMINISTRATIVE, QuotaKind.POLITICAL_LEGAL, QuotaKind.INSTITUTION,
                        QuotaKind.SERVICE_WORKER)
ORGAN, MASS, INSTITUTION, CSM = (UnitKind.ORGAN, UnitKind.MASS_ORG, UnitKind.INSTITUTION,
                                 UnitKind.CIVIL_SERVICE_MANAGED)
S = SystemCategory


@dataclass(frozen=True)
class Department:
    """A body every level of government has. `names` are for (province, city, district); `size` scales the
    staff of its own quota; `weight` how many institutions it runs; `subs` the institutions it may run
    (unnumbered ones once each, then the numbered ones in turn)."""

    short: str
    names: tuple[str, str, str]
    kind: str = ORGAN
    system: str = S.GOVERNMENT
    size: float = 1.0
    quota: tuple[str, ...] = (ADM,)
    weight: float = 0.4
    subs: tuple[str, ...] = ("general",)


def _gov(short: str, size: float = 1.0, weight: float = 0.4, subs: tuple[str, ...] = ("general",),
         quota: tuple[str, ...] = (ADM,)) -> Department:
    return Department(short, (f"{short}厅", f"{short}局", f"{short}局"), size=size, weight=weight, subs=subs,
                      quota=quota)


# In order of priority: a synthetic province with few units per level keeps the first ones.
DEPARTMENTS: tuple[Department, ...] = (
    Department("办公室", ("人民政府办公厅", "人民政府办公室", "人民政府办公室"), size=1.2),
    Department("编办", ("委机构编制委员会办公室",) * 3, system=S.PARTY, size=0.5, weight=0.1),
    _gov("教育", size=0.8, weight=12.0, subs=("education",)),
    Department("卫健", ("卫生健康委员会",) * 3, size=0.8, weight=6.0, subs=("health",)),
    _gov("公安", size=4.0, weight=0.2, quota=(PL, ADM)),
    _gov("财政", size=1.2, weight=0.5),
    _gov("人力资源和社会保障", size=1.0, weight=1.0, subs=("employment",)),
    Department("发改", ("发展和改革委员会",) * 3, size=1.1, weight=0.5),
    Department("组织部", ("委组织部",) * 3, system=S.PARTY, size=0.8, weight=0.2),
    Department("宣传部", ("委宣传部",) * 3, system=S.PARTY, size=0.6, weight=0.4, subs=("media",)),
    Department("纪委监委", ("纪律检查委员会",) * 3, system=S.SUPERVISION, size=1.5, weight=0.1),
    Department("法院", ("高级人民法院", "中级人民法院", "人民法院"), system=S.COURT, size=2.5, weight=0.05,
               quota=(PL,)),
    Department("检察院", ("人民检察院",) * 3, system=S.PROCURATORATE, size=1.8, weight=0.05, quota=(PL,)),
    _gov("民政", weight=1.0, subs=("welfare",)),
    _gov("司法", size=1.2, weight=0.3, quota=(PL, ADM)),
    _gov("自然资源", size=1.2, weight=1.5, subs=("land",)),
    _gov("生态环境", weight=0.8),
    Department("住建", ("住房和城乡建设厅", "住房和城乡建设局", "住房和城乡建设局"), weight=1.0),
    _gov("交通运输", weight=1.0),
    _gov("水利", weight=1.5, subs=("water",)),
    _gov("农业农村", size=1.2, weight=2.5, subs=("farming",)),
    _gov("商务", weight=0.3),
    Department("文旅", ("文化和旅游厅", "文化和旅游局", "文化和旅游局"), weight=1.5, subs=("culture",)),
    _gov("退役军人事务", weight=0.3),
    _gov("应急管理", weight=0.5),
    _gov("审计", size=0.9, weight=0.2),
    Department("市场监管", ("市场监督管理局",) * 3, size=1.8, weight=0.8),
    Department("统计", ("统计局",) * 3, size=0.6, weight=0.2),
    Department("医保", ("医疗保障局",) * 3, size=0.6, weight=0.3),
    Department("林业", ("林业局",) * 3, size=0.6, weight=1.0, subs=("forest",)),
    Department("体育", ("体育局",) * 3, size=0.4, weight=0.4),
    Department("信访", ("信访局",) * 3, size=0.4, weight=0.1),
    Department("政法委", ("委政法委员会",) * 3, system=S.PARTY, size=0.5, weight=0.1),
    Department("统战部", ("委统一战线工作部",) * 3, system=S.PARTY, size=0.5, weight=0.1),
    Department("机关事务", ("机关事务管理局",) * 3, size=0.5, weight=0.3),
    Department("人大", ("人大常委会办公厅", "人大常委会办公室", "人大常委会办公室"), system=S.CONGRESS, size=0.8,
               weight=0.1),
    Department("政协", ("政协办公厅", "政协办公室", "政协办公室"), system=S.CPPCC, size=0.7, weight=0.1),
    Department("总工会", ("总工会",) * 3, kind=MASS, system=S.MASS, size=0.4, weight=0.2),
    Department("团委", ("共青团委员会",) * 3, kind=MASS, system=S.MASS, size=0.3, weight=0.1),
    Department("妇联", ("妇女联合会",) * 3, kind=MASS, system=S.MASS, size=0.3, weight=0.1),
    Department("科协", ("科学技术协会",) * 3, kind=MASS, system=S.MASS, size=0.3, weight=0.1),
    Department("残联", ("残疾人联合会",) * 3, kind=MASS, system=S.MASS, size=0.3, weight=0.3),
    Department("工商联", ("工商业联合会",) * 3, kind=MASS, system=S.MASS, size=0.3, weight=0.1),
    _gov("科学技术", weight=0.5),
    _gov("工业和信息化", weight=0.4),
)
STREET = Department("街道", ("", "", "街道办事处"), system=S.STREET, size=0.6, weight=0.6, subs=("street",))


@dataclass(frozen=True)
class SubType:
    """An institution a department runs: `name` has "{d}" for the department's short name and "{n}" for a
    Chinese ordinal when several are numbered."""

    name: str
    cls: str = InstitutionClass.PUBLIC_1
    kind: str = INSTITUTION
    funding: str = Funding.FULL
    size: float = 1.0
    head: tuple[str, str] = ("主任", "副主任")


P1, P2, BIZ, ADMIN = (InstitutionClass.PUBLIC_1, InstitutionClass.PUBLIC_2, InstitutionClass.BUSINESS,
                      InstitutionClass.ADMINISTRATIVE)
SCHOOL = ("校长", "副校长")
HOSPITAL = ("院长", "副院长")
CHIEF = ("队长", "副队长")
MUSEUM = ("馆长", "副馆长")
# (unnumbered, numbered) institution types per family.
SUBS: dict[str, tuple[tuple[SubType, ...], tuple[SubType, ...]]] = {
    "general": (
        (SubType("{d}事务中心"), SubType("{d}信息中心", size=0.4),
         SubType("{d}综合行政执法大队", cls=ADMIN, kind=CSM, size=1.2, head=CHIEF),
         SubType("{d}服务中心", size=0.6), SubType("{d}研究中心", cls=P2, funding=Funding.PARTIAL, size=0.5),
         SubType("{d}规划设计院", cls=BIZ, funding=Funding.SELF, size=0.8, head=HOSPITAL)),
        (SubType("{d}第{n}服务站", size=0.3),),
    ),
    "education": (
        (SubType("教师发展中心", size=0.8), SubType("教育考试院", size=0.5),
         SubType("实验幼儿园", size=1.0, head=("园长", "副园长")), SubType("职业中等专业学校", size=2.5, head=SCHOOL)),
        (SubType("第{n}中学", size=2.5, head=SCHOOL), SubType("第{n}小学", size=1.8, head=SCHOOL),
         SubType("第{n}幼儿园", size=0.8, head=("园长", "副园长")), SubType("第{n}小学", size=1.8, head=SCHOOL)),
    ),
    "health": (
        (SubType("人民医院", cls=P2, funding=Funding.PARTIAL, size=12.0, head=HOSPITAL),
         SubType("疾病预防控制中心", size=2.0), SubType("中医院", cls=P2, funding=Funding.PARTIAL, size=6.0,
                                                   head=HOSPITAL),
         SubType("妇幼保健院", cls=P2, funding=Funding.PARTIAL, size=3.0, head=HOSPITAL),
         SubType("卫生健康综合行政执法队", cls=ADMIN, kind=CSM, size=0.8, head=CHIEF)),
        (SubType("第{n}社区卫生服务中心", cls=P2, funding=Funding.PARTIAL, size=1.2),
         SubType("第{n}人民医院", cls=P2, funding=Funding.PARTIAL, size=8.0, head=HOSPITAL)),
    ),
    "employment": ((SubType("就业管理中心"), SubType("社会保险事业管理中心", size=1.5),
                    SubType("劳动保障监察支队", cls=ADMIN, kind=CSM, head=CHIEF)),
                   (SubType("第{n}公共就业服务站", size=0.3),)),
    "media": ((SubType("融媒体中心", cls=P2, funding=Funding.PARTIAL, size=2.0),),
              (SubType("第{n}新时代文明实践站", size=0.2),)),
    "welfare": ((SubType("社会福利院", size=0.8, head=HOSPITAL), SubType("救助管理站", size=0.5),
                 SubType("殡仪馆", cls=P2, funding=Funding.PARTIAL, size=0.5, head=MUSEUM)),
                (SubType("第{n}敬老院", size=0.3, head=("院长", "副院长")),)),
    "land": ((SubType("不动产登记中心", size=1.0), SubType("测绘院", cls=BIZ, funding=Funding.SELF, size=0.8,
                                                     head=HOSPITAL)),
             (SubType("第{n}自然资源所", size=0.3, head=("所长", "副所长")),)),
    "water": ((SubType("水利工程管理中心"), SubType("水文站", size=0.3, head=("站长", "副站长"))),
              (SubType("第{n}水库管理所", size=0.3, head=("所长", "副所长")),)),
    "farming": ((SubType("农业技术推广中心", size=1.0), SubType("动物疫病预防控制中心", size=0.6),
                 SubType("农业综合行政执法大队", cls=ADMIN, kind=CSM, head=CHIEF)),
                (SubType("第{n}农业技术推广站", size=0.3, head=("站长", "副站长")),)),
    "culture": ((SubType("图书馆", size=0.6, head=MUSEUM), SubType("文化馆", size=0.5, head=MUSEUM),
                 SubType("博物馆", size=0.5, head=MUSEUM)),
                (SubType("第{n}文化站", size=0.2, head=("站长", "副站长")),)),
    "forest": ((SubType("林业技术推广中心", size=0.5),),
               (SubType("第{n}国有林场", cls=P2, funding=Funding.SELF, size=0.6, head=("场长", "副场长")),)),
    "street": ((SubType("{d}便民服务中心", size=0.4), SubType("{d}综合执法队", size=0.4, head=CHIEF)),
               (SubType("{d}第{n}社区服务站", size=0.2, head=("站长", "副站长")),)),
}

# Personal names: surnames by rough national frequency (per mille), and given-name characters.
SURNAMES = {
    "王": 72, "李": 72, "张": 68, "刘": 54, "陈": 45, "杨": 32, "黄": 23, "赵": 22, "吴": 20, "周": 19, "徐": 17,
    "孙": 15, "马": 15, "朱": 14, "胡": 13, "郭": 12, "何": 12, "高": 11, "林": 11, "罗": 10, "郑": 10, "梁": 9,
    "谢": 8, "宋": 7, "唐": 7, "许": 7, "韩": 7, "冯": 7, "邓": 7, "曹": 6, "彭": 6, "曾": 6, "肖": 6, "田": 5,
    "董": 5, "袁": 5, "潘": 5, "于": 5, "蒋": 5, "蔡": 5, "余": 5, "杜": 5, "叶": 4, "程": 4, "苏": 4, "魏": 4,
    "吕": 4, "丁": 4, "任": 4, "沈": 4, "姚": 4, "卢": 4, "姜": 4, "崔": 3, "钟": 3, "谭": 3, "陆": 3, "汪": 3,
    "范": 3, "金": 3, "石": 3, "廖": 3, "贾": 3, "夏": 3, "韦": 3, "付": 3, "方": 3, "白": 3, "邹": 3, "孟": 3,
    "熊": 3, "秦": 3, "邱": 3, "江": 3, "尹": 3, "薛": 2, "闫": 2, "段": 2, "雷": 2, "侯": 2, "龙": 2, "史": 2,
    "欧阳": 1, "司马": 1, "上官": 1,
}
GIVEN_MALE = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"  # noqa: E501
GIVEN_FEMALE = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"  # noqa: E501
ETHNIC_MINORITIES = ("回族", "满族", "壮族", "土家族", "苗族", "蒙古族", "彝族", "侗族", "瑶族", "白族")

CN_DIGITS = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """一 … 九十九 for the numbered institutions ("第三小学"); larger numbers stay Arabic."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


def head_titles(name: str, level: int) -> tuple[str, str]:
    """正职/副职 titles of a body from its name: 厅长, 局长, 主任, 部长, 院长, 检察长, 主席, 书记, 省长/市长/区长."""
    if name.endswith("人民政府"):
        head = ("省长", "市长", "县长" if name.endswith("县人民政府") else "区长")[level]
        return head, "副" + head
    for suffix, title in (("检察院", "检察长"), ("法院", "院长"), ("厅", "厅长"), ("局", "局长"), ("部", "部长"),
                          ("联合会", "主席"), ("总工会", "主席"), ("协会", "主席"), ("团委员会", "书记"),
                          ("纪律检查委员会", "书记"), ("办事处", "主任")):
        if name.endswith(suffix):
            return title, "副" + title
    return "主任", "副主任"
