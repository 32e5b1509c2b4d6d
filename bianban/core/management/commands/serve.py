"""`bianban serve`: the production server (gunicorn + whitenoise), one background-task worker and the
daily scheduler."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "启动生产服务器（gunicorn + whitenoise）和一个后台任务进程"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("BIANBAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BIANBAN_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程和定时任务")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and settings.SECRET_KEY.startswith("dev-insecure"):
            warning = "警告：未设置 SECRET_KEY 环境变量，正在使用开发用密钥，请勿用于生产环境。"
            self.stderr.write(self.style.WARNING(warning))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bianban.settings")}
        # gunicorn 27 opens a control socket under ~/.gunicorn unless told not to.
        web = [
            sys.executable, "-m", "gunicorn", "bianban.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}", "--workers", str(options["workers"]),
            "--no-control-socket", "--access-logfile", "-", "--timeout", "120",
        ]
        procs = [subprocess.Popen(web, env=env)]
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "bianban", "worker", "--queue-name", "*"]
            procs.append(subprocess.Popen(worker, env=env))
            procs.append(subprocess.Popen([sys.executable, "-m", "bianban", "scheduler"], env=env))
        self.stdout.write(f"编办工作平台已启动：http://{options['host']}:{options['port']}/  （Ctrl+C 停止）")

        def stop(*_: Any) -> None:
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(proc.poll() is None for proc in procs):
                time.sleep(0.5)
        finally:
            stop()
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if any(proc.returncode not in (0, -signal.SIGTERM, -signal.SIGINT) for proc in procs):
            raise CommandError("服务进程异常退出")
