"""Who may erase what (docs/privacy.md, "Erasure")."""

from __future__ import annotations

from enum import StrEnum

from policy._actions import Actor
from policy._model import Role


class ErasureKind(StrEnum):
    """What an erasure erased."""

    #: One customer of the owner, with its contacts (eraseCustomer).
    CUSTOMER = "CUSTOMER"
    #: One contact of the owner or of one of its customers (eraseContact).
    CONTACT = "CONTACT"
    #: The people with one e-mail address, in every company (`prm erase --email`).
    PERSON = "PERSON"
    #: The customer records of one account key, in every company (`prm erase --domain`).
    ACCOUNT = "ACCOUNT"


#: Who an erasure run from the command line (`prm erase`) is recorded as.
OPERATOR = "operator"


def may_erase(actor: Actor, owner: str) -> bool:
    """Erasing a customer or a contact destroys the owner's data for every party: its
    EXECUTIVE only (anyone else is answered as if the object did not exist)."""
    return actor.company == owner and actor.role == Role.EXECUTIVE
