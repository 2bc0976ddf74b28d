"""Test doubles that are real servers: SMTP (aiosmtpd) and databases."""
