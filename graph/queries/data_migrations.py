"""Versioned data migrations: statements that change stored data, each applied once.

``graph/migrations.py`` applies them after the constraints and indexes, in
version order. Each runs in one write transaction together with the claim of
its ``(:Migration {id})`` record: the uniqueness constraint makes a second
gateway starting at the same time wait for the first and then skip, and a
migration that fails leaves no record and runs again at the next start.
"""

from typing import LiteralString

MIGRATION_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT migration_id IF NOT EXISTS FOR (n:Migration) REQUIRE n.id IS UNIQUE"
)

# True only for the transaction that created the record.
MIGRATION_CLAIMED_QUERY: LiteralString = """
MERGE (m:Migration {id: $id})
ON CREATE SET m.version = $version, m.claim = $claim, m.appliedAt = datetime()
RETURN m.claim = $claim AS claimed
"""

MIGRATIONS_APPLIED_QUERY: LiteralString = """
MATCH (m:Migration) RETURN m.id AS id, m.version AS version ORDER BY m.version
"""

# 1. Consent (docs/consent.md): the graph as it was before consent existed, with
# every answer unchanged. Partnerships that were ever live (ACTIVE, SUSPENDED,
# ENDED) count as accepted by both at their current tier; one still opening
# (PROSPECT, ONBOARDING) was the vendor's alone, so it gets the INVITATION its
# partner now answers. Each link's ceiling is what it shares today: its scope
# and its allCustomers. Nothing already consented is touched.
CONSENT_MIGRATION: LiteralString = """
CALL () {
  MATCH (p:Partnership)
  WHERE p.vendorAcceptedAt IS NULL AND p.partnerAcceptedAt IS NULL
    AND p.status IN ['ACTIVE', 'SUSPENDED', 'ENDED']
  WITH p, coalesce(p.since, p.createdAt, datetime()) AS at
  SET p.vendorAcceptedAt = at, p.partnerAcceptedAt = at
  RETURN count(p) AS accepted
}
CALL () {
  MATCH (vendor:Company)-[:VENDOR_IN]->(p:Partnership)<-[:PARTNER_IN]-(partner:Company)
  WHERE p.vendorAcceptedAt IS NULL AND p.partnerAcceptedAt IS NULL
    AND p.status IN ['PROSPECT', 'ONBOARDING']
  SET p.vendorAcceptedAt = coalesce(p.createdAt, datetime())
  CREATE (cp:ConsentProposal {
    id: 'cp-' + substring(replace(randomUUID(), '-', ''), 0, 16),
    kind: 'INVITATION', status: 'PENDING', toTier: p.tier,
    proposerCompany: vendor.id, answererCompany: partner.id,
    createdAt: datetime(), expiresAt: datetime() + duration({days: $proposalDays})
  })-[:ABOUT]->(p)
  RETURN count(cp) AS invited
}
CALL () {
  MATCH (l:DataLink)
  WHERE l.ceiling IS NULL
  SET l.ceiling = coalesce(l.scope, []),
      l.ceilingAllCustomers = coalesce(l.allCustomers, false)
  RETURN count(l) AS links
}
RETURN accepted, invited, links
"""

#: (id, version, statement), in version order.
DATA_MIGRATIONS: tuple[tuple[str, int, LiteralString], ...] = (("consent", 1, CONSENT_MIGRATION),)
