/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing a recording: the header that describes host and schema, event
 * batches, and the VM/process/drop tables as metadata chunks whenever they
 * change, so a file cut short keeps what it had.
 */
#ifndef KVMIRQ_TRACE_OUT_H
#define KVMIRQ_TRACE_OUT_H

#include <stdint.h>

#include "codec/batch.h"
#include "registry/registry.h"

struct tracefile_writer;
struct tracefile_meta;

struct trace_out {
	struct tracefile_writer *writer;
	struct batch_encoder batch;
	struct registry *registry;
	uint64_t events;
	char error[256];
};

/* Describe this host (its payloads' byte order and word size too), kernel and tool
 * in HEADER (plus whatever the caller adds). */
int trace_header_describe_host(struct tracefile_meta *header);

/* TIME_UNIT_NS: the resolution of the stored times (1: nanoseconds). */
int trace_out_open(struct trace_out *t, const char *path, const struct tracefile_meta *header,
		   struct registry *registry, uint64_t time_unit_ns);
/* The same at FD's position (NAME in messages); FD is not closed. */
int trace_out_open_fd(struct trace_out *t, int fd, const char *name,
		      const struct tracefile_meta *header, struct registry *registry,
		      uint64_t time_unit_ns);
/* Add one normalized event. */
int trace_out_add(struct trace_out *t, const void *rec, size_t len);
/* Write what is buffered, the tables, and EXTRA (rows to append, say) now. */
int trace_out_write_meta(struct trace_out *t, const struct tracefile_meta *extra);
/* Write what is buffered, and the tables when they changed: bounds what a crash loses. */
int trace_out_flush(struct trace_out *t);
/* Final tables and counters in META, then the trailer. */
int trace_out_close(struct trace_out *t, const struct tracefile_meta *final_meta);
void trace_out_free(struct trace_out *t);

#endif
