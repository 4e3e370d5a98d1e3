"""What ccsim shows and writes for people to read: tables, text, files, HTML, charts
and notebook displays."""
