"""Example operations: GraphiQL opens one tab per example; docs/graphql.md shows each one.

`tests/server/test_graphql_client.py` runs every documented example with a real client and
checks that each one here is in the docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Example:
    title: str
    query: str


EXAMPLES: Final = (
    Example("Partnerships with their members and countries", """\
# Partnerships, each member's role, the member and its country
query Partnerships {
  partnerships(first: 10, orderBy: {field: LABEL}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      label
      startYear
      members {
        role { label }
        organisation { label kind country { label isoCode } }
      }
    }
  }
}"""),
    Example("The Malawi-Scotland-Zambia twinning", """\
# The WHO twinning between the ministries of health of Malawi, Scotland and Zambia
query Twinning {
  programme(key: "who-twinning-partnerships-for-improvement") {
    label
    partnerships {
      label
      members { organisation { label country { label } } }
    }
  }
}"""),
    Example("From a country to partners abroad", """\
# Malawi -> its organisations -> their partnerships -> the other members' countries
query FromMalawi {
  country(isoCode: "MW") {
    label
    organisations {
      label
      memberships {
        partnership {
          label
          members { organisation { label country { isoCode } } }
        }
      }
    }
  }
}"""),
    Example("Health boards and their Lead Champion role", """\
query LeadChampions {
  healthBoards(first: 30, where: {boardType: TERRITORIAL}) {
    nodes {
      label
      gssCode
      leadChampion { role { label programme { label } } contactRoute }
    }
  }
}"""),
    Example("Filter, order and page", """\
query MaternalHealthInMalawi($after: String) {
  partnerships(first: 5, after: $after,
               where: {country: "MW", startedFrom: 2000},
               orderBy: {field: START_YEAR, direction: DESC}) {
    totalCount
    edges { cursor node { label startYear themes { label } } }
    pageInfo { hasNextPage endCursor }
  }
}"""),
    Example("Guidance documents and who publishes them", """\
query Guidance {
  documents(first: 10) {
    nodes {
      label
      documentType
      publisher { label }
      publishingProgramme { label }
      followedBy { label }
    }
  }
}"""),
    Example("Search across labels", """\
query Search {
  search(text: "glasgow", first: 10) { iri label type }
}"""),
)
