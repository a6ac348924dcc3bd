"""A mixed portal workload against a served gateway: ``python -m scripts.load``."""
