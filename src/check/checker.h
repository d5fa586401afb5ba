/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the rules of check_rules[] over events one by one: each rule sees
 * an event before the reconstruction (which keeps the routing tables the
 * rules ask about) applies it. A rule the recording cannot decide gives one
 * info finding at checker_init() instead of running.
 */
#ifndef KVMIRQ_CHECK_CHECKER_H
#define KVMIRQ_CHECK_CHECKER_H

#include "check/coverage.h"
#include "check/rules.h"

struct checker {
	struct check_ctx ctx;
	struct check_options options;
	struct reconstruction recon;
	void **state; /* per rule; NULL: the rule does not run */
	bool started;
};

/* 0, or -ENOMEM. */
int checker_init(struct checker *k, const struct registry *registry,
		 const struct payload_format *format, const struct platform *platform,
		 const struct check_coverage *coverage, const struct check_options *options,
		 void (*emit)(void *arg, const struct finding *f), void *emit_arg);
/* kvmirq's own reads in the recording (not the VMM's): FRAMES[NR], kept by the caller. */
void checker_set_key_frames(struct checker *k, const struct key_frame *frames, size_t nr);
/* One event as trace_in_next() gives it. */
void checker_event(struct checker *k, const void *rec, size_t len);
/* The events ended. */
void checker_end(struct checker *k);
void checker_free(struct checker *k);

#endif
