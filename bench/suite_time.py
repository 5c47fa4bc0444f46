"""Suite time of issue 12: `make test` on SQLite before the issue against now, back to back.

The suite grew 2.5 times after issue 12 (the features of the issues that followed), so two
figures are printed against the before suite: the same stories now (its 357 tests as they are
named today, listed in bench/suite_time_stories.txt) and the whole suite now. Each run is timed
from outside, wall clock, in the order before → same stories → whole → before, so a change of
load shows as a difference between the two "before" runs.

    git worktree add --detach /tmp/before 32acae1 && make -C /tmp/before install
    .venv/bin/python -m bench.suite_time --before /tmp/before
"""

import argparse
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
STORIES = Path(__file__).with_name("suite_time_stories.txt")


def timed(command: list[str], cwd: Path) -> float:
    """Seconds of wall clock for ``command``, which must pass."""
    start = time.monotonic()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of 32acae1")
    before_dir = parser.parse_args().before.resolve()
    stories = ["-n", "auto", "--dist", "loadgroup", f"@{STORIES}"]
    before = timed(["make", "test"], before_dir)
    same = timed([str(HERE / ".venv/bin/pytest"), *stories], HERE)
    whole = timed(["make", "test"], HERE)
    again = timed(["make", "test"], before_dir)
    print(f"before issue 12: {before:.0f} s, then {again:.0f} s")
    for name, seconds in (("the same stories now", same), ("the whole suite now", whole)):
        ratios = " – ".join(f"{seconds / b:.0%}" for b in sorted((before, again)))
        print(f"{name}: {seconds:.0f} s = {ratios} of before")


if __name__ == "__main__":
    main()
