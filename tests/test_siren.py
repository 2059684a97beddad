"""The SIREN check and the company fields of a professional account."""
import pytest

from widget.flows.professional_account import company_errors
from widget.siren import normalized_siren, siren_is_valid


@pytest.mark.parametrize("siren, valid", [
    ("732829320", True), ("552100554", True), ("732829321", False), ("73282932", False),
    ("7328293200", False), ("73282932a", False), ("７３２８２９３２０", False), ("", False),
])
def test_siren_is_nine_digits_with_a_luhn_checksum(siren, valid):
    assert siren_is_valid(siren) is valid


def test_spaces_between_groups_are_ignored():
    assert normalized_siren(" 732 829\t320 ") == "732829320"


@pytest.mark.parametrize("name, siren, errors", [
    ("Dupont", "732829320", {}),
    ("  ", "732829320", {"company_name": "required"}),
    ("x" * 101, "732829320", {"company_name": "too_long"}),
    ("Dupont", "", {"siren": "required"}),
    ("Dupont", "12345678", {"siren": "format"}),
    ("Dupont", "123456789", {"siren": "checksum"}),
    ("", "abc", {"company_name": "required", "siren": "format"}),
])
def test_company_fields(name, siren, errors):
    assert company_errors(name, siren) == errors
