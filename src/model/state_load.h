/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Controller state from any kvmirq file: a snapshot as it is, or a
 * recording reconstructed up to a moment (model/reconstruct.h).
 */
#ifndef KVMIRQ_STATE_LOAD_H
#define KVMIRQ_STATE_LOAD_H

#include <stdint.h>

#include "snapshot/snapshot.h"

/* A moment in a recording. */
struct state_time {
	enum { STATE_AT_END, STATE_AT_OFFSET, STATE_AT_MONOTONIC } kind;
	uint64_t ns; /* OFFSET: from the first event; MONOTONIC: CLOCK_MONOTONIC */
};

/* "end", "SECONDS" (from the first event, as report's timeline counts) or "@NS" (CLOCK_MONOTONIC, as a
 * snapshot's time_ns): 0, or -1 when S is none of these. */
int state_time_parse(const char *s, struct state_time *t);

/* Fill OUT (snapshot_free it) from PATH. 0 or -errno with a message in ERR.
 * A file cut short loads what it holds, with the reader's warning in
 * OUT->warning for the caller to say. */
int state_load(const char *path, const struct state_time *at, struct snapshot *out, char *err,
	       size_t errlen);

#endif
