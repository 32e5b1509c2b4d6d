"""Building blocks for realistic demo identities: Chinese names, 公民身份号码, 统一社会信用代码, phone numbers.

Everything takes a `random.Random` so that the same seed always gives the same district.
"""

import random
from datetime import date

from stdnum.cn import ric, uscc

# Surnames weighted roughly by their share of the population (per mille, 2020 census ranking), with the
# surnames of 浙江 (沈、钱、俞、楼、应、章…) a little more common than nationally.
SURNAMES: dict[str, float] = {
    "王": 71, "李": 70, "张": 67, "刘": 51, "陈": 60, "杨": 32, "黄": 25, "赵": 22, "吴": 28, "周": 24,
    "徐": 20, "孙": 14, "马": 13, "朱": 16, "胡": 14, "郭": 11, "何": 11, "林": 12, "高": 10, "罗": 9,
    "郑": 10, "梁": 8, "谢": 8, "宋": 7, "唐": 7, "许": 8, "韩": 6, "冯": 6, "邓": 6, "曹": 6,
    "彭": 6, "曾": 5, "肖": 5, "田": 5, "董": 5, "袁": 5, "潘": 6, "于": 4, "蒋": 6, "蔡": 5,
    "余": 5, "杜": 4, "叶": 6, "程": 4, "苏": 4, "魏": 4, "吕": 4, "丁": 4, "任": 4, "沈": 7,
    "姚": 4, "卢": 3, "姜": 3, "崔": 3, "钟": 3, "谭": 3, "陆": 4, "汪": 4, "范": 3, "金": 4,
    "石": 3, "廖": 2, "贾": 2, "夏": 3, "韦": 2, "付": 2, "方": 4, "白": 2, "邹": 2, "孟": 2,
    "熊": 2, "秦": 2, "邱": 2, "江": 2, "尹": 2, "薛": 2, "闫": 2, "段": 2, "雷": 2, "侯": 2,
    "龙": 1.5, "史": 1.5, "陶": 1.5, "黎": 1.5, "贺": 1.5, "顾": 2, "毛": 2, "郝": 1.3, "龚": 1.3, "邵": 2,
    "万": 1.2, "钱": 3, "严": 1.5, "武": 1.1, "戴": 1.5, "莫": 1, "孔": 1, "俞": 2.5, "楼": 2, "应": 1.5,
    "章": 2, "童": 1.5, "屠": 0.8, "裘": 0.6, "诸葛": 0.2, "欧阳": 0.4, "上官": 0.1, "司马": 0.1,
}

# Given-name characters by sex and generation: names follow fashions (建国、红英 then 伟、静 then 子轩、梓涵).
_MALE = {
    "old": "建国华明军平林强伟勇东海忠国庆志荣学斌卫新春根宝祥兴良福德雄",
    "mid": "伟磊涛斌超杰刚辉鹏飞峰军亮波斌勇健俊凯毅华锋晖宁峻彬栋君浩",
    "young": "浩宇轩睿泽宇晨博昊然哲铭航凯旭杰俊帆翔鑫逸涵阳骏霖楷瀚文",
}
_FEMALE = {
    "old": "红英芬萍华霞玲丽美芳珍琴兰凤秀娟梅云燕素月仙娥菊翠",
    "mid": "静敏燕丽娟霞婷慧洁颖琳晶丹蓉萍雪玲佳莉艳红倩芳蕾琼娜",
    "young": "欣怡涵悦雯瑶璐雅楠露诗梦婧琪菲萱妍彤馨蕊晗佳颖可妮钰",
}
_MIDDLE = {
    "old": "建国红美小雪秀金志国立永",
    "mid": "晓海春丽文志俊伟云玉建亚丹",
    "young": "子梓思一嘉欣雨佳宇语可诗俊若",
}


def _generation(birth_year: int) -> str:
    if birth_year < 1972:
        return "old"
    return "mid" if birth_year < 1988 else "young"


def person_name(rng: random.Random, *, female: bool, birth_year: int) -> str:
    """A surname drawn by frequency and a one- or two-character given name in the fashion of the birth year."""
    surname = rng.choices(list(SURNAMES), weights=list(SURNAMES.values()))[0]
    era = _generation(birth_year)
    last = rng.choice((_FEMALE if female else _MALE)[era])
    single = {"old": 0.35, "mid": 0.3, "young": 0.15}[era]
    if rng.random() < single:
        return surname + last
    first = rng.choice(_MIDDLE[era] + (_FEMALE if female else _MALE)[era])
    if first == last:
        first = rng.choice(_MIDDLE[era])
    return surname + first + last


# 地址码 (GB/T 2260) of the counties people come from, with the 籍贯 we record for them. Most staff of a
# 杭州 district come from 杭州 itself, many from the rest of 浙江, a few from other provinces.
HOME_REGIONS: list[tuple[str, str, float]] = [
    ("330102", "浙江杭州", 9), ("330105", "浙江杭州", 8), ("330106", "浙江杭州", 14), ("330108", "浙江杭州", 4),
    ("330109", "浙江杭州", 8), ("330110", "浙江杭州", 8), ("330111", "浙江杭州", 5), ("330122", "浙江桐庐", 4),
    ("330127", "浙江淳安", 4), ("330182", "浙江建德", 3), ("330183", "浙江杭州", 3),
    ("330602", "浙江绍兴", 3), ("330681", "浙江诸暨", 2.5), ("330203", "浙江宁波", 2), ("330281", "浙江余姚", 1.5),
    ("330302", "浙江温州", 1.5), ("330402", "浙江嘉兴", 1.5), ("330502", "浙江湖州", 1.5), ("330702", "浙江金华", 1.5),
    ("330782", "浙江义乌", 1), ("330802", "浙江衢州", 1.5), ("331002", "浙江台州", 1.5), ("331102", "浙江丽水", 1),
    ("340104", "安徽合肥", 1.2), ("340822", "安徽怀宁", 0.8), ("360102", "江西南昌", 1), ("410105", "河南郑州", 0.8),
    ("320102", "江苏南京", 0.8), ("430102", "湖南长沙", 0.6), ("510104", "四川成都", 0.6), ("370102", "山东济南", 0.6),
    ("230102", "黑龙江哈尔滨", 0.4), ("420106", "湖北武汉", 0.6), ("350102", "福建福州", 0.5),
]

# 民族 other than 汉族, with 畲族 (the largest minority of 浙江) first.
MINORITIES: dict[str, float] = {"畲族": 4, "回族": 2, "满族": 2, "土家族": 1.5, "苗族": 1.5, "壮族": 1, "蒙古族": 1}


def home_region(rng: random.Random) -> tuple[str, str]:
    """(地址码, 籍贯)."""
    code, place, _ = rng.choices(HOME_REGIONS, weights=[w for *_, w in HOME_REGIONS])[0]
    return code, place


def ethnicity(rng: random.Random, *, minority_share: float = 0.025) -> str:
    if rng.random() >= minority_share:
        return "汉族"
    return rng.choices(list(MINORITIES), weights=list(MINORITIES.values()))[0]


def id_number(rng: random.Random, *, region: str, birth: date, female: bool, taken: set[str]) -> str:
    """A valid 18-digit 公民身份号码 (GB 11643): 地址码 + 出生日期码 + 顺序码 (odd for men, even for women) +
    MOD 11-2 check character. Adds the number to `taken` and never returns one already there."""
    while True:
        sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
        body = f"{region}{birth:%Y%m%d}{sequence:03d}"
        number = body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check character
        if number not in taken:
            taken.add(number)
            return number


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_check_char(body8: str) -> str:
    """Check character of a 组织机构代码 (GB 11714): C9 = 11 − (Σ value·weight mod 11); 10 → X, 11 → 0."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, *, prefix: str, region: str, taken: set[str]) -> str:
    """A valid 统一社会信用代码 (GB 32100): 登记管理部门 and 机构类别 (`prefix`, e.g. "11" for a 机关 registered
    by the 机构编制 department), the region, a 9-character 组织机构代码 with its own GB 11714 check character,
    and the GB 32100 check character. The demo's 主体标识码 all begin with "00", as many 机关 codes do."""
    while True:
        body8 = "00" + f"{rng.randrange(10**6):06d}"
        code17 = prefix + region + body8 + org_check_char(body8)
        code = code17 + uscc.calc_check_digit(code17)
        if code not in taken:
            taken.add(code)
            return code


def break_check_char(code: str) -> str:
    """The same code with a wrong GB 32100 check character (for the one legal early code that fails it)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 7) % len(alphabet)]


_MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180",
                    "181", "186", "187", "188", "189", "199")


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
