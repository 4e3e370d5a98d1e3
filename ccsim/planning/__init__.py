"""Planning: Erlang calculators, staffing and scheduling (the layered home of the
planning modules; older ones move in later)."""
