"""No mutation is an existence oracle: naming an object that exists but that the actor
may not see gets exactly the answer that naming one that does not exist gets.

One table row per id a mutation takes (an argument, or a field of its input),
each with an actor and an object of that type the actor may not see: another
company's, or its own company's but outside what the actor's role sees. Both
requests must answer alike in everything a client receives: HTTP status,
``data``, every error's message, path, locations and extensions, and the
number of Cypher statements the request ran (``extensions.stats``). The table
is checked against the schema, so a new id-taking mutation without a row
fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNamedType, get_named_type

from graph import Database
from schema import build_schema
from tests.db.conftest import GraphLoader
from tests.support.builder import Builder
from tests.support.client import Gateway, Result
from tests.support.customers import gid

b = Builder()
me = b.company("The actor's company")
partner = b.company("Its partner")
vendor = b.company("Its vendor")
x = b.company("Stranger vendor")
y = b.company("Stranger partner")

me_exec = b.user(me, "EXECUTIVE")
me_mgr = b.user(me, "MANAGER")  # manages nothing
me_rep = b.user(me, "REP")
me_rep2 = b.user(me, "REP")
partner_rep = b.user(partner, "REP")
x_mgr = b.user(x, "MANAGER")
y_rep = b.user(y, "REP")

own = b.partnership(me, partner, tier="MEDIUM")  # the actor's company is the vendor
upstream = b.partnership(vendor, me, tier="MEDIUM")  # ... and the partner
theirs = b.partnership(x, y, tier="MEDIUM")  # nobody at `me` sees it

my_customer = b.customer(me)
partner_customer = b.customer(partner)
their_customer = b.customer(y)
their_product = b.product(x)
their_course = b.course(x)
their_link = b.link(y, x, theirs, covers=(their_customer,))
# Deals: other companies', and ones the actor's own company sees but not its REPs/MANAGER.
their_deal = b.opportunity(theirs, their_customer, y_rep)
their_approved = b.opportunity(theirs, their_customer, y_rep, status="APPROVED")
partners_deal = b.opportunity(own, partner_customer, partner_rep)  # vendor REP: invisible
colleagues_deal = b.opportunity(upstream, my_customer, me_rep2)  # another REP's
colleagues_approved = b.opportunity(upstream, my_customer, me_rep2, status="APPROVED")
their_mdf = b.mdf_request(theirs)
partners_mdf = b.mdf_request(own)  # a MANAGER who does not manage `own`: invisible
# Consent proposals (written by the fixture): another company's, and a data request
# the actor's company answers, for my_customer only.
THEIR_PROPOSAL = "cp-0000000000000001"
OWN_REQUEST = "cp-0000000000000002"
PROPOSALS = """
MATCH (theirs:Partnership {id: $theirs}), (own:Partnership {id: $own})
CREATE (:ConsentProposal {id: $their, kind: 'TIER', status: 'PENDING', fromTier: 'MEDIUM',
  toTier: 'HIGH', proposerCompany: $x, answererCompany: $y,
  createdAt: datetime(), expiresAt: datetime() + duration('P14D')})-[:ABOUT]->(theirs)
CREATE (:ConsentProposal {id: $request, kind: 'DATA_REQUEST', status: 'PENDING',
  toScope: ['IDENTITY'], toAllCustomers: false, customerIds: [$customer],
  proposerCompany: $partner, answererCompany: $me,
  createdAt: datetime(), expiresAt: datetime() + duration('P14D')})-[:ABOUT]->(own)
"""
# Erasure: contacts of another company's customer, and of the actor's own company.
their_contact = b.contact(customer=their_customer)
my_contact = b.contact(company=me)


@dataclass(frozen=True)
class Case:
    #: ``mutation(argument)`` or ``mutation(input.field)``: the id this row proves.
    target: str
    actor: str
    operation: str
    type_name: str
    #: The graph id of an object that exists but that ``actor`` may not see.
    invisible: str
    #: Wraps the global id into the operation's variables.
    variables: tuple[tuple[str, Any], ...] = ()
    #: Where the id goes: a top-level variable, or inside ``input``.
    slot: str = "id"
    #: A list argument of the mutation itself rather than a field of ``input``.
    top_level: bool = False

    def variables_for(self, graph_id: str) -> dict[str, Any]:
        value: Any = gid(self.type_name, graph_id)
        variables = dict(self.variables)
        if self.slot == "customerIds":
            value = [value]
        if self.slot in ("id", "userId", "courseId") or self.top_level:
            variables[self.slot] = value
        else:
            variables["input"] = {**variables.get("input", {}), self.slot: value}
        return variables


def _deal(mutation: str, extra: str = "") -> str:
    return f"mutation($id: ID!) {{ {mutation}(id: $id{extra}) {{ id status }} }}"


APPROVE = _deal("approveDeal")
REJECT = _deal("rejectDeal", ', reason: "no"')
WON = _deal("markDealWon")
LOST = _deal("markDealLost")
SHARE = _deal("grantDealDataLink")
DECIDE_MDF = "mutation($id: ID!) { decideMdf(id: $id, approve: true) { id status } }"
REQUEST_MDF = "mutation($input: RequestMdfInput!) { requestMdf(input: $input) { id } }"
REGISTER = "mutation($input: RegisterDealInput!) { registerDeal(input: $input) { id status } }"
TRANSITION = (
    "mutation($id: ID!) { transitionPartnership(id: $id, status: SUSPENDED) { id status } }"
)
TIER = "mutation($id: ID!) { changePartnershipTier(id: $id, tier: HIGH) { id tier } }"
ASSIGN = """mutation($id: ID!, $userId: ID!) {
  assignPartnershipManager(id: $id, userId: $userId) { id } }"""
ITEM = 'mutation($id: ID!) { completeOnboardingItem(id: $id, key: "kickoff") { id } }'
GRANT = "mutation($input: GrantDataLinkInput!) { grantDataLink(input: $input) { id } }"
REVOKE = "mutation($id: ID!) { revokeDataLink(id: $id) { id active } }"
UPDATE_PRODUCT = """mutation($id: ID!) {
  updateProduct(id: $id, input: {name: "Renamed"}) { id name } }"""
ACCEPT = "mutation($id: ID!) { acceptConsentProposal(id: $id) { id status } }"
DECLINE = "mutation($id: ID!) { declineConsentProposal(id: $id) { id status } }"
APPROVE_REQUEST = """mutation($id: ID!, $customerIds: [ID!]) {
  approveDataRequest(id: $id, customerIds: $customerIds) { id status } }"""
CHANGE_LINK = "mutation($id: ID!) { changeDataLink(id: $id, scope: [IDENTITY]) { id } }"
REQUEST_LINK = "mutation($input: RequestDataLinkInput!) { requestDataLink(input: $input) { id } }"
ERASE_CUSTOMER = "mutation($id: ID!) { eraseCustomer(id: $id) { id kind } }"
ERASE_CONTACT = "mutation($id: ID!) { eraseContact(id: $id) { id kind } }"
COMPLETION = """mutation($courseId: ID!) {
  recordCourseCompletion(courseId: $courseId, score: 90) { score } }"""

DEAL_FIELDS = (("title", "Deal"), ("amount", 10.0))
REGISTER_UPSTREAM = (
    (
        "input",
        {
            "partnershipId": gid("Partnership", upstream),
            "customerId": gid("Customer", my_customer),
            **dict(DEAL_FIELDS),
        },
    ),
)

CASES: tuple[Case, ...] = (
    # Deals: another company's, and its own company's outside the actor's role.
    Case("approveDeal(id)", me_exec, APPROVE, "Opportunity", their_deal),
    Case("approveDeal(id)", me_rep, APPROVE, "Opportunity", partners_deal),
    Case("approveDeal(id)", me_mgr, APPROVE, "Opportunity", partners_deal),
    Case("rejectDeal(id)", me_exec, REJECT, "Opportunity", their_deal),
    Case("rejectDeal(id)", me_mgr, REJECT, "Opportunity", partners_deal),
    Case("markDealWon(id)", me_exec, WON, "Opportunity", their_approved),
    Case("markDealWon(id)", me_rep, WON, "Opportunity", colleagues_approved),
    Case("markDealLost(id)", me_exec, LOST, "Opportunity", their_deal),
    Case("markDealLost(id)", me_rep, LOST, "Opportunity", colleagues_deal),
    Case("grantDealDataLink(id)", me_exec, SHARE, "Opportunity", their_deal),
    Case("grantDealDataLink(id)", me_mgr, SHARE, "Opportunity", colleagues_deal),
    # MDF: another company's request, and one under the own company's partnership.
    Case("decideMdf(id)", me_exec, DECIDE_MDF, "MdfRequest", their_mdf),
    Case("decideMdf(id)", me_mgr, DECIDE_MDF, "MdfRequest", partners_mdf),
    Case("decideMdf(id)", me_rep, DECIDE_MDF, "MdfRequest", partners_mdf),
    Case(
        "requestMdf(input.partnershipId)",
        me_rep,
        REQUEST_MDF,
        "Partnership",
        theirs,
        (("input", {"campaign": "Webinar", "amount": 10.0}),),
        "partnershipId",
    ),
    # Registering a deal: the partnership, the customer and the product.
    Case(
        "registerDeal(input.partnershipId)",
        me_rep,
        REGISTER,
        "Partnership",
        theirs,
        (("input", {"customerId": gid("Customer", my_customer), **dict(DEAL_FIELDS)}),),
        "partnershipId",
    ),
    Case(
        "registerDeal(input.customerId)",
        me_rep,
        REGISTER,
        "Customer",
        their_customer,
        (("input", {"partnershipId": gid("Partnership", upstream), **dict(DEAL_FIELDS)}),),
        "customerId",
    ),
    Case(
        "registerDeal(input.customerId)",
        me_rep,
        REGISTER,
        "Customer",
        partner_customer,  # a partner's customer it was not shared
        (("input", {"partnershipId": gid("Partnership", upstream), **dict(DEAL_FIELDS)}),),
        "customerId",
    ),
    Case(
        "registerDeal(input.productId)",
        me_rep,
        REGISTER,
        "Product",
        their_product,
        REGISTER_UPSTREAM,
        "productId",
    ),
    # Partnerships.
    Case("transitionPartnership(id)", me_exec, TRANSITION, "Partnership", theirs),
    Case("changePartnershipTier(id)", me_exec, TIER, "Partnership", theirs),
    Case(
        "assignPartnershipManager(id)",
        me_exec,
        ASSIGN,
        "Partnership",
        theirs,
        (("userId", gid("User", me_mgr)),),
    ),
    Case(
        "assignPartnershipManager(userId)",
        me_exec,
        ASSIGN,
        "User",
        x_mgr,
        (("id", gid("Partnership", own)),),
        "userId",
    ),
    Case("completeOnboardingItem(id)", me_exec, ITEM, "Partnership", theirs),
    # Data sharing.
    Case(
        "grantDataLink(input.partnershipId)",
        me_exec,
        GRANT,
        "Partnership",
        theirs,
        (("input", {"scope": ["IDENTITY"], "allCustomers": True}),),
        "partnershipId",
    ),
    Case(
        "grantDataLink(input.customerIds)",
        me_exec,
        GRANT,
        "Customer",
        their_customer,
        (("input", {"partnershipId": gid("Partnership", own), "scope": ["IDENTITY"]}),),
        "customerIds",
    ),
    Case(
        "grantDataLink(input.customerIds)",
        me_exec,
        GRANT,
        "Customer",
        partner_customer,
        (("input", {"partnershipId": gid("Partnership", own), "scope": ["IDENTITY"]}),),
        "customerIds",
    ),
    Case("revokeDataLink(id)", me_exec, REVOKE, "DataLink", their_link),
    Case("changeDataLink(id)", me_exec, CHANGE_LINK, "DataLink", their_link),
    # Consent.
    Case("acceptConsentProposal(id)", me_exec, ACCEPT, "ConsentProposal", THEIR_PROPOSAL),
    Case("declineConsentProposal(id)", me_exec, DECLINE, "ConsentProposal", THEIR_PROPOSAL),
    Case("approveDataRequest(id)", me_exec, APPROVE_REQUEST, "ConsentProposal", THEIR_PROPOSAL),
    Case(
        "approveDataRequest(customerIds)",
        me_exec,
        APPROVE_REQUEST,
        "Customer",
        their_customer,
        (("id", gid("ConsentProposal", OWN_REQUEST)),),
        "customerIds",
        top_level=True,
    ),
    Case(
        "requestDataLink(input.partnershipId)",
        me_exec,
        REQUEST_LINK,
        "Partnership",
        theirs,
        (("input", {"scope": ["IDENTITY"], "allCustomers": True}),),
        "partnershipId",
    ),
    # Catalogue and training of a vendor the actor's company is no partner of.
    Case("updateProduct(id)", me_exec, UPDATE_PRODUCT, "Product", their_product),
    # Erasure: only the owner's EXECUTIVE erases; to anyone else the object is not there.
    Case("eraseCustomer(id)", me_exec, ERASE_CUSTOMER, "Customer", their_customer),
    Case("eraseCustomer(id)", me_exec, ERASE_CUSTOMER, "Customer", partner_customer),
    Case("eraseCustomer(id)", me_mgr, ERASE_CUSTOMER, "Customer", my_customer),
    Case("eraseContact(id)", me_exec, ERASE_CONTACT, "Contact", their_contact),
    Case("eraseContact(id)", me_rep, ERASE_CONTACT, "Contact", my_contact),
    Case(
        "recordCourseCompletion(courseId)",
        me_rep,
        COMPLETION,
        "Course",
        their_course,
        slot="courseId",
    ),
)

#: Ids no table row can prove, and why.
NO_INVISIBLE_OBJECT = {
    "recruitPartner(input.partnerId)": "every company is a public profile: none is invisible",
    "applyToPartnerProgramme(input.vendorId)": "every company is a public profile",
    "requestDataLink(input.customerIds)": (
        "a request stores the ids it asks for as given and checks none: the same answer for "
        "any id; only the owner's approval covers the ones it owns"
    ),
}

MISSING = "zz-no-such-object"


def _id_arguments() -> Iterator[str]:
    """``mutation(argument)`` and ``mutation(input.field)`` for every ID the schema's
    mutations take."""
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None

    def is_id(named: GraphQLNamedType) -> bool:
        return named.name == "ID"

    for name, field in mutation.fields.items():
        for arg_name, arg in field.args.items():
            named = get_named_type(arg.type)
            if is_id(named):
                yield f"{name}({arg_name})"
            elif isinstance(named, GraphQLInputObjectType):
                for sub, sub_field in named.fields.items():
                    if is_id(get_named_type(sub_field.type)):
                        yield f"{name}({arg_name}.{sub})"


def test_every_id_a_mutation_takes_has_a_row() -> None:
    covered = {case.target for case in CASES}
    assert covered | set(NO_INVISIBLE_OBJECT) == set(_id_arguments())
    assert not covered & set(NO_INVISIBLE_OBJECT)


def _answer(result: Result) -> dict[str, Any]:
    """Everything the client receives but the request id and the database time."""
    stats = result.body.get("extensions", {}).get("stats", {})
    return {
        "status": result.status,
        "data": result.data,
        "errors": result.errors,
        "statements": stats.get("cypherRoundTrips"),
    }


@pytest.fixture(autouse=True)
async def graph(load_graph: GraphLoader, db: Database) -> None:
    await load_graph(b.data)
    await db.write(
        PROPOSALS,
        {
            "theirs": theirs,
            "own": own,
            "their": THEIR_PROPOSAL,
            "request": OWN_REQUEST,
            "x": x,
            "y": y,
            "me": me,
            "partner": partner,
            "customer": my_customer,
        },
    )


@pytest.mark.parametrize("case", CASES, ids=[f"{c.target}-{c.invisible}" for c in CASES])
async def test_an_invisible_object_reads_like_a_missing_one(gateway: Gateway, case: Case) -> None:
    invisible = await gateway.query(case.actor, case.operation, case.variables_for(case.invisible))
    missing = await gateway.query(case.actor, case.operation, case.variables_for(MISSING))
    assert invisible.errors, invisible.body  # a refusal, not an action
    assert _answer(invisible) == _answer(missing)
