"""The signing terms: which actions count as a party's simple electronic signature, the
shipped texts and their digests, and who accepted which version. Nothing here knows
aiogram."""
