/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input format of fuzz_trace_file.c, shared with its seed generator
 * (gen_event_corpus.c). The harness builds a valid container file (CRCs
 * right) from these choices with the tracefile writer, so that mutations
 * reach the event layer and the registry tables rather than the CRC checks.
 * All integers little-endian; reading past the end of the input gives zeros.
 *
 *   u8  ctl0   bits 0-1  tool: 0 "kvmirq", 1 absent, 2 "KVMIRQ", 3 a U64 entry
 *              bits 2-3  schema_version: 0 KVMIRQ_SCHEMA_VERSION, 1 absent,
 *                        2 the u64 that follows ctl1, 3 a STRING entry "1"
 *              bits 4-5  tables: 0 in the header, 1 in a METADATA chunk before
 *                        the batches, 2 in one after them, 3 in the header and
 *                        again (REPLACE) after them
 *              bit 6     close the writer (trailer); else flush and stop
 *              bit 7     keep each batch's first byte; else force BATCH_FORMAT
 *   u8  ctl1   bits 0-2  chunk size target 64 << n bytes (7: the default)
 *              bits 3-4  "id" column of vms/objects: 0 U64, 1 STRING,
 *                        2 absent, 3 U64 after an extra U64 column "x"
 *   [u64 schema_version, if ctl0 bits 2-3 == 2]
 *   u8  nvms,     then nvms     x { u64 id, u64 pid, u64 first_ns }
 *   u8  nobjects, then nobjects x { u64 id, u64 vm, u64 fd_kind, u64 vcpu_id,
 *                                   u8 len, name[len] }
 *   u8  nprocs,   then nprocs   x { u64 pid, u8 len, comm[len], u8 len, name[len] }
 *   then batches up to the end:   { u16 len, batch[len] } (len clipped to the rest)
 */
#ifndef KVMIRQ_FUZZ_TRACE_FILE_H
#define KVMIRQ_FUZZ_TRACE_FILE_H

#define FTF_TOOL(c)		((c) & 3)
#define FTF_SCHEMA(c)		(((c) >> 2) & 3)
#define FTF_TABLES(c)		(((c) >> 4) & 3)
#define FTF_CLOSE		0x40
#define FTF_RAW_FORMAT		0x80

#define FTF_CHUNK(c)		((c) & 7)
#define FTF_IDCOL(c)		(((c) >> 3) & 3)

enum { FTF_TOOL_OK, FTF_TOOL_ABSENT, FTF_TOOL_WRONG, FTF_TOOL_U64 };
enum { FTF_SCHEMA_OK, FTF_SCHEMA_ABSENT, FTF_SCHEMA_VALUE, FTF_SCHEMA_STRING };
enum { FTF_TABLES_HEADER, FTF_TABLES_BEFORE, FTF_TABLES_AFTER, FTF_TABLES_BOTH };
enum { FTF_IDCOL_U64, FTF_IDCOL_STRING, FTF_IDCOL_ABSENT, FTF_IDCOL_SECOND };

#endif
