"""Everything that speaks aiogram: routers, middlewares, views, adapters (Telegram objects to
plain data), cards, recovery, the notifier, the webhook server and the Telegram HTTP session.

The packages below it (the domain, mail, evidence, db) never import aiogram."""
