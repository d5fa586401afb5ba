#!/usr/bin/env python3
"""Copy a kvmirq trace file (docs/file-format.md) with one record cut short.

    cut-record.py IN OUT INDEX BYTES

Record INDEX (from 0, counted over every RECORDS chunk) loses its last BYTES
bytes. The container stays valid: the chunk's sizes and CRCs, and the
trailer's data_end and uncompressed_bytes, are written again, so a reader
gets past the container and meets the damaged record itself.
"""
import struct
import sys
import zlib

FH_LEN, CH_LEN = 24, 48
RECORDS, TRAILER = 1, 3


def varint(b, pos):
    v = shift = 0
    while True:
        c = b[pos]
        pos += 1
        v |= (c & 0x7F) << shift
        if c < 0x80:
            return v, pos
        shift += 7


def put_varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def chunk(ctype, flags, count, first_ts, last_ts, payload):
    z = zlib.compress(payload)
    head = struct.pack("<4sHHIIIIQQI", b"KVCH", ctype, flags, len(payload), len(z), count,
                       zlib.crc32(z), first_ts, last_ts, 0)
    return head + struct.pack("<I", zlib.crc32(head)) + z


def set_u64(block, key, value):
    """A metadata block with U64 entry KEY set to VALUE."""
    b, pos = bytearray(block), 0
    while pos < len(b):
        etype, _, key_len, value_len = struct.unpack_from("<BBHI", b, pos)
        name = bytes(b[pos + 8:pos + 8 + key_len])
        if etype == 1 and name == key:
            struct.pack_into("<Q", b, pos + 8 + key_len, value)
        pos += 8 + key_len + value_len
    return bytes(b)


def main():
    src, dst, index, cut = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    data = open(src, "rb").read()
    (body_len,) = struct.unpack_from("<I", data, 16)
    out = bytearray(data[:FH_LEN + body_len])
    pos, seen, usizes = FH_LEN + body_len, 0, 0
    while pos + CH_LEN <= len(data):
        _, ctype, flags, _, csize, count, _, first_ts, last_ts = struct.unpack_from(
            "<4sHHIIIIQQ", data, pos)
        payload = zlib.decompress(data[pos + CH_LEN:pos + CH_LEN + csize])
        pos += CH_LEN + csize
        if ctype == RECORDS and seen <= index < seen + count:
            records, p = [], 0
            for _ in range(count):
                n, p = varint(payload, p)
                records.append(payload[p:p + n])
                p += n
            rec = records[index - seen]
            records[index - seen] = rec[:len(rec) - cut]
            payload = b"".join(put_varint(len(r)) + r for r in records)
        if ctype == RECORDS:
            seen += count
        if ctype == TRAILER:
            payload = set_u64(set_u64(payload, b"data_end", len(out)),
                              b"uncompressed_bytes", usizes)
        usizes += len(payload)
        out += chunk(ctype, flags, count, first_ts, last_ts, payload)
    if seen <= index:
        sys.exit(f"{src} has {seen} records, not {index + 1}")
    open(dst, "wb").write(out)


main()
