// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chips/payload_format.h"
#include "codec/layout.h"
#include "kvmirq/tracefile.h"
#include "trace/trace_in.h"

/*
 * The registry tables are checked before registry_from_meta() uses them: it
 * takes each id as an index (id - 1) and adds entries one by one up to the
 * largest id, with a linear search for each. A file's ids run from 1 to the
 * number of rows (registry_to_meta() writes them so); anything else (0, or
 * a huge id that would allocate gigabytes) is refused. Loading is quadratic
 * in the rows, and so is the summary's process lookup per VM: the row limit
 * keeps both well under a second (65536 rows took 15 s; the millions of rows
 * a few MiB of compressed metadata can hold would take hours). A real
 * recording has a few VMs, vCPUs and devices, not thousands.
 */
#define TRACE_IN_MAX_TABLE_ROWS 16384

/* The programs that record the guest's MPIC accesses (bpf/programs.h's
 * powerpc rows, named here for a reader built for any architecture). */
static const char *const guest_mmio_programs[] = {
	"program.mpic_read_enter", "program.mpic_read_exit",
	"program.mpic_write_enter", "program.mpic_write_exit",
};

bool trace_in_guest_mmio_recorded(const struct trace_in *t)
{
	const struct tracefile_meta *m = trace_in_meta(t);
	uint64_t kinds = 0;

	for (size_t i = 0; i < sizeof(guest_mmio_programs) / sizeof(guest_mmio_programs[0]); i++) {
		const char *state = tracefile_meta_get_string(m, guest_mmio_programs[i]);

		if (!state || strcmp(state, "attached"))
			return false;
	}
	/* 0 or absent: every kind */
	return tracefile_meta_get_u64(m, "filter_kinds", &kinds) || !kinds ||
	       (kinds & 1ull << KVMIRQ_EV_MPIC_MMIO);
}

static int check_table(const struct tracefile_meta *m, const char *name, bool ids, char *err,
		       size_t errlen)
{
	const struct tracefile_table *t = tracefile_meta_get_table(m, name);
	size_t rows = t ? tracefile_table_nrows(t) : 0;

	if (rows > TRACE_IN_MAX_TABLE_ROWS) {
		snprintf(err, errlen, "%s table has %zu rows (at most %d)", name, rows,
			 TRACE_IN_MAX_TABLE_ROWS);
		return -EBADMSG;
	}
	if (!ids)
		return 0;
	for (size_t i = 0; i < rows; i++) {
		/* read as registry_from_meta() reads it: 0 if absent or not a U64 */
		uint64_t id = tracefile_table_u64_by_name(t, i, "id");

		if (id < 1 || id > rows) {
			snprintf(err, errlen, "%s table: row %zu has id %llu (ids run from 1 to %zu)",
				 name, i, (unsigned long long)id, rows);
			return -EBADMSG;
		}
	}
	return 0;
}

/*
 * A file without its trailer may have been cut before the writer listed
 * its newest VMs (older writers listed them only on a flush or at the
 * end). Every consumer sizes its per-VM tables from the registry, so the
 * events are read once here and each VM they name in order of first
 * appearance, as the recorder assigns ids, is listed with its first
 * event's process and time: what the recorder itself would have written.
 * An id out of that order is left unlisted (counted nowhere, not guessed).
 */
static int list_unlisted_vms(struct trace_in *t, const char *path)
{
	const void *rec;
	size_t len;
	int ret;

	while ((ret = trace_in_next(t, &rec, &len)) > 0) {
		const struct kvmirq_event_header *h = rec;

		if (h->vm == t->registry.nr_vms + 1 && h->vm <= TRACE_IN_MAX_TABLE_ROWS) {
			registry_vm_unlisted(&t->registry, h->pid, h->timestamp_ns);
			t->unlisted_vms++;
		}
	}
	/* a damaged event is the real pass's to report, where it is met */
	t->error[0] = 0;
	t->in_batch = false;
	t->events = 0;
	ret = tracefile_reader_rewind(t->reader);
	if (ret) {
		snprintf(t->error, sizeof(t->error), "%s: %s", path, tracefile_error(t->reader));
		return ret;
	}
	if (t->unlisted_vms) {
		const char *w = tracefile_reader_warning(t->reader);
		unsigned int last = t->registry.nr_vms, first = last - t->unlisted_vms + 1;
		char vms[32];

		if (first == last)
			snprintf(vms, sizeof(vms), "VM %u is", first);
		else
			snprintf(vms, sizeof(vms), "VMs %u to %u are", first, last);
		snprintf(t->warning, sizeof(t->warning),
			 "%s%s%s not in its tables (cut before they were written): "
			 "process and time taken from the first event",
			 w ? w : "", w ? "; " : "", vms);
	}
	return 0;
}

int trace_in_open(struct trace_in *t, const char *path)
{
	const struct tracefile_meta *m;
	uint64_t schema = 0;
	char why[160];
	int ret;

	memset(t, 0, sizeof(*t));
	registry_init(&t->registry);
	ret = tracefile_reader_open_path(&t->reader, path);
	if (ret) {
		snprintf(t->error, sizeof(t->error), "%s: %s", path,
			 t->reader ? tracefile_error(t->reader) : strerror(-ret));
		return ret;
	}
	m = tracefile_reader_header(t->reader);
	if (!tracefile_meta_get_string(m, "tool") ||
	    strcmp(tracefile_meta_get_string(m, "tool"), "kvmirq")) {
		snprintf(t->error, sizeof(t->error), "%s: not a kvmirq recording", path);
		return -EMEDIUMTYPE;
	}
	if (tracefile_meta_get_string(m, "content") &&
	    !strcmp(tracefile_meta_get_string(m, "content"), "snapshot")) {
		snprintf(t->error, sizeof(t->error),
			 "%s: a snapshot, not a recording: kvmirq show reads it", path);
		return -EMEDIUMTYPE;
	}
	tracefile_meta_get_u64(m, "schema_version", &schema);
	if (schema > KVMIRQ_SCHEMA_VERSION) {
		snprintf(t->error, sizeof(t->error),
			 "%s: event schema %llu is newer than this kvmirq's (%d): upgrade kvmirq",
			 path, (unsigned long long)schema, KVMIRQ_SCHEMA_VERSION);
		return -ENOTSUP;
	}
	/* The tables come last (and again after every change): read them all first. */
	ret = tracefile_reader_load_metadata(t->reader);
	if (ret) {
		snprintf(t->error, sizeof(t->error), "%s: %s", path, tracefile_error(t->reader));
		return ret;
	}
	m = tracefile_reader_meta(t->reader);
	if ((ret = check_table(m, "vms", true, why, sizeof(why))) ||
	    (ret = check_table(m, "objects", true, why, sizeof(why))) ||
	    (ret = check_table(m, "processes", false, why, sizeof(why)))) {
		snprintf(t->error, sizeof(t->error), "%s: corrupt recording: %s", path, why);
		return ret;
	}
	registry_from_meta(&t->registry, m);
	payload_format_from_header(tracefile_reader_header(t->reader), &t->format);
	if (!tracefile_reader_trailer(t->reader))
		return list_unlisted_vms(t, path);
	return 0;
}

const struct tracefile_meta *trace_in_meta(const struct trace_in *t)
{
	return tracefile_reader_meta(t->reader);
}

int trace_in_next(struct trace_in *t, const void **rec, size_t *len)
{
	char why[160];
	size_t n;
	int ret;

	for (;;) {
		if (t->in_batch) {
			ret = batch_decoder_next(&t->batch, t->record, &n);
			if (ret < 0) {
				snprintf(t->error, sizeof(t->error), "%s", t->batch.error);
				return ret;
			}
			if (ret == 1) {
				if (event_record_check(t->record, n, why, sizeof(why))) {
					snprintf(t->error, sizeof(t->error), "event %llu: %s",
						 (unsigned long long)t->events, why);
					return -EBADMSG;
				}
				t->events++;
				*rec = t->record;
				*len = n;
				return 1;
			}
			t->in_batch = false;
		}
		{
			const void *batch;
			size_t blen;

			ret = tracefile_reader_next_record(t->reader, &batch, &blen);
			if (ret <= 0) {
				if (ret < 0)
					snprintf(t->error, sizeof(t->error), "%s",
						 tracefile_error(t->reader));
				return ret;
			}
			ret = batch_decoder_init(&t->batch, batch, blen);
			if (ret) {
				snprintf(t->error, sizeof(t->error), "%s", t->batch.error);
				return ret;
			}
			t->in_batch = true;
		}
	}
}

const char *trace_in_warning(const struct trace_in *t)
{
	if (t->warning[0])
		return t->warning;
	return t->reader ? tracefile_reader_warning(t->reader) : NULL;
}

int trace_in_end(struct trace_in *t)
{
	if (t->events || !t->reader || !tracefile_reader_truncated(t->reader))
		return 0;
	/* no event: no VM was listed from the events, the reader's warning is all */
	snprintf(t->error, sizeof(t->error), "cut short before its first event: %.400s",
		 tracefile_reader_warning(t->reader) ? tracefile_reader_warning(t->reader)
						     : "file truncated");
	return -ENODATA;
}

void trace_in_close(struct trace_in *t)
{
	tracefile_reader_free(t->reader);
	registry_free(&t->registry);
	t->reader = NULL;
}
