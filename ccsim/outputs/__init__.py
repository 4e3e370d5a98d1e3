"""What ccsim shows and writes for people to read: tables, text, files, HTML, charts,
notebook displays and the classroom web playground."""
