"""Cypher, one module per aggregate; every value a ``$parameter``."""
