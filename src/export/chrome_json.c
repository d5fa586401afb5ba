// SPDX-License-Identifier: GPL-2.0
/*
 * The Trace Event Format (chrome://tracing, ui.perfetto.dev): one JSON
 * object whose traceEvents are, first, the metadata events (M) naming each
 * VM's process and its threads, then in time order: an ioctl as a complete
 * event (X) with its duration, every other event as a thread instant (i)
 * followed by its flow event (s, t or f: one id per interrupt's way, bound
 * to the instant's slice), and counters (C) on the VM's process. ts and dur
 * are microseconds with the recording's nanoseconds as three decimals.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export/model.h"
#include "export/sorted_out.h"
#include "util/json.h"
#include "util/stream_error.h"

struct chrome_json {
	char *buf; /* one event's text, in MEM */
	size_t len;
	FILE *mem;
	struct sorted_out events;
	bool failed;
};

static void *chrome_json_open(void)
{
	struct chrome_json *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	sorted_out_init(&c->events);
	c->mem = open_memstream(&c->buf, &c->len);
	if (!c->mem) {
		free(c);
		return NULL;
	}
	return c;
}

static void chrome_json_close(void *w)
{
	struct chrome_json *c = w;

	fclose(c->mem);
	free(c->buf);
	sorted_out_free(&c->events);
	free(c);
}

/* Start one event's object: name, phase, time, process and thread. */
static void event_begin(struct json *j, struct chrome_json *c, const char *name,
			const char *category, const char *phase, uint64_t ts,
			const struct export_track *t)
{
	rewind(c->mem);
	json_init(j, c->mem);
	json_object_begin(j);
	json_kv_string(j, "name", name);
	json_kv_string(j, "cat", category); /* Chrome's own readers want one on every event */
	json_kv_string(j, "ph", phase);
	json_key(j, "ts");
	json_thousandths(j, ts);
	json_kv_uint(j, "pid", t->pid);
	/* a counter belongs to the process: its main thread, as the format wants one */
	json_kv_uint(j, "tid", t->kind == EXPORT_THREAD ? t->tid : t->pid);
}

static void event_end(struct json *j, struct chrome_json *c, uint64_t ts)
{
	json_object_end(j);
	long len;

	if (fflush(c->mem) || ferror(c->mem) || (len = ftell(c->mem)) < 0)
		c->failed = true;
	else
		sorted_out_add(&c->events, ts, c->buf, (size_t)len);
}

static void args(struct json *j, const struct export_item *it)
{
	json_key(j, "args");
	json_object_begin(j);
	kv_print_json(it->args, j);
	json_key(j, "fields");
	json_object_begin(j);
	kv_print_json(it->fields, j);
	json_object_end(j);
	json_object_end(j);
}

static const char *const flow_phase[] = {
	[FLOW_START] = "s", [FLOW_STEP] = "t", [FLOW_END] = "f",
};

static void chrome_json_item(void *w, const struct export_item *it)
{
	struct chrome_json *c = w;
	struct json j;

	switch (it->type) {
	case EXPORT_SLICE:
		event_begin(&j, c, it->name, it->category, "X", it->ts_ns, it->track);
		json_key(&j, "dur");
		json_thousandths(&j, it->dur_ns);
		args(&j, it);
		event_end(&j, c, it->ts_ns);
		break;
	case EXPORT_INSTANT:
		event_begin(&j, c, it->name, it->category, "i", it->ts_ns, it->track);
		json_kv_string(&j, "s", "t");
		args(&j, it);
		event_end(&j, c, it->ts_ns);
		if (!it->flow.role)
			break;
		/* added next: nothing comes between it and its instant */
		event_begin(&j, c, "interrupt", "flow", flow_phase[it->flow.role], it->ts_ns,
			    it->track);
		json_kv_uint(&j, "id", it->flow.id);
		if (it->flow.role == FLOW_END)
			json_kv_string(&j, "bp", "e"); /* the instant's slice, not the next one */
		json_key(&j, "args"); /* empty, as DevTools wants one on every event */
		json_object_begin(&j);
		json_object_end(&j);
		event_end(&j, c, it->ts_ns);
		break;
	case EXPORT_COUNTER_VALUE:
		event_begin(&j, c, it->track->counter, "counter", "C", it->ts_ns, it->track);
		json_key(&j, "args");
		json_object_begin(&j);
		json_kv_int(&j, it->track->series, it->value);
		json_object_end(&j);
		event_end(&j, c, it->ts_ns);
		break;
	}
}

static void metadata(FILE *out, size_t *n, const char *what, const struct export_track *t,
		     const char *key, const char *value, uint64_t number)
{
	struct json j;

	if ((*n)++)
		fputs(",\n", out);
	json_init(&j, out);
	json_object_begin(&j);
	json_kv_string(&j, "name", what);
	json_kv_string(&j, "cat", "__metadata");
	json_kv_string(&j, "ph", "M");
	json_kv_uint(&j, "pid", t->pid);
	json_kv_uint(&j, "tid", t->kind == EXPORT_THREAD ? t->tid : t->pid);
	json_key(&j, "args");
	json_object_begin(&j);
	if (value)
		json_kv_string(&j, key, value);
	else
		json_kv_uint(&j, key, number);
	json_object_end(&j);
	json_object_end(&j);
}

static int chrome_json_finish(void *w, const struct export_track *tracks, size_t nr_tracks,
			      FILE *out)
{
	struct chrome_json *c = w;
	size_t n = 0;
	int ret;

	if (c->failed)
		return -ENOMEM;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
	for (size_t i = 0; i < nr_tracks; i++) {
		const struct export_track *t = &tracks[i];

		if (t->kind == EXPORT_PROCESS) {
			metadata(out, &n, "process_name", t, "name", t->name, 0);
			metadata(out, &n, "process_sort_index", t, "sort_index", NULL, t->pid);
		} else if (t->kind == EXPORT_THREAD) {
			metadata(out, &n, "thread_name", t, "name", t->name, 0);
		}
	}
	if (n && c->events.n)
		fputs(",\n", out);
	ret = sorted_out_write(&c->events, out, ",\n");
	fputs("\n]}\n", out);
	if (!ret)
		ret = stream_error(out);
	return ret;
}

const struct export_writer export_chrome_json = {
	.name = "chrome-json",
	.open = chrome_json_open,
	.item = chrome_json_item,
	.finish = chrome_json_finish,
	.close = chrome_json_close,
};
