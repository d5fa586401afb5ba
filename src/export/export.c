// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq export's two passes over a recording: the first links the flows
 * (flows.c), the second decodes each event as report does
 * (report/event_print.c) and hands it to the model, whose items the writer
 * encodes; the writer then writes the tracks and the items in time order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/model.h"
#include "kvmirq/tracefile.h"
#include "trace/key_frames.h"
#include "trace/trace_in.h"

static int open_trace(struct trace_in **t, const char *path, char *err, size_t err_len)
{
	*t = calloc(1, sizeof(**t));
	if (!*t) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	if (trace_in_open(*t, path)) {
		snprintf(err, err_len, "%s", (*t)->error);
		trace_in_close(*t);
		free(*t);
		*t = NULL;
		return -EINVAL;
	}
	return 0;
}

static void close_trace(struct trace_in *t)
{
	if (t) {
		trace_in_close(t);
		free(t);
	}
}

/* The second pass: every event through the printer's decoding into the model. */
static int decode_events(struct trace_in *t, struct export_model *m, const char *path,
			 char *err, size_t err_len)
{
	struct event_printer printer;
	struct key_frame *key_frames = NULL;
	const void *rec;
	size_t len;
	int ret;

	event_printer_init(&printer, NULL, false, 0, &t->registry, &t->format);
	printer.sink = export_model_event;
	printer.sink_ctx = m;
	printer.nr_key_frames = key_frames_from_meta(trace_in_meta(t), &key_frames);
	printer.key_frames = key_frames;
	while ((ret = trace_in_next(t, &rec, &len)) > 0) {
		event_printer_add(&printer, rec, len);
		m->index++;
	}
	event_printer_free(&printer);
	free(key_frames);
	if (!ret)
		ret = trace_in_end(t);
	if (ret < 0)
		snprintf(err, err_len, "%s: %s", path, t->error);
	else if (m->failed)
		snprintf(err, err_len, "out of memory");
	return ret < 0 ? ret : m->failed ? -ENOMEM : 0;
}

int export_recording(const char *path, const struct export_writer *writer, FILE *out,
		     char *warning, size_t warning_len, char *err, size_t err_len)
{
	struct export_flows flows = { 0 };
	struct trace_in *t = NULL;
	struct export_model m;
	void *w = NULL;
	int ret;

	warning[0] = '\0';
	ret = open_trace(&t, path, err, err_len);
	if (ret)
		return ret;
	ret = export_flows_scan(t, &flows);
	if (ret)
		snprintf(err, err_len, "%s: %s", path, t->error);
	close_trace(t);
	t = NULL;
	if (ret)
		goto out;
	ret = open_trace(&t, path, err, err_len);
	if (ret)
		goto out;
	w = writer->open();
	if (!w) {
		snprintf(err, err_len, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	export_model_init(&m, &t->registry, &t->format, &flows, writer, w);
	ret = decode_events(t, &m, path, err, err_len);
	if (!ret) {
		export_model_finish(&m);
		ret = writer->finish(w, m.tracks, m.nr_tracks, out);
		if (ret)
			snprintf(err, err_len, "cannot write the trace: %s", strerror(-ret));
	}
	if (trace_in_warning(t))
		snprintf(warning, warning_len, "%s", trace_in_warning(t));
	export_model_free(&m);
out:
	if (w)
		writer->close(w);
	close_trace(t);
	export_flows_free(&flows);
	return ret;
}
