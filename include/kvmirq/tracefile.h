/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmirq trace-file container: public API.
 *
 * A trace file is a header (typed key/value metadata and named tables)
 * followed by independent zlib-compressed chunks. A chunk holds opaque
 * records (byte blobs), a metadata update, or the end-of-recording trailer.
 * The on-disk layout is described in docs/file-format.md.
 *
 * Conventions:
 *  - Functions returning int return 0 (or a positive count/flag where
 *    documented) on success and a negative errno value on failure.
 *  - The library never prints and never exits. The message for the most
 *    recent failure is available from tracefile_error() (reader) or
 *    tracefile_writer_error() (writer).
 *  - No global state: separate readers/writers may be used from separate
 *    threads; a single object must not be used from two threads at once.
 *
 * Error codes you may see:
 *   -EINVAL       bad argument (NULL pointer, oversized record, bad option)
 *   -ENOMEM       out of memory
 *   -EMEDIUMTYPE  not a kvmirq trace file (bad magic)
 *   -ENOTSUP      trace file version newer than this library supports
 *   -ENODATA      file header truncated
 *   -EBADMSG      corrupt data (CRC mismatch, impossible sizes, zlib failure,
 *                 malformed metadata, record overrunning its chunk, ...)
 *   -ESPIPE       operation needs a seekable input (rewind on a pipe)
 *   -ENOENT       metadata key / table column not found
 *   other         errno from open/read/write/fsync/close (-ENOSPC, -EIO, ...)
 */
#ifndef KVMIRQ_TRACEFILE_H
#define KVMIRQ_TRACEFILE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Highest on-disk format version this library reads and the one it writes. */
#define TRACEFILE_FORMAT_VERSION 1u

/* Writer defaults and limits. */
#define TRACEFILE_DEFAULT_CHUNK_SIZE   (256u * 1024u)        /* uncompressed */
#define TRACEFILE_MAX_CHUNK_TARGET     (32u * 1024u * 1024u)
#define TRACEFILE_MAX_RECORD_SIZE      (16u * 1024u * 1024u)
#define TRACEFILE_DEFAULT_LEVEL        6

/* ------------------------------------------------------------------ */
/* Metadata: typed key/value entries and named tables                   */
/* ------------------------------------------------------------------ */

/* Entry / column types. Entry types other than these are "unknown": a
 * reader keeps them as raw bytes (see struct tracefile_entry) so that a
 * tool rewriting a file can preserve them. */
enum tracefile_type {
	TRACEFILE_TYPE_U64 = 1,
	TRACEFILE_TYPE_STRING = 2,
	TRACEFILE_TYPE_TABLE = 3,	/* entries only, not a column type */
};

/* How a table in a metadata chunk combines with an existing table of the
 * same name (in the header every table simply defines the table). */
enum tracefile_table_mode {
	TRACEFILE_TABLE_APPEND = 0,	/* add rows (columns must match) */
	TRACEFILE_TABLE_REPLACE = 1,	/* replace the whole table */
};

struct tracefile_meta;		/* ordered collection of entries */
struct tracefile_table;		/* named table: typed columns, rows */

struct tracefile_column {
	const char *name;
	enum tracefile_type type;	/* U64 or STRING */
};

/* One cell of a row passed to tracefile_table_add_row(): set u64 for U64
 * columns and str (NUL-terminated; NULL means "") for STRING columns. */
struct tracefile_cell {
	uint64_t u64;
	const char *str;
};

/* A view of one metadata entry; pointers stay valid until the collection
 * is modified or freed. */
struct tracefile_entry {
	const char *key;
	unsigned type;			/* enum tracefile_type or unknown */
	uint64_t u64;			/* TYPE_U64 */
	const char *str;		/* TYPE_STRING: NUL-terminated copy */
	size_t str_len;			/* TYPE_STRING: length (may hold NULs) */
	const struct tracefile_table *table; /* TYPE_TABLE */
	const void *raw;		/* unknown types: stored value bytes */
	size_t raw_len;
};

struct tracefile_meta *tracefile_meta_new(void);
void tracefile_meta_free(struct tracefile_meta *m);

/* Setters add the key or replace its value (keeping its position). Keys are
 * non-empty NUL-terminated strings of at most 65535 bytes. */
int tracefile_meta_set_u64(struct tracefile_meta *m, const char *key,
			   uint64_t value);
int tracefile_meta_set_string(struct tracefile_meta *m, const char *key,
			      const char *value);
/* Store an entry of an arbitrary (normally unknown) type as raw bytes. Used
 * to copy unknown entries from one file to another. type must not be
 * U64, STRING or TABLE, and must be 1..255. */
int tracefile_meta_set_raw(struct tracefile_meta *m, const char *key,
			   unsigned type, const void *data, size_t len);
/* Create (or replace) a table; returns NULL on bad arguments or ENOMEM.
 * The table is owned by m. ncols must be 1..65535. */
struct tracefile_table *tracefile_meta_add_table(
	struct tracefile_meta *m, const char *name,
	const struct tracefile_column *cols, size_t ncols,
	enum tracefile_table_mode mode);
/* Apply src onto dst with the semantics of a metadata chunk: scalar and
 * unknown entries replace, tables append rows or replace per their mode.
 * Returns -EBADMSG if an APPEND table's columns differ from the existing
 * table's; dst is then partially updated. dst and src must differ. */
int tracefile_meta_apply(struct tracefile_meta *dst,
			 const struct tracefile_meta *src);

size_t tracefile_meta_count(const struct tracefile_meta *m);
/* Entry i in insertion order; -ENOENT if out of range. */
int tracefile_meta_entry(const struct tracefile_meta *m, size_t i,
			 struct tracefile_entry *out);
int tracefile_meta_find(const struct tracefile_meta *m, const char *key,
			struct tracefile_entry *out);
/* 0, -ENOENT if missing, -EINVAL if the entry has another type. */
int tracefile_meta_get_u64(const struct tracefile_meta *m, const char *key,
			   uint64_t *out);
/* NULL if missing or not a string. */
const char *tracefile_meta_get_string(const struct tracefile_meta *m,
				      const char *key);
/* NULL if missing or not a table. */
const struct tracefile_table *tracefile_meta_get_table(
	const struct tracefile_meta *m, const char *name);

/* cells must hold tracefile_table_ncols(t) elements. */
int tracefile_table_add_row(struct tracefile_table *t,
			    const struct tracefile_cell *cells);
const char *tracefile_table_name(const struct tracefile_table *t);
enum tracefile_table_mode tracefile_table_mode(const struct tracefile_table *t);
size_t tracefile_table_ncols(const struct tracefile_table *t);
size_t tracefile_table_nrows(const struct tracefile_table *t);
int tracefile_table_column(const struct tracefile_table *t, size_t col,
			   struct tracefile_column *out);
/* Column index, or -ENOENT. */
int tracefile_table_find_column(const struct tracefile_table *t,
				const char *name);
/* 0, -ENOENT (row/col out of range), -EINVAL (column is not U64). */
int tracefile_table_get_u64(const struct tracefile_table *t, size_t row,
			    size_t col, uint64_t *out);
/* NULL if out of range or not a STRING column; *len (optional) gets the
 * length. The string is NUL-terminated. */
const char *tracefile_table_get_string(const struct tracefile_table *t,
				       size_t row, size_t col, size_t *len);
/* By column name, for readers that take what is there: 0 (or "") when the
 * column is missing, of another type, or the row is out of range. */
uint64_t tracefile_table_u64_by_name(const struct tracefile_table *t,
				     size_t row, const char *col);
const char *tracefile_table_string_by_name(const struct tracefile_table *t,
					   size_t row, const char *col);

/* ------------------------------------------------------------------ */
/* Writer                                                               */
/* ------------------------------------------------------------------ */

struct tracefile_writer;

struct tracefile_writer_options {
	size_t chunk_size;	/* uncompressed target; 0 = default 256 KiB;
				 * at most TRACEFILE_MAX_CHUNK_TARGET */
	int compression_level;	/* zlib level 0..9 */
	int fsync_on_close;	/* fsync() before closing */
	const char *name;	/* the fd variant's file in messages; NULL:
				 * "fd N" */
};

/* Fill *opts with the defaults (256 KiB chunks, level 6, no fsync). Passing
 * NULL options to the open functions means the same. */
void tracefile_writer_options_init(struct tracefile_writer_options *opts);

/*
 * Open a writer and write the file header (header may be NULL: no
 * metadata). The path variant creates/truncates the file (mode 0644) and
 * closes it in tracefile_writer_close(); the fd variant writes from the
 * fd's current position and never closes the fd.
 *
 * Like sqlite3_open(): on return *wp is non-NULL unless memory ran out, even
 * on failure, so that tracefile_writer_error(*wp) can explain; always
 * release it with tracefile_writer_free().
 */
int tracefile_writer_open(struct tracefile_writer **wp, const char *path,
			  const struct tracefile_meta *header,
			  const struct tracefile_writer_options *opts);
int tracefile_writer_open_fd(struct tracefile_writer **wp, int fd,
			     const struct tracefile_meta *header,
			     const struct tracefile_writer_options *opts);

/* Buffer one record; writes a chunk first when the record would push the
 * buffer past the chunk size target. len <= TRACEFILE_MAX_RECORD_SIZE. */
int tracefile_writer_append_record(struct tracefile_writer *w,
				   const void *rec, size_t len);
/* Same, and let the chunk header carry the min/max of these timestamps. */
int tracefile_writer_append_record_ts(struct tracefile_writer *w,
				      uint64_t timestamp,
				      const void *rec, size_t len);
/* Write the buffered records as a chunk now (no-op if none). */
int tracefile_writer_flush(struct tracefile_writer *w);
/* Flush buffered records, then write a metadata chunk with m's entries
 * (tables use their APPEND/REPLACE mode). */
int tracefile_writer_write_metadata(struct tracefile_writer *w,
				    const struct tracefile_meta *m);
/* Flush, write the trailer chunk with totals, optionally fsync, and close
 * the file if the writer opened it. Further calls return -EINVAL. */
int tracefile_writer_close(struct tracefile_writer *w);
/* Release memory. If tracefile_writer_close() was not called, buffered
 * records are discarded and no trailer is written (the file then reads
 * back like a recording cut short); a file opened by path is closed. */
void tracefile_writer_free(struct tracefile_writer *w);

/* Message for the last failure (empty string if none). A write error is
 * sticky: every later call returns the same code. */
const char *tracefile_writer_error(const struct tracefile_writer *w);

struct tracefile_writer_stats {
	uint64_t records;		/* records appended */
	uint64_t chunks;		/* chunks written (all types) */
	uint64_t bytes_written;		/* file bytes written incl. header */
	uint64_t bytes_uncompressed;	/* sum of chunk payloads, uncompressed */
};
void tracefile_writer_stats(const struct tracefile_writer *w,
			    struct tracefile_writer_stats *st);

/* ------------------------------------------------------------------ */
/* Reader                                                               */
/* ------------------------------------------------------------------ */

struct tracefile_reader;

enum tracefile_chunk_type {
	TRACEFILE_CHUNK_RECORDS = 1,
	TRACEFILE_CHUNK_METADATA = 2,
	TRACEFILE_CHUNK_TRAILER = 3,
};

struct tracefile_chunk_info {
	uint64_t index;			/* 0-based chunk number */
	uint64_t offset;		/* file offset of the chunk header */
	unsigned type;			/* enum tracefile_chunk_type or unknown */
	unsigned flags;
	uint32_t uncompressed_size;
	uint32_t compressed_size;
	uint32_t count;			/* records (or metadata entries) */
	int has_timestamps;
	uint64_t first_timestamp;	/* min timestamp of the chunk */
	uint64_t last_timestamp;	/* max timestamp of the chunk */
};

/*
 * Open and validate the file header. Like the writer, *rp is non-NULL on
 * return (unless ENOMEM) even on failure: read the message with
 * tracefile_error(*rp) and release with tracefile_reader_free().
 *  - open_path: opens and later closes the file. Only a regular file: a
 *    directory is -EISDIR, a FIFO, device or socket -EINVAL ("not a regular
 *    file"), refused without blocking; open those yourself for open_fd.
 *  - open_fd: reads from the fd's current position; never closes it. Regular
 *    files are read with pread(); other fds (pipes) sequentially.
 *  - open_memory: reads from a caller buffer that must outlive the reader
 *    (not copied).
 */
int tracefile_reader_open_path(struct tracefile_reader **rp, const char *path);
int tracefile_reader_open_fd(struct tracefile_reader **rp, int fd);
int tracefile_reader_open_memory(struct tracefile_reader **rp,
				 const void *data, size_t len);
void tracefile_reader_free(struct tracefile_reader *r);

/* Message for the last error (empty string if none). */
const char *tracefile_error(const struct tracefile_reader *r);
/* Non-fatal condition found (truncated file, missing trailer, data after
 * the trailer), or NULL. */
const char *tracefile_reader_warning(const struct tracefile_reader *r);
/* 1 if the file was found cut short (no trailer), else 0. */
int tracefile_reader_truncated(const struct tracefile_reader *r);

uint32_t tracefile_reader_version(const struct tracefile_reader *r);
/* Metadata exactly as stored in the file header. */
const struct tracefile_meta *tracefile_reader_header(
	const struct tracefile_reader *r);
/* Header metadata with every metadata chunk read so far applied. After
 * tracefile_reader_load_metadata() or a full iteration it is final. */
const struct tracefile_meta *tracefile_reader_meta(
	const struct tracefile_reader *r);
/* Trailer entries ("records", "chunks", ...) or NULL if not reached. */
const struct tracefile_meta *tracefile_reader_trailer(
	const struct tracefile_reader *r);

/*
 * Next record: returns 1 and sets *rec and *len (valid until the next call that
 * moves the reader), 0 at the end of the data (check
 * tracefile_reader_warning() for a cut-short file), or a negative error.
 * Metadata chunks met on the way are applied to tracefile_reader_meta().
 * Errors are sticky. A chunk is fully checked (CRC, zlib, record framing)
 * before its first record is returned, so a corrupt chunk yields no record.
 */
int tracefile_reader_next_record(struct tracefile_reader *r,
				 const void **rec, size_t *len);
/* Move to the next chunk (skipping undelivered records of the current one
 * without decompressing them). Returns 1 and fills *info, 0 at the end, or a
 * negative error. next_record() then returns that chunk's records first. */
int tracefile_reader_next_chunk(struct tracefile_reader *r,
				struct tracefile_chunk_info *info);
/* Call cb for every remaining record; stops early if cb returns non-zero
 * (that value is returned). Returns 0 at the end or a negative error. */
int tracefile_reader_foreach_record(struct tracefile_reader *r,
				    int (*cb)(void *ctx, const void *rec,
					      size_t len),
				    void *ctx);
/* Go back to the first chunk. Needs a memory buffer or a regular file
 * (-ESPIPE otherwise). Metadata chunks are not applied twice. */
int tracefile_reader_rewind(struct tracefile_reader *r);
/* Read every chunk header and metadata/trailer chunk (without
 * decompressing records) so that tracefile_reader_meta() is final, then
 * rewind. Returns 0, or a negative error (message in tracefile_error());
 * the error is not sticky: iteration from the start remains possible. */
int tracefile_reader_load_metadata(struct tracefile_reader *r);

struct tracefile_reader_stats {
	uint64_t chunks;	/* whole chunks passed (all types) */
	uint64_t records;	/* records returned by next_record() */
	uint64_t bytes;		/* offset just past the last whole chunk */
	int trailer_seen;
	int truncated;
};
void tracefile_reader_stats(const struct tracefile_reader *r,
			    struct tracefile_reader_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* KVMIRQ_TRACEFILE_H */
