"""The text builder of the composed blocks: prose and figures in order, braces in prose kept literal, figure keys
that str.format_map can read, and the small wording helpers."""

import pytest

from bianban.reports.duty.draft import Block, BlockOrigin, Figure, Section
from bianban.reports.duty.sentences import Para, clause, listing, months_span, quoted_names, titled_names


def _figure(key: str, value: int = 6, unit: str = "次") -> Figure:
    return Figure(key=key, value=value, unit=unit, label="跟进学习")


def test_a_paragraph_renders_its_figures_and_keeps_braces_in_prose() -> None:
    p = Para().add("开展{学习}", _figure("study_follow_up"), "跟进学习；").close("。")
    block = Block(key="summary.duty", section=Section.SUMMARY, origin=BlockOrigin.GENERATED, template=p.template,
                  figures=p.figures)
    assert block.text == "开展{学习}6次跟进学习。"
    assert p.figures == (_figure("study_follow_up"),)


def test_a_key_format_map_cannot_read_is_refused() -> None:
    # "{study.follow_up}" would be read as the attribute follow_up of "study".
    with pytest.raises(ValueError, match="lower-case letters"):
        Para().add(_figure("study.follow_up"))


def test_one_key_cannot_stand_for_two_figures() -> None:
    p = Para().add(_figure("talks_heart", 4), "，", _figure("talks_heart", 4))
    assert p.template == "{talks_heart}，{talks_heart}"
    with pytest.raises(ValueError, match="two different figures"):
        p.add(_figure("talks_heart", 5))


def test_the_wording_helpers() -> None:
    assert listing(["元旦", "春节", "元旦", "清明", "五一", "端午"], limit=3) == "元旦、春节、清明等"
    assert listing(["元旦", "春节", "清明", "五一"], limit=3, etc=False) == "元旦、春节、清明"
    assert listing(["元旦", "春节"], limit=3) == "元旦、春节"
    assert months_span([7, 4, 5]) == "4月至7月" and months_span([9]) == "9月" and months_span([]) == ""
    assert quoted_names("“学先锋建新功”主题党日：学习新时代“枫桥经验”") == ["学先锋建新功", "枫桥经验"]
    assert titled_names("观看专题纪录片《选择》《刀锋》") == ["选择", "刀锋"]
    assert clause("全面学习讲话精神，撰写笔谈文章。会后交流。") == "全面学习讲话精神，撰写笔谈文章"
