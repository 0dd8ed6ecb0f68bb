"""Telegram-style validation of parse_mode=HTML text, strict as the real Bot API."""

from __future__ import annotations

import re
from html import unescape

# Tags Telegram accepts (https://core.telegram.org/bots/api#html-style).
SIMPLE_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "tg-spoiler"})
ATTR_TAGS = frozenset({"a", "span", "blockquote", "tg-emoji"})
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*(/?)>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")


class HtmlError(ValueError):
    """Raised with Telegram's wording when a text can't be parsed."""


def _attrs(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in _ATTR.findall(raw):
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        out[name.lower()] = unescape(value)
    return out


def _check_attrs(tag: str, attrs: dict[str, str], offset: int) -> None:
    if tag == "a" and "href" not in attrs:
        # Telegram tolerates <a> without href but renders plain text; keep it strict.
        raise HtmlError(f'Tag "a" must have attribute "href" at byte offset {offset}')
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if tag == "tg-emoji" and "emoji-id" not in attrs:
        raise HtmlError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')


def _off(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def parse_html(text: str) -> str:
    """Return the plain text Telegram would show, or raise HtmlError like the Bot API."""
    plain: list[str] = []
    stack: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if not m:
                raise HtmlError(f"Unsupported start tag at byte offset {_off(text, i)}")
            closing, name, raw_attrs, selfclose = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
            if name not in SIMPLE_TAGS and name not in ATTR_TAGS:
                kind = "end" if closing else "start"
                raise HtmlError(f'Unsupported {kind} tag "{name}" at byte offset {_off(text, i)}')
            if selfclose:
                raise HtmlError(f'Unsupported start tag "{name}/" at byte offset {_off(text, i)}')
            if closing:
                if not stack or stack[-1] != name:
                    raise HtmlError(
                        f"Unmatched end tag at byte offset {_off(text, i)}, expected "
                        f'"</{stack[-1] if stack else ""}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                attrs = _attrs(raw_attrs)
                if name in SIMPLE_TAGS and attrs and not (name == "code" and set(attrs) == {"class"}):
                    raise HtmlError(f'Tag "{name}" must not have attributes at byte offset {_off(text, i)}')
                _check_attrs(name, attrs, _off(text, i))
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise HtmlError(f"Character '&' is reserved and must be escaped at byte offset {_off(text, i)}")
            body = m.group(1)
            if body.startswith("#"):
                code = int(body[2:], 16) if body[1:2] in {"x", "X"} else int(body[1:])
                if code > 0x10FFFF:
                    raise HtmlError(f"Invalid numeric entity at byte offset {_off(text, i)}")
                plain.append(chr(code))
            elif body in NAMED_ENTITIES:
                plain.append(NAMED_ENTITIES[body])
            else:
                raise HtmlError(f'Unsupported HTML entity "&{body};" at byte offset {_off(text, i)}')
            i = m.end()
        elif ch == ">":
            # The Bot API docs require '>' outside tags to be escaped too.
            raise HtmlError(f"Character '>' is reserved and must be escaped at byte offset {_off(text, i)}")
        else:
            plain.append(ch)
            i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(plain)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts message length in."""
    return len(text.encode("utf-16-le")) // 2
