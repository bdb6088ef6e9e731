from decimal import Decimal

import pytest
from healthgraph.loaders.normalise import (
    RawDate,
    normalise_name,
    parse_amount_gbp,
    parse_date,
    parse_url,
    split_places,
)


@pytest.mark.parametrize(
    ("text", "year", "value", "xsd_type"),
    [
        ("2006", 2006, "2006", "gYear"),
        ("since 2006", 2006, "2006", "gYear"),
        ("Since 2006", 2006, "2006", "gYear"),
        ("October 2018", 2018, "2018-10", "gYearMonth"),
        ("01/04/2015", 2015, "2015-04-01", "date"),
        ("1st July 2021", 2021, "2021-07-01", "date"),
        ("30th July", None, None, None),
        ("late 1800s", 1870, None, None),
        ("until 2023", 2023, "2023", "gYear"),
        ("31/03/2018 (plus six-month extension)", 2018, "2018-03-31", "date"),
    ],
)
def test_parse_date_shapes(text: str, year: int | None, value: str | None, xsd_type: str | None) -> None:
    date = parse_date(text)
    assert (date.year, date.value, date.xsd_type) == (year, value, xsd_type)


def test_parse_date_range_keeps_both_years() -> None:
    assert parse_date("2013-2016") == RawDate("2013-2016", 2013, "2013", "gYear", range_end=2016)
    assert parse_date("2017-22").range_end == 2022


@pytest.mark.parametrize("text", ["20O6", "2006/2007/1", "31/13/2018", "Octember 2018", "3006",
                                  "2016-2013", "soon"])
def test_parse_date_rejects_malformed(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_split_places_separates_cities_lists_and_brackets() -> None:
    assert split_places("Queen Elizabeth Central Hospital, Blantyre, Malawi") == [
        "Queen Elizabeth Central Hospital", "Blantyre", "Malawi"]
    assert split_places("Malawi, Rwanda and Zambia") == ["Malawi", "Rwanda", "Zambia"]
    assert split_places("Zambia (and Malawi)") == ["Zambia", "Malawi"]
    assert split_places("rural Zambia and Ghana") == ["Zambia", "Ghana"]


def test_parse_amount_gbp() -> None:
    assert parse_amount_gbp("£1,288,378") == Decimal(1288378)
    assert parse_amount_gbp("around £50,000") == Decimal(50000)
    assert parse_amount_gbp("£1 million over five years") == Decimal(1000000)
    assert parse_amount_gbp("£1.2 million") == Decimal(1200000)
    assert parse_amount_gbp("173,355") is None


def test_parse_url_adds_scheme_to_bare_host_and_refuses_junk() -> None:
    assert parse_url("www.publichealthscotland.scot") == "https://www.publichealthscotland.scot"
    with pytest.raises(ValueError):
        parse_url("not a url")


def test_normalise_name_ignores_case_punctuation_and_the() -> None:
    assert normalise_name("The Scottish Government") == normalise_name("scottish government")
    assert normalise_name("Tropical Health & Education Trust") == normalise_name(
        "Tropical Health and Education Trust")
