"""What proves a record: its digest and chain, and RFC 3161 timestamps (the queue of
records waiting for one, the TSA client and token). It knows nothing of mail: bot/mail/
attaches the stamps, and bot/verify/ checks what was mailed."""
