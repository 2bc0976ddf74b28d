"""Small things every package shares: who is who (people, directory), times as people read
them, word diffs, the file a message carries, and the background loop."""
