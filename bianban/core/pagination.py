"""Pagination for list pages; the API uses ninja's limit/offset pagination instead."""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: Any, per_page: int | None = None) -> dict[str, Any]:
    """The page asked for by `?page=` (out-of-range pages give the last), and the query string to keep."""
    paginator = Paginator(queryset, per_page or settings.BIANBAN["PAGE_SIZE"])
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return {"page_obj": page_obj, "query_without_page": f"{encoded}&" if encoded else ""}
