"""Forwards in user stories.

bob.forwards(group, alices_message)                     # origin "user" (alice)
bob.forwards(group, alices_message, hidden=True)        # "hidden_user": alice hides her account
bob.forwards(group, channel.posts("News"))              # "channel"
bob.forwards(group, group.anonymous_admin_says("Hi"))   # "chat"
bob.forwards(group, "typed text", origin=hidden_user_origin("Carol", date))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .forwards import forward_fields, forwarded_content, origin_of

if TYPE_CHECKING:
    from .scenario import TelegramWorld
    from .scenario_chats import ChatLike


class ForwardActions:
    """Mixed into Person: needs ``world``, posts through ``world.post``."""

    world: TelegramWorld
    user: dict[str, Any]

    def forwards(
        self,
        chat: ChatLike,
        original: dict[str, Any] | str,
        *,
        origin: dict[str, Any] | None = None,
        hidden: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        """Forwards ``original`` (a message, or a text with an explicit ``origin``).

        The origin is worked out from the message unless given (see forwards.origin_of);
        ``options`` are reply_to and topic.
        """
        if isinstance(original, str):
            if origin is None:
                raise ValueError("a forwarded text needs origin= (see tests.botapi.forwards)")
            body = self.world.text_body(original, None, None, "text", "entities")
        else:
            original = self.world.server.current(original)
            body = forwarded_content(original)
            origin = origin or origin_of(original, hidden=hidden)
        return self.world.post(self, chat, body, forward=forward_fields(origin), **options)
