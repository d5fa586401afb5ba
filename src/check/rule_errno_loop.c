// SPDX-License-Identifier: GPL-2.0
/*
 * errno-loop: one ioctl on one fd of one process failing with one errno
 * --errno-loop times or more in a row (other calls in between do not break
 * the row; a success or another errno of that call does).
 */
#include <stdlib.h>
#include <string.h>

#include "check/rules.h"
#include "codec/names.h"

struct failing_run {
	uint32_t pid;
	int32_t fd;
	uint8_t ioctl_id;
	int64_t ret;
	uint64_t count, first, last;
	struct kvmirq_event_header at; /* the first failure */
};

struct errno_loop {
	struct failing_run *runs;
	size_t nr;
};

static void finish(const struct check_ctx *c, const struct check_rule *r,
		   const struct failing_run *run)
{
	uint64_t events[2] = { run->first, run->last };
	char err[64];

	if (run->count < c->options->errno_loop)
		return;
	check_report(c, r, r->severity, &run->at, events, 2,
		     "%s on fd %d failed with %s %llu times in a row: the VMM retries what KVM "
		     "refuses, and what the call was for never happens",
		     ioctl_name(run->ioctl_id), run->fd, check_errno_text(run->ret, err, sizeof(err)),
		     (unsigned long long)run->count);
}

static void loop_event(const struct check_ctx *c, const struct check_rule *r, void *state,
		       const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	struct errno_loop *s = state;
	struct failing_run *run = NULL;

	if (h->kind != KVMIRQ_EV_IOCTL || len < sizeof(*h) + sizeof(*io))
		return;
	for (size_t i = 0; i < s->nr && !run; i++)
		if (s->runs[i].pid == h->pid && s->runs[i].fd == io->fd &&
		    s->runs[i].ioctl_id == io->ioctl_id)
			run = &s->runs[i];
	if (run && run->ret == io->ret) {
		run->count++;
		run->last = c->index;
		return;
	}
	if (run) {
		finish(c, r, run);
		*run = s->runs[--s->nr];
	}
	if (io->ret >= 0)
		return;
	run = realloc(s->runs, (s->nr + 1) * sizeof(*run));
	if (!run)
		return;
	s->runs = run;
	s->runs[s->nr++] = (struct failing_run){
		.pid = h->pid, .fd = io->fd, .ioctl_id = io->ioctl_id, .ret = io->ret,
		.count = 1, .first = c->index, .last = c->index, .at = *h,
	};
}

static void loop_end(const struct check_ctx *c, const struct check_rule *r, void *state)
{
	struct errno_loop *s = state;

	for (size_t i = 0; i < s->nr; i++)
		finish(c, r, &s->runs[i]);
	s->nr = 0;
}

static void loop_free(void *state)
{
	free(((struct errno_loop *)state)->runs);
}

const struct rule_ops rule_errno_loop = {
	.state_size = sizeof(struct errno_loop),
	.event = loop_event,
	.end = loop_end,
	.free = loop_free,
};
