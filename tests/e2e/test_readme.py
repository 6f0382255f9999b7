"""Every SQL example in the README runs against the seed warehouse and returns rows."""

from __future__ import annotations

import re

import pytest

from akhbar.storage import Warehouse
from tests.conftest import REPO

pytestmark = pytest.mark.e2e
QUERIES = re.findall(r"```sql\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_three_queries():
    assert len(QUERIES) >= 3


@pytest.mark.parametrize("query", QUERIES, ids=[f"q{i}" for i in range(len(QUERIES))])
def test_readme_query_runs(seed_warehouse, query):
    frame = Warehouse(seed_warehouse[0]).query(query)
    assert frame.height >= 1
