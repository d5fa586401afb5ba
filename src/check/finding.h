/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One finding of kvmirq check: which rule, how bad, where (VM, process,
 * thread or vCPU, time) and which events show it, printed one per line like
 * a compiler's diagnostics or as one JSON object.
 */
#ifndef KVMIRQ_CHECK_FINDING_H
#define KVMIRQ_CHECK_FINDING_H

#include <stdint.h>
#include <stdio.h>

enum check_severity {
	CHECK_INFO,
	CHECK_WARNING,
	CHECK_ERROR,
};

#define FINDING_MAX_EVENTS 4

struct finding {
	const char *rule; /* its id */
	enum check_severity severity;
	uint32_t vm;	   /* 0: the recording as a whole */
	uint32_t pid, tid; /* 0: none */
	int32_t vcpu;	   /* KVMIRQ_NO_VCPU: not on a vCPU */
	uint64_t ts_ns;	   /* 0: none */
	double t;	   /* seconds since the recording's first event */
	/* indices in the recording's timeline (kvmirq report --timeline) */
	uint64_t events[FINDING_MAX_EVENTS];
	unsigned nr_events;
	char message[384];
};

const char *check_severity_name(enum check_severity s);
/* "info", "warning" or "error": 0, or -1 for anything else. */
int check_severity_parse(const char *name, enum check_severity *s);

void finding_print_text(const struct finding *f, FILE *out);
void finding_print_json(const struct finding *f, FILE *out);
struct json;
/* F as one JSON object, inside what J is writing. */
void finding_json(struct json *j, const struct finding *f);

#endif
