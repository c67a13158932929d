#!/usr/bin/env python3
"""Compare the keys the code reads with the keys etc/bdctl.toml.example shows.

The code's keys: every Config get_*("a.b") and get_*(k + "leaf") call (k being
"boards." + name + "." and the like), and every table read with at_path("a.b")
or table_keys("a"). The example's keys: its settings with the leading '#'
removed (and "# or: " alternatives), parsed as TOML, with the names of [boards.NAME] and [relays.NAME]
tables (and the entries of free-form tables) replaced by '*'.
Prints what is missing either way; exits 1 if anything is.
"""
import pathlib
import re
import sys
import tomllib

src = pathlib.Path(sys.argv[1])
example = pathlib.Path(sys.argv[2]).read_text()

read, free_tables, named_tables = set(), set(), set()
# bdctl-watch's config reads through duration(c, KEY, ...) and count(c, KEY, ...) too.
call = re.compile(r'(?:get_(?:string|int|bool|duration|strings)\(|\b(?:duration|count)\(c,\s*)\s*(k \+ )?"([a-z_.]+)"')
prefix_re = re.compile(r'std::string k = "([a-z_.]+)\." \+')
for path in list(src.glob("lib/src/**/*.cpp")) + list(src.glob("tools/**/*.cpp")):
    prefix = None
    for line in path.read_text().splitlines():
        if m := prefix_re.search(line):
            prefix = m.group(1) + ".*."
        for rel, key in call.findall(line):
            read.add((prefix if rel else "") + key)
        # bdctl-route: pick(flag, "key") falls back to the file's key.
        for key in re.findall(r'pick\([^,()]+,\s*"([a-z_.]+)"\)', line):
            read.add(key)
        for t in re.findall(r'at_path\("([a-z_.]+)"\)', line):
            free_tables.add(t)
        for t in re.findall(r'table_keys\("([a-z_.]+)"\)', line):
            named_tables.add(t)

# "# or: key = value" shows an alternative to the setting above it: a key the
# file may hold instead (uncommenting both would be refused).
doc = tomllib.loads("\n".join(re.sub(r"^(#(?=[^ #])|# or: )", "", l) for l in example.splitlines()))
shown = set()
def walk(node, path):
    here = ".".join(path)
    for k, v in node.items():
        if here in free_tables:
            shown.add(here + ".*")
            continue
        p = path + ["*" if here in named_tables else k]
        if isinstance(v, dict):
            walk(v, p)
        else:
            shown.add(".".join(p))
walk(doc, [])

wanted = read | {t + ".*" for t in free_tables}
missing = sorted(wanted - shown)
stale = sorted(shown - wanted)
for k in missing:
    print(f"read by the code, not in the example: {k}")
for k in stale:
    print(f"in the example, read by no code: {k}")
print(f"{len(wanted)} keys read, {len(shown)} shown")
sys.exit(1 if missing or stale else 0)
