"""Importing companies, customers, contacts and partnerships from CRM CSV exports.

See ``config`` for the mapping file, ``runner`` for how a run behaves
(validation with line numbers, batches, idempotence, resume).
"""

from graph.importing.config import ConfigError, ImportConfig, load_config, parse_config
from graph.importing.fields import ENTITIES
from graph.importing.runner import ImportReport, RowError, run_import

__all__ = [
    "ENTITIES",
    "ConfigError",
    "ImportConfig",
    "ImportReport",
    "RowError",
    "load_config",
    "parse_config",
    "run_import",
]
