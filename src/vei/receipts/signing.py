"""Ed25519 signing keys: generated into the state dir (mode 0600) or loaded from a PEM."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "receipt-key.pem"
KEY_LOCK = ".receipt-key.lock"

log = logging.getLogger("vei.keys")


class Signer:
    """Signs receipt and checkpoint messages; Ed25519 signatures are deterministic."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key_hex = raw.hex()

    def sign(self, message: bytes) -> str:
        """Hex signature of ``message``."""
        return self._key.sign(message).hex()

    @classmethod
    def from_seed(cls, seed_bytes: bytes) -> Signer:
        """A signer from 32 raw bytes (tests and in-memory runs)."""
        return cls(Ed25519PrivateKey.from_private_bytes(seed_bytes))

    @classmethod
    def generate(cls) -> Signer:
        """A new random key (not deterministic; signatures do not enter any hash)."""
        return cls(Ed25519PrivateKey.generate())


class SigningKeyError(ValueError):
    """A signing key file is missing, unreadable or not an Ed25519 private key."""


def load_signer(path: Path) -> Signer:
    """Load an Ed25519 private key from a PEM file; warn when others may read it."""
    if path.is_symlink() and not path.exists():
        raise SigningKeyError(f"{path} is a dangling symlink (to {os.readlink(path)})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"cannot read Ed25519 key {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{path} is not an unencrypted Ed25519 PEM key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    _warn_if_readable(path)
    return Signer(key)


def _warn_if_readable(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & 0o077:
        log.warning(
            "signing key %s is readable by others (mode %o): anyone who can read it can sign "
            "receipts; chmod 600 it",
            path,
            mode & 0o777,
        )


def load_or_create_signer(state_dir: Path) -> Signer:
    """The state dir's key (``receipt-key.pem``, mode 0600), created on first use.

    Creation is safe against other processes starting at the same moment (they agree on
    one key, under a lock) and against crashes (the key is written to a temporary file,
    synced and renamed into place, so the key file is whole or absent). An empty key file,
    which only a crash of an older writer can leave, is replaced, with a warning.
    """
    path = state_dir / KEY_FILE
    if path.is_symlink() and not path.exists():
        raise SigningKeyError(f"{path} is a dangling symlink (to {os.readlink(path)})")
    if _has_content(path):
        return load_signer(path)
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_fd = os.open(state_dir / KEY_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise SigningKeyError(f"cannot create a signing key in {state_dir}: {exc}") from None
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        if _has_content(path):  # another process made it while we waited
            return load_signer(path)
        if path.exists():
            log.warning("signing key %s is empty (left by a crash); writing a new key", path)
        return _write_new_key(path)
    except OSError as exc:
        raise SigningKeyError(f"cannot create a signing key in {state_dir}: {exc}") from None
    finally:
        os.close(lock_fd)


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:  # absent, or below something that is not a directory: creation says why
        return False


def _write_new_key(path: Path) -> Signer:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return Signer(key)


def read_public_key(text: str) -> str:
    """A pinned public key as hex: ``text`` is 64 hex digits, or the path of a file holding
    them or a PEM key (public, or private: its public half). SigningKeyError otherwise."""
    candidate = text.strip().lower()
    if len(candidate) == 64 and all(c in "0123456789abcdef" for c in candidate):
        return candidate
    path = Path(text).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(
            f"{text!r} is neither 64 hex digits nor a readable key file ({exc.strerror})"
        ) from None
    stripped = data.strip()
    if len(stripped) == 64:
        return read_public_key(stripped.decode("ascii", errors="replace"))
    try:
        public: object = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            public = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as exc:
            raise SigningKeyError(f"{path} holds no Ed25519 key: {exc}") from None
    if not isinstance(public, Ed25519PublicKey):
        raise SigningKeyError(f"{path} holds a key that is not Ed25519")
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def verify_signature(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    """True when ``signature_hex`` is a valid signature of ``message``."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        public.verify(bytes.fromhex(signature_hex), message)
    except (ValueError, InvalidSignature):
        return False
    return True
