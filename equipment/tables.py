"""Tables of the equipment app."""
