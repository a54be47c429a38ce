"""Sealing personal values: round trip, keys and field names bound, the chain hashes the sealed form."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from unforgotten.audit.chain import GENESIS_HASH, event_hash, first_break
from unforgotten.audit.personal import SEALED, is_blank, seal, unseal

VALUES = {"id": 7, "status": "requested", "display_name": "Шевченко Тарас", "explanation": {"dob": "1990-01-02"}}
HIDDEN = {"display_name": VALUES["display_name"], "explanation": VALUES["explanation"]}


def _cipher() -> AESGCM:
    return AESGCM(AESGCM.generate_key(bit_length=256))


def test_round_trip_keeps_clear_what_is_not_personal() -> None:
    cipher = _cipher()
    sealed = seal(cipher, "person:7", HIDDEN, VALUES)
    assert sealed["id"] == 7 and sealed["status"] == "requested"
    assert "display_name" not in sealed and "Шевченко" not in str(sealed)
    assert sealed[SEALED]["fields"] == ["display_name", "explanation"]
    assert unseal(cipher, sealed[SEALED]) == HIDDEN


def test_each_seal_is_fresh_and_bound_to_its_key_and_fields() -> None:
    cipher = _cipher()
    first, second = seal(cipher, "person:7", HIDDEN, VALUES), seal(cipher, "person:7", HIDDEN, VALUES)
    assert first[SEALED]["box"] != second[SEALED]["box"]  # a new nonce every time
    with pytest.raises(InvalidTag):
        unseal(_cipher(), first[SEALED])  # another subject's key
    with pytest.raises(InvalidTag):
        unseal(cipher, {**first[SEALED], "key": "person:8"})  # moved to another subject
    with pytest.raises(InvalidTag):
        unseal(cipher, {**first[SEALED], "fields": ["explanation", "display_name"]})  # fields relabelled


def test_the_hash_covers_the_sealed_form_and_survives_the_key() -> None:
    cipher = _cipher()
    row = {"id": 1, "occurred_at": dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "actor": "test", "action": "persons.insert",
           "subject_type": "persons", "subject_id": "7", "before": None,
           "after": seal(cipher, "person:7", HIDDEN, VALUES), "reason": None}  # fmt: skip
    digest = event_hash(row, GENESIS_HASH)
    del cipher  # the key destroyed: nothing in the stored event changes, so neither does its hash
    assert event_hash(row, GENESIS_HASH) == digest
    assert first_break([{**row, "prev_hash": GENESIS_HASH, "hash": digest}], head=(1, digest)) == (1, None)
    altered = {**row, "after": {**row["after"], SEALED: {**row["after"][SEALED], "box": "AAAA"}}}
    assert event_hash(altered, GENESIS_HASH) != digest  # the ciphertext itself is chained


def test_blanks_are_not_personal() -> None:
    assert all(is_blank(v) for v in (None, "", {}, []))
    assert not any(is_blank(v) for v in ("x", 0, {"a": 1}, ["a"]))
