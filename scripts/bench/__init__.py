"""The benchmark harness: the suite of bench/SUITE.md on three systems over one Neo4j.

(a) ``floor``: one hand-written Cypher per query, Python driver; (b) ``gateway``:
this project's GraphQL API; (c) ``neo4j-graphql``: ``@neo4j/graphql`` on Node
(``bench/neo4j_graphql``). ``python -m scripts.bench --help``; docs/benchmarks.md.
"""
