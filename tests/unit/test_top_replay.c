// SPDX-License-Identifier: GPL-2.0
/*
 * The replay source of kvmirq top on the shipped real recording
 * (demo/x86-testvmm.kvmirq, run from the repository's top): a step back
 * lands on exactly the frame a forward pass shows at that position, seeking
 * back and forth agrees with seeking once, playing at the end starts again,
 * the findings at every position are kvmirq check's for the events up to it;
 * and the bounded pieces it is made of (time slices, the keyed table).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "check/checker.h"
#include "kvmirq/tracefile.h"
#include "top/keyed_table.h"
#include "top/print.h"
#include "top/replay.h"
#include "top/time_slices.h"
#include "trace/trace_in.h"

#define RECORDING "demo/x86-testvmm.kvmirq"

/* A frame as its JSON line (every array, the state's controllers too). */
static char *frame_json(struct top_source *src)
{
	struct top_print_options o = { .json = true };
	struct top_frame f = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	src->ops->refresh(src->ctx, &f);
	top_print_frame(&f, &o, out);
	fclose(out);
	top_frame_clear(&f);
	return text;
}

static uint64_t event_of(struct top_source *src)
{
	struct top_frame f = { 0 };
	uint64_t n;

	src->ops->refresh(src->ctx, &f);
	n = f.replay.event;
	top_frame_clear(&f);
	return n;
}

/* The two sources' controllers, byte for byte, with what each knows. */
static bool same_state(struct top_source *a, struct top_source *b)
{
	struct top_frame fa = { 0 }, fb = { 0 };
	const struct snapshot *x, *y;
	bool same;

	a->ops->refresh(a->ctx, &fa);
	b->ops->refresh(b->ctx, &fb);
	x = fa.state, y = fb.state;
	same = x && y && x->nr_chips == y->nr_chips && x->nr_routing == y->nr_routing;
	for (size_t i = 0; same && i < x->nr_chips; i++) {
		const struct chip_state *c = &x->chips[i], *d = &y->chips[i];

		same = c->model == d->model && c->time_ns == d->time_ns && c->nr_reads == d->nr_reads &&
		       c->nr_values == d->nr_values &&
		       (!c->nr_values ||
			!memcmp(c->value_unknown, d->value_unknown, c->nr_values / 8 + 1));
		for (size_t r = 0; same && r < c->nr_reads; r++)
			same = c->reads[r].status == d->reads[r].status &&
			       c->reads[r].len == d->reads[r].len &&
			       !memcmp(c->reads[r].bytes, d->reads[r].bytes, c->reads[r].len);
	}
	for (size_t i = 0; same && i < x->nr_routing; i++)
		same = x->routing[i].nr_entries == y->routing[i].nr_entries &&
		       x->routing[i].nr_irqfds == y->routing[i].nr_irqfds &&
		       (!x->routing[i].nr_entries ||
			!memcmp(x->routing[i].entries, y->routing[i].entries,
				x->routing[i].nr_entries * ROUTE_ENTRY_SIZE));
	top_frame_clear(&fa);
	top_frame_clear(&fb);
	return same;
}

static void test_steps(void)
{
	struct top_source a, b;
	char err[256], warning[512];
	char *forward, *back;

	CHECK_EQ(top_replay_open(&a, RECORDING, warning, sizeof(warning), err, sizeof(err)), 0);
	CHECK_EQ(top_replay_open(&b, RECORDING, warning, sizeof(warning), err, sizeof(err)), 0);
	CHECK(!strcmp(warning, "")); /* a whole recording */
	a.ops->set_paused(a.ctx, true);
	b.ops->set_paused(b.ctx, true);
	CHECK_EQ(event_of(&a), 0);
	/* every 7th position of the 217 events: forward there, or past and back */
	for (long at = 0; at <= 217; at += 7) {
		long past = at + 13 < 217 ? at + 13 : 217;

		a.ops->step(a.ctx, at - (long)event_of(&a));
		b.ops->step(b.ctx, past - (long)event_of(&b));
		b.ops->step(b.ctx, at - past);
		CHECK_EQ(event_of(&a), at);
		CHECK_EQ(event_of(&b), at);
		forward = frame_json(&a);
		back = frame_json(&b);
		CHECK(forward && back && !strcmp(forward, back));
		CHECK(same_state(&a, &b));
		free(forward);
		free(back);
	}
	/* past either end: clamped */
	CHECK_EQ(a.ops->step(a.ctx, 10000), 0);
	CHECK_EQ(event_of(&a), 217);
	CHECK_EQ(a.ops->step(a.ctx, -10000), 0);
	CHECK_EQ(event_of(&a), 0);
	a.ops->close(a.ctx);
	b.ops->close(b.ctx);
}

static void test_seek_and_play(void)
{
	struct top_source a, b;
	struct top_frame f = { 0 };
	char err[256], warning[512];
	char *once, *twice;
	uint64_t start;

	CHECK_EQ(top_replay_open(&a, RECORDING, warning, sizeof(warning), err, sizeof(err)), 0);
	CHECK_EQ(top_replay_open(&b, RECORDING, warning, sizeof(warning), err, sizeof(err)), 0);
	a.ops->set_paused(a.ctx, true);
	b.ops->set_paused(b.ctx, true);
	a.ops->refresh(a.ctx, &f);
	start = f.replay.start_ns;
	CHECK_EQ(f.replay.nr_events, 217);
	CHECK_EQ(f.replay.end_ns - start, 17073000);
	/* 1.5 ms: once, or by way of the end */
	a.ops->seek(a.ctx, start + 1500000);
	b.ops->seek(b.ctx, start + 20000000);
	b.ops->seek(b.ctx, start + 1500000);
	once = frame_json(&a);
	twice = frame_json(&b);
	CHECK(once && twice && !strcmp(once, twice));
	CHECK_EQ(event_of(&a), 52); /* kvmirq report --timeline: 52 events by 1.5 ms */
	free(once);
	free(twice);
	/* playing at a high speed reaches the end and pauses there */
	CHECK_EQ(a.ops->set_speed(a.ctx, 4096), 0);
	CHECK_EQ(a.ops->set_speed(a.ctx, 0), -EINVAL);
	CHECK_EQ(a.ops->set_paused(a.ctx, false), 0);
	for (int i = 0; i < 5000 && event_of(&a) < 217; i++) /* 4096 x wall time: ms at most */
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	top_frame_clear(&f);
	a.ops->refresh(a.ctx, &f);
	CHECK_EQ(f.replay.event, 217);
	CHECK(f.replay.paused);
	CHECK(!strcmp(f.status, "end of the recording"));
	/* playing again at the end starts from the beginning */
	CHECK_EQ(a.ops->set_paused(a.ctx, false), 0);
	CHECK(a.ops->snapshot(a.ctx, 1) == -ENOTSUP);
	a.ops->set_paused(a.ctx, true);
	CHECK(event_of(&a) < 217);
	top_frame_clear(&f);
	a.ops->close(a.ctx);
	b.ops->close(b.ctx);
}

static void count_finding(void *arg, const struct finding *f)
{
	((unsigned *)arg)[f->vm]++;
}

/* kvmirq check's findings per VM (0..7) over the recording's first N
 * records (continuations included, as the replay counts its position),
 * with the end's when N is all of them. */
static void check_first(uint64_t n, unsigned counts[8])
{
	struct trace_in *t = calloc(1, sizeof(*t));
	struct check_coverage cov;
	struct checker k;
	const void *rec;
	size_t len;
	uint64_t i = 0;
	int ret = 0;

	memset(counts, 0, 8 * sizeof(*counts));
	CHECK(t && !trace_in_open(t, RECORDING));
	check_coverage_from_meta(&cov, trace_in_meta(t));
	CHECK_EQ(checker_init(&k, &t->registry, &t->format,
			      platform_by_machine(tracefile_meta_get_string(trace_in_meta(t),
									    "machine")),
			      &cov, &check_default_options, count_finding, counts),
		 0);
	while (i < n && (ret = trace_in_next(t, &rec, &len)) > 0) {
		checker_event(&k, rec, len);
		i++;
	}
	if (i == n && trace_in_next(t, &rec, &len) == 0)
		checker_end(&k);
	checker_free(&k);
	trace_in_close(t);
	free(t);
}

/* The FIND column and the findings array at each position: check's up to
 * there, also after stepping back; the whole recording's are the demo's 5
 * (3 lines without a route, 2 vectors no vCPU takes). */
static void test_findings_follow_position(void)
{
	struct top_source a;
	char err[256], warning[512];
	unsigned want[8];
	bool grew = false;

	CHECK_EQ(top_replay_open(&a, RECORDING, warning, sizeof(warning), err, sizeof(err)), 0);
	a.ops->set_paused(a.ctx, true);
	for (long at = 0; at <= 217; at += at < 200 ? 9 : 1) {
		struct top_frame f = { 0 };

		a.ops->step(a.ctx, at - (long)event_of(&a));
		a.ops->refresh(a.ctx, &f);
		CHECK_EQ(f.replay.event, (uint64_t)at);
		check_first((uint64_t)at, want);
		CHECK_EQ(f.nr_findings, (size_t)want[0] + want[1]);
		for (size_t i = 0; i < f.nr_vms; i++)
			CHECK_EQ(f.vms[i].findings, want[f.vms[i].id]);
		grew |= f.nr_vms && f.vms[0].findings && f.vms[0].findings < 3;
		if (at == 217)
			CHECK(f.nr_vms == 1 && f.vms[0].findings == 5);
		top_frame_clear(&f);
	}
	CHECK(grew); /* counted on the way, not only at the end */
	a.ops->step(a.ctx, -200);
	check_first(event_of(&a), want);
	{
		struct top_frame f = { 0 };

		a.ops->refresh(a.ctx, &f);
		CHECK(f.nr_vms == 1 && f.vms[0].findings == want[1] && want[1] < 3);
		top_frame_clear(&f);
	}
	a.ops->close(a.ctx);
}

static void test_open_errors(void)
{
	struct top_source s;
	char err[256] = "", warning[512];

	CHECK(top_replay_open(&s, "demo/no-such.kvmirq", warning, sizeof(warning), err,
			      sizeof(err)) < 0);
	CHECK(strstr(err, "No such file") != NULL);
	CHECK(top_replay_open(&s, "demo/x86-statevmm.kvmsnap", warning, sizeof(warning), err,
			      sizeof(err)) < 0);
	CHECK(strstr(err, "a snapshot, not a recording") != NULL);
}

static void test_time_slices(void)
{
	struct rate_window w = { 0 };
	uint32_t ring[4] = { 0 };
	uint64_t newest = 0;

	/* 5 events in slice 1, 2 in slice 3; then slice 9 pushes them all out */
	for (int i = 0; i < 5; i++)
		time_slices_add(ring, 4, &newest, 1);
	time_slices_add(ring, 4, &newest, 3);
	time_slices_add(ring, 4, &newest, 3);
	CHECK_EQ(time_slices_sum(ring, 4, newest, 3), 7);
	CHECK_EQ(time_slices_sum(ring, 4, newest, 4), 7); /* slice 4 is empty, 1 still in */
	CHECK_EQ(time_slices_sum(ring, 4, newest, 5), 2); /* slice 1 left the window */
	CHECK_EQ(time_slices_get(ring, 4, newest, 2), 0);
	time_slices_add(ring, 4, &newest, 2); /* late, but in the ring */
	CHECK_EQ(time_slices_get(ring, 4, newest, 2), 1);
	time_slices_add(ring, 4, &newest, 9);
	CHECK_EQ(time_slices_sum(ring, 4, newest, 9), 1);
	time_slices_add(ring, 4, &newest, 2); /* too old: dropped */
	CHECK_EQ(time_slices_sum(ring, 4, newest, 9), 1);
	/* a rate window: events over the last second of recording time */
	for (uint64_t ns = 0; ns < 2000000000ull; ns += 10000000) /* 100/s for 2 s */
		rate_window_add(&w, 5000 + ns, 5000);
	CHECK(rate_window_rate(&w, 5000 + 1995000000ull, 5000) >= 90 &&
	      rate_window_rate(&w, 5000 + 1995000000ull, 5000) <= 100);
	CHECK(rate_window_rate(&w, 5000 + 3500000000ull, 5000) == 0);
}

struct item {
	struct keyed_record k;
	int n;
};

static void test_keyed_table(void)
{
	struct keyed_table t;
	struct item *it;

	keyed_table_init(&t, sizeof(struct item), 3);
	for (int i = 0; i < 5; i++) { /* 9, 1, 5 and 1 again, then a fourth key refused */
		static const uint64_t keys[5] = { 9, 1, 5, 1, 7 };

		it = keyed_table_get(&t, 1, keys[i], 0);
		if (it)
			it->n++;
	}
	CHECK_EQ(t.nr, 3);
	CHECK_EQ(t.refused, 1);
	CHECK_EQ(((struct item *)keyed_table_at(&t, 0))->k.key[1], 1);
	CHECK_EQ(((struct item *)keyed_table_at(&t, 0))->n, 2);
	CHECK_EQ(((struct item *)keyed_table_at(&t, 1))->k.key[1], 5);
	CHECK_EQ(((struct item *)keyed_table_at(&t, 2))->k.key[1], 9);
	keyed_table_free(&t);
}

int main(void)
{
	test_steps();
	test_seek_and_play();
	test_findings_follow_position();
	test_open_errors();
	test_time_slices();
	test_keyed_table();
	return check_done();
}
