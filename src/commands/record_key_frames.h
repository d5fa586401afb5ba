/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmirq record's key frames (trace/key_frames.h): every register of every
 * in-kernel controller of the traced VMMs, read by ptrace while recording,
 * so the reads land in the recording as the VMMs' own GET events.
 */
#ifndef KVMIRQ_RECORD_KEY_FRAMES_H
#define KVMIRQ_RECORD_KEY_FRAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct trace_out;

/*
 * One key frame of each VMM (only ONLY's, when not 0) into OUT, whose times
 * are stored in units of TIME_UNIT_NS. A VMM that cannot be read is noted in
 * the table and said on stderr; the recording goes on. Returns how many
 * VMMs were read, or -errno when OUT cannot be written.
 */
int record_key_frames(struct trace_out *out, pid_t only, uint64_t time_unit_ns, bool quiet);

#endif
