/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoded fields as a list of typed name/value pairs with nesting, so one
 * decoder serves both the text and the JSON output.
 */
#ifndef KVMIRQ_KV_H
#define KVMIRQ_KV_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

struct json;

enum kv_type { KV_U64, KV_S64, KV_HEX, KV_STR, KV_BOOL, KV_OBJECT, KV_ARRAY, KV_END };

struct kv {
	const char *name; /* NULL inside arrays */
	bool name_kept;	  /* the name is name_copy: it was built on the caller's stack */
	char name_copy[24];
	enum kv_type type;
	uint64_t u;
	char s[48];
};

struct kv_list {
	struct kv *items;
	unsigned int n, cap;
	int overflow;
};

void kv_init(struct kv_list *l);
void kv_free(struct kv_list *l);
void kv_reset(struct kv_list *l);
void kv_u64(struct kv_list *l, const char *name, uint64_t v);
void kv_s64(struct kv_list *l, const char *name, int64_t v);
void kv_hex(struct kv_list *l, const char *name, uint64_t v);
void kv_str(struct kv_list *l, const char *name, const char *s);
/* The last item's name is the caller's buffer (an interrupt's label, built
 * on its stack): keep a copy instead of the pointer. */
void kv_keep_name(struct kv_list *l);
void kv_bool(struct kv_list *l, const char *name, int v);
void kv_object(struct kv_list *l, const char *name);
void kv_array(struct kv_list *l, const char *name);
void kv_end(struct kv_list *l);

/* "name=value name=value ..." with nested groups in braces. */
void kv_print_text(const struct kv_list *l, FILE *out);
/* The pairs as members of the JSON object being written. */
void kv_print_json(const struct kv_list *l, struct json *j);

#endif
