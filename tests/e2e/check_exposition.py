#!/usr/bin/env python3
"""A strict checker of the Prometheus text exposition format (0.0.4), for
kvmirq exporter's output: HELP and TYPE once per family and before its
samples, a family's samples together, names and label names as the format
allows them, label values with only its three escapes, no duplicate series,
counters named *_total with values >= 0, one label set per family, and a
final newline.

  check_exposition.py FILE [--json OUT]   check FILE ("-": stdin); OUT gets
                                          the samples as JSON rows
  check_exposition.py --self-test         each rule rejects a bad input
Prints "ok" or the first error (--self-test: "N passed, M failed"); exit
status 0 or 1.
"""
import json
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


class Bad(Exception):
    pass


def parse_value(text):
    if text in ("NaN", "+Inf", "-Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        raise Bad(f"bad value {text!r}")
    return float(text)


def parse_labels(s, i, lineno):
    """s[i] is '{': returns ({name: value}, index after '}')."""
    labels = {}
    i += 1
    while True:
        if s[i:i + 1] == "}":
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            raise Bad(f"line {lineno}: bad label name at {s[i:]!r}")
        name = m.group()
        if name.startswith("__"):
            raise Bad(f"line {lineno}: reserved label name {name}")
        if name in labels:
            raise Bad(f"line {lineno}: label {name} twice")
        i = m.end()
        if s[i:i + 2] != '="':
            raise Bad(f"line {lineno}: expected =\" after {name}")
        i += 2
        value = []
        while True:
            if i >= len(s):
                raise Bad(f"line {lineno}: unterminated label value")
            c = s[i]
            if c == "\\":
                esc = s[i + 1:i + 2]
                if esc not in ("\\", '"', "n"):
                    raise Bad(f"line {lineno}: bad escape \\{esc}")
                value.append("\n" if esc == "n" else esc)
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                value.append(c)
                i += 1
        labels[name] = "".join(value)
        if s[i:i + 1] == ",":
            i += 1
        elif s[i:i + 1] != "}":
            raise Bad(f"line {lineno}: expected , or }} after label {name}")


def check(text):
    if text and not text.endswith("\n"):
        raise Bad("no final newline")
    help_of, type_of, label_names = {}, {}, {}
    done, series, samples = set(), set(), []
    current = None
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        if not line:
            raise Bad(f"line {lineno}: empty line")
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.fullmatch(name):
                    raise Bad(f"line {lineno}: bad metric name {name!r}")
                if name in done or (current == name and name in samples_of(samples, name)):
                    raise Bad(f"line {lineno}: {parts[1]} of {name} after its samples")
                table = help_of if parts[1] == "HELP" else type_of
                if name in table:
                    raise Bad(f"line {lineno}: second {parts[1]} for {name}")
                rest = parts[3] if len(parts) > 3 else ""
                if parts[1] == "TYPE":
                    if rest not in TYPES:
                        raise Bad(f"line {lineno}: bad type {rest!r}")
                    if rest == "counter" and not name.endswith("_total"):
                        raise Bad(f"line {lineno}: counter {name} not named *_total")
                elif re.search(r"\\[^\\n]", rest) or rest.endswith("\\") and not rest.endswith("\\\\"):
                    raise Bad(f"line {lineno}: bad escape in HELP")
                table[name] = rest
                if current != name and current is not None:
                    done.add(current)
                current = name
            continue
        m = NAME.match(line)
        if not m:
            raise Bad(f"line {lineno}: bad sample {line!r}")
        name, i = m.group(), m.end()
        labels = {}
        if line[i:i + 1] == "{":
            labels, i = parse_labels(line, i, lineno)
        rest = line[i:]
        if not rest.startswith(" "):
            raise Bad(f"line {lineno}: expected a space before the value")
        fields = rest[1:].split(" ")
        if len(fields) not in (1, 2) or (len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1])):
            raise Bad(f"line {lineno}: bad value or timestamp {rest!r}")
        value = parse_value(fields[0])
        if name not in type_of:
            raise Bad(f"line {lineno}: sample of {name} without a TYPE before it")
        if name in done:
            raise Bad(f"line {lineno}: samples of {name} apart from the rest of its family")
        if current != name:
            if current is not None:
                done.add(current)
            current = name
        if type_of[name] == "counter" and (math.isnan(value) or value < 0):
            raise Bad(f"line {lineno}: counter {name} = {value}")
        names = tuple(sorted(labels))
        if label_names.setdefault(name, names) != names:
            raise Bad(f"line {lineno}: {name} with labels {names}, before {label_names[name]}")
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            raise Bad(f"line {lineno}: duplicate series {key}")
        series.add(key)
        samples.append({"name": name, "labels": labels, "value": value})
    for name in type_of:
        if name not in help_of:
            raise Bad(f"{name} has a TYPE and no HELP")
    return samples


def samples_of(samples, name):
    return {s["name"] for s in samples if s["name"] == name}


GOOD = '# HELP a_total A.\n# TYPE a_total counter\na_total{k="x\\"y\\\\z\\n"} 1\n' \
       '# HELP g G.\n# TYPE g gauge\ng 2.5\n# HELP h H.\n# TYPE h gauge\nh{} +Inf\n'
BAD = {
    "no final newline": GOOD[:-1],
    "sample before TYPE": "a_total 1\n# HELP a_total A.\n# TYPE a_total counter\n",
    "counter without _total": "# HELP a A.\n# TYPE a counter\na 1\n",
    "duplicate series": "# HELP g G.\n# TYPE g gauge\ng{x=\"1\"} 1\ng{x=\"1\"} 2\n",
    "bad escape": "# HELP g G.\n# TYPE g gauge\ng{x=\"\\t\"} 1\n",
    "unterminated value": "# HELP g G.\n# TYPE g gauge\ng{x=\"1} 1\n",
    "family split": "# HELP g G.\n# TYPE g gauge\ng{x=\"1\"} 1\n# HELP h H.\n# TYPE h gauge\nh 1\ng{x=\"2\"} 1\n",
    "negative counter": "# HELP a_total A.\n# TYPE a_total counter\na_total -1\n",
    "second TYPE": "# HELP g G.\n# TYPE g gauge\n# TYPE g gauge\ng 1\n",
    "bad label name": "# HELP g G.\n# TYPE g gauge\ng{1x=\"1\"} 1\n",
    "label set changes": "# HELP g G.\n# TYPE g gauge\ng{x=\"1\"} 1\ng{y=\"1\"} 1\n",
    "bad value": "# HELP g G.\n# TYPE g gauge\ng one\n",
    "empty line": "# HELP g G.\n# TYPE g gauge\n\ng 1\n",
    "TYPE without HELP": "# TYPE g gauge\ng 1\n",
}


def self_test():
    """The good input passes and each bad one is rejected: "N passed, M failed"."""
    passed = failed = 0
    try:
        got = check(GOOD)
        assert got[0]["labels"] == {"k": 'x"y\\z\n'} and len(got) == 3, got
        passed += 1
    except (Bad, AssertionError) as e:
        print(f"FAIL: the good input: {e}")
        failed += 1
    for what, text in BAD.items():
        try:
            check(text)
            print(f"FAIL: not rejected: {what}")
            failed += 1
        except Bad:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    args = sys.argv[1:]
    if args == ["--self-test"]:
        return self_test()
    if not args or len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--json"):
        print(__doc__, file=sys.stderr)
        return 2
    text = sys.stdin.read() if args[0] == "-" else open(args[0], encoding="utf-8").read()
    try:
        samples = check(text)
    except Bad as e:
        print(f"invalid exposition: {e}")
        return 1
    if len(args) == 3:
        with open(args[2], "w") as f:
            json.dump(samples, f)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
