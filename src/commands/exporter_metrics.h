/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmirq exporter's metrics: the in-kernel counters of aggregate mode with
 * the bounded key (bpf/aggregate.bpf.h), read once per scrape and written in
 * the Prometheus text format, with label cardinality bounded (below). A VM
 * whose VMM has exited, or whose debugfs entry is gone, is dropped at the
 * next read: its counters leave the map, and its counts stay in the
 * per-kind totals so that those never go down.
 */
#ifndef KVMIRQ_EXPORTER_METRICS_H
#define KVMIRQ_EXPORTER_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"
#include "kvmirq/event.h"
#include "util/http_server.h"

#define EXPORTER_MAX_VMS 256	      /* VMs with series of their own, lowest pids first */
#define EXPORTER_MAX_GSIS 64	      /* GSIs per VM, the lowest */
#define EXPORTER_MAX_VCPUS 128	      /* vCPUs per VM and kind, the lowest ids */

struct exporter_metrics {
	struct capture *cap;
	const struct http_server *server; /* its responses are metrics too; NULL: none */
	uint64_t start_ms;
	unsigned long long retired[KVMIRQ_EV_KIND_MAX]; /* counts of VMs dropped */
	unsigned long long scrapes, scrape_errors, vms_dropped;
	double last_scrape_s;
};

void exporter_metrics_init(struct exporter_metrics *m, struct capture *cap,
			   const struct http_server *server);
/* Read the counters, drop the VMs that are gone, write every metric to OUT. 0 or -errno. */
int exporter_metrics_write(struct exporter_metrics *m, FILE *out);
/* Only drop the VMs that are gone (between scrapes, so the map does not fill). */
int exporter_metrics_tidy(struct exporter_metrics *m);

#endif
