"""Evidence file checks: size and type, decided by the bytes, not by the name."""

import io
import zipfile
from typing import Any

from django.conf import settings

from bianban.core.exceptions import ValidationFailed
from bianban.core.uploads import check_ooxml

# Extension → content type the bytes must prove.
_ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
}
ALLOWED_LABEL = "PDF、PNG、JPG、DOCX、XLSX、TXT"


def max_bytes() -> int:
    return int(settings.BIANBAN.get("EVIDENCE_MAX_MB", 20)) * 1024 * 1024


def _sniff(head: bytes, data_file: Any) -> str | None:
    """The content type the bytes are, among the allowed ones; None when they are none of them."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        data_file.seek(0)
        try:
            with zipfile.ZipFile(data_file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return _ALLOWED[".docx"]
        if any(n.startswith("xl/") for n in names):
            return _ALLOWED[".xlsx"]
        return None
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return None
    return "text/plain"


def check_evidence_file(uploaded_file: Any) -> str:
    """The file's verified content type; ValidationFailed (Chinese) when too big or not an allowed type."""
    name = getattr(uploaded_file, "name", "") or ""
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    if size == 0:
        raise ValidationFailed.on("file", "文件为空")
    limit = max_bytes()
    if size > limit:
        raise ValidationFailed.on("file", f"文件过大：不得超过{limit // (1024 * 1024)}MB")
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = _ALLOWED.get(ext)
    if expected is None:
        raise ValidationFailed.on("file", f"不支持的文件类型，只接受{ALLOWED_LABEL}")
    uploaded_file.seek(0)
    head = uploaded_file.read(4096)
    actual = _sniff(head, uploaded_file)
    uploaded_file.seek(0)
    if actual != expected:
        raise ValidationFailed.on("file", f"文件内容与扩展名“{ext}”不符或不是允许的类型，只接受{ALLOWED_LABEL}")
    if ext in (".docx", ".xlsx"):
        check_ooxml(uploaded_file)
    return actual
