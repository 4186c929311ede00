from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests._server import serve

from ._fhir_server import FakeFhir


@dataclass
class Keys:
    private_pem: bytes
    public: Any


def _pem(key: Any) -> bytes:
    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture(scope="session")
def rsa_keys() -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Keys(_pem(key), key.public_key())


@pytest.fixture(scope="session")
def ec_keys() -> Keys:
    key = ec.generate_private_key(ec.SECP384R1())
    return Keys(_pem(key), key.public_key())


@pytest.fixture
def fake() -> Iterator[FakeFhir]:
    server = FakeFhir()
    with serve(server.app()) as base:
        server.base = base
        yield server


class Sleeps:
    """A sleep that records how long it was asked to wait, and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def patients(n: int) -> list[dict[str, Any]]:
    return [
        {
            "resourceType": "Patient",
            "id": f"p{i}",
            "meta": {"lastUpdated": f"2026-01-01T00:00:{i:02d}Z"},
            "name": [{"family": f"Family{i}", "given": ["Kid"]}],
            "birthDate": "2012-05-06",
        }
        for i in range(n)
    ]
