"""Printed before the test suite runs: which database it uses and which parts it cannot run here, plainly."""

import os
import shutil
import sys

from bianban.core.browser import CHROMIUM


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    database = "PostgreSQL" if url.startswith(("postgres", "postgresql")) else "SQLite"
    lines = [f"测试数据库: {database}"]
    if database == "SQLite":
        lines.append("未在 PostgreSQL 上运行（设置 DATABASE_URL=postgres://… 后再次 make test；"
                     ".ci/run 会自动两种都跑）")
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        lines.append(f"跳过浏览器测试 e2e/：未找到 {CHROMIUM}（apt-get install chromium 后可运行）")
    if not shutil.which("soffice"):
        lines.append("跳过述职报告转 PDF 的实际转换测试：未找到 soffice（apt-get install libreoffice-writer 后可运行）")
    print("\n".join(f"[bianban] {line}" for line in lines), file=sys.stderr)


if __name__ == "__main__":
    main()
