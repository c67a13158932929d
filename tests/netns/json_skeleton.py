#!/usr/bin/env python3
"""The key structure of a bdctl JSON document, one path per line: the
contract the man pages document, without the values.

  .schema_version
  .checks[zerotier.route].details.lan_subnet
  .rules[].chain

Arrays merge the keys of all their elements; an array of objects that have
a "name" is keyed by name (bdctl-check's checks, bdctl-relay's relays), as
their keys differ per name. Keys that are data rather than vocabulary
(sysctl names, interface names: anything with a '.', '/' or ':' in it) read '*'.
"""
import json
import sys


def walk(v, path, out):
    if isinstance(v, dict):
        out.add(path or ".")
        for k, x in v.items():
            key = "*" if any(c in k for c in "./:") else k
            walk(x, f"{path}.{key}", out)
    elif isinstance(v, list):
        out.add(path + "[]")
        for x in v:
            if isinstance(x, dict) and isinstance(x.get("name"), str):
                walk(x, f"{path}[{x['name']}]", out)
            else:
                walk(x, path + "[]", out)
    else:
        out.add(path)


def main():
    doc = json.load(open(sys.argv[1]))
    out = set()
    walk(doc, "", out)
    print("\n".join(sorted(out)))


if __name__ == "__main__":
    main()
