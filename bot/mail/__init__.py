"""The mail a record sends: letters and their parts, queuing for the parties, the stamper
that holds a record's mails until its timestamp comes, the outbox worker that sends them,
and the queue's status. Composing and sending is mailer/'s job; stamps come from
bot/evidence/, below this package."""
