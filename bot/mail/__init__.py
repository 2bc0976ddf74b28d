"""The mail a record sends: letters and their parts, queuing for the parties, the outbox
worker that sends them, and the queue's status. Composing and sending is mailer/'s job."""
