from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class RetirementCategory(models.TextChoices):
    """原法定退休年龄类别 (domain.md §5): which original age the 2025 schedule starts from. For a woman it
    depends on her post at retirement (管理/专技 55, 工勤 50), not on her sex alone, so it is stored."""

    MALE_60 = "MALE_60", "男职工（原60周岁）"
    FEMALE_55 = "FEMALE_55", "女干部（原55周岁）"
    FEMALE_50 = "FEMALE_50", "女工人（原50周岁）"


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    JUNIOR_COLLEGE = "junior_college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    OTHER = "other", "其他"


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", "中共党员"
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL_MEMBER = "cyl_member", "共青团员"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派"
    NON_PARTY = "non_party", "无党派人士"
    MASSES = "masses", "群众"


# GB/T 3304 民族 names, the full form the 实名制 templates ask for ("汉族", not "汉").
ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族",
    "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族",
    "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
    "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族",
    "门巴族", "珞巴族", "基诺族",
]
ETHNICITY_CHOICES = [(e, e) for e in ETHNICITIES] + [("其他", "其他"), ("外国血统", "外国血统")]
