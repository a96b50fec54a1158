"""The keyed hashes of a certificate: HMAC-SHA256 (default) or HMAC-SM3 (GB/T 39786-2021), selectable.

SM3 (GB/T 32905-2016) comes from the platform's ``hashlib`` (OpenSSL 1.1.1 and later ship it) and,
where the platform's OpenSSL leaves it out, from the pure-Python ``gmssl`` package (optional extra
``sm3``); HMAC is RFC 2104 over either (block size 64 bytes for both hashes).

>>> mac("HMAC-SM3", b"0123456789abcdef-key", b"code", b"payload")[:8] != mac(
...     "HMAC-SHA256", b"0123456789abcdef-key", b"code", b"payload")[:8]
True
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
from collections.abc import Callable

from volunteer_core.errors import InvalidInput, InvalidType

__all__ = ["ALGORITHMS", "DEFAULT_ALGORITHM", "check_algorithm", "mac", "sm3_digest"]

#: The signature algorithms a certificate may name (``Certificate.algorithm``).
ALGORITHMS = ("HMAC-SHA256", "HMAC-SM3")
DEFAULT_ALGORITHM = "HMAC-SHA256"
_BLOCK = 64  # both SHA-256 and SM3 hash 64-byte blocks


#: How many characters of an unknown algorithm's name an error shows (the rest is elided).
_SHOWN = 40


def _shown(name: str) -> str:
    """``name`` as an error may show it: escaped as ``repr`` escapes it (a control character, a lone
    surrogate), without the quotes, cut short."""
    text = repr(name[:_SHOWN])[1:-1]
    return text if len(name) <= _SHOWN else f"{text}…({len(name)} chars)"


def check_algorithm(algorithm: object) -> str:
    """``algorithm`` if it is one of :data:`ALGORITHMS`, else ``InvalidInput`` naming the field (an
    :class:`~volunteer_core.errors.InvalidType` when it is not a ``str``); the name is shown escaped and
    cut short.

    >>> check_algorithm("HMAC-SM3")
    'HMAC-SM3'
    >>> check_algorithm("HMAC-\\x1b[2J")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ algorithm: 未知的签名算法“HMAC-\\x1b[2J”...
    """
    allowed = ", ".join(ALGORITHMS)
    if not isinstance(algorithm, str):
        kind = type(algorithm).__name__
        raise InvalidType(
            "algorithm",
            kind,
            message_en=f"the signature algorithm must be a str, not {kind}: one of {allowed}",
            message_zh=f"签名算法须为字符串，不是 {kind}，须为以下之一：{allowed}",
        )
    if algorithm not in ALGORITHMS:
        shown = _shown(algorithm)
        raise InvalidInput(
            "algorithm",
            algorithm if shown == algorithm else shown,
            message_en=f"unknown signature algorithm '{shown}': one of {allowed}",
            message_zh=f"未知的签名算法“{shown}”，须为以下之一：{allowed}",
        )
    return algorithm


def _hashlib_sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def _gmssl_sm3(data: bytes) -> bytes:
    module = importlib.import_module("gmssl.sm3")
    # gmssl 3.2: sm3_hash takes a list of byte values (and appends to it) and returns hex digits.
    digest: str = module.sm3_hash(list(data))
    return bytes.fromhex(digest)


def _sm3_source() -> Callable[[bytes], bytes]:
    if "sm3" in hashlib.algorithms_available:
        return _hashlib_sm3
    try:
        importlib.import_module("gmssl.sm3")
    except ImportError as err:
        raise ImportError(
            "HMAC-SM3 needs SM3, which this Python's hashlib (OpenSSL) does not provide: "
            "pip install 'volunteer-core[sm3]' (gmssl)；"
            "HMAC-SM3 签名需要 SM3 算法，本机 Python 的 hashlib（OpenSSL）不支持：请安装 gmssl"
        ) from err
    return _gmssl_sm3


def sm3_digest(data: bytes) -> bytes:
    """The SM3 hash of ``data`` (32 bytes), from ``hashlib`` or ``gmssl``; ``ImportError`` (bilingual)
    when neither has it.

    >>> sm3_digest(b"abc").hex()[:16]  # GB/T 32905-2016, example 1
    '66c7f0f462eeedd9'
    """
    return _sm3_source()(data)


def _hmac(hash_: Callable[[bytes], bytes], key: bytes, message: bytes) -> bytes:
    if len(key) > _BLOCK:
        key = hash_(key)
    key = key.ljust(_BLOCK, b"\x00")
    inner = hash_(bytes(k ^ 0x36 for k in key) + message)
    return hash_(bytes(k ^ 0x5C for k in key) + inner)


def mac(algorithm: str, key: bytes, purpose: bytes, payload: bytes) -> str:
    """The HMAC of ``purpose`` NUL ``payload`` under ``key`` with ``algorithm``, as upper-case hex.

    >>> len(mac("HMAC-SHA256", b"0123456789abcdef-key", b"code", b"payload"))
    64
    """
    message = purpose + b"\x00" + payload
    if check_algorithm(algorithm) == "HMAC-SHA256":
        return hmac.new(key, message, hashlib.sha256).hexdigest().upper()
    source = _sm3_source()
    if source is _hashlib_sm3:
        return hmac.new(key, message, "sm3").hexdigest().upper()
    return _hmac(source, key, message).hex().upper()
