/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events as they happen, for every command that consumes them live (record,
 * check --live, top): the BPF programs attached, the ring buffer drained,
 * each record normalized (kernel addresses into registry ids) and handed on,
 * and the capture described in a recording header's terms.
 */
#ifndef KVMIRQ_LIVE_CAPTURE_H
#define KVMIRQ_LIVE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "registry/registry.h"
#include "trace/normalize.h"

struct tracefile_meta;

/* One normalized event (valid during the call); non-zero ends the capture
 * with that error, and no further event is handed on. */
typedef int (*live_event_fn)(void *arg, const void *event, size_t len);
/* Called about every 100 ms while live_capture_run() waits; non-zero ends
 * it with that error. */
typedef int (*live_tick_fn)(void *arg, uint64_t now_ms);
/* Is an event of process PID wanted? Asked before the event is normalized. */
typedef bool (*live_pid_fn)(void *arg, uint32_t pid);

struct live_capture {
	struct capture *capture;
	struct registry registry;
	struct normalizer norm;
	live_event_fn on_event;
	/* NULL: every event the BPF side hands over. Else the events of other
	 * processes are left out before they reach the registry, so that VMs
	 * are numbered as in a recording made with the BPF side's -p. */
	live_pid_fn wants_pid;
	void *arg;
	uint64_t received[KVMIRQ_EV_KIND_MAX];
	uint64_t malformed;
	uint64_t start_ms; /* when live_capture_run() began */
	int error;	   /* what ended the capture: an on_event's or tick's error */
	int ring_errno;	   /* a ring read's error, which ended the wait */
};

/* Attach (capture_open) with ON_EVENT called for every event. 0, or -errno
 * with a message in ERR. The live capture is closed either way by
 * live_capture_close(). */
int live_capture_open(struct live_capture *lc, const struct capture_options *o,
		      live_event_fn on_event, void *arg, char *err, size_t errlen);
/*
 * Hand on events until SIGINT/SIGTERM (stop_on_signals()), DURATION_MS (0:
 * none) or an error, then whatever is still in the ring. A ring read error
 * ends the wait, kept in lc->ring_errno for the caller to say. Returns
 * lc->error.
 */
int live_capture_run(struct live_capture *lc, uint64_t duration_ms, live_tick_fn tick,
		     void *tick_arg);
/* Hand on what the ring holds now, without waiting: 0 or lc->error. */
int live_capture_drain(struct live_capture *lc);
void live_capture_close(struct live_capture *lc);

/* The header keys of a recording made by this capture: the host, the
 * attach strategy, TIME_UNIT_NS, the filters, the ring, NOTE (may be NULL)
 * and every program's state (docs/events.md). 0, or non-zero when out of
 * memory. */
int live_capture_describe(struct tracefile_meta *h, const struct capture_options *o,
			  const struct capture_status *st, uint64_t time_unit_ns,
			  const char *note);

#endif
