"""What people read and see: tables, text, workbooks, HTML, charts, the web playground."""
