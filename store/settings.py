"""Workspace-wide settings (e.g. the bureau's basemap service) and the remembered field mappings of imported files
(``ws.settings``); every change audited with its value before and after. Also each user's own work in progress
(not a decision of record, so not audited)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update

from text.clock import utc_now_iso
from text.messages import CATALOGUE, Message, msg

if TYPE_CHECKING:
    from store.workspace import Workspace


def _setting_name(key: str) -> Message | str:
    """A setting's name as an audit entry shows it (translated where the catalogue has it)."""
    return msg(f"setting_{key}") if f"setting_{key}" in CATALOGUE else key


def _setting_value(key: str, stored: str | None) -> Message | str:
    """A stored (JSON) setting value as an audit entry shows it: the text itself, a datum by its name,
    "(none)" for nothing."""
    if stored is None:
        return msg("aud_none")
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    if value in ("", None):
        return msg("aud_none")
    if key.endswith("_datum") and f"datum_{value}" in CATALOGUE:
        return msg(f"datum_{value}")
    return str(value)


class SettingRepository:
    """The settings and field mappings of one workspace (``ws.settings``)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws, self.t = ws, ws.t

    def save_mapping(self, signature: str, layer_kind: str, mapping: Mapping[str, Any], *, actor: str) -> None:
        """Remember how the columns of a kind of file map to a layer's schema (a settings change, audited)."""
        fm = self.t.field_mappings
        text = json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True)
        with self._ws.write(msg("act_settings"), lock_chain_first=True) as tx:
            old = tx.conn.execute(select(fm.c.mapping).where(fm.c.signature == signature)).scalar()
            if old == text:
                return
            values = {"layer_kind": layer_kind, "mapping": text, "saved_at": utc_now_iso()}
            if old is None:
                tx.conn.execute(insert(fm).values(signature=signature, **values))
            else:
                tx.conn.execute(update(fm).where(fm.c.signature == signature).values(**values))
            kind = msg(f"layer_{layer_kind}") if f"layer_{layer_kind}" in CATALOGUE else layer_kind
            tx.audit(actor, "settings.mapping", "mapping", signature[:64], msg("aud_mapping_saved", kind=kind))

    def load_mapping(self, signature: str) -> dict | None:
        """The remembered mapping for a file signature, if any."""
        fm = self.t.field_mappings
        with self._ws.read() as conn:
            text = conn.execute(select(fm.c.mapping).where(fm.c.signature == signature)).scalar()
        return json.loads(text) if text else None

    def set(self, key: str, value: Any, *, actor: str) -> None:
        """Set a workspace-wide setting (JSON value); audited with its value before and after."""
        st = self.t.settings
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self._ws.write(msg("act_settings"), lock_chain_first=True) as tx:
            old = tx.conn.execute(select(st.c.value).where(st.c.key == key)).scalar()
            if old == text:
                return
            values = {"value": text, "updated_at": utc_now_iso(), "updated_by": actor}
            if old is None:
                tx.conn.execute(insert(st).values(key=key, **values))
            else:
                tx.conn.execute(update(st).where(st.c.key == key).values(**values))
            tx.audit(
                actor,
                "settings.change",
                "setting",
                key,
                msg(
                    "aud_setting_changed",
                    key=_setting_name(key),
                    before=_setting_value(key, old),
                    after=_setting_value(key, text),
                ),
            )

    def get(self, key: str, default: Any = None) -> Any:
        """A workspace-wide setting, or ``default``."""
        st = self.t.settings
        with self._ws.read() as conn:
            text = conn.execute(select(st.c.value).where(st.c.key == key)).scalar()
        return json.loads(text) if text is not None else default

    def stamp(self, key: str) -> tuple[str, str] | None:
        """When (UTC, ISO) and by whom a setting was last changed, or None when it was never set."""
        st = self.t.settings
        with self._ws.read() as conn:
            row = conn.execute(select(st.c.updated_at, st.c.updated_by).where(st.c.key == key)).first()
        return None if row is None else (str(row[0]), str(row[1]))

    @staticmethod
    def _own_key(account: str, name: str) -> str:
        return f"own:{name}:{account}"

    def get_own(self, account: str, name: str) -> Any:
        """What ``account`` kept under ``name`` (JSON value), or None."""
        return self.get(self._own_key(account, name))

    def set_own(self, account: str, name: str, value: Any) -> None:
        """Keep ``value`` (JSON) for ``account`` under ``name``, replacing what was kept; None forgets it. A user's
        own work in progress (e.g. an unsaved scenario): written at once, not audited — saving a scenario is."""
        st = self.t.settings
        key = self._own_key(account, name)
        with self._ws.write(msg("act_settings")) as tx:
            tx.conn.execute(delete(st).where(st.c.key == key))
            if value is not None:
                text = json.dumps(value, ensure_ascii=False, sort_keys=True)
                tx.conn.execute(insert(st).values(key=key, value=text, updated_at=utc_now_iso(), updated_by=account))
