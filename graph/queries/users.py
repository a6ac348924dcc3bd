"""Users: visible to members of their own company."""

from typing import LiteralString

USERS_BY_IDS_QUERY: LiteralString = """
MATCH (u:User)-[:MEMBER_OF]->(c:Company {id: $companyId}) WHERE u.id IN $ids
RETURN {id: u.id, props: u {.id, .name, .email, .role}, company: c.id} AS row
"""
