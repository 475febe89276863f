"""Fixtures of the SP-API client tests (fakes live in spapi_fakes.py)."""
from __future__ import annotations

import httpx
import pytest

from pipelines.spapi.auth import TokenCache
from pipelines.spapi.http import SpApiClient
from tests.spapi.spapi_fakes import FakeAmazon, FakeTime, config


@pytest.fixture
def fake():
    amazon = FakeAmazon()
    yield amazon
    assert not amazon.spec_problems, "requests that break the official model:\n" + "\n".join(amazon.spec_problems)


@pytest.fixture
def ftime() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake, ftime):
    clients = []

    def make(cache: TokenCache | None = None, **overrides) -> SpApiClient:
        client = SpApiClient(config(**overrides), transport=httpx.MockTransport(fake), sleep=ftime.sleep,
                             clock=ftime.clock, token_cache=cache or TokenCache())
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client):
    return make_client()
