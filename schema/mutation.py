"""The Mutation root: the per-aggregate mutation types of ``schema.mutations``, merged."""

from strawberry.tools import merge_types

from schema.mutations.partnerships import PartnershipMutations

Mutation = merge_types("Mutation", (PartnershipMutations,))
