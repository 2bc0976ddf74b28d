"""The domain: agreements, parties, addresses and records. Nothing here knows aiogram."""
