"""The redemption benchmark of the issue: `bench.vouchers_load --scenario redemption`.

.venv/bin/python -m bench.redemption --smoke              # CI, SQLite, seconds
.venv/bin/python -m bench.redemption                      # PostgreSQL, 100,000 cheques, 20 s
.venv/bin/python -m bench.redemption --redemptions 100000 # until 100,000 redeemed, then RSS
"""

import sys

from bench.vouchers_load import main

if __name__ == "__main__":
    sys.exit(main(["--scenario", "redemption", *sys.argv[1:]]))
