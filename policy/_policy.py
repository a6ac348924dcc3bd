"""Loading and validating the declarative policy file."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType

from policy._model import CUSTOMER_OPEN_FIELDS, FieldGroup, Tier

#: Package data, read through importlib.resources: the same from a checkout and from a wheel.
#: A file of the operator's (``PRM_POLICY_FILE``) is a ``Path``, which is a ``Traversable`` too.
DEFAULT_POLICY_FILE: Traversable = files("policy").joinpath("default-policy.toml")


class PolicyError(ValueError):
    """The policy file (or an override) is not valid; raised at start-up, never per request."""


@dataclass(frozen=True)
class Policy:
    """The default tier table and the field → group map of Customer."""

    tier_groups: Mapping[Tier, frozenset[FieldGroup]]
    customer_fields: Mapping[str, FieldGroup]

    def groups_for_tier(
        self, tier: str, override: Iterable[str] | None = None
    ) -> frozenset[FieldGroup]:
        """``tierGroups(O, tier)``: the owner's override if it has one, else the default.

        INTERNAL never leaves its owner, whatever an override says.
        """
        if override is not None:
            groups = frozenset(_known_groups(override))
        else:
            try:
                groups = self.tier_groups[Tier(tier)]
            except ValueError:
                return frozenset()
        return groups - {FieldGroup.INTERNAL}

    def check_customer_fields(self, schema_fields: Iterable[str]) -> None:
        """Every group-guarded field of the schema is in the file and vice versa."""
        guarded = set(schema_fields) - set(CUSTOMER_OPEN_FIELDS)
        unknown = sorted(set(self.customer_fields) - guarded)
        missing = sorted(guarded - set(self.customer_fields))
        if unknown:
            raise PolicyError(f"policy names Customer fields the schema lacks: {unknown}")
        if missing:
            raise PolicyError(f"Customer fields with no group in the policy: {missing}")


def _known_groups(values: Iterable[str]) -> Iterable[FieldGroup]:
    for value in values:
        if value in FieldGroup.__members__:
            yield FieldGroup(value)


def _group(value: object, where: str) -> FieldGroup:
    if not isinstance(value, str) or value not in FieldGroup.__members__:
        raise PolicyError(f"{where}: unknown field group {value!r}")
    return FieldGroup(value)


def load_policy(path: Traversable = DEFAULT_POLICY_FILE) -> Policy:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc
    return parse_policy(raw, str(path))


def parse_policy(raw: Mapping[str, object], where: str = "policy") -> Policy:
    tiers = raw.get("tiers")
    fields = raw.get("customer_fields")
    if not isinstance(tiers, dict) or not isinstance(fields, dict):
        raise PolicyError(f"{where}: needs [tiers] and [customer_fields] tables")
    unknown_keys = sorted(set(raw) - {"tiers", "customer_fields"})
    if unknown_keys:
        raise PolicyError(f"{where}: unknown sections {unknown_keys}")
    tier_groups: dict[Tier, frozenset[FieldGroup]] = {}
    for name, groups in tiers.items():
        if name not in Tier.__members__:
            raise PolicyError(f"{where}: unknown tier {name!r}")
        if not isinstance(groups, list):
            raise PolicyError(f"{where}: tier {name} must list field groups")
        parsed = frozenset(_group(g, f"{where} tier {name}") for g in groups)
        if FieldGroup.INTERNAL in parsed:
            raise PolicyError(f"{where}: tier {name} may not share INTERNAL")
        tier_groups[Tier(name)] = parsed
    missing_tiers = sorted(set(Tier.__members__) - {t.value for t in tier_groups})
    if missing_tiers:
        raise PolicyError(f"{where}: tiers without groups: {missing_tiers}")
    customer_fields = {
        str(field): _group(group, f"{where} field {field}") for field, group in fields.items()
    }
    return Policy(
        tier_groups=MappingProxyType(tier_groups),
        customer_fields=MappingProxyType(customer_fields),
    )
