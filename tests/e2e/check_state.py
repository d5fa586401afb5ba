#!/usr/bin/env python3
"""Check decoded controller state and snapshot diffs against what a test VMM set.

  check_state.py fields EXPECTED.jsonl SHOW.jsonl [LABEL]
      every field in EXPECTED (chip, index, field, value) must be present in
      `kvmirq show --json` output with exactly that value
  check_state.py diff DIFF.jsonl EXIT_STATUS WANT_STATUS [chip:index:field ...]
      `kvmirq diff --json` must exit WANT_STATUS and report as changed
      exactly the fields listed (none: no difference at all)
  check_state.py recon DIFF.jsonl EXIT_STATUS MIN_KNOWN
      a snapshot against a recording's reconstruction at the same moment:
      no difference, and at least MIN_KNOWN fields known and equal (N, or
      N% of the fields compared)

Prints one line per failure and ends with "N passed, M failed".
"""
import json
import sys

from checks import Checks

check = Checks()


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_fields(expected_path, show_path, label):
    chips = {(c["chip"], c["index"]): c["fields"] for c in load_jsonl(show_path)}
    expected = load_jsonl(expected_path)
    check(len(expected) > 0, f"{label}: no expected fields")
    for e in expected:
        key = (e["chip"], e["index"])
        fields = chips.get(key)
        if fields is None:
            check(False, f"{label}: no {key[0]} {key[1]} in the snapshot")
            continue
        got = fields.get(e["field"])
        if got is None:
            check(False, f"{label}: {key[0]} {key[1]} has no field {e['field']}")
            continue
        check(got.get("value") == e["value"],
              f"{label}: {key[0]} {key[1]} {e['field']} = {got.get('value')} "
              f"({got.get('text')}), expected {e['value']}")


def check_diff(diff_path, status, want_status, want_fields):
    entries = load_jsonl(diff_path)
    check(status == want_status, f"diff exited {status}, expected {want_status}")
    totals = [e for e in entries if e.get("class") == "totals"]
    check(len(totals) == 1, "diff printed no totals line")
    counted = {f"{e['chip']}:{e['index']}:{e.get('field', '*')}"
               for e in entries if e.get("class") in ("changed", "unknown", "only-in-a", "only-in-b")}
    want = set(want_fields)
    check(counted == want, f"diff named {sorted(counted)}, expected {sorted(want)}")
    if totals:
        check(totals[0]["compared"] > 0, "diff compared no fields")


def check_recon(diff_path, status, min_known):
    check_diff(diff_path, status, 0, [])
    totals = [e for e in load_jsonl(diff_path) if e.get("class") == "totals"]
    if totals:
        compared = totals[0]["compared"]
        known = compared - totals[0]["not_known"]
        want = compared * int(min_known[:-1]) / 100 if min_known.endswith("%") else int(min_known)
        check(compared > 0 and known >= want,
              f"the reconstruction knew {known} of {compared} fields, expected >= {min_known}")


def main(argv):
    if len(argv) >= 4 and argv[1] == "fields":
        check_fields(argv[2], argv[3], argv[4] if len(argv) > 4 else argv[3])
    elif len(argv) == 5 and argv[1] == "recon":
        check_recon(argv[2], int(argv[3]), argv[4])
    elif len(argv) >= 5 and argv[1] == "diff":
        check_diff(argv[2], int(argv[3]), int(argv[4]), argv[5:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return check.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
