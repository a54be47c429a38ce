"""The backup file format: a passphrase-derived key (scrypt), AES-256-GCM in 1 MiB frames.

Why frames: a backup of a national registry is gigabytes; each frame is sealed on its own (its number and whether
it is the last in its associated data), so the file is written and read in bounded memory and a frame dropped,
swapped or cut off at the end fails to open, as does a wrong passphrase or one flipped bit.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from unforgotten.errors import FileReadError, InputError, Text

__all__ = ["MAGIC", "check_passphrase", "decrypt_file", "encrypt_file"]

MAGIC = b"UNFORGOTTEN-BACKUP-1\n"
_FRAME = 1 << 20
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    check_passphrase(passphrase)
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to protect a registry of persons."""
    if len(passphrase) < 12:
        raise InputError(
            Text("the backup passphrase is shorter than 12 characters"),
            hint=Text("use a long passphrase (UNFORGOTTEN_BACKUP_PASSPHRASE or --passphrase-file) and keep it apart"),
        )


def _frames(handle: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    chunk = handle.read(_FRAME)
    while True:
        following = handle.read(_FRAME)
        yield chunk, not following
        if not following:
            return
        chunk = following


def encrypt_file(source: Path, target: Path, passphrase: str, meta: dict[str, str]) -> None:
    """Write ``source`` encrypted to ``target``; ``meta`` (what and when) is stored in the clear and authenticated."""
    salt = os.urandom(16)
    header = json.dumps({**meta, "kdf": "scrypt", **_SCRYPT, "salt": salt.hex()}, sort_keys=True).encode()
    aead = AESGCM(_key(passphrase, salt, **_SCRYPT))
    prefix = os.urandom(4)
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(MAGIC + struct.pack(">I", len(header)) + header)
        for number, (chunk, last) in enumerate(_frames(plain)):
            nonce = prefix + struct.pack(">Q", number)
            sealed = aead.encrypt(nonce, chunk, header + struct.pack(">Q?", number, last))
            out.write(struct.pack(">I", len(sealed)) + nonce + sealed)


def decrypt_file(source: Path, target: Path, passphrase: str) -> dict[str, str]:
    """Decrypt a backup into ``target``; return its header. Any alteration or a wrong passphrase is refused."""
    with source.open("rb") as handle, target.open("wb") as out:
        if handle.read(len(MAGIC)) != MAGIC:
            raise FileReadError(
                Text("not an Unforgotten backup"), file=str(source), hint=Text("give a file made by `backup`")
            )
        (size,) = struct.unpack(">I", handle.read(4))
        header = handle.read(size)
        meta = json.loads(header)
        aead = AESGCM(_key(passphrase, bytes.fromhex(meta["salt"]), meta["n"], meta["r"], meta["p"]))
        number, last = 0, False
        while not last:
            length_bytes = handle.read(4)
            if len(length_bytes) < 4:
                raise FileReadError(Text("the backup is cut short"), file=str(source), hint=Text("use a complete copy"))
            (length,) = struct.unpack(">I", length_bytes)
            nonce, sealed = handle.read(12), handle.read(length)
            for candidate in (False, True):  # the last frame says so in its sealed data
                try:
                    chunk = aead.decrypt(nonce, sealed, header + struct.pack(">Q?", number, candidate))
                except InvalidTag:
                    continue
                last = candidate
                break
            else:
                raise FileReadError(
                    Text("the backup cannot be opened: wrong passphrase, or the file was altered"),
                    file=str(source), hint=Text("check the passphrase; use an unaltered copy"),
                )  # fmt: skip
            out.write(chunk)
            number += 1
        if handle.read(1):
            raise FileReadError(Text("the backup has data after its last frame"), file=str(source))
    return {k: str(v) for k, v in meta.items()}
