"""What people read: tables as CSV and workbooks, text tables, charts, reports.

New presentation modules live here (the older ones move in later).
"""
