"""Tables of the vouchers app."""
