"""Pass numériques: print runs, booklets, cheques and their redemption."""
