/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * On-disk layout of kvmirq trace files: every constant in one place.
 * See docs/file-format.md for the prose description. All integers are
 * little-endian and encoded explicitly (le.h); structs are never written.
 */
#ifndef KVMIRQ_TRACEFILE_FORMAT_H
#define KVMIRQ_TRACEFILE_FORMAT_H

/* ---- file header ---------------------------------------------------- */
#define TF_MAGIC		"KVMIRQTF"	/* 8 bytes, no NUL on disk */
#define TF_MAGIC_LEN		8u
#define TF_VERSION		1u	/* written; highest version read */

#define TF_FH_OFF_MAGIC		0u	/* u8[8] */
#define TF_FH_OFF_VERSION	8u	/* u32 format version */
#define TF_FH_OFF_FLAGS		12u	/* u32 reserved, written 0, ignored */
#define TF_FH_OFF_BODY_LEN	16u	/* u32 length of the header body */
#define TF_FH_OFF_CRC		20u	/* u32 CRC32 of bytes 0..19 + body */
#define TF_FH_LEN		24u	/* fixed part; body follows */

#define TF_HEADER_BODY_MAX	(16u * 1024u * 1024u)

/* ---- metadata block (header body, metadata and trailer payloads) ---- */
/* entry: u8 type, u8 flags (0), u16 key_len, u32 value_len, key, value */
#define TF_ENT_OFF_TYPE		0u
#define TF_ENT_OFF_FLAGS	1u
#define TF_ENT_OFF_KEY_LEN	2u
#define TF_ENT_OFF_VALUE_LEN	4u
#define TF_ENT_HDR_LEN		8u

#define TF_T_U64		1u	/* value: u64 (value_len 8) */
#define TF_T_STRING		2u	/* value: bytes */
#define TF_T_TABLE		3u	/* value: table, below */

/* table value: u8 mode, u8 reserved (0), u16 ncols, u32 nrows,
 * ncols x column { u8 type, u8 reserved (0), u16 name_len, name },
 * nrows x ncols cells, row-major: U64 = u64, STRING = u32 len + bytes */
#define TF_TAB_HDR_LEN		8u
#define TF_COL_HDR_LEN		4u
#define TF_TAB_MODE_APPEND	0u
#define TF_TAB_MODE_REPLACE	1u

/* ---- chunks ----------------------------------------------------------- */
#define TF_CHUNK_MAGIC		"KVCH"
#define TF_CHUNK_MAGIC_LEN	4u

#define TF_CH_OFF_MAGIC		0u	/* u8[4] "KVCH" */
#define TF_CH_OFF_TYPE		4u	/* u16 chunk type */
#define TF_CH_OFF_FLAGS		6u	/* u16 flags */
#define TF_CH_OFF_USIZE		8u	/* u32 uncompressed payload size */
#define TF_CH_OFF_CSIZE		12u	/* u32 compressed payload size */
#define TF_CH_OFF_COUNT		16u	/* u32 records / metadata entries */
#define TF_CH_OFF_PAYLOAD_CRC	20u	/* u32 CRC32 of compressed payload */
#define TF_CH_OFF_FIRST_TS	24u	/* u64 min record timestamp */
#define TF_CH_OFF_LAST_TS	32u	/* u64 max record timestamp */
#define TF_CH_OFF_RESERVED	40u	/* u32 written 0, ignored */
#define TF_CH_OFF_HDR_CRC	44u	/* u32 CRC32 of bytes 0..43 */
#define TF_CH_HDR_LEN		48u

#define TF_CHUNK_RECORDS	1u	/* payload: records, varint-framed */
#define TF_CHUNK_METADATA	2u	/* payload: metadata block (update) */
#define TF_CHUNK_TRAILER	3u	/* payload: metadata block (totals) */

#define TF_CHF_TIMESTAMPS	0x0001u	/* first/last timestamp valid */

/* Limits a reader enforces before allocating anything. */
#define TF_CHUNK_USIZE_MAX	(64u * 1024u * 1024u)
#define TF_CHUNK_CSIZE_MAX	(TF_CHUNK_USIZE_MAX + 1024u * 1024u)
#define TF_ZLIB_MAX_RATIO	1032u	/* deflate cannot do better */

/* Trailer keys (all u64). */
#define TF_TRAILER_RECORDS	"records"	/* records in RECORDS chunks */
#define TF_TRAILER_CHUNKS	"chunks"	/* chunks before the trailer */
#define TF_TRAILER_DATA_END	"data_end"	/* offset of the trailer */
#define TF_TRAILER_UBYTES	"uncompressed_bytes"

#endif
