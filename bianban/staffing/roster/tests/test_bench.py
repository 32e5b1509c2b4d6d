"""The benchmark helper builds a valid roster against units and lines it creates, and imports all of it."""

import pytest

from bianban.staffing.models import Placement
from bianban.staffing.roster.bench import bench_roster_import

pytestmark = pytest.mark.django_db


def test_the_benchmark_imports_every_row_it_generates():
    measured = bench_roster_import(40, isolated=False, units=4)
    assert measured["errors"] == [] and measured["imported"] == 40 == measured["rows"]
    assert measured["seconds"] > 0 and measured["peak_heap_mb"] > 0
    assert Placement.objects.count() == 40
