"""Access transparency: the read log of customers shared through data links.

One ``CustomerRead`` node per (link, recipient user, UTC day, customer), keyed by
``key`` (unique). A node per customer rather than a bucket per (link, user, day)
holding a list of ids: the distinct count of a day is then ``count(*)``, exact
under concurrent writers (MERGE on the unique key), a batch appends nothing to
an ever-growing list property (an export of 100,000 rows would rewrite one), and
retention and erasure delete plain nodes by an index. No relationship ties it to
the link, user or customer: the log outlives a revoked link and must not slow
writes to the nodes it names.
"""

from typing import LiteralString

# -- writes ------------------------------------------------------------------------

#: A batch of reads from the recorder (graph/access_log.py); ``$reads`` rows are
#: {key, link, user, customer, day (a date), groups}. One statement per batch.
# The customer is matched and locked first: a read of a customer erased meanwhile is not
# written, whichever commits first (erasure takes the same lock at its start,
# graph/queries/erasures.py), so an erased customer leaves no trace of who read it.
RECORD_READS_STATEMENT: LiteralString = """
UNWIND $reads AS r
MATCH (c:Customer {id: r.customer})
SET c._lock = true REMOVE c._lock
// Found again once the lock is held: an erasure that held it first has committed, and
// its customer is gone (a SET on a node deleted meanwhile does not fail).
WITH r
MATCH (:Customer {id: r.customer})
MERGE (x:CustomerRead {key: r.key})
  ON CREATE SET x.link = r.link, x.user = r.user, x.customer = r.customer,
                x.day = r.day, x.groups = r.groups
  ON MATCH SET x.groups = x.groups + [g IN r.groups WHERE NOT g IN x.groups]
"""

#: The retention sweep: reads of days before ``$before``, ``$batch`` at a time.
SWEEP_READS_STATEMENT: LiteralString = """
MATCH (x:CustomerRead) WHERE x.day < $before
WITH x LIMIT $batch
DELETE x
RETURN count(*) AS deleted
"""

# -- reads -------------------------------------------------------------------------

#: Per parent {key, link, from, to, user}: the reads of one link per (day, user),
#: restricted to one user when ``user`` is set; a null bound is open.
READS_OF_LINKS_QUERY: LiteralString = """
UNWIND $parents AS p
CALL (p) {
  MATCH (x:CustomerRead)
  WHERE x.link = p.link
    AND (p.from IS NULL OR x.day >= p.from) AND (p.to IS NULL OR x.day <= p.to)
    AND (p.user IS NULL OR x.user = p.user)
  WITH x.day AS day, x.user AS user, count(x) AS customers, collect(x.groups) AS lists
  OPTIONAL MATCH (u:User {id: user})
  RETURN collect({day: day, user: user, userName: u.name, customers: customers,
                  groups: reduce(acc = [], gs IN lists | acc + [g IN gs WHERE NOT g IN acc])})
         AS rows
}
RETURN p.key AS key, rows
"""
