"""``python -m bot verify``: checks a saved agreement email or record, or a chat's chain,
against its digest, the stamp, DKIM and the store."""
