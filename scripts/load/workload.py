"""The operations of the mixed workload: what portal users do most, reads and writes.

Vendor staff (co-000001) read their customers, deals waiting for a decision,
oversight, a scorecard and the network; partner users (co-000002, its HIGH
partner under pa-000001) read what is shared with them and the catalogue, and
register deals, request MDF and record course completions. Every create has
an idempotency key, as a real client's retries would.
"""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def gid(type_name: str, graph_id: str) -> str:
    return base64.b64encode(f"{type_name}:{graph_id}".encode()).decode()


VENDOR_USERS = ("us-000001", "us-000002", "us-000003", "us-000004", "us-000005")
PARTNER_USERS = ("us-000006", "us-000007", "us-000009")
PARTNERSHIP = gid("Partnership", "pa-000001")
VENDOR = gid("Company", "co-000001")
PARTNER = gid("Company", "co-000002")
COURSE = gid("Course", "cs-000001")


@dataclass(frozen=True)
class Operation:
    name: str
    user: str
    query: str
    variables: dict[str, Any]
    write: bool = False


READS: dict[str, tuple[Sequence[str], str, dict[str, Any]]] = {
    "viewer": (VENDOR_USERS + PARTNER_USERS, "{ viewer { role company { name } } }", {}),
    "customers": (
        VENDOR_USERS + PARTNER_USERS,
        "{ customers(first: 20) { edges { node { name industry email access { groups } } } } }",
        {},
    ),
    "deals_waiting": (
        ("us-000001", "us-000002"),
        "{ opportunities(first: 20, status: SUBMITTED) { totalCount "
        "edges { node { title amount customer { name } } } } }",
        {},
    ),
    "oversight": (
        ("us-000001", "us-000002", "us-000004"),
        "{ oversight { scope deals { count } } }",
        {},
    ),
    "scorecard": (
        ("us-000001", "us-000006"),
        "query($id: ID!) { partnership(id: $id) { scorecard { composite recommendedTier } } }",
        {"id": PARTNERSHIP},
    ),
    "catalogue": (
        PARTNER_USERS,
        "query($id: ID!) { company(id: $id) { products(first: 20) "
        "{ edges { node { name price } } } } }",
        {"id": VENDOR},
    ),
    "network": (("us-000001",), "{ network(depth: 2) { nodes { distance } } }", {}),
}

REGISTER = """mutation($input: RegisterDealInput!) { registerDeal(input: $input) { id status } }"""
MDF = """mutation($input: RequestMdfInput!) { requestMdf(input: $input) { id status } }"""
COMPLETION = """mutation($course: ID!, $score: Int!) {
  recordCourseCompletion(courseId: $course, score: $score) { score } }"""

#: Relative frequency: a portal is read far more than it is written.
WEIGHTS = {
    "viewer": 10,
    "customers": 20,
    "deals_waiting": 8,
    "oversight": 5,
    "scorecard": 5,
    "catalogue": 10,
    "network": 2,
    "register_deal": 4,
    "request_mdf": 2,
    "course_completion": 2,
}


class Workload:
    def __init__(self, partner_customers: Sequence[str], rng: random.Random) -> None:
        self.customers = list(partner_customers)
        self.rng = rng
        self.names = list(WEIGHTS)
        self.weights = [WEIGHTS[n] for n in self.names]

    def next(self) -> Operation:
        name = self.rng.choices(self.names, self.weights)[0]
        if name in READS:
            users, query, variables = READS[name]
            return Operation(name, self.rng.choice(users), query, variables)
        if name == "register_deal":
            return Operation(
                name,
                "us-000009",
                REGISTER,
                {
                    "input": {
                        "partnershipId": PARTNERSHIP,
                        "customerId": self.rng.choice(self.customers),
                        "title": "Load test deal",
                        "amount": float(self.rng.randint(1_000, 50_000)),
                        "idempotencyKey": uuid.uuid4().hex,
                    }
                },
                write=True,
            )
        if name == "request_mdf":
            return Operation(
                name,
                "us-000009",
                MDF,
                {
                    "input": {
                        "partnershipId": PARTNERSHIP,
                        "campaign": "Load test campaign",
                        "amount": 1.0,
                        "idempotencyKey": uuid.uuid4().hex,
                    }
                },
                write=True,
            )
        return Operation(
            name,
            self.rng.choice(PARTNER_USERS),
            COMPLETION,
            {"course": COURSE, "score": self.rng.randint(40, 100)},
            write=True,
        )
