"""Media in user stories: documents, photos, video, audio and voice with captions, albums,
caption edits and replaced media. Every file is stored, so the bot can getFile and download.

msg = alice.sends_document(group, b"%PDF...", file_name="offer.pdf", caption="/agree v1")
alice.edits_caption(msg, "/agree v2")
alice.replaces_media(msg, b"%PDF... v2", file_name="offer-v2.pdf")
album = alice.sends_album(group, [b"one", b"two"], kind="document", caption="scans")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import media

if TYPE_CHECKING:
    from .scenario import TelegramWorld
    from .scenario_chats import ChatLike

CAPTION_KEYS = ("caption", "caption_entities", "show_caption_above_media")


class MediaActions:
    """Mixed into Person: needs ``world`` and ``user``, posts through ``world.post``."""

    world: TelegramWorld
    user: dict[str, Any]

    def _sends(
        self,
        kind: str,
        chat: ChatLike,
        content: bytes | None,
        caption: str | None,
        parse_mode: str | None,
        caption_entities: list[dict[str, Any]] | None,
        media_options: dict[str, Any],
        post_options: dict[str, Any],
    ) -> dict[str, Any]:
        body = media.media_body(self.world.server.state.files, kind, content, **media_options)
        body |= self.world.caption_body(caption, parse_mode, caption_entities)
        return self.world.post(self, chat, body, **post_options)

    def sends_document(
        self,
        chat: ChatLike,
        content: bytes | None = None,
        *,
        file_name: str | None = "offer.pdf",
        mime_type: str | None = "application/pdf",
        thumbnail: bool = False,
        caption: str | None = None,
        parse_mode: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """``options``: reply_to, topic, media_group_id, as for every send."""
        extra = {"file_name": file_name, "mime_type": mime_type, "thumbnail": thumbnail}
        return self._sends(
            "document", chat, content, caption, parse_mode, caption_entities, extra, options
        )

    def sends_photo(
        self,
        chat: ChatLike,
        content: bytes | None = None,
        *,
        width: int = 1280,
        height: int = 960,
        caption: str | None = None,
        parse_mode: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """Sizes smallest first; the last (largest) PhotoSize is the file with ``content``."""
        extra = {"width": width, "height": height}
        return self._sends(
            "photo", chat, content, caption, parse_mode, caption_entities, extra, options
        )

    def sends_video(
        self,
        chat: ChatLike,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        parse_mode: str | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """``options`` also take media.video's file_name, mime_type, duration, width, height."""
        extra = _split(options, ("file_name", "mime_type", "duration", "width", "height"))
        return self._sends("video", chat, content, caption, parse_mode, None, extra, options)

    def sends_audio(
        self,
        chat: ChatLike,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        parse_mode: str | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """``options`` also take file_name, mime_type, duration, title, performer."""
        names = ("file_name", "mime_type", "duration", "title", "performer")
        extra = _split(options, names)
        return self._sends("audio", chat, content, caption, parse_mode, None, extra, options)

    def sends_voice(
        self,
        chat: ChatLike,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        parse_mode: str | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """``options`` also take duration and mime_type."""
        extra = _split(options, ("duration", "mime_type"))
        return self._sends("voice", chat, content, caption, parse_mode, None, extra, options)

    def sends_album(
        self,
        chat: ChatLike,
        contents: Sequence[bytes],
        *,
        kind: str = "photo",
        caption: str | None = None,
        parse_mode: str | None = None,
        file_names: Sequence[str] | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """2-10 messages sharing a media_group_id; the caption goes on the first one."""
        if not 2 <= len(contents) <= 10:
            raise ValueError("an album has 2 to 10 items")
        group_id = self.world.media_group_id()
        sent = []
        for index, content in enumerate(contents):
            extra = {"file_name": file_names[index]} if file_names else {}
            text = caption if index == 0 else None
            post = {**options, "media_group_id": group_id}
            sent.append(self._sends(kind, chat, content, text, parse_mode, None, extra, post))
        return sent

    # -- edits --------------------------------------------------------------------------

    def edits_caption(
        self,
        message: dict[str, Any],
        caption: str,
        *,
        parse_mode: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """An edited (business) message with the new caption; "" removes the caption."""
        self.world.check_author(self, message)
        if media.media_kind(message) is None:
            raise AssertionError("only media messages have captions; use edits() for text")
        body = self.world.caption_body(caption, parse_mode, caption_entities)
        return self.world.push_edit(message, body, drop=CAPTION_KEYS)

    def replaces_media(
        self,
        message: dict[str, Any],
        content: bytes,
        *,
        kind: str | None = None,
        caption: str | None = None,
        parse_mode: str | None = None,
        **media_options: Any,
    ) -> dict[str, Any]:
        """The same message with a new file (and new file ids); the caption stays unless given.

        ``kind`` switches the media type (e.g. photo -> document); ``media_options`` go to
        the media builder (file_name, mime_type, width, ...).
        """
        self.world.check_author(self, message)
        old_kind = media.media_kind(message)
        if old_kind is None:
            raise AssertionError("only media messages can have their media replaced")
        files = self.world.server.state.files
        body = media.media_body(files, kind or old_kind, content, **media_options)
        drop: tuple[str, ...] = (old_kind,)
        if caption is not None:
            body |= self.world.caption_body(caption, parse_mode, None)
            drop += CAPTION_KEYS
        return self.world.push_edit(message, body, drop=drop)


def _split(options: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """Takes the media builder's options out of ``options`` (the rest go to world.post)."""
    return {name: options.pop(name) for name in names if name in options}
