// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmirq/tracefile.h"
#include "trace/key_frames.h"

#define TABLE "key_frames"

static const struct tracefile_column columns[] = {
	{ "pid", TRACEFILE_TYPE_U64 },	      { "begin_ns", TRACEFILE_TYPE_U64 },
	{ "end_ns", TRACEFILE_TYPE_U64 },     { "stopped_ns", TRACEFILE_TYPE_U64 },
	{ "controllers", TRACEFILE_TYPE_U64 }, { "reads", TRACEFILE_TYPE_U64 },
	{ "failed_reads", TRACEFILE_TYPE_U64 }, { "error", TRACEFILE_TYPE_STRING },
};
#define NR_COLUMNS (sizeof(columns) / sizeof(columns[0]))

int key_frame_to_meta(const struct key_frame *k, struct tracefile_meta *m)
{
	struct tracefile_table *t =
		tracefile_meta_add_table(m, TABLE, columns, NR_COLUMNS, TRACEFILE_TABLE_APPEND);
	struct tracefile_cell cells[NR_COLUMNS] = {
		{ k->pid, NULL },	  { k->begin_ns, NULL }, { k->end_ns, NULL },
		{ k->stopped_ns, NULL },  { k->controllers, NULL }, { k->reads, NULL },
		{ k->failed_reads, NULL }, { 0, k->error },
	};

	if (!t || tracefile_table_add_row(t, cells))
		return -ENOMEM;
	return 0;
}

size_t key_frames_from_meta(const struct tracefile_meta *m, struct key_frame **out)
{
	const struct tracefile_table *t = tracefile_meta_get_table(m, TABLE);
	size_t n = t ? tracefile_table_nrows(t) : 0;
	struct key_frame *k;

	*out = NULL;
	if (!n || !(k = calloc(n, sizeof(*k))))
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *error = tracefile_table_string_by_name(t, i, "error");

		k[i].pid = (uint32_t)tracefile_table_u64_by_name(t, i, "pid");
		k[i].begin_ns = tracefile_table_u64_by_name(t, i, "begin_ns");
		k[i].end_ns = tracefile_table_u64_by_name(t, i, "end_ns");
		k[i].stopped_ns = tracefile_table_u64_by_name(t, i, "stopped_ns");
		k[i].controllers = tracefile_table_u64_by_name(t, i, "controllers");
		k[i].reads = tracefile_table_u64_by_name(t, i, "reads");
		k[i].failed_reads = tracefile_table_u64_by_name(t, i, "failed_reads");
		snprintf(k[i].error, sizeof(k[i].error), "%s", error ? error : "");
	}
	*out = k;
	return n;
}

bool key_frames_cover(const struct key_frame *k, size_t n, uint32_t pid, uint64_t ts_ns)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].pid == pid && ts_ns >= k[i].begin_ns && ts_ns <= k[i].end_ns)
			return true;
	return false;
}
