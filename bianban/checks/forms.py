from typing import Any

from django import forms
from django.utils import timezone

from bianban.accounts.choices import Perm
from bianban.core.forms import BootstrapFormMixin, DateInput
from bianban.units.choices import UnitStatus
from bianban.units.selectors import units_for_user


class CheckRunForm(BootstrapFormMixin, forms.Form):
    root = forms.ModelChoiceField(label="核查范围", required=False, queryset=None, empty_label="全部机构",
                                  help_text="选择机构时核查该机构及其全部下属机构")
    as_of = forms.DateField(label="核查基准日", required=False, widget=DateInput(),
                            help_text="默认今天；历史日期按当日的编制和人员状态核查，只记录发现，不登记问题台账")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root"].queryset = (units_for_user(user, Perm.CHECKS_RUN).filter(status=UnitStatus.ACTIVE)
                                        .order_by("path"))
        self.fields["as_of"].initial = timezone.localdate()
