"""The --out file of `bianban report establishment|party`: checked before any work, written under a temporary name
in its directory and renamed only when complete, so a failed run leaves no file behind."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import CommandError


def xlsx_target(out: str) -> Path:
    path = Path(out).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise CommandError(f"输出文件应以 .xlsx 结尾：{out}", returncode=2)
    if path.is_dir():
        raise CommandError(f"输出路径是目录，请给出文件名：{out}", returncode=2)
    if not path.parent.is_dir():
        raise CommandError(f"输出目录不存在：{path.parent}", returncode=2)
    return path


def write_whole(path: Path, data: bytes) -> None:
    temp: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        temp = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise CommandError(f"无法写入文件“{path}”：{exc.strerror or exc}", returncode=2) from None
