"""The in-process runtime: Durable replay engine and local host."""
