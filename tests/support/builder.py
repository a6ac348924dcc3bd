"""Hand-built graphs for tests: a small fluent builder over ``GraphData``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from graph.generator.model import GraphData

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime.now(UTC)
PAST = NOW - timedelta(days=30)
FUTURE = NOW + timedelta(days=365)


@dataclass
class Builder:
    data: GraphData = field(default_factory=GraphData)
    _ids: dict[str, count[int]] = field(default_factory=dict)

    def _id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids.setdefault(prefix, count(1))):06d}"

    def company(self, name: str | None = None, **props: Any) -> str:
        cid = self._id("co")
        self.data.companies.append(
            {
                "id": cid,
                "name": name or f"Company {cid}",
                "domain": f"{cid}.example",
                "industry": "Software",
                "country": "DE",
                "employees": 100,
                "description": f"About {cid}",
                "createdAt": EPOCH,
                **props,
            }
        )
        return cid

    def user(self, company: str, role: str = "EXECUTIVE") -> str:
        uid = self._id("us")
        self.data.users.append(
            {
                "id": uid,
                "name": f"User {uid}",
                "email": f"{uid}@{company}.example",
                "role": role,
                "company": company,
            }
        )
        return uid

    def partnership(
        self,
        vendor: str,
        partner: str,
        tier: str = "HIGH",
        status: str = "ACTIVE",
        managers: tuple[str, ...] = (),
        **props: Any,
    ) -> str:
        """Consented by both companies (docs/consent.md) unless ``props`` say otherwise."""
        pid = self._id("pa")
        self.data.partnerships.append(
            {
                "id": pid,
                "tier": tier,
                "structure": "RESELLER",
                "status": status,
                "since": EPOCH,
                "currency": "EUR",
                "revenueSharePct": 12.5,
                "mdfBudget": 50000.0,
                "vendor": vendor,
                "partner": partner,
                "managers": list(managers),
                "vendorAcceptedAt": EPOCH,
                "partnerAcceptedAt": EPOCH,
                **props,
            }
        )
        return pid

    def customer(self, owner: str, **props: Any) -> str:
        cid = self._id("cu")
        n = int(cid.split("-")[1])
        self.data.customers.append(
            {
                "id": cid,
                "name": f"Customer {n:03d}",
                "domain": f"customer-{n}.example",
                "industry": ["Retail", "Banking", "Health"][n % 3],
                "region": ["EMEA", "NA", "APAC"][n % 3],
                "segment": ["SMB", "MID", "ENTERPRISE"][n % 3],
                "employees": 10 * n,
                "email": f"info@customer-{n}.example",
                "phone": f"+49 30 {n:07d}",
                "address": f"{n} Main Street",
                "annualRevenue": 1000.0 * n,
                "notes": f"internal note {n}",
                "createdAt": EPOCH + timedelta(days=n),
                "owner": owner,
                **props,
            }
        )
        return cid

    def contact(self, *, company: str | None = None, customer: str | None = None) -> str:
        cid = self._id("ct")
        self.data.contacts.append(
            {
                "id": cid,
                "name": f"Contact {cid}",
                "email": f"{cid}@example.com",
                "phone": "+1 555 0100",
                "title": "Buyer",
                "company": company,
                "customer": customer,
            }
        )
        return cid

    def link(
        self,
        owner: str,
        recipient: str,
        partnership: str,
        scope: tuple[str, ...] = ("IDENTITY", "PROFILE", "CONTACT", "FINANCIAL"),
        covers: tuple[str, ...] = (),
        all_customers: bool = False,
        expires_at: datetime | None = None,
        revoked_at: datetime | None = None,
        ceiling: tuple[str, ...] | bool | None = True,
        ceiling_all: bool | None = None,
    ) -> str:
        """``ceiling`` is what the owner accepted: True (the default) its scope, as a
        link its owner granted; None a link that never recorded a consent."""
        lid = self._id("dl")
        self.data.data_links.append(
            {
                "id": lid,
                "scope": list(scope),
                "allCustomers": all_customers,
                "ceiling": (
                    list(scope)
                    if ceiling is True
                    else None
                    if ceiling is None or ceiling is False
                    else list(ceiling)
                ),
                "ceilingAllCustomers": all_customers if ceiling_all is None else ceiling_all,
                "purpose": "joint selling",
                "createdAt": EPOCH,
                "expiresAt": expires_at,
                "revokedAt": revoked_at,
                "owner": owner,
                "recipient": recipient,
                "partnership": partnership,
                "covers": list(covers),
            }
        )
        return lid

    def sharing_policy(self, company: str, tier: str, groups: tuple[str, ...]) -> str:
        sid = self._id("sp")
        self.data.sharing_policies.append(
            {"id": sid, "tier": tier, "groups": list(groups), "company": company}
        )
        return sid

    def opportunity(
        self,
        partnership: str,
        customer: str,
        user: str,
        status: str = "SUBMITTED",
        expires_at: datetime | None = FUTURE,
        **props: Any,
    ) -> str:
        """A deal registered by the partner side of ``partnership`` (by ``user``)."""
        oid = self._id("op")
        p = next(row for row in self.data.partnerships if row["id"] == partnership)
        self.data.opportunities.append(
            {
                "id": oid,
                "title": f"Deal {oid}",
                "amount": 1000.0,
                "currency": p["currency"],
                "stage": "QUALIFICATION",
                "status": status,
                "registeredAt": PAST,
                "expiresAt": expires_at,
                "closedAt": None,
                "company": p["partner"],
                "customer": customer,
                "user": user,
                "partnership": partnership,
                "product": None,
                **props,
            }
        )
        return oid

    def product(self, vendor: str, list_price: float = 1000.0, **props: Any) -> str:
        """A product ``vendor`` sells (SELLS)."""
        pid = self._id("pr")
        self.data.products.append(
            {
                "id": pid,
                "sku": f"SKU-{pid}",
                "name": f"Product {pid}",
                "description": f"About {pid}",
                "listPrice": list_price,
                "currency": "EUR",
                "vendor": vendor,
                **props,
            }
        )
        return pid

    def course(self, vendor: str, **props: Any) -> str:
        """A course ``vendor`` offers (OFFERS); passingScore unset means the default."""
        cid = self._id("cs")
        self.data.courses.append(
            {"id": cid, "title": f"Course {cid}", "level": "BEGINNER", "vendor": vendor, **props}
        )
        return cid

    def mdf_request(
        self, partnership: str, amount: float = 1000.0, status: str = "SUBMITTED"
    ) -> str:
        """A co-marketing funds request under ``partnership`` (no requesting user)."""
        mid = self._id("md")
        self.data.mdf_requests.append(
            {
                "id": mid,
                "campaign": f"Campaign {mid}",
                "amount": amount,
                "currency": "EUR",
                "status": status,
                "requestedAt": PAST,
                "partnership": partnership,
            }
        )
        return mid

    def completion(self, user: str, course: str, score: int, at: datetime = PAST) -> None:
        """``user`` COMPLETED ``course`` with ``score``."""
        self.data.completions.append({"user": user, "course": course, "at": at, "score": score})
