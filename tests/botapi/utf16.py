"""UTF-16 arithmetic: Telegram measures offsets and lengths in UTF-16 code units."""

from __future__ import annotations


def units(char: str) -> int:
    """Code units of one character (astral characters are surrogate pairs)."""
    return 2 if ord(char) > 0xFFFF else 1


def length(text: str) -> int:
    return sum(units(char) for char in text)


def offsets(text: str) -> list[int]:
    """UTF-16 offset of every character index, plus the total length at the end."""
    result = [0]
    for char in text:
        result.append(result[-1] + units(char))
    return result


def substring(text: str, offset: int, size: int) -> str:
    """The characters covering ``[offset, offset + size)`` in UTF-16 units."""
    starts = offsets(text)
    begin = starts.index(offset) if offset in starts else len(text)
    end = starts.index(offset + size) if offset + size in starts else len(text)
    return text[begin:end]


def byte_offset(text: str, index: int) -> int:
    """Byte offset of character ``index`` in UTF-8, as TDLib reports parse errors."""
    return len(text[:index].encode("utf-8", "surrogatepass"))
