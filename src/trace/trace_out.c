// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chips/payload_format.h"
#include "kvmirq/tracefile.h"
#include "trace/trace_out.h"
#include "util/host.h"

int trace_header_describe_host(struct tracefile_meta *m)
{
	struct payload_format host;
	int ret = host_describe(m);

	payload_format_host(&host);
	ret |= payload_format_describe(m, &host);
	ret |= tracefile_meta_set_u64(m, "schema_version", KVMIRQ_SCHEMA_VERSION);
	ret |= tracefile_meta_set_u64(m, "batch_format", BATCH_FORMAT);
	return ret ? -ENOMEM : 0;
}

/*
 * Live recording compresses at zlib level 3: the events' batches are
 * delta-coded already, and level 6 spent half the writer's CPU on the
 * interrupt storm for little more.
 */
#define TRACE_OUT_COMPRESSION_LEVEL 3

/* PATH, or FD when PATH is NULL (NAME in messages). */
static int open_with(struct trace_out *t, const char *path, int fd, const char *name,
		     const struct tracefile_meta *header, struct registry *registry,
		     uint64_t time_unit_ns)
{
	struct tracefile_writer_options opts;
	int ret;

	memset(t, 0, sizeof(*t));
	batch_encoder_init(&t->batch, time_unit_ns);
	t->registry = registry;
	tracefile_writer_options_init(&opts);
	opts.compression_level = TRACE_OUT_COMPRESSION_LEVEL;
	opts.name = name;
	ret = path ? tracefile_writer_open(&t->writer, path, header, &opts)
		   : tracefile_writer_open_fd(&t->writer, fd, header, &opts);
	if (ret)
		snprintf(t->error, sizeof(t->error), "%s",
			 t->writer ? tracefile_writer_error(t->writer) : strerror(-ret));
	return ret;
}

int trace_out_open(struct trace_out *t, const char *path, const struct tracefile_meta *header,
		   struct registry *registry, uint64_t time_unit_ns)
{
	return open_with(t, path, -1, path, header, registry, time_unit_ns);
}

int trace_out_open_fd(struct trace_out *t, int fd, const char *name,
		      const struct tracefile_meta *header, struct registry *registry,
		      uint64_t time_unit_ns)
{
	return open_with(t, NULL, fd, name, header, registry, time_unit_ns);
}

static int write_registry(struct trace_out *t, const struct tracefile_meta *extra);

/*
 * A batch goes to the file after the tables that name its VMs and objects:
 * a file cut anywhere (a write error, a kill) then lists every VM its
 * events name. Waiting for the next flush was not enough: under an
 * interrupt storm the flush may not come before the file is cut.
 */
static int write_batch(struct trace_out *t)
{
	const uint8_t *batch;
	size_t len;
	int ret;

	if (!t->batch.count)
		return 0;
	if (t->registry->dirty && (ret = write_registry(t, NULL)))
		return ret;
	ret = batch_encoder_finish(&t->batch, &batch, &len);
	if (!ret)
		ret = tracefile_writer_append_record_ts(t->writer, t->batch.last_timestamp_ns,
							batch, len);
	if (ret) {
		snprintf(t->error, sizeof(t->error), "%s", tracefile_writer_error(t->writer));
		return ret;
	}
	batch_encoder_reset(&t->batch);
	return 0;
}

int trace_out_add(struct trace_out *t, const void *rec, size_t len)
{
	int ret = batch_encoder_add(&t->batch, rec, len);

	if (ret) {
		snprintf(t->error, sizeof(t->error), "cannot encode an event: %s", strerror(-ret));
		return ret;
	}
	t->events++;
	if (t->batch.len >= BATCH_TARGET_BYTES)
		return write_batch(t);
	return 0;
}

static int write_registry(struct trace_out *t, const struct tracefile_meta *extra)
{
	struct tracefile_meta *m = tracefile_meta_new();
	int ret;

	if (!m)
		return -ENOMEM;
	ret = registry_to_meta(t->registry, m);
	if (!ret && extra)
		ret = tracefile_meta_apply(m, extra);
	if (!ret)
		ret = tracefile_writer_write_metadata(t->writer, m);
	if (ret)
		snprintf(t->error, sizeof(t->error), "%s", tracefile_writer_error(t->writer));
	else
		t->registry->dirty = false;
	tracefile_meta_free(m);
	return ret;
}

int trace_out_write_meta(struct trace_out *t, const struct tracefile_meta *extra)
{
	int ret = write_batch(t);

	return ret ? ret : write_registry(t, extra);
}

int trace_out_flush(struct trace_out *t)
{
	int ret = write_batch(t);

	if (!ret && t->registry->dirty)
		ret = write_registry(t, NULL);
	if (!ret)
		ret = tracefile_writer_flush(t->writer);
	if (ret && !t->error[0])
		snprintf(t->error, sizeof(t->error), "%s", tracefile_writer_error(t->writer));
	return ret;
}

int trace_out_close(struct trace_out *t, const struct tracefile_meta *final_meta)
{
	int ret = write_batch(t);

	if (!ret)
		ret = write_registry(t, final_meta);
	if (!ret) {
		ret = tracefile_writer_close(t->writer);
		if (ret)
			snprintf(t->error, sizeof(t->error), "%s", tracefile_writer_error(t->writer));
	}
	return ret;
}

void trace_out_free(struct trace_out *t)
{
	tracefile_writer_free(t->writer);
	batch_encoder_free(&t->batch);
	t->writer = NULL;
}
