// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/kv.h"

void kv_init(struct kv_list *l)
{
	memset(l, 0, sizeof(*l));
}

void kv_free(struct kv_list *l)
{
	free(l->items);
	kv_init(l);
}

void kv_reset(struct kv_list *l)
{
	l->n = 0;
	l->overflow = 0;
}

static struct kv *add(struct kv_list *l, const char *name, enum kv_type type)
{
	struct kv *kv;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 64;
		struct kv *items = realloc(l->items, cap * sizeof(*items));

		if (!items) {
			l->overflow = 1;
			return NULL;
		}
		l->items = items;
		l->cap = cap;
	}
	kv = &l->items[l->n++];
	kv->name = name;
	kv->name_kept = false;
	kv->type = type;
	kv->u = 0;
	kv->s[0] = '\0';
	return kv;
}

void kv_keep_name(struct kv_list *l)
{
	struct kv *kv = l->n ? &l->items[l->n - 1] : NULL;

	if (!kv || !kv->name)
		return;
	snprintf(kv->name_copy, sizeof(kv->name_copy), "%s", kv->name);
	kv->name_kept = true;
}

static const char *name_of(const struct kv *kv)
{
	return kv->name_kept ? kv->name_copy : kv->name;
}

void kv_u64(struct kv_list *l, const char *name, uint64_t v)
{
	struct kv *kv = add(l, name, KV_U64);

	if (kv)
		kv->u = v;
}

void kv_s64(struct kv_list *l, const char *name, int64_t v)
{
	struct kv *kv = add(l, name, KV_S64);

	if (kv)
		kv->u = (uint64_t)v;
}

void kv_hex(struct kv_list *l, const char *name, uint64_t v)
{
	struct kv *kv = add(l, name, KV_HEX);

	if (kv)
		kv->u = v;
}

void kv_str(struct kv_list *l, const char *name, const char *s)
{
	struct kv *kv = add(l, name, KV_STR);

	if (kv)
		snprintf(kv->s, sizeof(kv->s), "%s", s ? s : "");
}

void kv_bool(struct kv_list *l, const char *name, int v)
{
	struct kv *kv = add(l, name, KV_BOOL);

	if (kv)
		kv->u = !!v;
}

void kv_object(struct kv_list *l, const char *name) { add(l, name, KV_OBJECT); }
void kv_array(struct kv_list *l, const char *name) { add(l, name, KV_ARRAY); }
void kv_end(struct kv_list *l) { add(l, NULL, KV_END); }

void kv_print_text(const struct kv_list *l, FILE *out)
{
	int first = 1;

	for (unsigned int i = 0; i < l->n; i++) {
		const struct kv *kv = &l->items[i];

		if (kv->type == KV_END) {
			fputc('}', out);
			first = 0;
			continue;
		}
		if (!first && !(i > 0 && (l->items[i - 1].type == KV_OBJECT ||
					  l->items[i - 1].type == KV_ARRAY)))
			fputc(' ', out);
		first = 0;
		if (kv->name)
			fprintf(out, "%s=", name_of(kv));
		switch (kv->type) {
		case KV_U64: fprintf(out, "%" PRIu64, kv->u); break;
		case KV_S64: fprintf(out, "%" PRId64, (int64_t)kv->u); break;
		case KV_HEX: fprintf(out, "0x%" PRIx64, kv->u); break;
		case KV_STR: fputs(kv->s, out); break;
		case KV_BOOL: fputs(kv->u ? "yes" : "no", out); break;
		case KV_OBJECT:
		case KV_ARRAY: fputc('{', out); break;
		case KV_END: break;
		}
	}
}

void kv_print_json(const struct kv_list *l, struct json *j)
{
	/* Which containers are open, to close them with the right bracket. */
	enum kv_type open[JSON_MAX_DEPTH];
	int depth = 0;
	char hex[24];

	for (unsigned int i = 0; i < l->n; i++) {
		const struct kv *kv = &l->items[i];

		if (kv->type != KV_END && kv->name)
			json_key(j, name_of(kv));
		switch (kv->type) {
		case KV_U64: json_uint(j, kv->u); break;
		case KV_S64: json_int(j, (int64_t)kv->u); break;
		case KV_HEX:
			snprintf(hex, sizeof(hex), "0x%" PRIx64, kv->u);
			json_string(j, hex);
			break;
		case KV_STR: json_string(j, kv->s); break;
		case KV_BOOL: json_bool(j, kv->u); break;
		case KV_OBJECT:
		case KV_ARRAY:
			if (kv->type == KV_OBJECT)
				json_object_begin(j);
			else
				json_array_begin(j);
			if (depth < JSON_MAX_DEPTH)
				open[depth++] = kv->type;
			break;
		case KV_END:
			if (depth > 0 && open[--depth] == KV_ARRAY)
				json_array_end(j);
			else
				json_object_end(j);
			break;
		}
	}
	while (depth > 0)
		open[--depth] == KV_ARRAY ? json_array_end(j) : json_object_end(j);
}
