/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both trace formats write, in a trace viewer's terms: tracks (a
 * process per VM, a thread per VMM, vCPU or kernel thread of that VM, and
 * counters of line levels and event rates) and items on them (an ioctl's
 * slice, an instant per other event with its flow, counter values), made
 * from a recording's decoded events. The writers (perfetto.c,
 * chrome_json.c) only encode these.
 */
#ifndef KVMIRQ_EXPORT_MODEL_H
#define KVMIRQ_EXPORT_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "export/flows.h"
#include "report/event_print.h"
#include "util/kv.h"

enum export_track_kind { EXPORT_PROCESS, EXPORT_THREAD, EXPORT_COUNTER };

#define EXPORT_VCPU_NONE (-1)
#define EXPORT_VCPU_SEVERAL (-2)

struct export_track {
	enum export_track_kind kind;
	uint64_t uuid;	      /* 1, 2, ... in order of creation */
	uint64_t parent_uuid; /* a thread's or counter's process track; 0 for a process */
	uint32_t pid;	      /* the trace's pid: the VM's id (the no-VM process: last id + 1) */
	uint32_t tid;	      /* threads */
	uint32_t vm;	      /* the recording's VM id (0: no VM) */
	int32_t vcpu;	      /* threads: the vCPU its events ran on, or EXPORT_VCPU_* */
	bool kernel_thread;
	uint64_t slice_end;   /* threads: where its last ioctl ended */
	char name[96];	      /* processes and threads: after export_model_finish() */
	/* counters: the line or event kind ("GSI 4", "set_irq") and what the value is
	 * ("level", "events/s") */
	char counter[48];
	const char *series;
	/* rate counters: the 10 ms window being counted */
	uint64_t window, count, last_value;
	bool rate, sampled;
};

enum export_item_type { EXPORT_SLICE, EXPORT_INSTANT, EXPORT_COUNTER_VALUE };

struct export_item {
	enum export_item_type type;
	const struct export_track *track;
	const char *name;     /* slices and instants */
	const char *category; /* "ioctl", "delivery", "run" */
	uint64_t ts_ns, dur_ns;
	int64_t value; /* counter values */
	struct flow_mark flow;
	const struct kv_list *args;   /* the event's own: vCPU, return value, ... */
	const struct kv_list *fields; /* decoded as report shows them */
};

/* A format's writer: items as they come, then the whole file. */
struct export_writer {
	const char *name;
	void *(*open)(void);
	void (*item)(void *w, const struct export_item *it);
	/* the tracks, then the items in time order; 0 or -errno */
	int (*finish)(void *w, const struct export_track *tracks, size_t nr_tracks, FILE *out);
	void (*close)(void *w);
};

extern const struct export_writer export_perfetto;
extern const struct export_writer export_chrome_json;

struct export_model {
	const struct registry *registry;
	const struct payload_format *format;
	const struct export_flows *flows;
	const struct export_writer *writer;
	void *w;
	struct export_track *tracks;
	size_t nr_tracks, cap_tracks;
	uint32_t no_vm_pid; /* the trace's pid for events of no VM */
	uint64_t index;	    /* the record being decoded: its flow mark */
	struct kv_list args;
	bool failed;	    /* out of memory */
};

void export_model_init(struct export_model *m, const struct registry *registry,
		       const struct payload_format *format, const struct export_flows *flows,
		       const struct export_writer *writer, void *w);
/* An event_sink_fn: the items of one decoded event go to the writer. */
void export_model_event(void *model, const struct event_decoded *e);
/* The last rate values, and the names of processes and threads. */
void export_model_finish(struct export_model *m);
void export_model_free(struct export_model *m);

/* Export the recording at PATH to OUT. 0; or -errno with ERR set. WARNING
 * gets the reader's warning (a file cut short), or "". */
int export_recording(const char *path, const struct export_writer *writer, FILE *out,
		     char *warning, size_t warning_len, char *err, size_t err_len);

#endif
