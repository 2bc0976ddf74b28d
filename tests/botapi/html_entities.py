"""parse_mode=HTML exactly as TDLib's parse_html reads it: plain text plus entities.

Telegram-specific leniencies kept on purpose: a raw ``>`` is ordinary text, an unknown
``&name;`` or a bare ``&`` stays literal, unknown attributes are ignored, ``</>`` closes the
innermost tag, and a link whose URL is not valid silently loses its entity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .entities import Entity, sort_entities
from .links import checked_link, link_user_id
from .utf16 import byte_offset, units

ALLOWED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji"}
    | {"span", "pre", "code", "blockquote"}
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\v\0"


class HtmlParseError(ValueError):
    """TDLib's message without the "Can't parse entities: " prefix."""


@dataclass
class ParsedText:
    text: str
    entities: list[Entity] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset where the entity starts
    start: int  # index in the output characters, for <a> without href


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _is_space(source: str, index: int) -> bool:
    return index >= len(source) or source[index] in _SPACES


def decode_reference(source: str, index: int) -> tuple[str, int] | None:
    """Decodes ``&...`` at ``index``: (character, next index) or None to keep it literal."""
    end = index + 1
    if source[end : end + 1] == "#":
        end += 1
        hexadecimal = source[end : end + 1] == "x"
        end += hexadecimal
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < len(source) and source[end] in digits:
            end += 1
        code = int(source[start:end], 16 if hexadecimal else 10) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - index >= 10:
            return None
        char = chr(code)
    else:
        while end < len(source) and source[end].isascii() and source[end].isalpha():
            end += 1
        char = _NAMED.get(source[index + 1 : end], "")
        if not char:
            return None
    # the semicolon is optional for TDLib
    return char, end + 1 if source[end : end + 1] == ";" else end


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []

    def error(self, message: str, index: int | None = None) -> HtmlParseError:
        if index is not None:
            message = f"{message} at byte offset {byte_offset(self.source, index)}"
        return HtmlParseError(message)

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.offset += units(char)

    def parse(self) -> ParsedText:
        source = self.source
        i = 0
        while i < len(source):
            char = source[i]
            if char == "&" and (decoded := decode_reference(source, i)) is not None:
                self.emit(decoded[0])
                i = decoded[1]
            elif char != "<":
                self.emit(char)
                i += 1
            elif source[i + 1 : i + 2] == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            tag = self.stack[-1].tag
            raise self.error(f'Can\'t find end tag corresponding to start tag "{tag}"')
        text = "".join(self.out)
        try:
            # entities like &#xD83D;&#xDE00; may form a valid surrogate pair only together
            text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            raise self.error(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ) from None
        entities = [
            e if e.type != "code" else Entity("code", e.offset, e.length) for e in self.entities
        ]
        return ParsedText(text, sort_entities(entities))

    def start_tag(self, begin: int) -> int:
        source = self.source
        i = begin + 1
        while not _is_space(source, i) and source[i] != ">":
            i += 1
        if i >= len(source):
            raise self.error("Unclosed start tag", begin)
        tag = _ascii_lower(source[begin + 1 : i])
        if tag not in ALLOWED_TAGS:
            raise self.error(f'Unsupported start tag "{tag}"', begin)
        argument = ""
        while source[i] != ">":
            i, argument = self.attribute(tag, begin, i, argument)
        if tag == "span" and argument != "spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append(_Open(tag, argument, self.offset, len(self.out)))
        return i + 1

    def attribute(self, tag: str, begin: int, i: int, argument: str) -> tuple[int, str]:
        """Reads one attribute; returns the next index and the tag's argument so far."""
        source = self.source
        while i < len(source) and source[i] in _SPACES:
            i += 1
        if i < len(source) and source[i] == ">":
            return i, argument
        name_start = i
        while not _is_space(source, i) and source[i] not in "=>/\"'":
            i += 1
        name = source[name_start:i]
        if not name:
            raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
        while i < len(source) and source[i] in _SPACES:
            i += 1
        if i >= len(source):
            raise self.error(f'Unclosed start tag "{tag}"', begin)
        if source[i] != "=":
            # an attribute without a value: only <blockquote expandable> means something
            return i, "1" if tag == "blockquote" and name == "expandable" else argument
        i += 1
        while i < len(source) and source[i] in _SPACES:
            i += 1
        if i >= len(source):
            raise self.error(f'Unclosed start tag "{tag}"', begin)
        if source[i] not in "'\"":
            token_start = i
            while (
                i < len(source)
                and source[i].isascii()
                and (source[i].isalnum() or source[i] in ".-")
            ):
                i += 1
            value = _ascii_lower(source[token_start:i])
            if not _is_space(source, i) and source[i] != ">":
                raise self.error("Unexpected end of name token", token_start)
        else:
            quote = source[i]
            i += 1
            chars: list[str] = []
            while i < len(source) and source[i] != quote:
                if source[i] == "&" and (decoded := decode_reference(source, i)) is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                else:
                    chars.append(source[i])
                    i += 1
            i += i < len(source)
            value = "".join(chars)
        if i >= len(source):
            raise self.error("Unclosed start tag", begin)
        return i, self.argument_of(tag, name, value, argument)

    @staticmethod
    def argument_of(tag: str, name: str, value: str, argument: str) -> str:
        if tag == "a" and name == "href":
            return value
        if tag == "code" and name == "class" and value.startswith("language-"):
            return value[len("language-") :]
        if tag == "span" and name == "class" and value.startswith("tg-"):
            return value[len("tg-") :]
        if tag == "tg-emoji" and name == "emoji-id":
            return value
        if tag == "blockquote" and name == "expandable":
            return "1"
        return argument

    def end_tag(self, begin: int) -> int:
        source = self.source
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        i = begin + 1
        while not _is_space(source, i) and source[i] != ">":
            i += 1
        name = _ascii_lower(source[begin + 2 : i])
        while i < len(source) and source[i] in _SPACES:
            i += 1
        if i >= len(source) or source[i] != ">":
            raise self.error("Unclosed end tag", begin)
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise self.error(
                f"Unmatched end tag at byte offset {byte_offset(source, begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        if self.offset > opened.offset:
            self.close(opened, self.offset - opened.offset)
        self.stack.pop()
        return i + 1

    def close(self, opened: _Open, size: int) -> None:
        tag, argument, offset = opened.tag, opened.argument, opened.offset
        last = self.entities[-1] if self.entities else None
        same_range = last is not None and (last.offset, last.length) == (offset, size)
        if tag in _SIMPLE:
            self.entities.append(Entity(_SIMPLE[tag], offset, size))
        elif tag == "tg-emoji":
            if not _is_int64(argument) or int(argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append(Entity("custom_emoji", offset, size, custom_emoji_id=argument))
        elif tag == "a":
            url = argument or "".join(self.out[opened.start :])
            user_id = link_user_id(url)
            if user_id is not None and user_id > 0:
                self.entities.append(Entity("text_mention", offset, size, user_id=user_id))
            elif (checked := checked_link(url)) is not None:
                self.entities.append(Entity("text_link", offset, size, url=checked))
        elif tag == "pre":
            if last is not None and same_range and last.type == "code" and last.language:
                self.entities[-1] = Entity("pre", offset, size, language=last.language)
            else:
                self.entities.append(Entity("pre", offset, size))
        elif tag == "code":
            if last is not None and same_range and last.type == "pre" and argument:
                self.entities[-1] = Entity("pre", offset, size, language=argument)
            else:
                # the language survives only until a wrapping <pre> closes
                self.entities.append(Entity("code", offset, size, language=argument or None))
        else:
            kind = "expandable_blockquote" if argument else "blockquote"
            self.entities.append(Entity(kind, offset, size))


def _is_int64(text: str) -> bool:
    digits = text[1:] if text.startswith("-") else text
    return digits.isascii() and digits.isdigit() and -(2**63) <= int(text) < 2**63


def parse_html(source: str) -> ParsedText:
    """Plain text and entities (offsets in UTF-16), or HtmlParseError like Telegram's."""
    return _Parser(source).parse()
