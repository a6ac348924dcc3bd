"""Products and tier pricing: who sees a vendor's catalogue, at which price.

A vendor's products are visible to the vendor and to every company with an
ACTIVE partnership with it (either side, any tier); to anyone else they do
not exist. A partner pays the list price less the discount of its tier (the
best tier when it has several ACTIVE partnerships with the vendor). The
discount per tier is the vendor's ``TierDiscount`` override when it set one,
else the default table of ``policy/defaults/pricing.toml``. The list price
itself is read by the vendor and its HIGH partners only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType

from policy._actions import Actor
from policy._model import Role, Tier
from policy._policy import PolicyError

#: Package data, read through importlib.resources (a checkout and a wheel alike).
DEFAULT_PRICING_FILE: Traversable = files("policy").joinpath("defaults", "pricing.toml")
MAX_DISCOUNT_PCT = 100.0
_TIER_RANK = {Tier.LOW: 0, Tier.MEDIUM: 1, Tier.HIGH: 2}


@dataclass(frozen=True)
class Pricing:
    """The default discount (percent of list price) per collaboration tier."""

    discount_pct: Mapping[Tier, float]

    def discount(self, tier: Tier, overrides: Mapping[str, float]) -> float:
        """The vendor's own discount for ``tier`` if it set one, else the default."""
        override = overrides.get(tier.value)
        return float(override) if override is not None else self.discount_pct[tier]


def parse_pricing(raw: Mapping[str, object], where: str = "pricing") -> Pricing:
    unknown = sorted(set(raw) - {"discount_pct"})
    if unknown:
        raise PolicyError(f"{where}: unknown sections {unknown}")
    table = raw.get("discount_pct")
    if not isinstance(table, dict):
        raise PolicyError(f"{where}: needs a [discount_pct] table")
    discounts: dict[Tier, float] = {}
    for name, value in table.items():
        if name not in Tier.__members__:
            raise PolicyError(f"{where}: unknown tier {name!r}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PolicyError(f"{where}: discount of {name} must be a number")
        if not 0 <= value <= MAX_DISCOUNT_PCT:
            raise PolicyError(f"{where}: discount of {name} must be between 0 and 100")
        discounts[Tier(name)] = float(value)
    missing = sorted(set(Tier.__members__) - {t.value for t in discounts})
    if missing:
        raise PolicyError(f"{where}: tiers without a discount: {missing}")
    return Pricing(discount_pct=MappingProxyType(discounts))


def load_pricing(path: Traversable = DEFAULT_PRICING_FILE) -> Pricing:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"cannot read pricing file {path}: {exc}") from exc
    return parse_pricing(raw, str(path))


@lru_cache(maxsize=1)
def default_pricing() -> Pricing:
    """The shipped defaults, read once; the gateway calls this at start-up to validate them."""
    return load_pricing()


def best_tier(tiers: Iterable[str | None]) -> Tier | None:
    """The most collaborative of the tiers of a company's ACTIVE partnerships with a vendor."""
    known = [Tier(t) for t in tiers if t is not None and t in Tier.__members__]
    return max(known, key=_TIER_RANK.__getitem__) if known else None


@dataclass(frozen=True, slots=True)
class ProductTerms:
    """How one viewer company sees one vendor's products."""

    #: The viewer's tier with the vendor; None when the viewer is the vendor.
    tier: Tier | None
    discount_pct: float
    list_price_visible: bool

    def price(self, list_price: float | None) -> float | None:
        """The viewer's price, rounded to cents."""
        if list_price is None:
            return None
        return round(float(list_price) * (1 - self.discount_pct / 100), 2)


def product_terms(
    *,
    viewer_company: str,
    vendor: str,
    tiers: Iterable[str | None],
    overrides: Mapping[str, float],
    pricing: Pricing,
) -> ProductTerms | None:
    """None means the vendor's products are invisible to the viewer."""
    if viewer_company == vendor:
        return ProductTerms(tier=None, discount_pct=0.0, list_price_visible=True)
    tier = best_tier(tiers)
    if tier is None:
        return None
    return ProductTerms(
        tier=tier,
        discount_pct=pricing.discount(tier, overrides),
        list_price_visible=tier == Tier.HIGH,
    )


def sees_vendor_offerings(
    viewer_company: str, vendor: str, active_partners: Collection[str]
) -> bool:
    """Products and courses: the vendor itself and any company in an ACTIVE partnership with it."""
    return viewer_company == vendor or vendor in active_partners


def may_manage_offerings(actor: Actor, vendor: str) -> bool:
    """Creating and changing offerings (products, courses): the vendor's EXECUTIVE or MANAGER."""
    return actor.company == vendor and actor.role in (Role.EXECUTIVE, Role.MANAGER)


def may_set_discounts(actor: Actor, vendor: str) -> bool:
    """The discount schedule decides every partner's price: the vendor's EXECUTIVE only."""
    return actor.company == vendor and actor.role == Role.EXECUTIVE
