"""Mutation fields, one module per aggregate; ``schema.build`` merges them into ``Mutation``.

A resolver converts its input (global ids, enums) into a ``graph.commands``
call, then reads what it created or changed back through the request's
reader, so the payload passes the same authorization as any query.
"""
