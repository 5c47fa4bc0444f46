"""The pooled equipment fleet: inventory, reservations and loans."""
