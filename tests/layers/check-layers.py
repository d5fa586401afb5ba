#!/usr/bin/env python3
"""The layer rule: no file includes a file of a higher layer, no two
modules (X.c with X.h) include each other, directly or around a circle, and
a folder's private header (*internal.h) is included only inside its folder.

The layer order is written once, in docs/architecture.md, in the fenced
block whose info string is "layers" (bottom first). Every source file under
src/, ui/, include/ and bpf/ must belong to one of its layers.

  check-layers.py [ROOT]      check the tree at ROOT (default: the repo)
  check-layers.py --self-test plant an upward include and a circle in a copy
                              of the tree, and require that each is caught
The last line is "N passed, M failed", like every suite of tests/run.sh.
"""
import os
import re
import shutil
import sys
import tempfile

SOURCE_DIRS = ("src", "ui", "include", "bpf")
# Include folders of the Makefile (user space: -I. -Iinclude -Isrc; BPF: -Iinclude -Ibpf).
INCLUDE_PATHS = (".", "include", "src", "bpf")
# Made by the build, not in the tree: the BPF skeleton.
GENERATED = {"kvmirq.skel.h"}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_layers(root):
    text = open(os.path.join(root, "docs/architecture.md")).read()
    m = re.search(r"^```layers\n(.*?)^```", text, re.M | re.S)
    if not m:
        sys.exit("docs/architecture.md has no ```layers block")
    layers = []
    for line in m.group(1).splitlines():
        name = line.split("#")[0].split()[0] if line.split("#")[0].strip() else ""
        if name:
            layers.append(name.rstrip("/"))
    return layers


def source_files(root):
    for top in SOURCE_DIRS:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), root)


def layer_of(path, layers):
    best = None
    for i, name in enumerate(layers):
        if path == name or path.startswith(name + "/"):
            if best is None or len(name) > len(layers[best]):
                best = i
    return best


def resolve(root, src, inc):
    for base in (os.path.dirname(src),) + INCLUDE_PATHS:
        cand = os.path.normpath(os.path.join(base, inc))
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def module_of(path):
    return os.path.splitext(path)[0]


def check(root):
    """Return a list of problems (empty: the tree keeps the rule)."""
    layers = read_layers(root)
    problems = []
    edges = {}  # module -> {module: example "file: include"}
    for src in sorted(source_files(root)):
        li = layer_of(src, layers)
        if li is None:
            problems.append(f"{src}: in no layer of docs/architecture.md's layers block")
            continue
        text = open(os.path.join(root, src), errors="replace").read()
        for inc in INCLUDE_RE.findall(text):
            target = resolve(root, src, inc)
            if target is None:
                if os.path.basename(inc) not in GENERATED:
                    problems.append(f'{src}: #include "{inc}" names no file of the tree')
                continue
            ti = layer_of(target, layers)
            if ti is None:
                problems.append(f"{src}: includes {target}, which is in no layer")
            elif ti > li:
                problems.append(f'{src} ({layers[li]}) includes "{inc}" of a higher layer ({layers[ti]})')
            if target.endswith("internal.h") and os.path.dirname(target) != os.path.dirname(src):
                problems.append(f'{src}: includes {target}, private to {os.path.dirname(target)}/')
            a, b = module_of(src), module_of(target)
            if a != b:
                edges.setdefault(a, {}).setdefault(b, f'{src}: #include "{inc}"')
    problems += circles(edges)
    problems += readme_names_every_layer(root, layers)
    return problems


def readme_names_every_layer(root, layers):
    """README's Layout section names every layer folder, so the two agree."""
    path = os.path.join(root, "README.md")
    if not os.path.exists(path):
        return []
    text = open(path).read()
    m = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not m:
        return ["README.md has no Layout section"]
    return [f"README.md's Layout does not name {name}/"
            for name in layers if not name.endswith(".c") and f"`{name}/" not in m.group(1)]


def circles(edges):
    """Every circle of modules, found by depth-first search, once each."""
    found, seen_sets = [], set()
    state = {}

    def visit(node, path):
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == 1:
                ring = path[path.index(nxt):]
                key = frozenset(ring)
                if key not in seen_sets:
                    seen_sets.add(key)
                    hops = [edges[x][y] for x, y in zip(ring, ring[1:] + [ring[0]])]
                    found.append("modules include each other: " + " -> ".join(hops))
            elif state.get(nxt) is None:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if state.get(node) is None:
            visit(node, [])
    return found


def plant(root, path, line):
    with open(os.path.join(root, path)) as f:
        text = f.read()
    with open(os.path.join(root, path), "w") as f:
        f.write(line + "\n" + text)


def self_test(repo):
    passed = failed = 0

    def expect(name, ok):
        nonlocal passed, failed
        print(("ok   " if ok else "FAIL ") + name)
        passed, failed = passed + ok, failed + (not ok)

    layers = read_layers(repo)
    expect("the layers block names src/util below src/top",
           "src/util" in layers and "src/top" in layers
           and layers.index("src/util") < layers.index("src/top"))
    expect("the tree as it is keeps the rule", not check(repo))
    cases = [
        ("an upward include (util -> top)", "src/util/json.c", '#include "top/frame.h"', "higher layer"),
        ("an upward include from a header (chips -> model)", "src/chips/chip.h",
         '#include "model/reconstruct.h"', "higher layer"),
        ("two modules of one folder including each other", "src/util/json.h",
         '#include "util/kv.h"', None),
        ("a folder's private header used outside it", "src/codec/batch.c",
         '#include "tracefile/internal.h"', "private to"),
        ("an include of a missing file", "src/util/kv.c", '#include "util/no_such.h"', "names no file"),
    ]
    for name, path, line, word in cases:
        with tempfile.TemporaryDirectory() as tmp:
            for d in SOURCE_DIRS + ("docs",):
                shutil.copytree(os.path.join(repo, d), os.path.join(tmp, d))
            shutil.copy(os.path.join(repo, "README.md"), tmp)
            plant(tmp, path, line)
            if word is None:  # make the circle: the other module includes back
                plant(tmp, "src/util/kv.h", '#include "util/json.h"')
                word = "include each other"
            problems = check(tmp)
            expect(f"caught: {name}", any(word in p for p in problems))
    with tempfile.TemporaryDirectory() as tmp:
        for d in SOURCE_DIRS + ("docs",):
            shutil.copytree(os.path.join(repo, d), os.path.join(tmp, d))
        os.makedirs(os.path.join(tmp, "src/newlayer"))
        open(os.path.join(tmp, "src/newlayer/x.c"), "w").write("int x;\n")
        expect("caught: a folder missing from the layers block",
               any("in no layer" in p for p in check(tmp)))
    with tempfile.TemporaryDirectory() as tmp:
        for d in SOURCE_DIRS + ("docs",):
            shutil.copytree(os.path.join(repo, d), os.path.join(tmp, d))
        text = open(os.path.join(repo, "README.md")).read()
        open(os.path.join(tmp, "README.md"), "w").write(text.replace("`src/vmm/`", "`src/vmm`"))
        expect("caught: a layer that README's Layout does not name",
               any("does not name src/vmm/" in p for p in check(tmp)))
    return passed, failed


def main():
    repo = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
    if sys.argv[1:] == ["--self-test"]:
        passed, failed = self_test(repo)
    else:
        root = sys.argv[1] if len(sys.argv) > 1 else repo
        problems = check(root)
        for p in problems:
            print("FAIL " + p)
        passed, failed = (1, 0) if not problems else (0, len(problems))
        if not problems:
            print("ok   every include goes down the layers, and no modules include each other")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
