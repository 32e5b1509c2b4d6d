"""Uploaded files: the names they are stored under, and the checks an Office Open XML file (xlsx, docx) passes
before any parser opens it.

An .xlsx or .docx is a zip of XML parts. A small zip can inflate to gigabytes (a "zip bomb"), and an XML part can
declare entities that expand exponentially ("billion laughs") or name external files. Neither has a place in a
genuine workbook: Office never writes a DTD, and a roster of a district inflates to a few dozen MB at most. So the
central directory is read first (sizes, count, ratio) and each XML part is streamed, bounded, looking for a DTD.
"""

import uuid
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import IO, Any

from bianban.core.exceptions import ValidationFailed
from bianban.core.text import CONTROL_CHARACTERS

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # bytes, all parts together
MAX_RATIO = 200  # uncompressed / compressed for the archive as a whole; real workbooks stay under ~30
MAX_PARTS = 10_000
_CHUNK = 1024 * 1024


def original_name(uploaded_file: Any) -> str:
    """The name the user gave the file, for display and downloads only: its last path segment, without control
    characters, at most 255 characters."""
    raw = (getattr(uploaded_file, "name", "") or "").replace("\\", "/")
    name = CONTROL_CHARACTERS.sub("", PurePosixPath(raw).name).strip()
    return (name or "file")[-255:]


def stored_name(original: str) -> str:
    """The name a file is stored under: random, with the original's extension when that is plain ASCII. The user's
    name never reaches the file system (no path tricks, no clashes, nothing to guess)."""
    suffix = PurePosixPath(original).suffix.lower()
    if not (suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 10):
        suffix = ""
    return f"{uuid.uuid4().hex}{suffix}"


def check_ooxml(data: IO[bytes], *, field: str = "file") -> None:
    """Refuse (ValidationFailed, Chinese) an xlsx/docx that inflates too far, holds too many parts, or carries a DTD
    in any XML part. `data` is a seekable binary file; it is left at position 0."""
    data.seek(0, 2)
    compressed = max(data.tell(), 1)
    data.seek(0)
    try:
        with zipfile.ZipFile(data) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if len(infos) > MAX_PARTS or total > MAX_UNCOMPRESSED or total > compressed * MAX_RATIO:
                raise ValidationFailed.on(field, "文件解压后过大或结构异常（疑似压缩炸弹），已拒绝")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and _declares_dtd(archive, info):
                    raise ValidationFailed.on(field, "文件含有XML实体声明（DTD），不是正常的Office文件，已拒绝")
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError, OSError):
        # Corrupt, encrypted (RuntimeError) or in a compression zipfile does not know: no parser will do better.
        raise ValidationFailed.on(field, "文件无法读取，不是有效的Office文件") from None
    finally:
        data.seek(0)


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part holds `<!DOCTYPE` or `<!ENTITY`, read in chunks (at most the declared size: the central
    directory was bounded already, and a part that inflates past its declared size fails zipfile's own check). A
    UTF-16 part counts as one: Office writes UTF-8, and a byte search could not see a DTD in it."""
    tail = b""
    with archive.open(info) as part:
        first = part.read(_CHUNK)
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            return True  # UTF-16: Office writes UTF-8, and a byte search could not see a DTD in it
        chunk = first
        while chunk:
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-16:]
            chunk = part.read(_CHUNK)
    return False
