"""Small linkage fixtures shared by the tests: one scenario pair, linked once per session with the shipped model."""

from __future__ import annotations

import pytest

from unforgotten.linkage import LinkageModel, LinkResult, default_model, link_lists
from unforgotten.scenario import linkage_pair

Rows = list[dict[str, str]]


@pytest.fixture(scope="session")
def model() -> LinkageModel:
    return default_model()


@pytest.fixture(scope="session")
def small_pair() -> tuple[Rows, Rows, set[tuple[str, str]]]:
    return linkage_pair(600, 5)


@pytest.fixture(scope="session")
def small_link(small_pair: tuple[Rows, Rows, set[tuple[str, str]]], model: LinkageModel) -> LinkResult:
    left, right, _ = small_pair
    return link_lists(left, right, model=model, explain=True)


def person(record_id: str, family: str, given: str, patronymic: str = "", dob: str = "", **more: str) -> dict[str, str]:
    """A canonical row for hand-written cases."""
    return {
        "record_id": record_id,
        "family_name": family,
        "given_name": given,
        "patronymic": patronymic,
        "date_of_birth": dob,
        **more,
    }
