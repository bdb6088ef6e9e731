"""Minting resource IRIs from stable keys under one configurable base IRI.

Identifiers are forever: every IRI comes from a key that does not change when
rows are reordered (a slug, an ISO 3166 code, a GSS code), never from a row
number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from healthgraph.graph.ntriples import IRI_FORBIDDEN

DEFAULT_BASE_IRI: Final = "https://w3id.org/healthgraph/"

SLUG_PATTERN: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_3166_PATTERN: Final = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$")
GSS_PATTERN: Final = re.compile(r"^S08\d{6}$")


class InvalidKeyError(ValueError):
    """A key that cannot mint an IRI (not a slug, ISO code or GSS code)."""


def slugify(text: str) -> str:
    """A lower-case ASCII slug: 'Cervical Cancer (HPV)' -> 'cervical-cancer-hpv'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def check_slug(key: str) -> str:
    if not SLUG_PATTERN.match(key):
        raise InvalidKeyError(f"{key!r} is not a slug (lower-case letters, digits and hyphens)")
    return key


@dataclass(frozen=True)
class IriMinter:
    """Mints every resource IRI of the graph under `base`."""

    base: str = DEFAULT_BASE_IRI

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {self.base!r}")
        # every IRI minted here is the base and checked keys: the loaders write them unchecked
        if IRI_FORBIDDEN.search(self.base):
            raise ValueError(f"base IRI has a character IRIs cannot hold: {self.base!r}")

    def partnership(self, slug: str) -> str:
        return f"{self.base}id/partnership/{check_slug(slug)}"

    def organisation(self, slug: str) -> str:
        return f"{self.base}id/organisation/{check_slug(slug)}"

    def country(self, iso_3166: str) -> str:
        code = iso_3166.strip().upper()
        if not ISO_3166_PATTERN.match(code):
            raise InvalidKeyError(f"{iso_3166!r} is not an ISO 3166 code (e.g. MW, GB-SCT)")
        return f"{self.base}id/country/{code.lower()}"

    def health_board(self, gss_code_or_slug: str) -> str:
        """Territorial boards by GSS code; special boards (no GSS code) by slug."""
        key = gss_code_or_slug.strip()
        if GSS_PATTERN.match(key):
            return f"{self.base}id/health-board/{key}"
        return f"{self.base}id/health-board/{check_slug(key)}"

    def document(self, slug: str) -> str:
        return f"{self.base}id/document/{check_slug(slug)}"

    def programme(self, slug: str) -> str:
        return f"{self.base}id/programme/{check_slug(slug)}"

    def role(self, slug: str) -> str:
        return f"{self.base}id/role/{check_slug(slug)}"

    def theme(self, slug: str) -> str:
        return f"{self.base}id/theme/{check_slug(slug)}"

    def membership(self, partnership: str, organisation: str, role: str) -> str:
        return (
            f"{self.base}id/membership/{check_slug(partnership)}"
            f"/{check_slug(organisation)}/{check_slug(role)}"
        )

    def post(self, board_iri: str, role: str) -> str:
        """A role held once in a board, e.g. its Global Citizenship Lead Champion."""
        return f"{board_iri}/post/{check_slug(role)}"

    def submission(self, submission_id: str) -> str:
        """A contribution proposed through /contribute (its PROV entity)."""
        return f"{self.base}id/submission/{check_slug(submission_id)}"

    def source_graph(self, name: str) -> str:
        """The named graph holding what one source file said."""
        return f"{self.base}graph/{check_slug(name)}"

    @property
    def inferred_graph(self) -> str:
        return f"{self.base}graph/inferred"

    @property
    def metadata_graph(self) -> str:
        return f"{self.base}graph/metadata"

    @property
    def dataset(self) -> str:
        return f"{self.base}dataset"
