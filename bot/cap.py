"""CAP 1.2 warning files: read safely (defusedxml, no DOCTYPE), checked against the OASIS schema."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from bot import texts
from domain.alerts import CAP_SEVERITY, COLOUR_WORDS

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
NS = {"cap": CAP_NS}
SCHEMA = Path(__file__).parent / "schemas" / "CAP-v1.2.xsd"  # OASIS CAP 1.2, shipped unchanged
# <parameter> names that carry the warning colour in Chinese and WMO profiles.
LEVEL_PARAMETERS = frozenset({"预警级别", "预警等级", "level", "awareness_level", "color", "colour"})
SENDABLE_TYPES = frozenset({"Alert", "Update"})


class CapRefused(Exception):
    """The file is not a CAP 1.2 warning we may relay; the message says why."""


@dataclass(frozen=True)
class CapWarning:
    """What we take from a CAP file: identifier, level, title, the official text, its source."""

    identifier: str
    level: str
    title: str
    text: str
    source: str
    areas: tuple[str, ...] = ()  # each <area>'s <areaDesc>: where the warning is for


@lru_cache(maxsize=1)
def _schema() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA))


def parse(data: bytes) -> Element:
    """The XML tree; a DOCTYPE, an entity or a malformed file is refused."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise CapRefused(texts.ALERT_CAP_DOCTYPE) from None
    except ParseError as exc:
        raise CapRefused(texts.ALERT_CAP_NOT_XML.format(reason=exc)) from None


def validate(root: Element) -> None:
    """Check the tree against the CAP 1.2 schema; the first error is the reason given."""
    error = next(iter(_schema().iter_errors(root)), None)
    if error is not None:
        reason = error.reason or str(error.message)
        path = (error.path or "/").replace("{" + CAP_NS + "}", "cap:")
        raise CapRefused(texts.ALERT_CAP_INVALID.format(reason=reason, path=path))


def _text(el: Element | None, tag: str) -> str:
    found = el.find(f"cap:{tag}", NS) if el is not None else None
    return (found.text or "").strip() if found is not None else ""


def _info(root: Element) -> Element:
    infos = root.findall("cap:info", NS)
    if not infos:
        raise CapRefused(texts.ALERT_CAP_NO_INFO)
    # The Chinese block when there are several languages; else the first.
    return next((i for i in infos if _text(i, "language").lower().startswith("zh")), infos[0])


def _level(info: Element) -> str:
    for p in info.findall("cap:parameter", NS):
        if _text(p, "valueName").lower() in LEVEL_PARAMETERS:
            value = _text(p, "value").lower()
            for word, level in COLOUR_WORDS.items():
                if word in value:
                    return level
    for tag in ("headline", "event"):
        said = _text(info, tag).lower()
        for word, level in COLOUR_WORDS.items():
            if word in said:
                return level
    return CAP_SEVERITY.get(_text(info, "severity"), "蓝")


def read_cap(data: bytes) -> CapWarning:
    """A CAP 1.2 warning from a file's bytes, or CapRefused with the reason."""
    root = parse(data)
    validate(root)
    status, msg_type = _text(root, "status"), _text(root, "msgType")
    if status != "Actual":
        raise CapRefused(texts.ALERT_CAP_STATUS.format(status=status))
    if msg_type not in SENDABLE_TYPES:
        raise CapRefused(texts.ALERT_CAP_MSGTYPE.format(msg_type=msg_type))
    info = _info(root)
    # The official words, unchanged: description, then what to do.
    body = "\n\n".join(x for x in (_text(info, "description"), _text(info, "instruction")) if x)
    return CapWarning(
        identifier=_text(root, "identifier"), level=_level(info),
        title=_text(info, "headline") or _text(info, "event"), text=body,
        source=_text(info, "senderName") or _text(root, "sender"),
        areas=tuple(d for a in info.findall("cap:area", NS) if (d := _text(a, "areaDesc"))))
