"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Skipped, with the reason printed, where /usr/bin/chromium is missing (`.ci/run` installs it).
"""

import os
from pathlib import Path
from typing import Any

import pytest

from bianban.conftest import PASSWORD, district, secretary, staff  # noqa: F401  (shared personas)
from bianban.core.browser import CHROMIUM, CHROMIUM_ARGS, chromium_available

# Django's live_server runs in a thread beside Playwright's sync API, which Django sees as async context.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"未找到 Chromium（{CHROMIUM}），跳过浏览器测试；apt-get install chromium 后可运行")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1400, "height": 900}}


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def login(live_server: Any, page: Any) -> Any:
    def do(user: Any) -> Any:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do
