"""A group's archive address: set by an administrator with a mailed code, removed at once."""
