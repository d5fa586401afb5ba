/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flows: which events of a recording are one interrupt's way from the line
 * or MSI that raised it to its injection, acceptance and EOI. A first pass
 * over the recording links them into chains and marks every record of a
 * chain of two or more with the chain's id and its place in it; one event
 * alone is no flow.
 */
#ifndef KVMIRQ_EXPORT_FLOWS_H
#define KVMIRQ_EXPORT_FLOWS_H

#include <stddef.h>
#include <stdint.h>

struct trace_in;

enum flow_role { FLOW_NONE, FLOW_START, FLOW_STEP, FLOW_END };

struct flow_mark {
	uint32_t id; /* 1, 2, ...; 0: in no flow */
	uint8_t role; /* enum flow_role */
};

struct export_flows {
	struct flow_mark *marks; /* by record index, as trace_in_next() gives them */
	size_t nr_marks, cap_marks;
	uint32_t nr_flows;
};

/* Read T to its end and link its events. 0, or -errno with T's error set. */
int export_flows_scan(struct trace_in *t, struct export_flows *f);
/* The mark of record INDEX (FLOW_NONE past the end). */
struct flow_mark export_flow_mark(const struct export_flows *f, uint64_t index);
void export_flows_free(struct export_flows *f);

#endif
