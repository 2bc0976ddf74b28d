"""What the tests share, one job a module: real servers as test doubles (the SMTP mailbox,
fresh databases, a timestamp authority), the stories' harness and steps, the bot run
in-process or as a process, mail readers and checks, and what the service and mailer tests
build their inputs from. No test module imports another: what two need is here."""
