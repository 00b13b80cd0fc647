"""Issue 19's resource figures, as whole cold processes of the installed `keepgoing`.

    python benchmarks/hostile.py            # the figures issue 19 names
    python benchmarks/hostile.py --quick    # smaller files, for a first look

- a single-contact vCard of ~31 MB, nearly all a folded PHOTO (32 MB is the file limit): wall time and peak RSS
  of `keepgoing import` (the README promises 256 MB; 0.3.0 peaked at 4.5 GB);
- a CSV of people with many aliases and tags each: the import's wall time
  (each alias used to re-index the whole person);
- `forget` on a store built by that CSV, with the file rebuilt afterwards.

Each figure is one run in a fresh store (these commands write), so quote it as
one measurement on a shared machine, not a median.
"""

from __future__ import annotations

import argparse
import base64
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import measure


def big_photo_vcard(path: Path, megabytes: int) -> None:
    """One contact whose PHOTO is `megabytes` of base64, folded at 75 columns as vCard 3.0 writes it."""
    photo = base64.b64encode(os.urandom(megabytes * 1024 * 1024 * 3 // 4)).decode()
    folded = "\r\n ".join(photo[i : i + 74] for i in range(0, len(photo), 74))
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Person\r\nN:Person;Photo;;;\r\n"
        f"TEL:07700 900123\r\nPHOTO;ENCODING=b;TYPE=JPEG:{folded}\r\nEND:VCARD\r\n",
        encoding="ascii",
    )


def many_aliases_csv(path: Path, people: int, aliases: int, tags: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["name", "aliases", "tags"])
        for n in range(people):
            out.writerow(
                [
                    f"Person {n:05d}",
                    ";".join(f"Nick{n}x{a}" for a in range(aliases)),
                    ";".join(f"tag{t}" for t in range(tags)),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a 4 MB photo and 20 people")
    parser.add_argument("--make", metavar="DIR", help=argparse.SUPPRESS)
    options = parser.parse_args()
    photo_mb, people = (4, 20) if options.quick else (30, 200)  # 30 MB of base64 folds to ~31 MB
    if options.make:  # in a child, so that this process stays small: a forked child's peak counts its parent
        big_photo_vcard(Path(options.make) / "photo.vcf", photo_mb)
        many_aliases_csv(Path(options.make) / "many.csv", people, aliases=50, tags=100)
        return
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        card, sheet = folder / "photo.vcf", folder / "many.csv"
        make = [sys.executable, __file__, "--make", tmp, *(["--quick"] if options.quick else [])]
        subprocess.run(make, check=True)
        rows = []
        env["KEEPGOING_DB"] = str(folder / "card.db")
        wall, rss = measure(["keepgoing", "import", str(card)], env)
        rows.append((f"import a {card.stat().st_size / 2**20:.0f} MB one-contact vCard", wall, rss))
        env["KEEPGOING_DB"] = str(folder / "many.db")
        wall, rss = measure(["keepgoing", "import", str(sheet)], env)
        rows.append((f"import {people} people x 50 aliases + 100 tags", wall, rss))
        wall, rss = measure(["keepgoing", "forget", "Person 00001", "--yes"], env)
        rows.append(("forget one of them (the file rebuilt)", wall, rss))
    print("| what | wall s | peak RSS MB |\n|---|---|---|")
    for label, wall, rss in rows:
        print(f"| {label} | {wall:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
