"""Who the bot under test is: its token, the sender its mail comes from, and the key the
service tests hash verification codes with. Tests, fixtures and bench/ share them."""

from __future__ import annotations

from bot.registration.codes import code_key

TOKEN = "123456789:AAtest-token-for-the-bot-api-test-server"
MAIL_FROM = "Agreements <bot@agreements.test>"
# What verification codes are hashed with in tests that build the services themselves.
CODE_KEY = code_key("123456789:AAtest-token-for-service-tests")
