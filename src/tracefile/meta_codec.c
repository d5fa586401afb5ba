/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Metadata block encoding/decoding (header body, metadata and trailer
 * chunk payloads). Layout in format.h and docs/file-format.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "internal.h"
#include "le.h"

/* ---- encoding ---------------------------------------------------------- */

static int encode_table(const struct tracefile_table *t, struct tf_buf *out)
{
	size_t ncols = tracefile_table_ncols(t);
	size_t nrows = tracefile_table_nrows(t);
	size_t r, c;
	int rc = 0;

	if (nrows > UINT32_MAX)
		return -E2BIG;
	rc |= tf_buf_put_u8(out, (uint8_t)tracefile_table_mode(t));
	rc |= tf_buf_put_u8(out, 0);
	rc |= tf_buf_put_le16(out, (uint16_t)ncols);
	rc |= tf_buf_put_le32(out, (uint32_t)nrows);
	for (c = 0; c < ncols; c++) {
		struct tracefile_column col;
		size_t nl;

		tracefile_table_column(t, c, &col);
		nl = strlen(col.name);
		rc |= tf_buf_put_u8(out, (uint8_t)col.type);
		rc |= tf_buf_put_u8(out, 0);
		rc |= tf_buf_put_le16(out, (uint16_t)nl);
		rc |= tf_buf_append(out, col.name, nl);
	}
	for (r = 0; r < nrows && !rc; r++) {
		for (c = 0; c < ncols; c++) {
			uint64_t v;
			size_t len;
			const char *s;

			if (tracefile_table_get_u64(t, r, c, &v) == 0) {
				rc |= tf_buf_put_le64(out, v);
				continue;
			}
			s = tracefile_table_get_string(t, r, c, &len);
			if (len > UINT32_MAX)
				return -E2BIG;
			rc |= tf_buf_put_le32(out, (uint32_t)len);
			rc |= tf_buf_append(out, s, len);
		}
	}
	return rc ? -ENOMEM : 0;
}

int tf_meta_encode(const struct tracefile_meta *m, struct tf_buf *out)
{
	size_t i, n = tracefile_meta_count(m);

	for (i = 0; i < n; i++) {
		struct tracefile_entry e;
		size_t klen, hdr, vlen;
		int rc;

		tracefile_meta_entry(m, i, &e);
		klen = strlen(e.key);
		hdr = out->len;
		rc = tf_buf_reserve(out, TF_ENT_HDR_LEN + klen);
		if (rc)
			return rc;
		/* header with the value length patched in below */
		out->len += TF_ENT_HDR_LEN;
		out->p[hdr + TF_ENT_OFF_TYPE] = (uint8_t)e.type;
		out->p[hdr + TF_ENT_OFF_FLAGS] = 0;
		tf_put_le16(out->p + hdr + TF_ENT_OFF_KEY_LEN, (uint16_t)klen);
		rc = tf_buf_append(out, e.key, klen);
		if (rc)
			return rc;
		switch (e.type) {
		case TF_T_U64:
			rc = tf_buf_put_le64(out, e.u64);
			break;
		case TF_T_STRING:
			rc = tf_buf_append(out, e.str, e.str_len);
			break;
		case TF_T_TABLE:
			rc = encode_table(e.table, out);
			break;
		default:
			rc = tf_buf_append(out, e.raw, e.raw_len);
			break;
		}
		if (rc)
			return rc;
		vlen = out->len - hdr - TF_ENT_HDR_LEN - klen;
		if (vlen > UINT32_MAX)
			return -E2BIG;
		tf_put_le32(out->p + hdr + TF_ENT_OFF_VALUE_LEN,
			    (uint32_t)vlen);
	}
	return 0;
}

/* ---- decoding ---------------------------------------------------------- */

/* Printable, bounded copy of a name from the file for messages. */
static const char *show(const uint8_t *s, size_t len, char *buf, size_t sz)
{
	size_t i, n = len < sz - 4 ? len : sz - 4;

	for (i = 0; i < n; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	if (n < len)
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

struct cursor {
	const uint8_t *p;
	size_t len;
	size_t off;
	char *err;
	size_t errlen;
};

#define FAIL(c, ...) (snprintf((c)->err, (c)->errlen, __VA_ARGS__), -EBADMSG)

static int decode_table(struct cursor *c, struct tracefile_meta *m,
			const uint8_t *key, size_t klen, size_t vlen,
			const char *where)
{
	const uint8_t *v = c->p + c->off;
	size_t pos = TF_TAB_HDR_LEN, ncols, i, min_row = 0;
	uint32_t nrows, r;
	unsigned mode;
	struct tracefile_table *t;
	char kb[80];
	int rc;

	show(key, klen, kb, sizeof(kb));
	if (vlen < TF_TAB_HDR_LEN)
		return FAIL(c, "%s: table '%s' header truncated (%zu bytes)",
			    where, kb, vlen);
	mode = v[0];
	ncols = tf_get_le16(v + 2);
	nrows = tf_get_le32(v + 4);
	if (mode != TF_TAB_MODE_APPEND && mode != TF_TAB_MODE_REPLACE)
		return FAIL(c, "%s: table '%s' has invalid mode %u", where, kb,
			    mode);
	if (ncols == 0)
		return FAIL(c, "%s: table '%s' has no columns", where, kb);
	t = tf_meta_add_table_k(m, (const char *)key, klen, ncols, mode);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < ncols; i++) {
		unsigned type;
		size_t nl;

		if (vlen - pos < TF_COL_HDR_LEN)
			return FAIL(c, "%s: table '%s' column %zu truncated",
				    where, kb, i);
		type = v[pos];
		nl = tf_get_le16(v + pos + 2);
		pos += TF_COL_HDR_LEN;
		if (type != TF_T_U64 && type != TF_T_STRING)
			return FAIL(c, "%s: table '%s' column %zu has unsupported type %u",
				    where, kb, i, type);
		if (nl == 0 || nl > vlen - pos ||
		    memchr(v + pos, '\0', nl))
			return FAIL(c, "%s: table '%s' column %zu has a bad name (length %zu, %zu bytes left)",
				    where, kb, i, nl, vlen - pos);
		rc = tf_table_set_column(t, i, (const char *)v + pos, nl, type);
		if (rc)
			return rc;
		pos += nl;
		min_row += type == TF_T_U64 ? 8 : 4;
	}
	/* Check the rows can fit before allocating anything for them. */
	if ((uint64_t)nrows * min_row > vlen - pos)
		return FAIL(c, "%s: table '%s' claims %" PRIu32 " rows but has only %zu bytes of cells",
			    where, kb, nrows, vlen - pos);
	rc = tf_table_reserve_rows(t, nrows);
	if (rc)
		return rc;
	for (r = 0; r < nrows; r++) {
		size_t row;

		rc = tf_table_grow_row(t, &row);
		if (rc)
			return rc;
		for (i = 0; i < ncols; i++) {
			struct tracefile_column col;

			tracefile_table_column(t, i, &col);
			if (col.type == TRACEFILE_TYPE_U64) {
				if (vlen - pos < 8)
					return FAIL(c, "%s: table '%s' row %" PRIu32 " truncated",
						    where, kb, r);
				tf_table_set_u64(t, row, i, tf_get_le64(v + pos));
				pos += 8;
			} else {
				uint32_t sl;

				if (vlen - pos < 4)
					return FAIL(c, "%s: table '%s' row %" PRIu32 " truncated",
						    where, kb, r);
				sl = tf_get_le32(v + pos);
				pos += 4;
				if (sl > vlen - pos)
					return FAIL(c, "%s: table '%s' row %" PRIu32 " column %zu: string length %" PRIu32 " overruns the table",
						    where, kb, r, i, sl);
				rc = tf_table_set_str(t, row, i, v + pos, sl);
				if (rc)
					return rc;
				pos += sl;
			}
		}
	}
	if (pos != vlen)
		return FAIL(c, "%s: table '%s' has %zu unexpected trailing bytes",
			    where, kb, vlen - pos);
	return 0;
}

int tf_meta_decode(const uint8_t *p, size_t len, struct tracefile_meta *m,
		   uint64_t *nentries, char *err, size_t errlen)
{
	struct cursor c = { p, len, 0, err, errlen };
	uint64_t n = 0;
	int rc;

	while (c.off < len) {
		const uint8_t *h = p + c.off;
		size_t left = len - c.off, klen;
		uint32_t vlen;
		unsigned type;
		const uint8_t *key;
		char where[64], kb[80];

		snprintf(where, sizeof(where), "entry %" PRIu64 " at offset %zu",
			 n, c.off);
		if (left < TF_ENT_HDR_LEN)
			return FAIL(&c, "%s: entry header truncated (%zu bytes left)",
				    where, left);
		type = h[TF_ENT_OFF_TYPE];
		klen = tf_get_le16(h + TF_ENT_OFF_KEY_LEN);
		vlen = tf_get_le32(h + TF_ENT_OFF_VALUE_LEN);
		left -= TF_ENT_HDR_LEN;
		if (type == 0)
			return FAIL(&c, "%s: invalid entry type 0", where);
		if (klen == 0 || klen > left)
			return FAIL(&c, "%s: key length %zu invalid (%zu bytes left)",
				    where, klen, left);
		key = h + TF_ENT_HDR_LEN;
		if (memchr(key, '\0', klen))
			return FAIL(&c, "%s: key contains a NUL byte", where);
		left -= klen;
		if (vlen > left)
			return FAIL(&c, "%s: key '%s': value length %" PRIu32 " overruns the block (%zu bytes left)",
				    where, show(key, klen, kb, sizeof(kb)),
				    vlen, left);
		c.off += TF_ENT_HDR_LEN + klen;
		switch (type) {
		case TF_T_U64:
			if (vlen != 8)
				return FAIL(&c, "%s: u64 key '%s' has value length %" PRIu32 " (expected 8)",
					    where,
					    show(key, klen, kb, sizeof(kb)),
					    vlen);
			rc = tf_meta_set_u64_k(m, (const char *)key, klen,
					       tf_get_le64(p + c.off));
			break;
		case TF_T_STRING:
			rc = tf_meta_set_string_k(m, (const char *)key, klen,
						  p + c.off, vlen);
			break;
		case TF_T_TABLE:
			rc = decode_table(&c, m, key, klen, vlen, where);
			break;
		default:
			rc = tf_meta_set_raw_k(m, (const char *)key, klen, type,
					       p + c.off, vlen);
			break;
		}
		if (rc == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", where);
		if (rc)
			return rc;
		c.off += vlen;
		n++;
	}
	if (nentries)
		*nentries = n;
	return 0;
}
