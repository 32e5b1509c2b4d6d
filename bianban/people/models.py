"""Persons of the real-name register (实名制): identity, ID number and statutory retirement month."""

from django.db import models

from bianban.people.choices import ETHNICITY_CHOICES, Education, PoliticalStatus, RetirementCategory, Sex
from bianban.people.id_sql import id_number_valid_expression


class Person(models.Model):
    """One natural person, identified by the 公民身份号码.

    `birth_date` and `sex` are derived from the ID number and must agree with it. `retirement_month` (the
    first day of the month of statutory retirement under the 2025 rules) is computed by the services and
    stored, indexed, so that verification can find everyone past it with one range query.
    `unit` is the unit that keeps the person's file (所在单位); which quota slot they fill is staffing's
    business.
    """

    name = models.CharField("姓名", max_length=50, db_index=True)
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    # Computed and stored by the database on every write (see id_sql.py); verification reads it through the
    # partial index below.
    id_number_valid = models.GeneratedField(expression=id_number_valid_expression(),
                                            output_field=models.BooleanField("身份证号码校验通过"), db_persist=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=16, choices=ETHNICITY_CHOICES, default="汉族")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    education = models.CharField("学历", max_length=32, choices=Education.choices, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=32, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    retirement_category = models.CharField("原法定退休年龄类别", max_length=16, choices=RetirementCategory.choices)
    retirement_month = models.DateField("法定退休时间", db_index=True)
    unit = models.ForeignKey(
        "units.Unit", verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["id"], condition=models.Q(id_number_valid=False),
                                name="person_invalid_id_number")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sex=Sex.MALE, retirement_category=RetirementCategory.MALE_60)
                | models.Q(sex=Sex.FEMALE) & ~models.Q(retirement_category=RetirementCategory.MALE_60),
                name="person_retirement_category_matches_sex",
                violation_error_message="退休年龄类别与性别不符",
            ),
        ]

    def __str__(self) -> str:
        return self.name
