"""Chats in user stories: groups, forums and channels (where chats speak, not people), and
the business chats of an account that connected the bot.

group.anonymous_admin_says("/agree")                 # from GroupAnonymousBot, as the group
group.channel_post_in_discussion("News", "Launch!")  # the linked channel's automatic forward
client_chat = connection.chat(bob)                   # alice's private chat with bob
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .forwards import channel_origin, forward_fields, forwarded_content
from .objects import CHANNEL_BOT, GROUP_ANONYMOUS_BOT, TELEGRAM_SERVICE_USER, private_chat_for

if TYPE_CHECKING:
    from .scenario import Person, TelegramWorld
    from .scenario_business import BusinessConnection


class Group:
    """A group, supergroup (maybe a forum) or channel the bot is in, or not."""

    def __init__(self, world: TelegramWorld, chat: dict[str, Any]) -> None:
        self.world = world
        self.chat = chat

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    @property
    def title(self) -> str:
        return str(self.chat["title"])

    @property
    def key(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.title!r}>"

    def anonymous_admin_says(
        self,
        text: str,
        *,
        author_signature: str | None = None,
        reply_to: dict[str, Any] | None = None,
        topic: int | None = None,
        parse_mode: str | None = None,
    ) -> dict[str, Any]:
        """An admin posting as the group: from GroupAnonymousBot, sender_chat = the group.

        ``author_signature`` is the admin's custom title, when they have one.
        """
        body = self.world.text_body(text, parse_mode, None, "text", "entities")
        return self.world.post(
            GROUP_ANONYMOUS_BOT,
            self,
            body,
            sender_chat=self.chat,
            author_signature=author_signature,
            reply_to=reply_to,
            topic=topic,
        )

    def channel_says(
        self, channel: Group, text: str, *, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A member writing on behalf of their channel: from Channel_Bot, sender_chat = it."""
        body = self.world.text_body(text, None, None, "text", "entities")
        return self.world.post(
            CHANNEL_BOT, self, body, sender_chat=channel.chat, reply_to=reply_to
        )

    def posts(self, text: str, *, author_signature: str | None = None) -> dict[str, Any]:
        """A channel post (no ``from``); the bot gets channel_post only if it is in the channel."""
        if self.chat["type"] != "channel":
            raise AssertionError(f"{self} is not a channel")
        body = self.world.text_body(text, None, None, "text", "entities")
        return self.world.post(
            None, self, body, sender_chat=self.chat, author_signature=author_signature
        )

    def channel_post_in_discussion(
        self, channel: Group | str, text: str, *, author_signature: str | None = None
    ) -> dict[str, Any]:
        """A post in the linked channel and its automatic forward into this discussion group.

        The forward comes from Telegram (777000) with sender_chat = the channel,
        is_automatic_forward and a channel forward_origin. Returns the group's message.
        """
        if isinstance(channel, str):
            channel = self.world.channel(channel)
        post = channel.posts(text, author_signature=author_signature)
        origin = channel_origin(channel.chat, post["message_id"], post["date"], author_signature)
        return self.world.post(
            TELEGRAM_SERVICE_USER,
            self,
            forwarded_content(post),
            sender_chat=channel.chat,
            forward=forward_fields(origin, automatic=True),
        )


class BusinessChat:
    """A business account owner's private chat with a client, seen through the bot.

    Its chat id is the client's id, as in the client's own chat with the bot, so the fake
    keeps it apart under ``key`` = (business_connection_id, client id).
    """

    def __init__(self, connection: BusinessConnection, client: Person) -> None:
        self.connection = connection
        self.client = client
        self.chat = private_chat_for(client.user)

    @property
    def id(self) -> int:
        return self.client.id

    @property
    def key(self) -> tuple[str, int]:
        return (self.connection.id, self.client.id)

    def __repr__(self) -> str:
        return f"<BusinessChat {self.connection.owner!r} with {self.client!r}>"

    def check_member(self, user: dict[str, Any]) -> None:
        if user["id"] not in (self.connection.owner.id, self.client.id):
            raise AssertionError(f"only the owner and the client write in {self}")


ChatLike = Group | BusinessChat | dict[str, Any]


def chat_of(chat: ChatLike) -> dict[str, Any]:
    return chat if isinstance(chat, dict) else chat.chat
