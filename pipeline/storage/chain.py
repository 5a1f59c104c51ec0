"""The one hash chain rule, for the audit log and for the ledger's seals: each record's hash is
the SHA-256 of the previous record's hash and the record's own fields, as compact JSON."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of a chain's first record


def record_hash(prev_hash: str, fields: Sequence[Any]) -> str:
    payload = json.dumps([prev_hash, *fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
