/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reader input: a memory buffer, a regular file (pread) or a stream. */
#ifndef KVMIRQ_TRACEFILE_SOURCE_H
#define KVMIRQ_TRACEFILE_SOURCE_H

#include <stdint.h>

#include "internal.h"

enum tf_source_kind { TF_SRC_MEMORY, TF_SRC_PREAD, TF_SRC_STREAM };

struct tf_source {
	enum tf_source_kind kind;
	const uint8_t *mem;
	size_t mem_len;
	int fd;
	int owns_fd;
	uint64_t base;		/* file offset of byte 0 of the trace (pread) */
	uint64_t size;		/* trace length, if size_known */
	int size_known;
	uint64_t spos;		/* stream: bytes consumed so far */
};

void tf_source_memory(struct tf_source *s, const void *data, size_t len);
/* Classify fd: regular file -> pread from its current offset, else stream.
 * Returns 0 or -errno (fstat failure). */
int tf_source_fd(struct tf_source *s, int fd, int owns_fd);
void tf_source_close(struct tf_source *s);
int tf_source_seekable(const struct tf_source *s);

/*
 * Read up to len bytes at trace offset off. *out points to the data (into
 * the memory buffer, or into buf), *got is the number of bytes available
 * (< len only at end of input). Memory grows with the data actually read,
 * never ahead of it by more than 1 MiB. Returns 0 or -errno; -ESPIPE if a
 * stream is asked to go backwards.
 */
int tf_source_read(struct tf_source *s, uint64_t off, size_t len,
		   struct tf_buf *buf, const uint8_t **out, size_t *got);

#endif
