"""What proves a record: its digest and chain, RFC 3161 timestamps (the queue, the stamper
worker, the TSA client and token), and verify (evidence/verify/)."""
