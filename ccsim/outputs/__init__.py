"""What ccsim shows and writes: tables, text, files, charts and notebook displays."""
