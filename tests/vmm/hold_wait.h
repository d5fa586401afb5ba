/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wait of a rig VMM held for `kvmirq snapshot --pid` (mpicvmm and
 * gicvmm --hold): sigtimedwait() for SIGINT or SIGTERM, or a deadline.
 * Each ptrace stop ends that wait with EINTR (sigtimedwait is never
 * restarted), which is how the tests count the stops.
 */
#ifndef KVMIRQ_TEST_HOLD_WAIT_H
#define KVMIRQ_TEST_HOLD_WAIT_H

struct hold_result {
	int signal;		/* SIGINT or SIGTERM; 0: SECONDS ran out */
	unsigned interruptions; /* waits ended by EINTR */
};

/*
 * Print "NAME: holding pid N", then wait. AFTER_WAKE (may be NULL) runs
 * after every wake-up with CTX and the interruptions so far. 0, or -errno
 * when sigtimedwait() failed otherwise.
 */
int hold_wait(const char *name, unsigned seconds, void (*after_wake)(void *ctx, unsigned n),
	      void *ctx, struct hold_result *out);

#endif
