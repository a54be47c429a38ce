"""Handover acts check offline: the hash covers the canonical payload, each signature its hash, every party signed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from unforgotten.errors import InputError
from unforgotten.exchanges import acts

SIGNERS = (("olena", "officer", "UA"), ("ivan", "party_coordinator", "RU"), ("marie", "mediator", "ICRC"))


def _act() -> tuple[dict[str, Any], list[str]]:
    payload = {
        "stage": {"id": 1, "date": "2025-06-09", "place": "Сумська обл."},
        "parties": {"sides": ["UA", "RU"], "mediator": "ICRC"},
        "persons": [{"line": 1, "name": "Шевчук Андрій", "outcome": "exchanged"}],
    }
    sha = acts.digest(payload)
    signatures, prints = [], []
    for signer, role, party in SIGNERS:
        key = acts.generate_private_key()
        public = acts.public_key_b64(key)
        prints.append(acts.fingerprint(public))
        signatures.append({"signer": signer, "role": role, "party": party, "public_key": public,
                           "signature": acts.sign(key, sha)})  # fmt: skip
    return {"payload": payload, "sha256": sha, "signatures": signatures}, prints


def test_canonical_is_key_order_and_whitespace_free() -> None:
    assert acts.canonical({"b": 1, "a": [1, 2]}) == acts.canonical({"a": [1, 2], "b": 1}) == b'{"a":[1,2],"b":1}'


def test_a_complete_act_verifies_with_a_warning_when_keys_are_not_pinned() -> None:
    act, prints = _act()
    unpinned = acts.verify_act(act)
    assert unpinned.ok and len(unpinned.verified) == 3 and unpinned.warnings
    pinned = acts.verify_act(act, trusted=prints)
    assert pinned.ok and not pinned.warnings


def test_one_changed_byte_of_the_payload_fails_naming_the_hash() -> None:
    act, _ = _act()
    act["payload"]["persons"][0]["outcome"] = "exchangee"
    result = acts.verify_act(act)
    assert not result.ok
    assert any("sha256 does not match" in f for f in result.failures)


def test_a_changed_signature_fails_naming_the_signer() -> None:
    act, _ = _act()
    forged = copy.deepcopy(act)
    sig = forged["signatures"][1]["signature"]
    forged["signatures"][1]["signature"] = ("A" if sig[0] != "A" else "B") + sig[1:]
    result = acts.verify_act(forged)
    assert any("ivan" in f and "does not verify" in f for f in result.failures)
    assert any("officer of RU" in f for f in result.failures)


def test_a_missing_signer_and_an_unpinned_key_fail() -> None:
    act, prints = _act()
    act["signatures"] = act["signatures"][:2]
    result = acts.verify_act(act, trusted=prints[:1])
    assert "no valid signature of the mediator" in result.failures
    assert any("not pinned" in f and "ivan" in f for f in result.failures)


def test_private_keys_round_trip_encrypted_and_a_wrong_passphrase_is_an_input_error() -> None:
    key = acts.generate_private_key()
    pem = acts.private_key_pem(key, "correct horse")
    assert b"ENCRYPTED" in pem
    assert acts.public_key_b64(acts.load_private_key(pem, "correct horse")) == acts.public_key_b64(key)
    with pytest.raises(InputError):
        acts.load_private_key(pem, "wrong")


def test_trusted_keys_file_takes_fingerprints_with_comments() -> None:
    fp = "sha256:" + "ab" * 32
    assert acts.parse_trusted_keys(f"# pinned at the meeting\n{fp} olena (UA)\n\n") == {fp}
    with pytest.raises(InputError):
        acts.parse_trusted_keys("not-a-key\n")


def test_not_an_act_fails_cleanly() -> None:
    assert not acts.verify_act([1, 2]).ok
    assert acts.verify_act({"payload": {}, "sha256": acts.digest({}), "signatures": []}).failures
