"""The server's own secret — PUTUO_SECRET_KEY, else a key file beside the server (mode 0600, made at first start) —
and the keys derived from it for each purpose (the audit chain's MAC, …); the database never holds any of them."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from gis.errors import StoreError
from gis.settings import ROOT

#: The folder beside the server that holds its key file and the audit checkpoints (PUTUO_STATE_DIR overrides it).
DEFAULT_STATE_DIR = ROOT / "workspace" / "server"
KEY_FILE = "secret.key"


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """The server's own folder: PUTUO_STATE_DIR, else ``workspace/server`` of the installation."""
    env = os.environ if env is None else env
    raw = (env.get("PUTUO_STATE_DIR") or "").strip()
    return Path(raw).expanduser().absolute() if raw else DEFAULT_STATE_DIR


def _read_key(path: Path) -> bytes:
    st = path.stat()
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError("anchor_key_mode", path=str(path), mode=oct(stat.S_IMODE(st.st_mode)))
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise StoreError("anchor_key_unusable", path=str(path), reason=f"{len(key)} bytes, expected 64 hex digits")
    return key


def server_secret(env: Mapping[str, str] | None = None) -> bytes:
    """The server's secret: PUTUO_SECRET_KEY when set, else the key file ``secret.key`` in :func:`state_dir`,
    created on first use (random, 256 bit, mode 0600; two processes starting at once get the same one).

    Raises
    ------
    StoreError
        ``anchor_key_mode`` when the key file may be read by others than its owner (``chmod 600`` fixes it);
        ``anchor_key_unusable`` when it cannot be read or made (the folder is not writable, the file is short).
    """
    env = os.environ if env is None else env
    given = env.get("PUTUO_SECRET_KEY")
    if given:
        return given.encode()
    folder = state_dir(env)
    path = folder / KEY_FILE
    try:
        if path.exists():
            return _read_key(path)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic: the first process to start wins, the others read its key
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        return _read_key(path)
    except OSError as exc:
        raise StoreError("anchor_key_unusable", path=str(path), reason=exc.strerror or type(exc).__name__) from exc


def derived_key(purpose: str, env: Mapping[str, str] | None = None) -> bytes:
    """The key for one ``purpose`` (HMAC-SHA256 of the purpose under the server's secret): a key leaked from one
    use does not give the others."""
    return hmac.new(server_secret(env), purpose.encode(), hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """A short public name of a key (12 hex digits), to tell which key wrote an entry without revealing it."""
    return hashlib.sha256(b"putuo key id\n" + key).hexdigest()[:12]
