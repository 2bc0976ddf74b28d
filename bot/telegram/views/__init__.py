"""What the bot says in chats: HTML texts (user text always escaped) and keyboards."""
