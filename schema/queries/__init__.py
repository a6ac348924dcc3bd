"""Query fields beyond the core contract, one module per aggregate; merged in ``schema.build``."""
