"""The registry refuses bad organisation fields by name, all at once, and writes nothing when it does.

Every number used as "valid" here has a real check digit: Luxembourg TVA numbers end with the first six
digits mod 89, Belgian enterprise numbers with 97 minus the first eight mod 97, SIRENs with a Luhn digit.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.ch import uid as ch_uid
from stdnum.lu import tva as lu_tva

from moselle.core.models import AuditEntry
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import actions
from moselle.organisations.models import Organisation


def lu_vat(first_six: str) -> str:
    """A Luxembourg TVA number with its check digits: the first six digits mod 89."""
    return f"LU{first_six}{int(first_six) % 89:02d}"


def be_number(first_eight: str) -> str:
    """A Belgian enterprise number: 97 minus the first eight digits mod 97."""
    return f"{first_eight}{97 - int(first_eight) % 97:02d}"


LU_VAT = lu_vat("150274")  # LU15027442
BE_NUMBER = be_number("04031707")  # 0403170701
SIREN = "12345678" + luhn.calc_check_digit("12345678")
FR_VAT = "FR40303265045"
GR_VAT = "EL094259216"
CH_VAT = "CHE" + "11355312" + ch_uid.calc_check_digit("11355312") + "MWST"


def written() -> tuple[int, int]:
    return Organisation.objects.count(), AuditEntry.objects.count()


def refusal(country: str = "LU", name: str = "Acier Wiltz", **details: Any) -> dict[str, list[str]]:
    """The errors of creating the organisation; asserts that nothing was written."""
    before = written()
    with pytest.raises(ValidationError) as caught:
        actions.organisation_create(actor=None, name=name, country=country, details=details)
    assert written() == before
    return caught.value.message_dict


def created(country: str = "LU", name: str = "Acier Wiltz", **details: Any) -> Organisation:
    organisation = actions.organisation_create(actor=None, name=name, country=country, details=details)
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


def test_it_checks_that_the_test_numbers_are_real(db: Any) -> None:
    assert lu_tva.is_valid(LU_VAT)
    assert LU_VAT == "LU15027442"


# --- VAT ------------------------------------------------------------------------------------------


def test_it_refuses_a_vat_number_with_a_wrong_check_digit(db: Any) -> None:
    errors = refusal(vat="LU15027443")
    assert list(errors) == ["vat"]
    assert "not a valid EU VAT number" in errors["vat"][0]


def test_it_refuses_a_vat_number_of_another_country(db: Any) -> None:
    errors = refusal(country="LU", vat=FR_VAT)
    assert "does not match the organisation's country" in errors["vat"][0]
    assert "does not match" in refusal(country="DE", vat=LU_VAT)["vat"][0]


def test_it_refuses_letters_in_a_vat_number(db: Any) -> None:
    assert "vat" in refusal(vat="LU1502744A")
    assert "vat" in refusal(vat="LUABCDEFGH")


def test_it_stores_a_vat_number_given_with_spaces_and_dots_compact(db: Any) -> None:
    assert created(vat="lu 1502.7442").vat == "LU15027442"
    assert created(name="Other", vat="15027442").vat == "LU15027442"  # the prefix comes from the country
    assert created(name="Belge", country="BE", vat=f"BE {BE_NUMBER[:4]}.{BE_NUMBER[4:7]}.{BE_NUMBER[7:]}").vat == (
        "BE" + BE_NUMBER
    )


def test_it_takes_greek_vat_numbers_with_their_el_prefix(db: Any) -> None:
    assert created(country="GR", vat=GR_VAT).vat == GR_VAT


def test_it_takes_a_northern_ireland_number_only_for_the_united_kingdom(db: Any) -> None:
    assert created(country="GB", vat="XI 980 7806 84").vat == "XI980780684"
    assert "does not match" in refusal(country="LU", vat="XI980780684")["vat"][0]


def test_it_checks_vat_numbers_of_countries_outside_the_eu_with_their_own_rules(db: Any) -> None:
    assert created(country="CH", vat=CH_VAT[:3] + "-113.553.12" + CH_VAT[11:12] + " MWST").vat == CH_VAT
    assert created(name="Norsk", country="NO", vat="NO 995 525 828 MVA").vat == "NO995525828MVA"
    assert created(name="British", country="GB", vat="GB 980 7806 84").vat == "GB980780684"
    assert "vat" in refusal(country="CH", vat=CH_VAT.replace("5MWST", "4MWST"))
    assert "does not match" in refusal(country="CH", vat=LU_VAT)["vat"][0]


# --- National register numbers, PIC --------------------------------------------------------------


def test_it_takes_a_luxembourg_rcs_number(db: Any) -> None:
    assert created(register_id="B123456").register_id == "B123456"
    assert created(name="Other", register_id="b 12345").register_id == "B12345"


@pytest.mark.parametrize("value", ["123456", "B1234567", "BB123", "B-12"])
def test_it_refuses_a_malformed_luxembourg_rcs_number(db: Any, value: str) -> None:
    errors = refusal(register_id=value)
    assert list(errors) == ["register_id"]
    assert "RCS" in errors["register_id"][0]


def test_it_checks_the_french_siren_check_digit(db: Any) -> None:
    assert created(country="FR", register_id=f"{SIREN[:3]} {SIREN[3:6]} {SIREN[6:]}").register_id == SIREN
    wrong = SIREN[:-1] + str((int(SIREN[-1]) + 1) % 10)
    assert "SIREN" in refusal(country="FR", register_id=wrong)["register_id"][0]
    assert "register_id" in refusal(country="FR", register_id="12345")


def test_it_checks_the_belgian_enterprise_number(db: Any) -> None:
    formatted = f"{BE_NUMBER[:4]}.{BE_NUMBER[4:7]}.{BE_NUMBER[7:]}"
    assert created(country="BE", register_id=formatted).register_id == BE_NUMBER
    wrong = BE_NUMBER[:-1] + str((int(BE_NUMBER[-1]) + 1) % 10)
    assert "Belgian" in refusal(country="BE", register_id=wrong)["register_id"][0]


def test_it_checks_the_german_register_number(db: Any) -> None:
    assert created(country="DE", register_id="hrb 12345").register_id == "HRB 12345"
    assert "HRB" in refusal(country="DE", register_id="12345")["register_id"][0]
    assert "register_id" in refusal(country="DE", register_id="XYZ 12345")


def test_it_takes_any_plain_register_number_of_another_country(db: Any) -> None:
    assert created(country="NL", register_id="kvk 12345678").register_id == "KVK 12345678"
    assert "register_id" in refusal(country="NL", register_id="#!?")
    assert "register_id" in refusal(country="NL", register_id="1" * 41)


def test_it_takes_a_pic_of_nine_digits_only(db: Any) -> None:
    assert created(pic=" 999999999 ").pic == "999999999"
    for value in ("99999999", "9999999999", "99999999A"):
        assert refusal(pic=value) == {"pic": ["A PIC has exactly 9 digits."]}


# --- Region, website, languages, kinds ------------------------------------------------------------


def test_it_takes_a_nuts_region_of_the_organisations_country(db: Any) -> None:
    assert created(region="lu00").region == "LU00"
    assert created(name="Athens", country="GR", region="EL30").region == "EL30"
    assert "not in the organisation's country" in refusal(region="DE11")["region"][0]
    assert "NUTS code" in refusal(region="LU0000")["region"][0]


def test_it_completes_a_website_and_refuses_what_is_not_one(db: Any) -> None:
    assert created(website="www.acier-wiltz.lu").website == "https://www.acier-wiltz.lu"
    assert created(name="Other", website="http://example.lu/about").website == "http://example.lu/about"
    for value in ("not a url", "ftp://example.lu", "https://example.lu/" + "a" * 300):
        assert "website" in refusal(website=value)


def test_it_checks_working_languages(db: Any) -> None:
    assert created(working_languages=["FR", "de", "fr"]).working_languages == ["fr", "de"]
    assert created(name="Other", working_languages="lb; en").working_languages == ["lb", "en"]
    errors = refusal(working_languages=["fr", "xx"])
    assert "“xx”" in errors["working_languages"][0]
    assert "working_languages" in refusal(working_languages=5)


def test_it_refuses_an_unknown_kind(db: Any) -> None:
    errors = refusal(kinds=["company", "spaceship"])
    assert "spaceship" in errors["kinds"][0]
    assert set(created(kinds=["company", "trainer", "company"]).kinds) == {"company", "trainer"}


def test_it_takes_a_single_kind_given_as_text(db: Any) -> None:
    assert set(created(kinds="company, trainer").kinds) == {"company", "trainer"}


def test_it_refuses_a_list_field_given_as_something_else(db: Any) -> None:
    errors = refusal(kinds=5, nace_codes={"code": "25.62"}, technologies_offered=3.5)
    assert set(errors) == {"kinds", "nace_codes", "technologies_offered"}


# --- Codes from the taxonomy ----------------------------------------------------------------------


def test_it_finds_a_nace_code_with_or_without_its_section_letter(taxonomy: None) -> None:
    organisation = created(nace_codes=["C25.62", "25.62"], primary_nace="C25.62")
    assert list(organisation.nace_codes.values_list("code", "revision")) == [("25.62", "2.1")]
    assert organisation.primary_nace is not None
    assert organisation.primary_nace.code == "25.62"


def test_it_refuses_a_nace_code_unknown_in_the_revision(taxonomy: None) -> None:
    # 62.01 was computer programming in NACE Rev. 2; Rev. 2.1 numbers it 62.10.
    errors = refusal(nace_codes=["25.62", "62.01"], primary_nace="99.99")
    assert "62.01" in errors["nace_codes"][0]
    assert "2.1" in errors["nace_codes"][0]
    assert "primary_nace" in errors
    assert created(nace_codes=["62.01"], nace_revision="2").nace_codes.get().code == "62.01"
    assert "nace_revision" in refusal(nace_codes=["62.01"], nace_revision="3")


def test_it_finds_technologies_by_name_and_refuses_unknown_ones(taxonomy: None) -> None:
    organisation = created(
        technologies_offered=["robotics", "Internet of Things"], technologies_of_interest=["Big data"]
    )
    offered = set(organisation.technology_rows.filter(role="offer").values_list("technology__name", flat=True))
    assert offered == {"Robotics", "Internet of Things"}
    errors = refusal(technologies_of_interest=["Teleportation"])
    assert "Teleportation" in errors["technologies_of_interest"][0]


# --- Name, unknown fields, several errors ----------------------------------------------------------


def test_it_refuses_a_name_of_only_punctuation(db: Any) -> None:
    assert "name" in refusal(name="...-!")
    assert "name" in refusal(name="\u200b\u200b")


def test_it_refuses_an_unknown_field(db: Any) -> None:
    assert refusal(colour="blue") == {"colour": ["Unknown field."]}


def test_it_refuses_an_unknown_country(db: Any) -> None:
    assert "country" in refusal(country="XX")


def test_it_reports_every_bad_field_of_one_call_together(db: Any) -> None:
    errors = refusal(vat="LU15027443", pic="123", website="not a url", colour="blue")
    assert set(errors) == {"vat", "pic", "website", "colour"}


def test_it_changes_nothing_when_an_update_is_refused(db: Any) -> None:
    organisation = created(vat=LU_VAT, website="acier.lu")
    before = written()
    with pytest.raises(ValidationError) as caught:
        actions.organisation_update(
            actor=None, organisation=organisation, data={"vat": "LU1", "pic": "1", "trade_name": "Acier"}
        )
    assert set(caught.value.message_dict) == {"vat", "pic"}
    assert written() == before
    organisation.refresh_from_db()
    assert (organisation.vat, organisation.pic, organisation.trade_name) == (LU_VAT, "", "")


def test_it_checks_held_identifiers_against_a_new_country(db: Any) -> None:
    organisation = created(vat=LU_VAT, register_id="B123456", region="LU00")
    errors = refusal_of_update(organisation, {"country": "FR"})
    assert set(errors) == {"vat", "register_id", "region"}
    organisation.refresh_from_db()
    assert organisation.country == "LU"


def refusal_of_update(organisation: Organisation, data: dict[str, Any]) -> dict[str, list[str]]:
    before = written()
    with pytest.raises(ValidationError) as caught:
        actions.organisation_update(actor=None, organisation=organisation, data=data)
    assert written() == before
    return caught.value.message_dict


def test_it_records_an_accepted_update_in_the_audit_log(db: Any) -> None:
    organisation = created()
    actions.organisation_update(actor=None, organisation=organisation, data={"vat": "15027442", "kinds": ["company"]})
    entry = AuditEntry.objects.filter(action="organisation.update").get()
    assert entry.changes["vat"] == ["", LU_VAT]
    assert entry.changes["kinds"] == [[], ["company"]]
    assert entry.organisation_id == organisation.pk


def test_it_changes_only_the_fields_an_update_is_given(db: Any) -> None:
    organisation = created(vat=LU_VAT, website="acier.lu", kinds=["company"])
    actions.organisation_update(actor=None, organisation=organisation, data={"trade_name": "Acier"})
    organisation.refresh_from_db()
    assert (organisation.vat, organisation.website, organisation.kinds) == (
        LU_VAT,
        "https://acier.lu",
        ["company"],
    )
