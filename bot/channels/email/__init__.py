"""Email: parsing raw messages, IMAP and SMTP intake."""
