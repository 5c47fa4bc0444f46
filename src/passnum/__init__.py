"""passnum: pass numériques and the pooled equipment fleet of a département."""
