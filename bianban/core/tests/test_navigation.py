"""The menu marks the one item whose page the user is on, even when another item's URL is a prefix of it."""

from bianban.core.navigation import menu_for


def test_only_the_longest_matching_item_is_active() -> None:
    menu = menu_for(lambda perm: True, "/party/activities/12/")
    active = [i["label"] for s in menu for i in s["items"] if i["active"]]
    assert active == ["三会一课与活动"]
    assert [s["label"] for s in menu if s["active"]] == ["党建工作"]
    assert [i["label"] for s in menu for i in s["items"] if i["active"]] == active
    home = menu_for(lambda perm: True, "/party/b/1/")
    assert [i["label"] for s in home for i in s["items"] if i["active"]] == ["党支部与党员"]


def test_every_item_of_the_menu_leads_to_a_page() -> None:
    items = [item for section in menu_for(lambda perm: True, "/") for item in section["items"]]
    assert items and all(item["url"].startswith("/") for item in items), [i for i in items if i["url"] == "#"]
