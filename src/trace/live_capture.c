// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kvmirq/tracefile.h"
#include "trace/live_capture.h"
#include "trace/trace_out.h"
#include "util/stop.h"

static int on_record(const void *rec, size_t len, void *ctx)
{
	struct live_capture *lc = ctx;
	const void *event;
	size_t event_len;

	if (lc->error)
		return 0;
	if (lc->wants_pid && len >= sizeof(struct kvmirq_event_header)) {
		struct kvmirq_event_header h;

		memcpy(&h, rec, sizeof(h));
		if (!lc->wants_pid(lc->arg, h.pid))
			return 0;
	}
	if (normalize_record(&lc->norm, rec, len, &event, &event_len)) {
		lc->malformed++;
		return 0;
	}
	lc->received[((const struct kvmirq_event_header *)event)->kind]++;
	lc->error = lc->on_event(lc->arg, event, event_len);
	return 0;
}

int live_capture_open(struct live_capture *lc, const struct capture_options *o,
		      live_event_fn on_event, void *arg, char *err, size_t errlen)
{
	memset(lc, 0, sizeof(*lc));
	registry_init(&lc->registry);
	normalizer_init(&lc->norm, &lc->registry);
	lc->on_event = on_event;
	lc->arg = arg;
	return capture_open(&lc->capture, o, on_record, lc, err, errlen);
}

int live_capture_drain(struct live_capture *lc)
{
	int ret = capture_drain(lc->capture);

	return lc->error ? lc->error : ret;
}

int live_capture_run(struct live_capture *lc, uint64_t duration_ms, live_tick_fn tick,
		     void *tick_arg)
{
	lc->start_ms = monotonic_ms();
	while (!stop_requested() && !lc->error) {
		int ret = capture_poll(lc->capture, 100);
		uint64_t now;

		if (ret < 0 && ret != -EINTR) {
			lc->ring_errno = -ret;
			break;
		}
		now = monotonic_ms();
		if (duration_ms && now - lc->start_ms >= duration_ms)
			break;
		if (tick)
			lc->error = tick(tick_arg, now);
	}
	/* Whatever is still in the ring belongs to the capture. */
	return live_capture_drain(lc);
}

void live_capture_close(struct live_capture *lc)
{
	capture_close(lc->capture);
	lc->capture = NULL;
	registry_free(&lc->registry);
}

int live_capture_describe(struct tracefile_meta *h, const struct capture_options *o,
			  const struct capture_status *st, uint64_t time_unit_ns,
			  const char *note)
{
	int ret = trace_header_describe_host(h);

	ret |= tracefile_meta_set_string(h, "strategy", strategy_name(st->strategy));
	ret |= tracefile_meta_set_u64(h, "inject_hooks", st->inject_hooks);
	ret |= tracefile_meta_set_u64(h, "time_unit_ns", time_unit_ns);
	ret |= tracefile_meta_set_u64(h, "filter_pid", o->pid);
	ret |= tracefile_meta_set_string(h, "filter_vm", o->vm);
	ret |= tracefile_meta_set_u64(h, "filter_kinds", o->kinds);
	ret |= tracefile_meta_set_u64(h, "filter_ioctls", o->ioctl_kinds);
	ret |= tracefile_meta_set_u64(h, "ringbuf_mib", st->ringbuf_mib);
	/* vcpus_running events exist: their absence means no vCPU thread ran */
	ret |= tracefile_meta_set_u64(h, "vcpus_running_counted", 1);
	if (note)
		ret |= tracefile_meta_set_string(h, "note", note);
	for (unsigned int i = 0; i < st->nr_programs; i++) {
		char key[96];

		snprintf(key, sizeof(key), "program.%s", st->programs[i].info->prog_name);
		ret |= tracefile_meta_set_string(h, key, st->programs[i].attached ? "attached"
							: st->programs[i].why);
	}
	return ret;
}
