/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Seeds for fuzz_snapshot.c from real snapshot files: each file's records
 * in the harness's input format (a variant byte that says what the file's
 * header says: a snapshot, format 1, a vms table, its byte order and
 * whether its machine is the e500's "ppc"; then u16 length + record).
 * Usage: gen_snapshot_corpus OUTDIR SNAPSHOT...
 */
#include <stdio.h>
#include <string.h>

#include "kvmirq/tracefile.h"

static int variant(const struct tracefile_meta *m)
{
	const char *order = tracefile_meta_get_string(m, "byte_order");
	const char *machine = tracefile_meta_get_string(m, "machine");

	return 0x0b | (order && !strcmp(order, "big") ? 4 : 0) |
	       (machine && !strcmp(machine, "ppc") ? 16 : 0);
}

int main(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		struct tracefile_reader *r = NULL;
		const void *rec;
		size_t len;
		char path[4096];
		const char *base = strrchr(argv[i], '/');
		FILE *out;

		snprintf(path, sizeof(path), "%s/seed-%s", argv[1], base ? base + 1 : argv[i]);
		if (tracefile_reader_open_path(&r, argv[i]) || !(out = fopen(path, "wb"))) {
			fprintf(stderr, "gen_snapshot_corpus: cannot convert %s\n", argv[i]);
			return 1;
		}
		fputc(variant(tracefile_reader_header(r)), out);
		while (tracefile_reader_next_record(r, &rec, &len) == 1) {
			fputc((int)(len & 0xff), out);
			fputc((int)(len >> 8), out);
			fwrite(rec, 1, len, out);
		}
		fclose(out);
		tracefile_reader_free(r);
	}
	return 0;
}
