"""The signature algorithm is part of the certificate: HMAC-SHA256 by default, HMAC-SM3 selectable."""

from __future__ import annotations

import hashlib
import hmac
import sys
import types

import attrs
import pytest
from certificate_support import ID_A, SECRET, ZHANG_A, issue

from volunteer_core import InvalidInput
from volunteer_core.certificates import ALGORITHMS, verify_certificate
from volunteer_core.certificates import _signing as signing

# GB/T 32905-2016, Appendix A, example 1: SM3("abc")
SM3_ABC = "66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0"


def test_sm3_is_available_here() -> None:
    """SM3 is available to the test suite — from the platform's hashlib, or from the extra ``sm3``
    (gmssl), which the ``dev`` extra installs — and gives the standard's test vector."""
    assert signing.sm3_digest(b"abc").hex().upper() == SM3_ABC


def test_the_gmssl_extra_gives_the_standard_vector() -> None:
    """The real package behind the extra ``sm3`` (installed by the ``dev`` extra): GB/T 32905 example 1."""
    from gmssl import func, sm3

    assert sm3.sm3_hash(func.bytes_to_list(b"abc")).upper() == SM3_ABC


def test_sha256_is_the_default_and_sm3_signs_and_verifies() -> None:
    sha = issue(ZHANG_A, id_number=ID_A)
    sm3 = issue(ZHANG_A, id_number=ID_A, algorithm="HMAC-SM3")
    assert (sha.algorithm, sm3.algorithm) == ("HMAC-SHA256", "HMAC-SM3")
    assert ALGORITHMS == ("HMAC-SHA256", "HMAC-SM3")
    assert verify_certificate(sm3, SECRET, member=ZHANG_A, id_number=ID_A)
    assert not verify_certificate(sm3, b"a forger's guessed secret value")
    assert not verify_certificate(attrs.evolve(sm3, total_minutes=sm3.total_minutes + 60), SECRET)
    # everything keyed follows the algorithm: number, code and ID fingerprint
    assert sm3.number != sha.number
    assert sm3.verification_code != sha.verification_code
    assert sm3.id_fingerprint != sha.id_fingerprint
    assert len(sm3.verification_code) == 32


def test_the_code_is_the_hmac_sm3_of_the_canonical_payload() -> None:
    cert = issue(ZHANG_A, algorithm="HMAC-SM3")
    expected = hmac.new(SECRET, b"code\x00" + cert.canonical(), "sm3").hexdigest().upper()[:32]
    assert cert.verification_code == expected
    assert b'"algorithm":"HMAC-SM3"' in cert.canonical()
    assert b'"format":"volunteer_core.certificate/2"' in cert.canonical()


def test_flipping_the_algorithm_field_breaks_verification() -> None:
    sha = issue(ZHANG_A)
    assert not verify_certificate(attrs.evolve(sha, algorithm="HMAC-SM3"), SECRET)
    sm3 = issue(ZHANG_A, algorithm="HMAC-SM3")
    assert not verify_certificate(attrs.evolve(sm3, algorithm="HMAC-SHA256"), SECRET)


@pytest.mark.parametrize("algorithm", ["HMAC-MD5", "hmac-sha256", "SM3", ""])
def test_an_unknown_algorithm_is_refused_naming_the_field_and_value(algorithm: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        issue(ZHANG_A, algorithm=algorithm)
    assert (caught.value.path, caught.value.value) == ("algorithm", algorithm)
    assert "HMAC-SM3" in caught.value.message_en
    assert "签名算法" in caught.value.message_zh
    with pytest.raises(InvalidInput) as caught:
        verify_certificate(attrs.evolve(issue(ZHANG_A), algorithm=algorithm), SECRET)
    assert (caught.value.path, caught.value.value) == ("algorithm", algorithm)


def _gmssl_stand_in() -> types.ModuleType:
    """A module with gmssl 3.2's SM3 interface (a list of byte values in, hex digits out)."""
    module = types.ModuleType("gmssl.sm3")

    def sm3_hash(msg: list[int]) -> str:
        assert isinstance(msg, list)
        return hashlib.new("sm3", bytes(msg)).hexdigest()

    module.sm3_hash = sm3_hash  # type: ignore[attr-defined]
    return module


def test_without_sm3_in_hashlib_the_gmssl_package_provides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    on_hashlib = issue(ZHANG_A, id_number=ID_A, algorithm="HMAC-SM3")
    long_key = b"k" * 100  # longer than SM3's block: hashed first (RFC 2104)
    reference = hmac.new(long_key, b"code\x00payload", "sm3").hexdigest().upper()
    monkeypatch.setattr(hashlib, "algorithms_available", hashlib.algorithms_available - {"sm3"})
    package = types.ModuleType("gmssl")
    monkeypatch.setitem(sys.modules, "gmssl", package)
    monkeypatch.setitem(sys.modules, "gmssl.sm3", _gmssl_stand_in())
    assert signing.sm3_digest(b"abc").hex().upper() == SM3_ABC
    assert signing.mac("HMAC-SM3", long_key, b"code", b"payload") == reference
    on_gmssl = issue(ZHANG_A, id_number=ID_A, algorithm="HMAC-SM3")
    assert on_gmssl == on_hashlib
    assert verify_certificate(on_hashlib, SECRET, id_number=ID_A)


def test_without_any_sm3_the_error_names_the_missing_support(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hashlib, "algorithms_available", hashlib.algorithms_available - {"sm3"})
    monkeypatch.setitem(sys.modules, "gmssl", None)  # an import of it fails
    monkeypatch.setitem(sys.modules, "gmssl.sm3", None)
    with pytest.raises(ImportError) as caught:
        issue(ZHANG_A, algorithm="HMAC-SM3")
    message = str(caught.value)
    assert "SM3" in message
    assert "gmssl" in message
    assert "volunteer-core[sm3]" in message
    assert "本机" in message
    assert issue(ZHANG_A).algorithm == "HMAC-SHA256"  # SHA-256 does not need it
