// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/checker.h"
#include "kvmirq/tracefile.h"
#include "model/reconstruct.h"
#include "top/findings.h"
#include "top/last_event.h"
#include "top/replay.h"
#include "top/replay_counts.h"
#include "top/replay_state.h"
#include "trace/key_frames.h"
#include "trace/trace_in.h"

#define SPEED_MIN (1.0 / 4096)
#define SPEED_MAX 4096.0

/* Continuation records (IOCTL_PAYLOAD) at positions FIRST .. FIRST+COUNT-1:
 * they belong to the ioctl before them, so a step never lands inside. */
struct payload_run {
	uint64_t first, count;
};

struct replay {
	char path[4096];
	char name[4096]; /* shown in the frames */
	/* what the first pass learnt */
	uint64_t nr_events, start_ns, end_ns, dropped;
	struct payload_run *runs;
	size_t nr_runs;
	char machine[32];
	/* the pass in progress */
	struct trace_in *in;
	struct reconstruction recon;
	struct replay_counts counts;
	/* kvmirq check over the events applied; its end's findings at the end */
	struct checker checker;
	struct check_coverage coverage;
	struct top_findings findings;
	struct key_frame *key_frames; /* kvmirq's own reads: no rule judges them */
	size_t nr_key_frames;
	bool checker_ended;
	uint8_t next[KVMIRQ_RECORD_MAX + 64] __attribute__((aligned(8))); /* read ahead */
	size_t next_len;
	bool have_next, at_end;
	uint64_t position;	 /* events applied */
	uint64_t last_ns;	 /* time of the last event applied */
	uint64_t max_applied_ns; /* the latest time applied (timestamps may be out of order) */
	struct last_event last;
	char error[600]; /* a read error that ended the pass early */
	/* playback */
	uint64_t clock_ns;
	double speed;
	bool paused;
	uint64_t wall_ns; /* when the clock last moved with the wall clock */
};

static uint64_t wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t record_ns(const void *rec)
{
	return ((const struct kvmirq_event_header *)rec)->timestamp_ns;
}

static bool is_continuation(const void *rec)
{
	return ((const struct kvmirq_event_header *)rec)->kind == KVMIRQ_EV_IOCTL_PAYLOAD;
}

/* ---- the first pass: how many events, from when to when, where payloads continue ---- */

static int note_continuation(struct replay *r, uint64_t position)
{
	struct payload_run *last = r->nr_runs ? &r->runs[r->nr_runs - 1] : NULL;
	struct payload_run *runs;

	if (last && last->first + last->count == position) {
		last->count++;
		return 0;
	}
	runs = realloc(r->runs, (r->nr_runs + 1) * sizeof(*runs));
	if (!runs)
		return -ENOMEM;
	r->runs = runs;
	r->runs[r->nr_runs++] = (struct payload_run){ position, 1 };
	return 0;
}

static int first_pass(struct replay *r, char *warning, size_t warnlen, char *err,
		      size_t errlen)
{
	struct trace_in *t = calloc(1, sizeof(*t));
	const char *machine;
	const void *rec;
	size_t len;
	int ret;

	if (!t)
		return -ENOMEM;
	ret = trace_in_open(t, r->path);
	if (ret) {
		snprintf(err, errlen, "%s", t->error);
		goto out;
	}
	machine = tracefile_meta_get_string(trace_in_meta(t), "machine");
	snprintf(r->machine, sizeof(r->machine), "%s", machine ? machine : "");
	tracefile_meta_get_u64(trace_in_meta(t), "dropped_events", &r->dropped);
	while ((ret = trace_in_next(t, &rec, &len)) > 0) {
		uint64_t ns = record_ns(rec);

		if (!r->nr_events || ns < r->start_ns)
			r->start_ns = ns;
		if (ns > r->end_ns)
			r->end_ns = ns;
		if (is_continuation(rec) && (ret = note_continuation(r, r->nr_events)))
			break;
		r->nr_events++;
	}
	if (!ret)
		ret = trace_in_end(t);
	snprintf(warning, warnlen, "%s", trace_in_warning(t) ? trace_in_warning(t) : "");
	if (ret < 0)
		snprintf(err, errlen, "%s: %s", r->path,
			 ret == -ENOMEM ? strerror(ENOMEM) : t->error);
out:
	trace_in_close(t);
	free(t);
	return ret < 0 ? ret : 0;
}

/* ---- a pass: from the start, event by event ---- */

static void close_pass(struct replay *r)
{
	if (!r->in)
		return;
	replay_counts_free(&r->counts);
	recon_free(&r->recon);
	checker_free(&r->checker);
	free(r->key_frames);
	r->key_frames = NULL;
	top_findings_free(&r->findings);
	trace_in_close(r->in);
	free(r->in);
	r->in = NULL;
}

/* kvmirq check's rules with their defaults, over this pass. */
static int start_checker(struct replay *r)
{
	int ret;

	r->checker_ended = false;
	check_coverage_from_meta(&r->coverage, trace_in_meta(r->in));
	ret = checker_init(&r->checker, &r->in->registry, &r->in->format,
			   platform_by_machine(r->machine), &r->coverage, &check_default_options,
			   top_findings_add, &r->findings);
	r->nr_key_frames = key_frames_from_meta(trace_in_meta(r->in), &r->key_frames);
	checker_set_key_frames(&r->checker, r->key_frames, r->nr_key_frames);
	return ret;
}

static int rewind_pass(struct replay *r, char *err, size_t errlen)
{
	int ret;

	close_pass(r);
	r->in = calloc(1, sizeof(*r->in));
	if (!r->in)
		return -ENOMEM;
	ret = trace_in_open(r->in, r->path);
	if (ret) {
		snprintf(err, errlen, "%s", r->in->error);
		trace_in_close(r->in);
		free(r->in);
		r->in = NULL;
		return ret;
	}
	recon_init(&r->recon, &r->in->registry, &r->in->format);
	r->recon.guest_mmio_recorded = trace_in_guest_mmio_recorded(r->in);
	snprintf(r->recon.snap.machine, sizeof(r->recon.snap.machine), "%s", r->machine);
	for (unsigned i = 0; i < r->in->registry.nr_vms; i++) {
		char name[32];

		snprintf(name, sizeof(name), "pid %u", r->in->registry.vms[i].pid);
		snapshot_add_vm(&r->recon.snap, name);
	}
	ret = replay_counts_init(&r->counts, &r->in->registry, r->start_ns, r->dropped,
				 &r->in->format);
	if (!ret)
		ret = start_checker(r);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		close_pass(r);
		return ret;
	}
	r->have_next = r->at_end = false;
	r->position = r->last_ns = r->max_applied_ns = 0;
	r->error[0] = '\0';
	r->last.len = 0;
	r->clock_ns = r->start_ns;
	return 0;
}

/* Read the next record into r->next, once: 1, or 0 at the end (or on an error). */
static int read_next(struct replay *r)
{
	const void *rec;
	size_t len;
	int ret;

	if (r->have_next)
		return 1;
	if (r->at_end || !r->in)
		return 0;
	ret = trace_in_next(r->in, &rec, &len);
	if (ret <= 0 || len > sizeof(r->next)) {
		if (ret < 0)
			snprintf(r->error, sizeof(r->error), "%s", r->in->error);
		else if (!r->checker_ended) /* as kvmirq check ends a readable recording */
			checker_end(&r->checker);
		r->checker_ended = true;
		r->at_end = true;
		return 0;
	}
	memcpy(r->next, rec, len);
	r->next_len = len;
	r->have_next = true;
	return 1;
}

static void apply_next(struct replay *r)
{
	checker_event(&r->checker, r->next, r->next_len);
	recon_apply(&r->recon, r->next, r->next_len);
	replay_stamp_chips(&r->recon.snap, &r->in->registry, r->next, r->next_len);
	replay_counts_add(&r->counts, r->next, r->next_len);
	if (is_continuation(r->next))
		last_event_continue(&r->last, r->next, r->next_len);
	else
		last_event_set(&r->last, r->next, r->next_len);
	r->have_next = false;
	r->position++;
}

/* Apply one event with its continuations: 1, or 0 at the end. */
static int apply_event(struct replay *r)
{
	uint64_t ns;

	if (!read_next(r))
		return 0;
	ns = record_ns(r->next);
	apply_next(r);
	while (read_next(r) && is_continuation(r->next))
		apply_next(r);
	r->last_ns = ns;
	if (ns > r->max_applied_ns)
		r->max_applied_ns = ns;
	return 1;
}

/* Apply every event up to time NS. */
static void advance_to(struct replay *r, uint64_t ns)
{
	while (read_next(r) && record_ns(r->next) <= ns)
		apply_event(r);
}

static bool finished(struct replay *r)
{
	return !read_next(r) && r->clock_ns >= r->end_ns;
}

/* The position N events before POSITION, never inside an ioctl's continuations. */
static uint64_t position_back(const struct replay *r, uint64_t position, unsigned long n)
{
	while (n-- && position) {
		position--;
		for (size_t i = 0; i < r->nr_runs; i++)
			if (position >= r->runs[i].first &&
			    position < r->runs[i].first + r->runs[i].count)
				position = r->runs[i].first ? r->runs[i].first - 1 : 0;
	}
	return position;
}

/* ---- the source's operations ---- */

static void status_line(const struct replay *r, struct top_frame *f)
{
	const char *warning = r->in ? trace_in_warning(r->in) : NULL;

	if (r->error[0])
		snprintf(f->status, sizeof(f->status), "damaged after event %llu: %.120s",
			 (unsigned long long)r->position, r->error);
	else if (!r->nr_events)
		snprintf(f->status, sizeof(f->status), "the recording holds no events");
	else if (warning)
		snprintf(f->status, sizeof(f->status), "%s", warning);
	else if (r->at_end && !r->have_next && r->clock_ns >= r->end_ns)
		snprintf(f->status, sizeof(f->status), "end of the recording");
	else if (r->counts.unattributed)
		snprintf(f->status, sizeof(f->status), "%llu events of no known VM so far",
			 (unsigned long long)r->counts.unattributed);
}

static int replay_refresh(void *ctx, struct top_frame *f)
{
	struct replay *r = ctx;
	int ret;

	top_frame_clear(f);
	memset(f, 0, sizeof(*f));
	if (!r->in) { /* a pass could not start again: the file went away */
		snprintf(f->status, sizeof(f->status), "%.150s", r->error);
		return -EIO;
	}
	if (!r->paused) {
		uint64_t now = wall_now();
		double ahead = (double)(now - r->wall_ns) * r->speed;
		uint64_t target = ahead >= (double)(r->end_ns - r->clock_ns)
					  ? r->end_ns
					  : r->clock_ns + (uint64_t)ahead;

		r->wall_ns = now;
		advance_to(r, target);
		r->clock_ns = target > r->clock_ns ? target : r->clock_ns;
		if (finished(r))
			r->paused = true;
	}
	f->time_ns = r->clock_ns;
	f->interval_s = RATE_WINDOW_S;
	f->history_step_s = HISTORY_SLICE_NS / 1e9;
	/* a long path keeps its end: the file's name */
	snprintf(f->source, sizeof(f->source), "%s",
		 r->name + (strlen(r->name) >= sizeof(f->source)
				    ? strlen(r->name) - sizeof(f->source) + 1
				    : 0));
	f->is_replay = true;
	f->replay = (struct top_replay){
		.start_ns = r->start_ns,
		.end_ns = r->end_ns,
		.position_ns = r->last_ns,
		.clock_ns = r->clock_ns,
		.event = r->position,
		.nr_events = r->nr_events,
		.speed = r->speed,
		.paused = r->paused,
	};
	last_event_format(&r->last, &r->in->registry, &r->in->format, r->start_ns,
			  f->replay.last_event, sizeof(f->replay.last_event));
	status_line(r, f);
	f->state = &r->recon.snap;
	ret = replay_counts_fill(&r->counts, r->clock_ns, &r->recon.snap, f);
	if (!ret)
		ret = top_findings_to_frame(&r->findings, NULL, NULL, f);
	if (ret)
		snprintf(f->status, sizeof(f->status), "%s", strerror(-ret));
	return ret;
}

static int replay_snapshot(void *ctx, uint32_t vm)
{
	(void)ctx;
	(void)vm;
	return -ENOTSUP; /* the state is the recording's: nothing to read again */
}

static int replay_step(void *ctx, long n)
{
	struct replay *r = ctx;
	uint64_t target;
	int ret;

	r->paused = true; /* stepping is looking closely: stop the clock */
	if (n >= 0) {
		for (long i = 0; i < n && apply_event(r); i++)
			;
		if (r->last_ns > r->clock_ns)
			r->clock_ns = r->last_ns;
		return 0;
	}
	/* back: the same pass again, from the start, up to the earlier position */
	target = position_back(r, r->position, (unsigned long)-(n + 1) + 1);
	ret = rewind_pass(r, r->error, sizeof(r->error));
	if (ret)
		return ret;
	while (r->position < target && apply_event(r))
		;
	r->clock_ns = r->position ? r->last_ns : r->start_ns;
	return 0;
}

static int replay_seek(void *ctx, uint64_t ns)
{
	struct replay *r = ctx;
	int ret;

	if (r->max_applied_ns > ns || (r->position && ns < r->start_ns)) {
		ret = rewind_pass(r, r->error, sizeof(r->error));
		if (ret)
			return ret;
	}
	advance_to(r, ns);
	r->clock_ns = ns < r->start_ns ? r->start_ns : ns > r->end_ns ? r->end_ns : ns;
	r->wall_ns = wall_now();
	return 0;
}

static int replay_set_speed(void *ctx, double speed)
{
	struct replay *r = ctx;

	if (!isfinite(speed) || speed <= 0)
		return -EINVAL;
	r->speed = speed < SPEED_MIN ? SPEED_MIN : speed > SPEED_MAX ? SPEED_MAX : speed;
	r->wall_ns = wall_now();
	return 0;
}

static int replay_set_paused(void *ctx, bool paused)
{
	struct replay *r = ctx;
	int ret;

	if (!paused && finished(r)) { /* playing at the end plays it again */
		ret = rewind_pass(r, r->error, sizeof(r->error));
		if (ret)
			return ret;
	}
	r->paused = paused;
	r->wall_ns = wall_now();
	return 0;
}

static void replay_close(void *ctx)
{
	struct replay *r = ctx;

	close_pass(r);
	last_event_free(&r->last);
	free(r->runs);
	free(r);
}

static const struct top_source_ops replay_ops = {
	.refresh = replay_refresh,
	.snapshot = replay_snapshot,
	.step = replay_step,
	.seek = replay_seek,
	.set_speed = replay_set_speed,
	.set_paused = replay_set_paused,
	.close = replay_close,
};

int top_replay_open(struct top_source *src, const char *path, char *warning, size_t warnlen,
		    char *err, size_t errlen)
{
	struct replay *r = calloc(1, sizeof(*r));
	int ret;

	warning[0] = '\0';
	if (!r)
		return -ENOMEM;
	if (strlen(path) >= sizeof(r->path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENAMETOOLONG));
		free(r);
		return -ENAMETOOLONG;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(r->name, sizeof(r->name), "%s", path);
	r->speed = 1.0;
	ret = first_pass(r, warning, warnlen, err, errlen);
	if (!ret)
		ret = rewind_pass(r, err, errlen);
	if (ret) {
		replay_close(r);
		return ret;
	}
	r->wall_ns = wall_now();
	src->ops = &replay_ops;
	src->ctx = r;
	return 0;
}

void top_replay_set_name(struct top_source *src, const char *name)
{
	struct replay *r = src->ctx;

	snprintf(r->name, sizeof(r->name), "%s", name);
}
