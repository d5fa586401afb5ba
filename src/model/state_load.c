// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmirq/tracefile.h"
#include "model/reconstruct.h"
#include "model/state_load.h"
#include "trace/trace_in.h"

/* The latest offset: in nanoseconds, still below 2^64. */
#define STATE_TIME_MAX_S 18e9

int state_time_parse(const char *s, struct state_time *t)
{
	const char *digits = s[0] == '@' ? s + 1 : s;
	char *end = NULL;
	double secs;

	if (!strcmp(s, "end")) {
		t->kind = STATE_AT_END;
		return 0;
	}
	/* a digit first: no sign, no space, no "nan" or "inf", nothing after "@" */
	if (!isdigit((unsigned char)digits[0]) && (digits != s || digits[0] != '.'))
		return -1;
	if (digits != s) {
		errno = 0;
		t->kind = STATE_AT_MONOTONIC;
		t->ns = strtoull(digits, &end, 10);
		return *end || errno ? -1 : 0;
	}
	secs = strtod(s, &end);
	/* compared before the cast: a double beyond the integer's range is undefined */
	if (*end || !(secs <= STATE_TIME_MAX_S))
		return -1;
	t->kind = STATE_AT_OFFSET;
	t->ns = (uint64_t)(secs * 1e9);
	return 0;
}

static bool is_snapshot(const char *path)
{
	struct tracefile_reader *r = NULL;
	const char *content;
	bool yes = false;

	if (!tracefile_reader_open_path(&r, path)) {
		content = tracefile_meta_get_string(tracefile_reader_header(r), "content");
		yes = content && !strcmp(content, "snapshot");
	}
	tracefile_reader_free(r);
	return yes;
}

/* The last moment to apply; an offset counts from the first event, as report's timeline does. */
static uint64_t limit_ns(const struct state_time *at, uint64_t first_ns)
{
	switch (at->kind) {
	case STATE_AT_MONOTONIC:
		return at->ns;
	case STATE_AT_OFFSET:
		return first_ns + at->ns;
	default:
		return UINT64_MAX;
	}
}

/* When the recording first shows a controller's registers (CLOCK_MONOTONIC), or 0: never. */
static uint64_t first_known_ns(const char *path)
{
	struct trace_in t;
	struct reconstruction r;
	const void *rec;
	size_t len;
	uint64_t ns = 0;

	if (trace_in_open(&t, path)) {
		trace_in_close(&t);
		return 0;
	}
	recon_init(&r, &t.registry, &t.format);
	r.guest_mmio_recorded = trace_in_guest_mmio_recorded(&t);
	while (!ns && !r.error && trace_in_next(&t, &rec, &len) == 1) {
		recon_apply(&r, rec, len);
		if (r.snap.nr_chips)
			ns = ((const struct kvmirq_event_header *)rec)->timestamp_ns;
	}
	recon_free(&r);
	trace_in_close(&t);
	return ns;
}

/* Why a reconstruction holds no controller: said instead of an empty listing. */
static void explain_empty(const char *path, const struct state_time *at, uint64_t first,
			  struct snapshot *out)
{
	uint64_t known = at->kind == STATE_AT_END ? 0 : first_known_ns(path);

	if (!known)
		snprintf(out->why_empty, sizeof(out->why_empty),
			 "no controller state is known: the recording never shows a "
			 "controller's registers");
	else
		snprintf(out->why_empty, sizeof(out->why_empty),
			 "no controller state is known yet at that time: the recording first "
			 "shows one at @%llu, %.6f s after its first event",
			 (unsigned long long)known, first && known > first ? (known - first) / 1e9 : 0.0);
}

/*
 * A TIME after the last event (a typo of units, or a recording cut short)
 * shows the state at the end: said, beside any warning of the reader's.
 */
static void note_past_end(struct snapshot *out, uint64_t first, uint64_t last)
{
	size_t n = strlen(out->warning);

	snprintf(out->warning + n, sizeof(out->warning) - n,
		 "%sthe time asked for is past the last event (%.6f s after the first, "
		 "@%llu): the state at the end is shown",
		 n ? "; " : "", (last - first) / 1e9, (unsigned long long)last);
}

static int reconstruct(const char *path, const struct state_time *at, struct snapshot *out,
		       char *err, size_t errlen)
{
	struct trace_in t;
	struct reconstruction r;
	const struct tracefile_meta *m;
	const void *rec;
	size_t len;
	uint64_t first = 0, last = 0, start_real = 0, start_mono = 0;
	bool past_end = true;
	int ret;

	ret = trace_in_open(&t, path);
	if (ret) {
		snprintf(err, errlen, "%s", t.error);
		trace_in_close(&t);
		return ret;
	}
	m = trace_in_meta(&t);
	recon_init(&r, &t.registry, &t.format);
	r.guest_mmio_recorded = trace_in_guest_mmio_recorded(&t);
	while ((ret = trace_in_next(&t, &rec, &len)) == 1) {
		uint64_t ts = ((const struct kvmirq_event_header *)rec)->timestamp_ns;

		if (!first)
			first = ts;
		if (ts > limit_ns(at, first)) {
			past_end = false;
			break;
		}
		last = ts;
		recon_apply(&r, rec, len);
	}
	if (!ret)
		ret = trace_in_end(&t);
	if (ret < 0)
		snprintf(err, errlen, "%s: %s", path, t.error);
	else if (r.error)
		snprintf(err, errlen, "out of memory");
	ret = ret < 0 ? ret : r.error;
	if (!ret) {
		tracefile_meta_get_u64(m, "start_realtime_ns", &start_real);
		tracefile_meta_get_u64(m, "start_monotonic_ns", &start_mono);
		*out = r.snap;
		memset(&r.snap, 0, sizeof(r.snap));
		snprintf(out->machine, sizeof(out->machine), "%s",
			 tracefile_meta_get_string(m, "machine") ? tracefile_meta_get_string(m, "machine")
								 : "");
		out->realtime_ns = start_real + (r.last_ns > start_mono ? r.last_ns - start_mono : 0);
		if (t.registry.nr_vms) { /* the VMM of the first VM: usually the only one */
			const struct process_entry *p =
				registry_find_process(&t.registry, t.registry.vms[0].pid);

			out->pid = t.registry.vms[0].pid;
			snprintf(out->process_name, sizeof(out->process_name), "%s",
				 !p ? "" : p->name[0] ? p->name : p->comm);
		}
		out->reads = r.events_used;
		if (trace_in_warning(&t))
			snprintf(out->warning, sizeof(out->warning), "%s", trace_in_warning(&t));
		if (at->kind != STATE_AT_END && past_end && first && limit_ns(at, first) > last)
			note_past_end(out, first, last);
		for (uint32_t i = 0; i < t.registry.nr_vms; i++) {
			char name[32];

			snprintf(name, sizeof(name), "pid %u", t.registry.vms[i].pid);
			snapshot_add_vm(out, name);
		}
		if (!out->nr_chips)
			explain_empty(path, at, first, out);
	}
	recon_free(&r);
	trace_in_close(&t);
	return ret;
}

int state_load(const char *path, const struct state_time *at, struct snapshot *out, char *err,
	       size_t errlen)
{
	if (is_snapshot(path))
		return snapshot_read(out, path, err, errlen);
	return reconstruct(path, at, out, err, errlen);
}
