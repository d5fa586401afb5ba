/* SPDX-License-Identifier: GPL-2.0-or-later */
/* In-memory metadata collection: ordered entries with a hash index, and
 * tables of typed columns. Used by both the writer and the reader. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "internal.h"

struct tf_cell {
	uint64_t u64;
	char *str;		/* NULL means "" */
	size_t len;
};

struct tf_col {
	char *name;
	unsigned type;
};

struct tracefile_table {
	char *name;
	unsigned mode;
	size_t ncols;
	struct tf_col *cols;
	size_t nrows;
	size_t rows_cap;
	struct tf_cell *cells;	/* nrows * ncols, row-major */
};

struct tf_entry {
	char *key;
	size_t key_len;
	unsigned type;
	uint64_t u64;
	char *data;		/* string (NUL-terminated) or raw bytes */
	size_t len;
	struct tracefile_table *table;
};

struct tracefile_meta {
	struct tf_entry *v;
	size_t n;
	size_t cap;
	size_t *slots;		/* hash index: entry index + 1, 0 = empty */
	size_t nslots;		/* power of two, or 0 */
};

static char *dup_bytes(const void *p, size_t len)
{
	char *s;

	if (len == SIZE_MAX)
		return NULL;
	s = malloc(len + 1);
	if (!s)
		return NULL;
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

static int valid_name(const char *s, size_t len)
{
	return s && len >= 1 && len <= UINT16_MAX && !memchr(s, '\0', len);
}

/* ---- tables ---------------------------------------------------------- */

static void table_free(struct tracefile_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].str);
	for (i = 0; i < t->ncols; i++)
		free(t->cols[i].name);
	free(t->cells);
	free(t->cols);
	free(t->name);
	free(t);
}

static struct tracefile_table *table_new(const char *name, size_t name_len,
					 size_t ncols, unsigned mode)
{
	struct tracefile_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->name = dup_bytes(name, name_len);
	t->cols = calloc(ncols, sizeof(*t->cols));
	if (!t->name || !t->cols) {
		free(t->name);
		free(t->cols);
		free(t);
		return NULL;
	}
	t->ncols = ncols;
	t->mode = mode;
	return t;
}

int tf_table_set_column(struct tracefile_table *t, size_t i,
			const char *name, size_t name_len, unsigned type)
{
	char *n;

	if (i >= t->ncols || !valid_name(name, name_len) ||
	    (type != TF_T_U64 && type != TF_T_STRING))
		return -EINVAL;
	n = dup_bytes(name, name_len);
	if (!n)
		return -ENOMEM;
	free(t->cols[i].name);
	t->cols[i].name = n;
	t->cols[i].type = type;
	return 0;
}

int tf_table_reserve_rows(struct tracefile_table *t, size_t nrows)
{
	size_t cap, ncells;
	struct tf_cell *c;

	if (nrows > SIZE_MAX - t->nrows)
		return -ENOMEM;
	if (t->nrows + nrows <= t->rows_cap)
		return 0;
	cap = t->rows_cap ? t->rows_cap : 16;
	while (cap < t->nrows + nrows)
		cap = cap > SIZE_MAX / 2 ? t->nrows + nrows : cap * 2;
	if (cap > SIZE_MAX / t->ncols / sizeof(*c))
		return -ENOMEM;
	ncells = cap * t->ncols;
	c = realloc(t->cells, ncells * sizeof(*c));
	if (!c)
		return -ENOMEM;
	t->cells = c;
	t->rows_cap = cap;
	return 0;
}

int tf_table_grow_row(struct tracefile_table *t, size_t *row)
{
	int rc = tf_table_reserve_rows(t, 1);

	if (rc)
		return rc;
	memset(&t->cells[t->nrows * t->ncols], 0,
	       t->ncols * sizeof(*t->cells));
	*row = t->nrows++;
	return 0;
}

static struct tf_cell *cell_at(const struct tracefile_table *t, size_t row,
			       size_t col)
{
	if (!t || row >= t->nrows || col >= t->ncols)
		return NULL;
	return &t->cells[row * t->ncols + col];
}

int tf_table_set_u64(struct tracefile_table *t, size_t row, size_t col,
		     uint64_t v)
{
	struct tf_cell *c = cell_at(t, row, col);

	if (!c || t->cols[col].type != TF_T_U64)
		return -EINVAL;
	c->u64 = v;
	return 0;
}

int tf_table_set_str(struct tracefile_table *t, size_t row, size_t col,
		     const void *s, size_t len)
{
	struct tf_cell *c = cell_at(t, row, col);
	char *d = NULL;

	if (!c || t->cols[col].type != TF_T_STRING)
		return -EINVAL;
	if (len) {
		d = dup_bytes(s, len);
		if (!d)
			return -ENOMEM;
	}
	free(c->str);
	c->str = d;
	c->len = len;
	return 0;
}

static void table_pop_row(struct tracefile_table *t)
{
	size_t i;

	if (!t->nrows)
		return;
	t->nrows--;
	for (i = 0; i < t->ncols; i++)
		free(t->cells[t->nrows * t->ncols + i].str);
}

int tracefile_table_add_row(struct tracefile_table *t,
			    const struct tracefile_cell *cells)
{
	size_t row, i;
	int rc;

	if (!t || !cells)
		return -EINVAL;
	rc = tf_table_grow_row(t, &row);
	if (rc)
		return rc;
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].type == TF_T_U64) {
			rc = tf_table_set_u64(t, row, i, cells[i].u64);
		} else {
			const char *s = cells[i].str ? cells[i].str : "";

			rc = tf_table_set_str(t, row, i, s, strlen(s));
		}
		if (rc) {
			table_pop_row(t);
			return rc;
		}
	}
	return 0;
}

static int same_columns(const struct tracefile_table *a,
			const struct tracefile_table *b)
{
	size_t i;

	if (a->ncols != b->ncols)
		return 0;
	for (i = 0; i < a->ncols; i++)
		if (a->cols[i].type != b->cols[i].type ||
		    strcmp(a->cols[i].name, b->cols[i].name) != 0)
			return 0;
	return 1;
}

/* Append src's rows to dst (same columns). */
static int table_append_rows(struct tracefile_table *dst,
			     const struct tracefile_table *src)
{
	size_t r, c, row;
	int rc = tf_table_reserve_rows(dst, src->nrows);

	if (rc)
		return rc;
	for (r = 0; r < src->nrows; r++) {
		rc = tf_table_grow_row(dst, &row);
		if (rc)
			return rc;
		for (c = 0; c < src->ncols; c++) {
			const struct tf_cell *s = cell_at(src, r, c);

			if (src->cols[c].type == TF_T_U64)
				rc = tf_table_set_u64(dst, row, c, s->u64);
			else
				rc = tf_table_set_str(dst, row, c, s->str,
						      s->len);
			if (rc) {
				table_pop_row(dst);
				return rc;
			}
		}
	}
	return 0;
}

static struct tracefile_table *table_copy(const struct tracefile_table *src)
{
	struct tracefile_table *t;
	size_t i;

	t = table_new(src->name, strlen(src->name), src->ncols, src->mode);
	if (!t)
		return NULL;
	for (i = 0; i < src->ncols; i++) {
		if (tf_table_set_column(t, i, src->cols[i].name,
					strlen(src->cols[i].name),
					src->cols[i].type)) {
			table_free(t);
			return NULL;
		}
	}
	if (table_append_rows(t, src)) {
		table_free(t);
		return NULL;
	}
	return t;
}

const char *tracefile_table_name(const struct tracefile_table *t)
{
	return t ? t->name : NULL;
}

enum tracefile_table_mode tracefile_table_mode(const struct tracefile_table *t)
{
	return t && t->mode == TF_TAB_MODE_REPLACE ? TRACEFILE_TABLE_REPLACE
						   : TRACEFILE_TABLE_APPEND;
}

size_t tracefile_table_ncols(const struct tracefile_table *t)
{
	return t ? t->ncols : 0;
}

size_t tracefile_table_nrows(const struct tracefile_table *t)
{
	return t ? t->nrows : 0;
}

int tracefile_table_column(const struct tracefile_table *t, size_t col,
			   struct tracefile_column *out)
{
	if (!t || !out || col >= t->ncols)
		return -ENOENT;
	out->name = t->cols[col].name;
	out->type = (enum tracefile_type)t->cols[col].type;
	return 0;
}

int tracefile_table_find_column(const struct tracefile_table *t,
				const char *name)
{
	size_t i;

	if (!t || !name)
		return -ENOENT;
	for (i = 0; i < t->ncols && i <= INT32_MAX; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int tracefile_table_get_u64(const struct tracefile_table *t, size_t row,
			    size_t col, uint64_t *out)
{
	const struct tf_cell *c = cell_at(t, row, col);

	if (!c || !out)
		return -ENOENT;
	if (t->cols[col].type != TF_T_U64)
		return -EINVAL;
	*out = c->u64;
	return 0;
}

const char *tracefile_table_get_string(const struct tracefile_table *t,
				       size_t row, size_t col, size_t *len)
{
	const struct tf_cell *c = cell_at(t, row, col);

	if (!c || t->cols[col].type != TF_T_STRING)
		return NULL;
	if (len)
		*len = c->len;
	return c->str ? c->str : "";
}

uint64_t tracefile_table_u64_by_name(const struct tracefile_table *t,
				     size_t row, const char *col)
{
	int c = tracefile_table_find_column(t, col);
	uint64_t v = 0;

	if (c >= 0)
		tracefile_table_get_u64(t, row, (size_t)c, &v);
	return v;
}

const char *tracefile_table_string_by_name(const struct tracefile_table *t,
					   size_t row, const char *col)
{
	int c = tracefile_table_find_column(t, col);
	const char *s = c >= 0 ? tracefile_table_get_string(t, row, (size_t)c, NULL) : NULL;

	return s ? s : "";
}

/* ---- collection ------------------------------------------------------- */

struct tracefile_meta *tracefile_meta_new(void)
{
	return calloc(1, sizeof(struct tracefile_meta));
}

static void entry_clear_value(struct tf_entry *e)
{
	free(e->data);
	e->data = NULL;
	e->len = 0;
	e->u64 = 0;
	table_free(e->table);
	e->table = NULL;
}

void tracefile_meta_free(struct tracefile_meta *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		entry_clear_value(&m->v[i]);
		free(m->v[i].key);
	}
	free(m->v);
	free(m->slots);
	free(m);
}

static uint64_t hash_key(const char *k, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)k[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct tf_entry *lookup(const struct tracefile_meta *m,
			       const char *key, size_t len)
{
	size_t i, mask;

	if (!m->nslots)
		return NULL;
	mask = m->nslots - 1;
	for (i = (size_t)hash_key(key, len) & mask; m->slots[i];
	     i = (i + 1) & mask) {
		struct tf_entry *e = &m->v[m->slots[i] - 1];

		if (e->key_len == len && memcmp(e->key, key, len) == 0)
			return e;
	}
	return NULL;
}

static void index_insert(struct tracefile_meta *m, size_t ent)
{
	const struct tf_entry *e = &m->v[ent];
	size_t mask = m->nslots - 1;
	size_t i = (size_t)hash_key(e->key, e->key_len) & mask;

	while (m->slots[i])
		i = (i + 1) & mask;
	m->slots[i] = ent + 1;
}

/* Find key or append a new empty entry for it. */
static int get_slot(struct tracefile_meta *m, const char *key, size_t len,
		    struct tf_entry **out)
{
	struct tf_entry *e;
	char *k;

	if (!m || !valid_name(key, len))
		return -EINVAL;
	e = lookup(m, key, len);
	if (e) {
		entry_clear_value(e);
		*out = e;
		return 0;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct tf_entry *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	if ((m->n + 1) * 2 > m->nslots) {
		size_t ns = m->nslots ? m->nslots * 2 : 32, i;
		size_t *s;

		while ((m->n + 1) * 2 > ns)
			ns *= 2;
		s = calloc(ns, sizeof(*s));
		if (!s)
			return -ENOMEM;
		free(m->slots);
		m->slots = s;
		m->nslots = ns;
		for (i = 0; i < m->n; i++)
			index_insert(m, i);
	}
	k = dup_bytes(key, len);
	if (!k)
		return -ENOMEM;
	e = &m->v[m->n];
	memset(e, 0, sizeof(*e));
	e->key = k;
	e->key_len = len;
	index_insert(m, m->n);
	m->n++;
	*out = e;
	return 0;
}

/* A new entry left without a value after a failure is kept as an empty
 * string so that the collection stays consistent. */
int tf_meta_set_u64_k(struct tracefile_meta *m, const char *key,
		      size_t key_len, uint64_t v)
{
	struct tf_entry *e;
	int rc = get_slot(m, key, key_len, &e);

	if (rc)
		return rc;
	e->type = TF_T_U64;
	e->u64 = v;
	return 0;
}

int tf_meta_set_string_k(struct tracefile_meta *m, const char *key,
			 size_t key_len, const void *s, size_t len)
{
	struct tf_entry *e;
	char *d;
	int rc;

	if (!s && len)
		return -EINVAL;
	d = dup_bytes(s, len);
	if (!d)
		return -ENOMEM;
	rc = get_slot(m, key, key_len, &e);
	if (rc) {
		free(d);
		return rc;
	}
	e->type = TF_T_STRING;
	e->data = d;
	e->len = len;
	return 0;
}

int tf_meta_set_raw_k(struct tracefile_meta *m, const char *key,
		      size_t key_len, unsigned type, const void *data,
		      size_t len)
{
	struct tf_entry *e;
	char *d;
	int rc;

	if (type == 0 || type > 255 || type == TF_T_U64 ||
	    type == TF_T_STRING || type == TF_T_TABLE || (!data && len))
		return -EINVAL;
	d = dup_bytes(data, len);
	if (!d)
		return -ENOMEM;
	rc = get_slot(m, key, key_len, &e);
	if (rc) {
		free(d);
		return rc;
	}
	e->type = type;
	e->data = d;
	e->len = len;
	return 0;
}

struct tracefile_table *tf_meta_add_table_k(struct tracefile_meta *m,
					    const char *key, size_t key_len,
					    size_t ncols, unsigned mode)
{
	struct tracefile_table *t;
	struct tf_entry *e;

	if (ncols == 0 || ncols > UINT16_MAX ||
	    (mode != TF_TAB_MODE_APPEND && mode != TF_TAB_MODE_REPLACE) ||
	    !valid_name(key, key_len))
		return NULL;
	t = table_new(key, key_len, ncols, mode);
	if (!t)
		return NULL;
	if (get_slot(m, key, key_len, &e)) {
		table_free(t);
		return NULL;
	}
	e->type = TF_T_TABLE;
	e->table = t;
	return t;
}

int tracefile_meta_set_u64(struct tracefile_meta *m, const char *key,
			   uint64_t value)
{
	if (!key)
		return -EINVAL;
	return tf_meta_set_u64_k(m, key, strlen(key), value);
}

int tracefile_meta_set_string(struct tracefile_meta *m, const char *key,
			      const char *value)
{
	if (!key || !value)
		return -EINVAL;
	return tf_meta_set_string_k(m, key, strlen(key), value,
				    strlen(value));
}

int tracefile_meta_set_raw(struct tracefile_meta *m, const char *key,
			   unsigned type, const void *data, size_t len)
{
	if (!key)
		return -EINVAL;
	return tf_meta_set_raw_k(m, key, strlen(key), type, data, len);
}

struct tracefile_table *tracefile_meta_add_table(
	struct tracefile_meta *m, const char *name,
	const struct tracefile_column *cols, size_t ncols,
	enum tracefile_table_mode mode)
{
	struct tracefile_table *t;
	size_t i;

	if (!m || !name || !cols || ncols == 0 || ncols > UINT16_MAX)
		return NULL;
	for (i = 0; i < ncols; i++)
		if (!cols[i].name || !valid_name(cols[i].name,
						 strlen(cols[i].name)) ||
		    (cols[i].type != TRACEFILE_TYPE_U64 &&
		     cols[i].type != TRACEFILE_TYPE_STRING))
			return NULL;
	t = tf_meta_add_table_k(m, name, strlen(name), ncols, (unsigned)mode);
	if (!t)
		return NULL;
	for (i = 0; i < ncols; i++) {
		if (tf_table_set_column(t, i, cols[i].name,
					strlen(cols[i].name),
					(unsigned)cols[i].type)) {
			/* Leave a consistent entry behind: an empty string. */
			tf_meta_set_string_k(m, name, strlen(name), "", 0);
			return NULL;
		}
	}
	return t;
}

size_t tracefile_meta_count(const struct tracefile_meta *m)
{
	return m ? m->n : 0;
}

static void fill_view(const struct tf_entry *e, struct tracefile_entry *out)
{
	memset(out, 0, sizeof(*out));
	out->key = e->key;
	out->type = e->type;
	switch (e->type) {
	case TF_T_U64:
		out->u64 = e->u64;
		break;
	case TF_T_STRING:
		out->str = e->data ? e->data : "";
		out->str_len = e->len;
		break;
	case TF_T_TABLE:
		out->table = e->table;
		break;
	default:
		out->raw = e->data;
		out->raw_len = e->len;
		break;
	}
}

int tracefile_meta_entry(const struct tracefile_meta *m, size_t i,
			 struct tracefile_entry *out)
{
	if (!m || !out || i >= m->n)
		return -ENOENT;
	fill_view(&m->v[i], out);
	return 0;
}

int tracefile_meta_find(const struct tracefile_meta *m, const char *key,
			struct tracefile_entry *out)
{
	const struct tf_entry *e;

	if (!m || !key)
		return -ENOENT;
	e = lookup(m, key, strlen(key));
	if (!e)
		return -ENOENT;
	if (out)
		fill_view(e, out);
	return 0;
}

int tracefile_meta_get_u64(const struct tracefile_meta *m, const char *key,
			   uint64_t *out)
{
	struct tracefile_entry e;

	if (tracefile_meta_find(m, key, &e))
		return -ENOENT;
	if (e.type != TF_T_U64)
		return -EINVAL;
	if (out)
		*out = e.u64;
	return 0;
}

const char *tracefile_meta_get_string(const struct tracefile_meta *m,
				      const char *key)
{
	struct tracefile_entry e;

	if (tracefile_meta_find(m, key, &e) || e.type != TF_T_STRING)
		return NULL;
	return e.str;
}

const struct tracefile_table *tracefile_meta_get_table(
	const struct tracefile_meta *m, const char *name)
{
	struct tracefile_entry e;

	if (tracefile_meta_find(m, name, &e) || e.type != TF_T_TABLE)
		return NULL;
	return e.table;
}

int tracefile_meta_apply(struct tracefile_meta *dst,
			 const struct tracefile_meta *src)
{
	size_t i;
	int rc;

	if (!dst || !src || dst == src)
		return -EINVAL;
	for (i = 0; i < src->n; i++) {
		const struct tf_entry *s = &src->v[i];
		struct tf_entry *d;
		struct tracefile_table *copy;

		switch (s->type) {
		case TF_T_U64:
			rc = tf_meta_set_u64_k(dst, s->key, s->key_len, s->u64);
			break;
		case TF_T_STRING:
			rc = tf_meta_set_string_k(dst, s->key, s->key_len,
						  s->data, s->len);
			break;
		case TF_T_TABLE:
			d = lookup(dst, s->key, s->key_len);
			if (d && d->type == TF_T_TABLE &&
			    s->table->mode == TF_TAB_MODE_APPEND) {
				if (!same_columns(d->table, s->table))
					return -EBADMSG;
				rc = table_append_rows(d->table, s->table);
				break;
			}
			copy = table_copy(s->table);
			if (!copy)
				return -ENOMEM;
			rc = get_slot(dst, s->key, s->key_len, &d);
			if (rc) {
				table_free(copy);
				return rc;
			}
			d->type = TF_T_TABLE;
			d->table = copy;
			break;
		default:
			rc = tf_meta_set_raw_k(dst, s->key, s->key_len,
					       s->type, s->data, s->len);
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}
