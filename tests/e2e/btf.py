"""A reader of the kernel's BTF (/sys/kernel/btf/vmlinux and a module's
split BTF on top of it), enough to print a function's or a tracepoint's
prototype with its C types. The layout is the kernel's
Documentation/bpf/btf.rst: a header, then the type section, then the string
section; a module's type ids and string offsets continue the base's."""
import struct

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
        magic, _version, _flags, hdr_len = struct.unpack_from("<HBBI", data, 0)
        if magic != 0xEB9F:
            raise ValueError("not BTF (or not little-endian)")
        type_off, type_len, str_off, str_len = struct.unpack_from("<IIII", data, 8)
        start = hdr_len + str_off
        # a split BTF's string offsets count on from the base's strings
        self.strings += data[start:start + str_len]
        pos, end = hdr_len + type_off, hdr_len + type_off + type_len
        while pos < end:
            name_off, info, size_or_type = struct.unpack_from("<III", data, pos)
            kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
            pos += 12
            items = []
            if kind == FUNC_PROTO:
                items = [struct.unpack_from("<II", data, pos + 8 * i) for i in range(vlen)]
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
