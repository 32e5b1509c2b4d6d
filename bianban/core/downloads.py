"""Serving an uploaded file (evidence, activity photos) to a user the caller has already checked: never through
MEDIA_URL, always with the type proven on upload and `nosniff`, so a browser cannot be talked into running it."""

from typing import Any

from django.http import FileResponse, Http404


def stored_file_response(record: Any, *, inline: bool = False) -> FileResponse:
    """`record` has `file`, `original_name` and `content_type` (ledger Evidence, ActivityFile, DutyEvidence)."""
    try:
        handle = record.file.open("rb")
    except OSError:
        raise Http404("文件不存在") from None
    response = FileResponse(handle, as_attachment=not inline, filename=record.original_name,
                            content_type=record.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
