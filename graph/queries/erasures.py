"""Erasure: a customer, a contact or a person removed on request, what remains of them
scrubbed, a tombstone against re-import, and the record of what was done.

Every statement here runs inside the one write transaction of an erasure
(graph/commands/erasures.py): the facts are read under a lock, the Python side
decides which audit details to scrub, and the writes follow. Nothing an erased
object carried is written anywhere: the ``Erasure`` record holds counts, the
``Tombstone`` a keyed hash.
"""

from typing import LiteralString

from graph.queries.paging import page_return

# -- facts, read under the erasure's locks ------------------------------------

# A customer and what hangs off it. Locked first, so a concurrent deal registration or
# import for it waits for the erasure (and then finds nothing). ``props`` are every
# value the customer carried: the command scrubs them out of the audit trail.
CUSTOMER_TO_ERASE_QUERY: LiteralString = """
MATCH (c:Customer {id: $id})-[:OWNED_BY]->(o:Company)
SET c._lock = true REMOVE c._lock
RETURN c.id AS id, o.id AS owner, c.domain AS domain, properties(c) AS props,
       [(c)<-[:WORKS_AT]-(ct:Contact) | properties(ct)] AS contacts,
       [(c)<-[:FOR]-(d:Opportunity) | properties(d)] AS deals
"""

# Every customer of an account (policy.account_key: the normalized domain) across all
# companies, for the operator's `prm erase --domain`: the candidates by domain text,
# the account rule decides in Python.
CUSTOMERS_OF_DOMAIN_QUERY: LiteralString = """
MATCH (c:Customer)
WHERE toLower(btrim(c.domain, $space)) = $normalized
RETURN c.id AS id
ORDER BY c.id
"""

# A contact the viewer's company may erase: one working at the company itself or at one
# of its customers (the owner of the contact's data). Locked like a customer.
CONTACT_TO_ERASE_QUERY: LiteralString = """
MATCH (ct:Contact {id: $id})-[:WORKS_AT]->(at)
WITH ct, at,
     CASE WHEN at:Company THEN at.id
          ELSE head([(at)-[:OWNED_BY]->(o:Company) | o.id]) END AS owner
SET ct._lock = true REMOVE ct._lock
RETURN ct.id AS id, owner, properties(ct) AS props
"""

# The people with an e-mail address, for `prm erase --email`: contacts of every company
# (with the company whose data they are) and users (with their company). Compared
# trimmed and in lower case, as addresses are typed.
PEOPLE_WITH_EMAIL_QUERY: LiteralString = """
CALL () {
  MATCH (ct:Contact) WHERE toLower(trim(ct.email)) = $email
  OPTIONAL MATCH (ct)-[:WORKS_AT]->(at)
  WITH ct, at SET ct._lock = true REMOVE ct._lock
  RETURN collect({id: ct.id, props: properties(ct),
                  owner: CASE WHEN at:Company THEN at.id
                              ELSE head([(at)-[:OWNED_BY]->(o:Company) | o.id]) END})
         AS contacts
}
CALL () {
  MATCH (u:User)-[:MEMBER_OF]->(co:Company) WHERE toLower(trim(u.email)) = $email
  WITH u, co SET u._lock = true REMOVE u._lock
  RETURN collect({id: u.id, props: properties(u), owner: co.id}) AS users
}
RETURN contacts, users
"""

# -- writes ----------------------------------------------------------------------

# The customers go, with their contacts; their deals stay for the partners' figures
# (status, amounts, dates, parties) but lose every field that could identify the
# account (title, rejection reason, expected close, the FOR edge); links stop
# covering them (the COVERS edges go with the node). The (vendor, account) locks of
# deal registration carry the account key in their id: they go too (MERGE makes
# one again when a registration needs it).
CUSTOMERS_ERASED_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  OPTIONAL MATCH (c)<-[cov:COVERS]-(:DataLink)
  RETURN count(cov) AS uncovered
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:FOR]-(d:Opportunity)
  SET d.erasedAt = datetime()
  REMOVE d.title, d.rejectionReason, d.expectedCloseAt
  RETURN count(d) AS deals
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:WORKS_AT]-(ct:Contact)
  DETACH DELETE ct
  RETURN count(ct) AS contacts
}
// The access log's reads of it (graph/queries/access_log.py): an erased customer
// leaves no trace of who read it either.
CALL (c) {
  OPTIONAL MATCH (x:CustomerRead {customer: c.id})
  DELETE x
  RETURN count(x) AS reads
}
DETACH DELETE c
RETURN sum(uncovered) AS uncovered, sum(deals) AS deals, sum(contacts) AS contacts,
       count(*) AS customers
"""

ACCOUNT_LOCKS_DELETED_QUERY: LiteralString = """
MATCH (l:AccountLock)
WHERE any(suffix IN $suffixes WHERE l.id ENDS WITH suffix)
DELETE l
RETURN count(*) AS deleted
"""

CONTACTS_ERASED_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (ct:Contact {id: id})
DETACH DELETE ct
RETURN count(*) AS contacts
"""

# A user cannot be deleted (deals, completions and audit events name them by id): it is
# deactivated (no token of it authenticates again: graph/queries/viewer.py), every
# personal property is removed and it manages nothing any more.
USERS_SCRUBBED_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (u:User {id: id})
OPTIONAL MATCH (u)-[m:MANAGES]->(:Partnership)
DELETE m
WITH DISTINCT u
SET u.deactivatedAt = coalesce(u.deactivatedAt, datetime())
REMOVE u.name, u.email, u.phone, u.title
RETURN count(u) AS users
"""

# Audit events that may carry an erased value: those about an erased object or one of
# its deals, and any whose detail contains one of the values (compared in lower case).
# The command rewrites their detail in Python (JSON) and writes it back below.
AUDIT_EVENTS_MENTIONING_QUERY: LiteralString = """
MATCH (a:AuditEvent)
WHERE a.targetId IN $targets
   OR (a.detail IS NOT NULL AND any(v IN $values WHERE toLower(a.detail) CONTAINS v))
RETURN a.id AS id, a.targetId AS targetId, a.detail AS detail
"""

# The event stays (what was done, when, by whom); its detail loses the personal data, and
# an event about an object that no longer exists points at the erasure that removed it.
AUDIT_EVENTS_SCRUBBED_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (a:AuditEvent {id: row.id})
SET a.detail = row.detail, a.targetId = row.targetId, a.erasedAt = datetime()
RETURN count(a) AS scrubbed
"""

# Free text written about a link or a data request ("joint selling to <account>") is
# searched like the audit details: a purpose that names an erased value loses its text.
LINK_PURPOSES_SCRUBBED_QUERY: LiteralString = """
MATCH (l)
WHERE (l:DataLink OR l:ConsentProposal) AND l.purpose IS NOT NULL
  AND any(v IN $values WHERE toLower(l.purpose) CONTAINS v)
SET l.purpose = $erased
RETURN count(l) AS scrubbed
"""

# A data request lists the customers it asked for (graph/queries/consent.py): an erased
# customer's id leaves every such list, pending or answered.
PROPOSAL_CUSTOMERS_SCRUBBED_QUERY: LiteralString = """
MATCH (cp:ConsentProposal)
WHERE any(x IN coalesce(cp.customerIds, []) WHERE x IN $ids)
SET cp.customerIds = [x IN cp.customerIds WHERE NOT x IN $ids]
RETURN count(cp) AS scrubbed
"""

# A keyed hash of (owner, account key): `prm import` refuses the account again unless
# forced. The hash alone says nothing of the account without the key.
TOMBSTONES_MERGED_QUERY: LiteralString = """
UNWIND $ids AS id
MERGE (t:Tombstone {id: id})
ON CREATE SET t.at = datetime()
RETURN count(t) AS tombstones
"""

# The record of one erasure for the company whose data it was (readable by its
# EXECUTIVE): what kind, how many of what, by whom, when; never an erased value.
# With ``$auditId`` it also writes the company's AuditEvent (the operator's erasures,
# which no command of a user records).
ERASURE_RECORDED_QUERY: LiteralString = """
MATCH (co:Company {id: $companyId})
CREATE (co)-[:ERASED]->(e:Erasure {
  id: $id, kind: $kind, at: datetime(), by: $by, customers: $customers,
  contacts: $contacts, users: $users, deals: $deals, uncovered: $uncovered,
  auditEvents: $auditEvents, tombstones: $tombstones
})
FOREACH (_ IN CASE WHEN $auditId IS NULL THEN [] ELSE [1] END |
  CREATE (:AuditEvent {
    id: $auditId, at: datetime(), action: $action, actorId: $by, companyId: $companyId,
    targetId: $id, detail: $detail
  })
)
RETURN e.id AS id
"""

# -- reads --------------------------------------------------------------------

_ERASURE_PROPS: LiteralString = (
    "e {.kind, .at, .by, .customers, .contacts, .users, .deals, .uncovered,"
    " .auditEvents, .tombstones}"
)

# The company's erasures, newest first.
ERASURES_QUERY: LiteralString = (
    "MATCH (:Company {id: $companyId})-[:ERASED]->(e:Erasure)\n"
    "WITH e ORDER BY e.at DESC, e.id\n"
    "WITH {id: e.id, k: e.at, props: "
    + _ERASURE_PROPS
    + "} AS row\n"
    + page_return(descending=True)
)

ERASURE_BY_ID_QUERY: LiteralString = (
    "MATCH (:Company {id: $companyId})-[:ERASED]->(e:Erasure {id: $id})\n"
    "RETURN e.id AS id, " + _ERASURE_PROPS + " AS props"
)

# -- tombstones, for the import ----------------------------------------------------

TOMBSTONES_FOUND_QUERY: LiteralString = """
MATCH (t:Tombstone) WHERE t.id IN $ids
RETURN collect(t.id) AS found
"""

ALL_TOMBSTONES_QUERY: LiteralString = "MATCH (t:Tombstone) RETURN t.id AS id ORDER BY t.id"

# After restoring a dump older than some erasures (docs/privacy.md, "Backups"): every
# customer's (owner, account) for the keyed hash, compared in Python with the tombstones.
CUSTOMER_ACCOUNTS_QUERY: LiteralString = """
MATCH (c:Customer)-[:OWNED_BY]->(o:Company)
RETURN c.id AS id, o.id AS owner, c.domain AS domain
"""

TOMBSTONES_REMOVED_QUERY: LiteralString = """
MATCH (t:Tombstone) WHERE t.id IN $ids
DELETE t
RETURN count(*) AS removed
"""

# -- audit retention -----------------------------------------------------------------

# Events older than the retention period go, a batch per transaction; an erasure's
# record (the Erasure node) stays: it holds no personal data and proves the erasure.
OLD_AUDIT_EVENTS_DELETED_QUERY: LiteralString = """
MATCH (a:AuditEvent)
WHERE a.at < datetime() - duration({days: $days})
WITH a LIMIT $limit
DELETE a
RETURN count(*) AS deleted
"""
