"""What a record mail's HTML part shows a reader, read as strictly as the bot writes it.

The HTML is split into tokens, then walked with the stack of open elements: every tag,
attribute, style declaration and comment must be one the bot writes (mail_markup.py), every
end tag must close the element that is open, and an element that hides its content may hold
text only. Within that, what a client shows is plain: the visible text, the <h1>, and the
one agreed-text box, kept as tokens so that its line breaks and links can be compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from bot.verify import mail_markup as allowed

# Tags that start a new line or cell where a reader sees them; their text is set apart.
_BREAKS = frozenset({"br", "p", "div", "td", "tr", "table", "h1", "li", "blockquote", "pre"})


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "start", "end", "text", "comment", "decl", "other"
    name: str  # the tag, else the text, comment or declaration
    attrs: tuple[tuple[str, str | None], ...] = ()
    closed: bool = False  # written <br/>

    def attr(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)


@dataclass
class HtmlView:
    problems: list[str] = field(default_factory=list)  # markup the bot never writes
    text: list[str] = field(default_factory=list)  # visible text, pieces
    heading: list[str] | None = None  # the text of the <h1>
    boxes: list[list[Token]] = field(default_factory=list)  # what each agreed-text box holds
    # Boxes styled as the agreed text's but not marked: in mails from before the mark, the
    # first of them is the agreed text.
    unmarked: list[list[Token]] = field(default_factory=list)

    @property
    def visible(self) -> str:
        return collapse("".join(self.text))


def collapse(value: str) -> str:
    """Whitespace runs as one space: what HTML shows of them."""
    return " ".join(value.split())


def tokens(html: str) -> list[Token]:
    parser = _Tokenizer()
    parser.feed(html)
    parser.close()
    return parser.tokens


def box_text(box: list[Token]) -> str:
    """An agreed-text box as text: its line breaks kept, as the pre-wrap box shows them."""
    return "".join(t.name if t.kind == "text" else "\n" if t.name == "br" else "" for t in box)


SHOWN, HIDDEN, UNSEEN = "shown", "hidden", "unseen"  # how an open element treats content
_Open = tuple[str, str, int | None]  # tag, SHOWN/HIDDEN/UNSEEN, where a box started


def read_html(html: str) -> HtmlView:
    view = HtmlView()
    stack: list[_Open] = []
    items = tokens(html)
    roots = 0
    for index, token in enumerate(items):
        mode = stack[-1][1] if stack else SHOWN
        if token.kind == "start":
            if mode == HIDDEN:
                view.problems.append(f"<{token.name}> inside an element that hides it")
                continue
            roots += token.name == "html"
            hides = _check_start(token, stack[-1][0] if stack else None, view.problems)
            if roots > 1:
                view.problems.append("a second <html>")
            if token.name == "h1":
                if view.heading is not None:
                    view.problems.append("a second <h1>")
                view.heading = view.heading if view.heading is not None else []
            box = index if _is_box(token) else None
            if token.name not in allowed.VOID:
                inner = HIDDEN if hides else UNSEEN if token.name == "head" else mode
                stack.append((token.name, inner, box))
            _show(view, stack, "\n" if token.name == "br" else _separator(token.name))
        elif token.kind == "end":
            if not stack or stack[-1][0] != token.name:
                open_tag = f"<{stack[-1][0]}>" if stack else "nothing"
                view.problems.append(f"</{token.name}> where {open_tag} is open")
                continue
            tag, _, box = stack.pop()
            if box is not None:
                marked = items[box].attr("id") == allowed.AGREED_TEXT_ID
                (view.boxes if marked else view.unmarked).append(items[box + 1 : index])
            _show(view, stack, _separator(tag))
        elif token.kind == "text":
            if (not stack or stack[-1][0] == "html") and token.name.strip():
                view.problems.append("text outside <body>")
            _show(view, stack, token.name)
        elif not _allowed_other(token):
            view.problems.append(f"<!{token.name[:40]}>" if token.kind != "other" else "<?…>")
    if stack:
        view.problems.append(f"<{stack[-1][0]}> never closed")
    return view


def _check_start(token: Token, parent: str | None, problems: list[str]) -> bool:
    """Records what of the tag the bot never writes; says if it hides its content."""
    tag = token.name
    rules = allowed.TAGS.get(tag)
    if rules is None:
        problems.append(f"<{tag}>")
        return True
    if (
        (parent == "head") != (tag in allowed.IN_HEAD)
        or (parent == "html") != (tag in {"head", "body"})
        or (parent is None) != (tag == "html")
    ):
        problems.append(f"<{tag}> in {f'<{parent}>' if parent else 'no element'}")
    if token.closed and tag not in allowed.VOID:
        problems.append(f"<{tag}/>")
    names = [name for name, _ in token.attrs]
    if len(set(names)) != len(names):
        problems.append(f"<{tag}> with an attribute given twice")
    hides = False
    for name, value in token.attrs:
        if name == "style" and tag not in allowed.IN_HEAD and tag != "html":
            found = allowed.declarations(value or "")
            problems.extend(f'style="{d}"' for d in found if d not in allowed.DECLARATIONS)
            hides = hides or any(d in allowed.HIDING for d in found)
            if token.attr("id") == allowed.AGREED_TEXT_ID and tuple(found) != allowed.BOX_STYLE:
                problems.append(f'the agreed-text box styled "{value}"')
        elif not _value_allowed(rules.get(name), value):
            problems.append(f"<{tag} {name}>")
    if token.attr("id") == allowed.AGREED_TEXT_ID and tag != "div":
        problems.append(f'<{tag} id="{allowed.AGREED_TEXT_ID}">')
    return hides


def _is_box(token: Token) -> bool:
    if token.attr("id") == allowed.AGREED_TEXT_ID:
        return True
    style = allowed.declarations(token.attr("style") or "")
    return token.name == "div" and tuple(style) == allowed.BOX_STYLE


def _value_allowed(rule: frozenset[str] | re.Pattern[str] | None, value: str | None) -> bool:
    if value is None or rule is None:
        return False
    if isinstance(rule, frozenset):
        return value in rule
    return rule.fullmatch(value) is not None


def _separator(tag: str) -> str:
    return " " if tag in _BREAKS else ""


def _allowed_other(token: Token) -> bool:
    if token.kind == "comment":
        return token.name in allowed.COMMENTS
    return token.kind == "decl" and token.name.lower() == allowed.DOCTYPE


def _show(view: HtmlView, stack: list[_Open], text: str) -> None:
    if not text or (stack and stack[-1][1] != SHOWN):
        return
    view.text.append(text)
    if view.heading is not None and any(tag == "h1" for tag, _, _ in stack):
        view.heading.append(text)


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(Token("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(Token("start", tag, tuple(attrs), closed=True))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(Token("end", tag))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1].kind == "text":
            data = self.tokens.pop().name + data
        self.tokens.append(Token("text", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(Token("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(Token("decl", decl))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(Token("other", data))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(Token("other", data))
