"""A reader of the kernel's BTF (/sys/kernel/btf/vmlinux and a module's
split BTF on top of it), enough to print a function's or a tracepoint's
prototype with its C types. The layout is the kernel's
Documentation/bpf/btf.rst: a header, then the type section, then the string
section; a module's type ids and string offsets continue the base's. The
blob is in the kernel's byte order (big-endian from the e500 rig): the magic
0xEB9F tells which.

  btf.py --self-test   reads a small blob written in each byte order; prints
                       "N passed, M failed"
"""
import struct
import sys

# kind: bytes that follow the 12-byte struct btf_type (vlen = its item count)
FIXED_EXTRA = {1: 4, 3: 12, 14: 4, 17: 4}   # INT, ARRAY, VAR, DECL_TAG
PER_ITEM = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}  # STRUCT UNION ENUM FUNC_PROTO DATASEC ENUM64
PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT = 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
FUNC, FUNC_PROTO, TYPE_TAG, ENUM64 = 12, 13, 18, 19


class Btf:
    def __init__(self, base_path, split_path=None):
        self.types = [None]  # id 0 is void
        self.strings = b""
        self._load(open(base_path, "rb").read())
        if split_path:
            self._load(open(split_path, "rb").read())
        self.by_name = {}
        for tid, t in enumerate(self.types[1:], 1):
            self.by_name.setdefault((t[0], self.name(t[1])), tid)

    def _load(self, data):
        order = {b"\x9f\xeb": "<", b"\xeb\x9f": ">"}.get(data[:2])
        if order is None:
            raise ValueError("not BTF")
        hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from(order + "4xIIIII", data, 0)
        start = hdr_len + str_off
        # a split BTF's string offsets count on from the base's strings
        self.strings += data[start:start + str_len]
        pos, end = hdr_len + type_off, hdr_len + type_off + type_len
        while pos < end:
            name_off, info, size_or_type = struct.unpack_from(order + "III", data, pos)
            kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
            pos += 12
            items = []
            if kind == FUNC_PROTO:
                items = [struct.unpack_from(order + "II", data, pos + 8 * i) for i in range(vlen)]
            pos += FIXED_EXTRA.get(kind, 0) + PER_ITEM.get(kind, 0) * vlen
            self.types.append((kind, name_off, size_or_type, items, info >> 31))

    def name(self, off):
        end = self.strings.index(b"\0", off)
        return self.strings[off:end].decode()

    def c_type(self, tid):
        """The C spelling of type TID, as bpftool writes it (no typedefs resolved)."""
        if tid == 0:
            return "void"
        kind, name_off, ref, _items, kind_flag = self.types[tid]
        name = self.name(name_off)
        if kind == PTR:
            target = self.c_type(ref)
            return target + ("*" if target.endswith("*") else " *")
        if kind == CONST:
            return "const " + self.c_type(ref)
        if kind == VOLATILE:
            return "volatile " + self.c_type(ref)
        if kind in (RESTRICT, TYPE_TAG):
            return self.c_type(ref)
        if kind == ARRAY:
            return "array"
        if kind == FUNC_PROTO:
            return "function"
        if kind in (STRUCT, UNION, FWD):
            return ("union " if kind == UNION or (kind == FWD and kind_flag) else "struct ") + name
        if kind in (ENUM, ENUM64):
            return "enum " + name
        return name  # INT, FLOAT, TYPEDEF

    def params(self, proto_id, with_names=True):
        kind, _name, _ret, items, _flag = self.types[proto_id]
        assert kind == FUNC_PROTO
        out = []
        for name_off, tid in items:
            arg = self.c_type(tid)
            if with_names and self.name(name_off):
                arg += ("" if arg.endswith("*") else " ") + self.name(name_off)
            out.append(arg)
        return out

    def function(self, name):
        """'(TYPE NAME, ...) -> RET' of kernel function NAME, or None."""
        fid = self.by_name.get((FUNC, name))
        if fid is None:
            return None
        proto = self.types[fid][2]
        return f"({', '.join(self.params(proto))}) -> {self.c_type(self.types[proto][2])}"

    def tracepoint(self, event):
        """'(TYPE, ...)' of tracepoint EVENT's arguments (its btf_trace_EVENT
        typedef, less the leading void * that every raw tracepoint gets)."""
        tid = self.by_name.get((TYPEDEF, "btf_trace_" + event))
        if tid is None:
            return None
        ptr = self.types[tid][2]
        proto = self.types[ptr][2]
        return f"({', '.join(self.params(proto, with_names=False)[1:])})"


def sample_blob(order):
    """BTF in byte order ORDER ("<" or ">") of: int f(int x), and
    tracepoint t's typedef btf_trace_t: void (*)(void *, int)."""
    strings = b"\0int\0x\0f\0btf_trace_t\0"
    types = b"".join([
        struct.pack(order + "IIII", 1, 1 << 24, 4, 32),           # 1 INT int
        struct.pack(order + "III", 0, FUNC_PROTO << 24 | 1, 1),    # 2 int (int x)
        struct.pack(order + "II", 5, 1),
        struct.pack(order + "III", 7, FUNC << 24, 2),              # 3 FUNC f
        struct.pack(order + "III", 0, PTR << 24, 0),               # 4 void *
        struct.pack(order + "III", 0, FUNC_PROTO << 24 | 2, 0),    # 5 void (void *, int)
        struct.pack(order + "IIII", 0, 4, 0, 1),
        struct.pack(order + "III", 0, PTR << 24, 5),               # 6 pointer to 5
        struct.pack(order + "III", 9, TYPEDEF << 24, 6),           # 7 btf_trace_t
    ])
    header = struct.pack(order + "HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(strings))
    return header + types + strings


def self_test():
    import tempfile
    from checks import Checks
    check = Checks()
    for order, what in (("<", "little-endian"), (">", "big-endian")):
        with tempfile.NamedTemporaryFile(suffix=".btf") as f:
            f.write(sample_blob(order))
            f.flush()
            btf = Btf(f.name)
        check(btf.function("f") == "(int x) -> int", f"{what}: function f is {btf.function('f')}")
        check(btf.tracepoint("t") == "(int)", f"{what}: tracepoint t is {btf.tracepoint('t')}")
        check(btf.function("g") is None, f"{what}: no function g")
    try:
        with tempfile.NamedTemporaryFile(suffix=".btf") as f:
            f.write(b"\0" * 24)
            f.flush()
            Btf(f.name)
        check(False, "a blob without the magic is refused")
    except ValueError:
        check(True, "")
    return check.finish()


if __name__ == "__main__":
    if sys.argv[1:] != ["--self-test"]:
        sys.exit("usage: btf.py --self-test")
    sys.exit(self_test())
