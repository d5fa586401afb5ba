/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key frames of a recording: the moments `kvmirq record` read every register
 * of a traced VMM's in-kernel controllers itself, by ptrace as `snapshot
 * --pid` does, so that a reconstruction starts from a complete state rather
 * than from whatever the VMM happened to read or write.
 *
 * The reads are the VMM's own ioctls as far as the kernel and the BPF
 * programs know: they are in the recording as ordinary GET events, which the
 * reconstruction applies like any other. This table says which events they
 * are (those of PID between BEGIN_NS and END_NS: the VMM was stopped, so
 * nothing else of it ran), so that a report can tell them from the VMM's
 * own, and how long each stopped the VMM. One metadata chunk per key frame
 * (an appended row of the "key_frames" table): a file cut short keeps them.
 */
#ifndef KVMIRQ_KEY_FRAMES_H
#define KVMIRQ_KEY_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tracefile_meta;

struct key_frame {
	uint32_t pid;
	uint64_t begin_ns, end_ns; /* CLOCK_MONOTONIC, as the events' timestamps */
	uint64_t stopped_ns;	   /* how long the VMM was stopped */
	uint64_t controllers, reads, failed_reads;
	char error[160];	   /* why it could not be taken; empty when it was */
};

/* Append K as a row of META's "key_frames" table. 0 or -ENOMEM. */
int key_frame_to_meta(const struct key_frame *k, struct tracefile_meta *m);
/* Every key frame in META (a recording's merged metadata): *OUT malloc'd
 * (free() it), the count returned; 0 with *OUT NULL when there are none. */
size_t key_frames_from_meta(const struct tracefile_meta *m, struct key_frame **out);
/* Is an event of PID at TS_NS one of a key frame's reads? */
bool key_frames_cover(const struct key_frame *k, size_t n, uint32_t pid, uint64_t ts_ns);

#endif
