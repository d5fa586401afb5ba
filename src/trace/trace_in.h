/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a recording back: its header, its final tables (VMs, objects,
 * processes, drops), and its events one by one, with clear messages for a
 * file that is not a recording, is damaged, or was cut short.
 */
#ifndef KVMIRQ_TRACE_IN_H
#define KVMIRQ_TRACE_IN_H

#include <stdbool.h>
#include <stdint.h>

#include "chips/payload_format.h"
#include "codec/batch.h"
#include "registry/registry.h"

struct tracefile_reader;
struct tracefile_meta;

struct trace_in {
	struct tracefile_reader *reader;
	struct registry registry;
	struct payload_format format; /* of the ioctl payloads (the header's) */
	struct batch_decoder batch;
	bool in_batch;
	uint64_t events;
	uint8_t record[KVMIRQ_RECORD_MAX + 64];
	char error[512];
	unsigned int unlisted_vms; /* VMs the events name and the tables do not */
	char warning[768];	   /* the reader's warning and what was made whole */
};

int trace_in_open(struct trace_in *t, const char *path);
const struct tracefile_meta *trace_in_meta(const struct trace_in *t);
/* 1 with *rec and *len set (valid until the next call), 0 at the end, or -errno. */
int trace_in_next(struct trace_in *t, const void **rec, size_t *len);
/*
 * Does the recording hold every guest access to the MPIC's registers: its
 * four kprobe programs attached and the mpic_mmio kind not filtered out?
 */
bool trace_in_guest_mmio_recorded(const struct trace_in *t);
/* The reader's warning (cut-short file, VMs its tables did not list), or NULL. */
const char *trace_in_warning(const struct trace_in *t);
/*
 * After trace_in_next() returned 0: -ENODATA, with the reason in t->error,
 * when the recording was cut short before its first event: an empty result
 * from a damaged file is an error for every reader, never an empty report.
 * 0 otherwise (a whole recording may hold no event).
 */
int trace_in_end(struct trace_in *t);
void trace_in_close(struct trace_in *t);

#endif
