"""Optional backend: a running Rasa server's /model/parse, with the builtin parser as fallback."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import httpx

from nlu.urgent import mark as mark_urgent

log = logging.getLogger(__name__)


class RasaParser:
    """Intent from Rasa; entities from Rasa plus builtin ones of kinds Rasa did not return."""

    def __init__(self, url: str, fallback: Any, timeout: float = 2.0) -> None:
        self.url = url.rstrip("/") + "/model/parse"
        self.fallback = fallback
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)))

    def parse(self, text: str, now: datetime | None = None) -> dict[str, Any]:
        """Ask Rasa; on any failure log a warning and answer with the builtin parser."""
        local = self.fallback.parse(text, now)
        try:
            response = self.client.post(self.url, json={"text": text})
            response.raise_for_status()
            remote = response.json()
            intent = remote["intent"]
            result: dict[str, Any] = {
                "text": text,
                "intent": {
                    "name": str(intent["name"]),
                    "confidence": float(intent.get("confidence", 0.0)),
                },
                "intent_ranking": [
                    {"name": str(r["name"]), "confidence": float(r.get("confidence", 0.0))}
                    for r in remote.get("intent_ranking") or [intent]
                ],
                "entities": list(remote.get("entities") or []),
            }
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.warning("Rasa server at %s unusable (%s); builtin NLU answered", self.url, exc)
            return local
        kinds = {e.get("entity") for e in result["entities"]}
        result["entities"] += [e for e in local["entities"] if e["entity"] not in kinds]
        result["entities"].sort(key=lambda e: (e.get("start", 0), e.get("end", 0)))
        if local.get("urgent"):  # an emergency stays one whatever the remote model thought
            result = mark_urgent(result, text)
        return result

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.client.close()
