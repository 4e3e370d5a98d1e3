"""Planning: Erlang figures, staffing and scheduling."""
