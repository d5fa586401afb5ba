/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer harness for the snapshot reader (src/snapshot/snapshot_file.c)
 * and everything that consumes a snapshot: show (text and JSON) and diff.
 *
 * To get past the container's CRCs the input is not a file: the harness
 * writes one with the tracefile writer. Input format:
 *   u8 header variant: bit 0 content "snapshot" (else "recording"),
 *      bit 1 snapshot_format 1 (else 7), bit 2 byte_order "big" (else
 *      "little"), bit 3 a vms table with a row, bit 4 machine "ppc" (else
 *      "x86_64"), bit 5 no byte_order key (a file from before it: the
 *      machine says)
 *   then records: u16 little-endian length, that many bytes, repeated.
 * Seeds: tests/fuzz/corpus/snapshot, made from real snapshots of real KVM
 * VMs (x86_64 little-endian, e500 PowerPC big-endian; demo/) by
 * tests/fuzz/gen_snapshot_corpus.c, with the variant their headers say.
 *
 * Properties checked: snapshot_read() either fails with a reason after the
 * path (not the path alone) or gives controllers whose reads all fit their
 * records; decoding and printing them never crash; a snapshot compared with
 * itself has no difference.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvmirq/tracefile.h"
#include "report/state_print.h"
#include "snapshot/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int write_file(int fd, const uint8_t *data, size_t size)
{
	static const struct tracefile_column cols[] = { { "id", TRACEFILE_TYPE_U64 },
							{ "name", TRACEFILE_TYPE_STRING } };
	struct tracefile_meta *m = tracefile_meta_new();
	struct tracefile_writer *w = NULL;
	uint8_t variant = size ? data[0] : 0;
	size_t pos = 1;
	int ret;

	tracefile_meta_set_string(m, "tool", "kvmirq");
	tracefile_meta_set_string(m, "content", variant & 1 ? "snapshot" : "recording");
	tracefile_meta_set_u64(m, "snapshot_format", variant & 2 ? 1 : 7);
	tracefile_meta_set_string(m, "machine", variant & 16 ? "ppc" : "x86_64");
	if (!(variant & 32))
		tracefile_meta_set_string(m, "byte_order", variant & 4 ? "big" : "little");
	if (variant & 8) {
		struct tracefile_table *t =
			tracefile_meta_add_table(m, "vms", cols, 2, TRACEFILE_TABLE_REPLACE);
		struct tracefile_cell row[2] = { { .u64 = 1 }, { .str = "1-2" } };

		tracefile_table_add_row(t, row);
	}
	ret = tracefile_writer_open_fd(&w, fd, m, NULL);
	while (!ret && pos + 2 <= size) {
		size_t len = data[pos] | (size_t)data[pos + 1] << 8;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		ret = tracefile_writer_append_record(w, data + pos, len);
		pos += len;
	}
	if (!ret)
		ret = tracefile_writer_close(w);
	tracefile_writer_free(w);
	tracefile_meta_free(m);
	return ret;
}

static void ignore_entry(void *ctx, const struct diff_entry *e)
{
	(void)e;
	++*(unsigned *)ctx;
}

static void consume(const struct snapshot *s)
{
	struct state_print_options text = { 0 }, json = { .json = true };
	FILE *out = fopen("/dev/null", "w");
	struct diff_totals t;
	unsigned entries = 0;

	for (size_t i = 0; i < s->nr_chips; i++)
		for (size_t r = 0; r < s->chips[i].nr_reads; r++)
			if (s->chips[i].reads[r].len && !s->chips[i].reads[r].bytes)
				abort();
	state_print_origin(s, "fuzz", out);
	state_print(s, &text, out);
	state_print(s, &json, out);
	fclose(out);
	if (snapshot_diff(s, s, ignore_entry, &entries, &t) == 0 && (entries || diff_totals_differ(&t)))
		abort(); /* a snapshot must equal itself */
}

/* "PATH: why", with a why: the prefix alone says nothing. */
static bool has_reason(const char *err, const char *path)
{
	size_t n = strlen(path);

	return !strncmp(err, path, n) && !strncmp(err + n, ": ", 2) && err[n + 2];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-snapshot", 0);
	char path[64], err[512];
	struct snapshot s;

	if (fd < 0)
		return 0;
	if (write_file(fd, data, size) == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (snapshot_read(&s, path, err, sizeof(err)) == 0) {
			consume(&s);
			snapshot_free(&s);
		} else if (!has_reason(err, path)) {
			abort(); /* a failure must say why */
		}
	}
	close(fd);
	return 0;
}
