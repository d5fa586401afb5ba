/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: commas, nesting and escaping handled in one
 * place, so commands never paste JSON together by hand.
 */
#ifndef KVMIRQ_JSON_H
#define KVMIRQ_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, FILE *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_string_len(struct json *j, const char *s, size_t len);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_double(struct json *j, double v);
/* V thousandths as a decimal number with three places: exact where %g is not
 * (nanoseconds as microseconds). */
void json_thousandths(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_hex_bytes(struct json *j, const void *bytes, size_t len);
/* Ends one JSON Lines record. */
void json_newline(struct json *j);

/* key + value shorthands */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_hex32(struct json *j, const char *key, uint32_t v);
void json_kv_hex64(struct json *j, const char *key, uint64_t v);

#endif
