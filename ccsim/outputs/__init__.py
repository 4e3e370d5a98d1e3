"""What ccsim writes for people to read: tables, text, HTML, charts."""
