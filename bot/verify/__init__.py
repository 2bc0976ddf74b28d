"""``python -m bot verify``: checks a saved agreement email or record, or a chat's chain,
against its digest, the stamp, DKIM and the store.

It sits above bot/mail/ and bot/evidence/: it reads the mail the bot writes (its parts and
their HTML) and the evidence in it (the record, the chain, the stamp)."""
