"""The load script's operations are valid against the schema: a workload that drifts from
the API would measure validation errors instead of the gateway."""

from __future__ import annotations

import random

from graphql import parse, validate

from schema import build_schema
from scripts.load.workload import READS, WEIGHTS, Workload

SCHEMA = build_schema()._schema


def test_every_operation_of_the_workload_validates() -> None:
    workload = Workload(["Q3VzdG9tZXI6Y3UtMDAwMDAy"], random.Random(7))
    seen = set()
    for _ in range(500):
        op = workload.next()
        seen.add(op.name)
        assert validate(SCHEMA, parse(op.query)) == [], op.name
    assert seen == set(WEIGHTS)
    assert set(READS) < set(WEIGHTS)
