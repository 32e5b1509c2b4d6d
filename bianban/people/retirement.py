"""Statutory retirement age and month under the 2025 rules (domain.md §5).

Source: 《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》 (adopted 2024-09-13, in force
2025-01-01), annex 《国务院关于渐进式延迟法定退休年龄的办法》 Art. 1 (办法第一条): "男职工和原法定退休年龄为五十五周岁
的女职工，法定退休年龄每四个月延迟一个月，分别逐步延迟至六十三周岁和五十八周岁；原法定退休年龄为五十周岁的女职工，
法定退休年龄每二个月延迟一个月，逐步延迟至五十五周岁。" https://www.gov.cn/yaowen/liebiao/202409/content_6974294.htm

Everything is at month granularity: the day of birth is ignored, and the result is the first day of the month.
"""

from dataclasses import dataclass
from datetime import date

from bianban.people.choices import RetirementCategory, Sex


@dataclass(frozen=True)
class Schedule:
    """One row of 办法第一条: the original age, the first affected birth month, how many birth months share
    one month of delay, and the most delay there will ever be."""

    original_age: int  # years
    start: tuple[int, int]  # (year, month) of the first birth month whose retirement is delayed
    step: int  # birth months per month of delay
    max_delay: int  # months

    @property
    def final_age_months(self) -> int:
        return self.original_age * 12 + self.max_delay


# (A, start, step, max) per category; start = 2025 − A, January: the first cohort whose original retirement
# month falls on or after 2025-01.
SCHEDULES: dict[str, Schedule] = {
    RetirementCategory.MALE_60: Schedule(60, (1965, 1), 4, 36),  # → 63
    RetirementCategory.FEMALE_55: Schedule(55, (1970, 1), 4, 36),  # → 58
    RetirementCategory.FEMALE_50: Schedule(50, (1975, 1), 2, 60),  # → 55
}


def _schedule(category: str) -> Schedule:
    try:
        return SCHEDULES[category]
    except KeyError:
        raise ValueError(f"unknown retirement category: {category!r}") from None


def retirement_delay_months(birth: date, category: str) -> int:
    """Months by which the 2025 rules delay retirement for someone born in `birth`'s month."""
    schedule = _schedule(category)
    start_year, start_month = schedule.start
    k = (birth.year - start_year) * 12 + (birth.month - start_month) + 1  # 1 for the first affected month
    if k <= 0:
        return 0
    return min(-(-k // schedule.step), schedule.max_delay)  # ceil(k / step), capped


def retirement_age(birth: date, category: str) -> tuple[int, int]:
    """The statutory retirement age as (years, months)."""
    total = _schedule(category).original_age * 12 + retirement_delay_months(birth, category)
    return divmod(total, 12)


def retirement_month(birth: date, category: str) -> date:
    """The first day of the month in which the person reaches the statutory retirement age."""
    years, months = retirement_age(birth, category)
    index = birth.year * 12 + (birth.month - 1) + years * 12 + months
    return date(index // 12, index % 12 + 1, 1)


def default_category(sex: str) -> str:
    """Men are MALE_60; a woman defaults to 女干部 (55), since 机关事业单位 staff in 管理/专技 posts count as
    干部; 工勤 women (50) must be set explicitly."""
    return RetirementCategory.MALE_60 if sex == Sex.MALE else RetirementCategory.FEMALE_55


def allowed_categories(sex: str) -> list[str]:
    if sex == Sex.MALE:
        return [RetirementCategory.MALE_60]
    return [RetirementCategory.FEMALE_55, RetirementCategory.FEMALE_50]


def format_age(years: int, months: int) -> str:
    """60周岁 / 60周岁1个月."""
    return f"{years}周岁{months}个月" if months else f"{years}周岁"
