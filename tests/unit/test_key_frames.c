// SPDX-License-Identifier: GPL-2.0
/*
 * Key frames in a recording (trace/key_frames.h): each is appended in its
 * own metadata chunk while recording, and a reader sees all of them, in
 * order, with every column, even in a file cut short after the second one;
 * key_frames_cover() says which events are a key frame's reads.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kvmirq/event.h"
#include "kvmirq/tracefile.h"
#include "registry/registry.h"
#include "trace/key_frames.h"
#include "trace/trace_in.h"
#include "trace/trace_out.h"

static const struct key_frame frames[] = {
	{ .pid = 100, .begin_ns = 1000, .end_ns = 2000, .stopped_ns = 900, .controllers = 5,
	  .reads = 5 },
	{ .pid = 200, .begin_ns = 1500, .end_ns = 1600, .error = "pid 200: ptrace: EPERM" },
	{ .pid = 100, .begin_ns = 9000, .end_ns = 9500, .stopped_ns = 400, .controllers = 1,
	  .reads = 1117, .failed_reads = 2 },
};
#define NR_FRAMES (sizeof(frames) / sizeof(frames[0]))

/* A recording with one event and the key frames, each in its own chunk. */
static void write_recording(const char *path, bool close_it)
{
	struct tracefile_meta *header = tracefile_meta_new();
	struct registry registry;
	struct trace_out out;
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_set_irq b;
	} rec = { .h = { .timestamp_ns = 1200, .kind = KVMIRQ_EV_SET_IRQ, .size = sizeof(rec),
			 .pid = 100, .tid = 100, .vcpu_id = -1 },
		  .b = { .gsi = 4, .level = 1 } };

	registry_init(&registry);
	CHECK(header && !trace_header_describe_host(header));
	CHECK_EQ(trace_out_open(&out, path, header, &registry, 1), 0);
	CHECK_EQ(trace_out_add(&out, &rec, sizeof(rec)), 0);
	for (size_t i = 0; i < NR_FRAMES; i++) {
		struct tracefile_meta *m = tracefile_meta_new();

		CHECK(m && !key_frame_to_meta(&frames[i], m));
		CHECK_EQ(trace_out_write_meta(&out, m), 0);
		tracefile_meta_free(m);
	}
	if (close_it)
		CHECK_EQ(trace_out_close(&out, NULL), 0);
	else
		CHECK_EQ(trace_out_flush(&out), 0); /* killed here: no trailer */
	trace_out_free(&out);
	tracefile_meta_free(header);
	registry_free(&registry);
}

static void read_back(const char *path, const char *what)
{
	struct trace_in *t = calloc(1, sizeof(*t));
	struct key_frame *k = NULL;
	size_t n;

	CHECK(t && trace_in_open(t, path) == 0);
	n = key_frames_from_meta(trace_in_meta(t), &k);
	if (n != NR_FRAMES)
		fprintf(stderr, "%s: %zu key frames\n", what, n);
	CHECK_EQ(n, NR_FRAMES);
	for (size_t i = 0; i < n && i < NR_FRAMES; i++) {
		CHECK_EQ(k[i].pid, frames[i].pid);
		CHECK_EQ(k[i].begin_ns, frames[i].begin_ns);
		CHECK_EQ(k[i].end_ns, frames[i].end_ns);
		CHECK_EQ(k[i].stopped_ns, frames[i].stopped_ns);
		CHECK_EQ(k[i].controllers, frames[i].controllers);
		CHECK_EQ(k[i].reads, frames[i].reads);
		CHECK_EQ(k[i].failed_reads, frames[i].failed_reads);
		CHECK(!strcmp(k[i].error, frames[i].error));
	}
	/* Which events are reads of a key frame: by pid and window, ends included. */
	CHECK(key_frames_cover(k, n, 100, 1000));
	CHECK(key_frames_cover(k, n, 100, 2000));
	CHECK(key_frames_cover(k, n, 100, 9200));
	CHECK(!key_frames_cover(k, n, 100, 2001));
	CHECK(!key_frames_cover(k, n, 300, 1500));
	CHECK(key_frames_cover(k, n, 200, 1550));
	CHECK(!key_frames_cover(NULL, 0, 100, 1500));
	free(k);
	trace_in_close(t);
	free(t);
}

int main(void)
{
	char path[] = "/tmp/kvmirq-key-frames-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	write_recording(path, true);
	read_back(path, "closed");
	write_recording(path, false);
	read_back(path, "cut short");
	unlink(path);
	return check_done();
}
