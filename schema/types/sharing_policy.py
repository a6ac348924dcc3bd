"""What a company shares with partners at each tier: its override, else the default policy."""

from __future__ import annotations

import strawberry

from schema.types.enums import FieldGroup, Tier


@strawberry.type(description="The customer field groups a company shares at one tier.")
class SharingPolicy:
    tier: Tier
    groups: list[FieldGroup]
    overridden: bool = strawberry.field(
        description="True when the company's own SharingPolicy replaces the default for this tier."
    )


def sharing_policies(
    overrides: dict[str, list[str]], defaults: dict[Tier, frozenset[FieldGroup]]
) -> list[SharingPolicy]:
    result = []
    for tier in Tier:
        override = overrides.get(tier.value)
        chosen = set(override) if override is not None else {g.value for g in defaults[tier]}
        result.append(
            SharingPolicy(
                tier=tier,
                groups=[g for g in FieldGroup if g.value in chosen and g != FieldGroup.INTERNAL],
                overridden=override is not None,
            )
        )
    return result
