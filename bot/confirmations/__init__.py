"""The receiving side of a party named by address: the invitation's links read back to
the invited address, confirming (a record of its own in the chat's chain) and refusing."""
