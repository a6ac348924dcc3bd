"""Reads of contacts: a company's (seen by the company and its ACTIVE partners) and a
customer's (seen by who reads that customer's CONTACT group)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from graph.queries.contacts import (
    CONTACTS_BY_IDS_QUERY,
    CONTACTS_OF_COMPANIES_QUERY,
    CONTACTS_OF_CUSTOMERS_QUERY,
)
from graph.readers._base import AggregateReader, Page, PageArgs, Props, ReadScope, grouped
from graph.readers.customers import CustomerReader, CustomerRow
from policy import FieldGroup, sees_company_contacts


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: str
    props: Props
    #: For a customer's contact looked up by id: the customer row whose CONTACT group
    #: made it visible (its links are what the read counts against). None otherwise.
    customer: CustomerRow | None = None


class ContactReader(AggregateReader):
    ORDERING = "contacts:NAME:ASC"

    def __init__(self, scope: ReadScope, customers: CustomerReader) -> None:
        super().__init__(scope)
        self._customers = customers
        self._contacts = self._loader("contacts", self._load_contacts)
        self._company_contact_pages = self._loader(
            "company_contact_pages", self._load_company_contact_pages
        )
        self._customer_contact_pages = self._loader(
            "customer_contact_pages", self._load_customer_contact_pages
        )

    async def contact(self, contact_id: str) -> ContactRow | None:
        result: ContactRow | None = await self._contacts.load(contact_id)
        return result

    async def contacts_of_company(self, company_id: str, args: PageArgs) -> Page[ContactRow]:
        if not sees_company_contacts(
            self.viewer.company_id, company_id, self.viewer.active_partners
        ):
            return Page[ContactRow].empty()
        result: Page[ContactRow] = await self._company_contact_pages.load((company_id, args))
        return result

    async def contacts_of_customer(self, customer_id: str, args: PageArgs) -> Page[ContactRow]:
        """Caller checks the CONTACT group of the customer first."""
        result: Page[ContactRow] = await self._customer_contact_pages.load((customer_id, args))
        return result

    async def _load_contacts(self, ids: Sequence[str]) -> list[ContactRow | None]:
        rows = [r["row"] for r in await self._read(CONTACTS_BY_IDS_QUERY, {"ids": list(ids)})]
        # Contacts of customers follow the customer's CONTACT group: one more
        # batched read for all of them (node lookups of contacts only).
        customer_ids = sorted({r["customer"] for r in rows if r.get("customer")})
        customers = await self._customers.customers_by_ids(customer_ids) if customer_ids else []
        readable = {c.id: c for c in customers if c is not None and FieldGroup.CONTACT in c.groups}
        found: dict[str, ContactRow] = {}
        for r in rows:
            company = r.get("company")
            visible = (
                sees_company_contacts(self.viewer.company_id, company, self.viewer.active_partners)
                if company
                else r.get("customer") in readable
            )
            if visible:
                found[r["id"]] = ContactRow(r["id"], r["props"], readable.get(r.get("customer")))
        return [found.get(i) for i in ids]

    async def _contact_pages(
        self, query: LiteralString, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[ContactRow]]:
        async def run(args: PageArgs, parents: list[str]) -> dict[str, Page[ContactRow]]:
            params = self.paging.params(self.ORDERING, args)
            params["parents"] = [{"key": p} for p in parents]
            return {
                r["key"]: self.paging.page(
                    self.ORDERING,
                    args,
                    r["total"],
                    r["page"],
                    lambda c: ContactRow(c["id"], c["props"]),
                )
                for r in await self._read(query, params)
            }

        return await grouped(keys, group_of=lambda k: k[1], parent_of=lambda k: k[0], run=run)

    async def _load_company_contact_pages(
        self, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[ContactRow]]:
        return await self._contact_pages(CONTACTS_OF_COMPANIES_QUERY, keys)

    async def _load_customer_contact_pages(
        self, keys: Sequence[tuple[str, PageArgs]]
    ) -> list[Page[ContactRow]]:
        return await self._contact_pages(CONTACTS_OF_CUSTOMERS_QUERY, keys)
