// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot files: the trace-file container with content "snapshot". The
 * header says where and how the snapshot was taken; each record is one
 * controller's state (docs/snapshot-format.md):
 *
 *   u8 type (1)  varint vm  varint zigzag(index)  varint time_ns
 *   u8 model name length, the name   varint nr_reads
 *   per read: u8 kind, varint group, varint attr, varint zigzag(status),
 *             varint len, len bytes
 *   varint nr_values, then (nr_values / 8 + 1) bytes when not 0: the values
 *             a reconstruction could not know (chip_state.value_unknown)
 *
 * and, from recordings only, one record per VM's routing (routing.h):
 *
 *   u8 type (2)  varint vm  u8 table_known  varint table_ns
 *   varint nr_entries, 48 bytes each (struct kvm_irq_routing_entry)
 *   varint nr_irqfds, each: varint zigzag(eventfd), varint gsi,
 *             varint flags, varint zigzag(resamplefd), varint since_ns
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chips/payload_format.h"
#include "kvmirq/tracefile.h"
#include "snapshot/snapshot.h"
#include "util/atomic_file.h"
#include "util/host.h"
#include "util/varint.h"

#define SNAPSHOT_FORMAT 1
#define RECORD_CHIP_STATE 1
#define RECORD_ROUTING 2
#define MAX_IRQFDS 65536
#define MAX_READS 65536
#define MAX_READ_LEN 4096

struct out {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void put(struct out *o, const void *data, size_t len)
{
	if (o->err)
		return;
	if (o->len + len > o->cap) {
		size_t cap = (o->cap ? o->cap * 2 : 4096) + len;
		uint8_t *p = realloc(o->p, cap);

		if (!p) {
			o->err = -ENOMEM;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, data, len);
	o->len += len;
}

static void put_u8(struct out *o, uint8_t v)
{
	put(o, &v, 1);
}

static void put_varint(struct out *o, uint64_t v)
{
	uint8_t b[VARINT_MAX_LEN];

	put(o, b, varint_encode_u64(v, b));
}

static void encode_chip(struct out *o, const struct chip_state *c)
{
	size_t name_len = strnlen(c->model_name, sizeof(c->model_name) - 1);

	put_u8(o, RECORD_CHIP_STATE);
	put_varint(o, c->vm);
	put_varint(o, zigzag_encode(c->index));
	put_varint(o, c->time_ns);
	put_u8(o, (uint8_t)name_len);
	put(o, c->model_name, name_len);
	put_varint(o, c->nr_reads);
	for (size_t i = 0; i < c->nr_reads; i++) {
		const struct chip_read_result *r = &c->reads[i];

		put_u8(o, (uint8_t)r->kind);
		put_varint(o, r->group);
		put_varint(o, r->attr);
		put_varint(o, zigzag_encode(r->status));
		put_varint(o, r->len);
		put(o, r->bytes, r->len);
	}
	put_varint(o, c->value_unknown ? c->nr_values : 0);
	if (c->value_unknown)
		put(o, c->value_unknown, c->nr_values / 8 + 1);
}

static void encode_routing(struct out *o, const struct vm_routing *r)
{
	put_u8(o, RECORD_ROUTING);
	put_varint(o, r->vm);
	put_u8(o, r->table_known);
	put_varint(o, r->table_ns);
	put_varint(o, r->nr_entries);
	put(o, r->entries, r->nr_entries * ROUTE_ENTRY_SIZE);
	put_varint(o, r->nr_irqfds);
	for (size_t i = 0; i < r->nr_irqfds; i++) {
		const struct irqfd_binding *b = &r->irqfds[i];

		put_varint(o, zigzag_encode(b->eventfd));
		put_varint(o, b->gsi);
		put_varint(o, b->flags);
		put_varint(o, zigzag_encode(b->resamplefd));
		put_varint(o, b->since_ns);
	}
}

static int describe(const struct snapshot *s, struct tracefile_meta *m)
{
	static const struct tracefile_column vm_cols[] = {
		{ "id", TRACEFILE_TYPE_U64 },
		{ "name", TRACEFILE_TYPE_STRING },
	};
	const struct payload_format format = {
		.big_endian = s->byte_order_big,
		.word_size = s->word_size,
	};
	struct tracefile_table *vms;
	int ret = host_describe(m);

	/* the VMM's host: not this one when the state was rebuilt from its recording */
	if (s->machine[0])
		ret |= tracefile_meta_set_string(m, "machine", s->machine);

	ret |= tracefile_meta_set_string(m, "content", "snapshot");
	ret |= tracefile_meta_set_u64(m, "snapshot_format", SNAPSHOT_FORMAT);
	ret |= tracefile_meta_set_u64(m, "pid", s->pid);
	ret |= tracefile_meta_set_string(m, "process_name", s->process_name);
	ret |= tracefile_meta_set_string(m, "method", s->method);
	ret |= tracefile_meta_set_u64(m, "realtime_ns", s->realtime_ns);
	ret |= tracefile_meta_set_u64(m, "duration_ns", s->duration_ns);
	ret |= tracefile_meta_set_u64(m, "stopped_ns", s->stopped_ns);
	ret |= tracefile_meta_set_u64(m, "reads", s->reads);
	ret |= tracefile_meta_set_u64(m, "failed_reads", s->failed_reads);
	if (s->its_tables_saved)
		ret |= tracefile_meta_set_u64(m, "its_tables_saved", s->its_tables_saved);
	ret |= payload_format_describe(m, &format);
	vms = tracefile_meta_add_table(m, "vms", vm_cols, 2, TRACEFILE_TABLE_REPLACE);
	if (!vms)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->nr_vms; i++) {
		struct tracefile_cell row[2] = { { .u64 = i + 1 }, { .str = s->vm_names[i] } };

		ret |= tracefile_table_add_row(vms, row);
	}
	return ret ? -ENOMEM : 0;
}

static int write_all(const struct snapshot *s, struct tracefile_writer *w)
{
	struct out o = { 0 };
	int ret = 0;

	for (size_t i = 0; i < s->nr_chips && !ret; i++) {
		o.len = 0;
		encode_chip(&o, &s->chips[i]);
		ret = o.err ? o.err : tracefile_writer_append_record(w, o.p, o.len);
	}
	for (size_t i = 0; i < s->nr_routing && !ret; i++) {
		o.len = 0;
		encode_routing(&o, &s->routing[i]);
		ret = o.err ? o.err : tracefile_writer_append_record(w, o.p, o.len);
	}
	free(o.p);
	return ret ? ret : tracefile_writer_close(w);
}

/* To FD, named NAME in messages (NULL: "fd N"). */
static int write_fd(const struct snapshot *s, int fd, const char *name, char *err, size_t errlen)
{
	struct tracefile_meta *m = tracefile_meta_new();
	struct tracefile_writer_options opts;
	struct tracefile_writer *w = NULL;
	int ret = m ? describe(s, m) : -ENOMEM;

	tracefile_writer_options_init(&opts);
	opts.name = name;
	if (!ret)
		ret = tracefile_writer_open_fd(&w, fd, m, &opts);
	if (!ret)
		ret = write_all(s, w);
	if (ret)
		snprintf(err, errlen, "%s: %s", name ? name : "snapshot",
			 w && *tracefile_writer_error(w) ? tracefile_writer_error(w)
							 : strerror(-ret));
	tracefile_writer_free(w);
	tracefile_meta_free(m);
	return ret;
}

/* Whole or not at all: a failure leaves an earlier PATH as it was. */
int snapshot_write(const struct snapshot *s, const char *path, bool replace, char *err,
		   size_t errlen)
{
	struct atomic_file file;
	int ret = atomic_file_open(&file, path, 0644, replace);

	if (ret) {
		output_error(err, errlen, path, ret);
		return ret;
	}
	ret = write_fd(s, fileno(file.f), path, err, errlen);
	if (ret) {
		atomic_file_abort(&file);
		return ret;
	}
	ret = atomic_file_commit(&file);
	if (ret)
		output_error(err, errlen, path, ret);
	return ret;
}

int snapshot_write_fd(const struct snapshot *s, int fd, char *err, size_t errlen)
{
	return write_fd(s, fd, NULL, err, errlen);
}

/* ---- reading ---- */

struct in {
	const uint8_t *p;
	size_t len, pos;
	int err;
};

static uint64_t get_varint(struct in *in)
{
	uint64_t v = 0;
	int n = in->err ? -EBADMSG : varint_decode_u64(in->p + in->pos, in->len - in->pos, &v);

	if (n < 0) {
		in->err = -EBADMSG;
		return 0;
	}
	in->pos += (size_t)n;
	return v;
}

static const uint8_t *get_bytes(struct in *in, size_t len)
{
	const uint8_t *p = in->p + in->pos;

	if (in->err || len > in->len - in->pos) {
		in->err = -EBADMSG;
		return NULL;
	}
	in->pos += len;
	return p;
}

static int decode_reads(struct in *in, struct chip_state *c, uint64_t n, char *err,
			size_t errlen)
{
	c->reads = calloc(n ? n : 1, sizeof(*c->reads));
	if (!c->reads)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		struct chip_read_result *r = &c->reads[i];
		const uint8_t *kind = get_bytes(in, 1);
		uint64_t group = get_varint(in), attr = get_varint(in);
		int64_t status = zigzag_decode(get_varint(in));
		uint64_t len = get_varint(in);
		const uint8_t *bytes;

		if (in->err || len > MAX_READ_LEN || group > UINT32_MAX || status > 0 ||
		    status < -4095) {
			snprintf(err, errlen, "read %llu of a %s is malformed",
				 (unsigned long long)i, c->model_name);
			return -EBADMSG;
		}
		bytes = get_bytes(in, len);
		if (!bytes) {
			snprintf(err, errlen, "read %llu of a %s overruns its record",
				 (unsigned long long)i, c->model_name);
			return -EBADMSG;
		}
		r->kind = *kind;
		r->group = (uint32_t)group;
		r->attr = attr;
		r->status = (int32_t)status;
		r->len = (uint32_t)len;
		r->bytes = malloc(len ? len : 1);
		if (!r->bytes)
			return -ENOMEM;
		memcpy(r->bytes, bytes, len);
		c->nr_reads++;
	}
	return 0;
}

/* The value_unknown bitmap, kept only when it fits the model this kvmirq knows. */
static int decode_unknown(struct in *in, struct chip_state *c, char *err, size_t errlen)
{
	uint64_t n = get_varint(in);
	const uint8_t *bits;

	if (in->err) {
		snprintf(err, errlen, "a %s record ends before its known-values count",
			 c->model_name);
		return -EBADMSG;
	}
	if (!n)
		return 0;
	bits = n <= MAX_READS * 8ull ? get_bytes(in, n / 8 + 1) : NULL;
	if (!bits) {
		snprintf(err, errlen, "a %s record's known-values bitmap is malformed",
			 c->model_name);
		return -EBADMSG;
	}
	if (!c->model || n != chip_value_count(c->model))
		return 0;
	c->value_unknown = malloc(n / 8 + 1);
	if (!c->value_unknown)
		return -ENOMEM;
	memcpy(c->value_unknown, bits, n / 8 + 1);
	c->nr_values = n;
	return 0;
}

static int decode_chip(const uint8_t *rec, size_t len, struct chip_state *c, char *err,
		       size_t errlen)
{
	struct in in = { .p = rec, .len = len };
	const uint8_t *type = get_bytes(&in, 1);
	uint64_t vm = get_varint(&in);
	int64_t index = zigzag_decode(get_varint(&in));
	uint64_t time = get_varint(&in);
	const uint8_t *name_len = get_bytes(&in, 1);
	const uint8_t *name = name_len ? get_bytes(&in, *name_len) : NULL;
	uint64_t nr_reads = get_varint(&in);
	int ret;

	memset(c, 0, sizeof(*c));
	if (in.err || !name || *type != RECORD_CHIP_STATE || *name_len >= sizeof(c->model_name) ||
	    memchr(name, 0, *name_len) || vm > UINT32_MAX || index < INT32_MIN ||
	    index > INT32_MAX || nr_reads > MAX_READS) {
		snprintf(err, errlen, "a controller record is malformed");
		return -EBADMSG;
	}
	memcpy(c->model_name, name, *name_len);
	c->model = chip_model_by_name(c->model_name);
	c->vm = (uint32_t)vm;
	c->index = (int32_t)index;
	c->time_ns = time;
	ret = decode_reads(&in, c, nr_reads, err, errlen);
	if (!ret)
		ret = decode_unknown(&in, c, err, errlen);
	if (!ret && in.pos != in.len) {
		snprintf(err, errlen, "a %s record has %zu bytes after its reads", c->model_name,
			 in.len - in.pos);
		ret = -EBADMSG;
	}
	if (ret)
		chip_state_free(c);
	return ret;
}

static int decode_routing(struct snapshot *s, const uint8_t *rec, size_t len, char *err,
			  size_t errlen)
{
	struct in in = { .p = rec, .len = len, .pos = 1 };
	uint64_t vm = get_varint(&in);
	const uint8_t *known = get_bytes(&in, 1);
	uint64_t table_ns = get_varint(&in), nr = get_varint(&in);
	const uint8_t *entries = nr <= ROUTING_MAX_ENTRIES ? get_bytes(&in, nr * ROUTE_ENTRY_SIZE)
							 : NULL;
	uint64_t nr_irqfds = get_varint(&in);
	struct vm_routing *r;

	if (in.err || !entries || !known || *known > 1 || vm > UINT32_MAX || nr_irqfds > MAX_IRQFDS)
		goto bad;
	r = snapshot_routing(s, (uint32_t)vm);
	if (!r || (*known && routing_set_table(r, entries, nr, table_ns)))
		return -ENOMEM;
	for (uint64_t i = 0; i < nr_irqfds; i++) {
		int64_t fd = zigzag_decode(get_varint(&in));
		uint64_t gsi = get_varint(&in), flags = get_varint(&in);
		int64_t resample = zigzag_decode(get_varint(&in));
		uint64_t since = get_varint(&in);

		if (in.err || fd < INT32_MIN || fd > INT32_MAX || gsi > UINT32_MAX ||
		    flags > UINT32_MAX || (flags & 1) || resample < INT32_MIN || resample > INT32_MAX)
			goto bad;
		if (routing_irqfd(r, (int32_t)fd, (uint32_t)gsi, (uint32_t)flags, (int32_t)resample,
				  since))
			return -ENOMEM;
	}
	if (in.pos == in.len)
		return 0;
bad:
	snprintf(err, errlen, "a routing record is malformed");
	return -EBADMSG;
}

static void read_header(struct snapshot *s, const struct tracefile_meta *m)
{
	const struct tracefile_table *vms = tracefile_meta_get_table(m, "vms");
	struct payload_format format;
	const char *str;

	tracefile_meta_get_u64(m, "realtime_ns", &s->realtime_ns);
	tracefile_meta_get_u64(m, "duration_ns", &s->duration_ns);
	tracefile_meta_get_u64(m, "stopped_ns", &s->stopped_ns);
	tracefile_meta_get_u64(m, "reads", &s->reads);
	tracefile_meta_get_u64(m, "failed_reads", &s->failed_reads);
	{
		uint64_t pid = 0, saved = 0;

		tracefile_meta_get_u64(m, "pid", &pid);
		s->pid = (uint32_t)pid;
		tracefile_meta_get_u64(m, "its_tables_saved", &saved);
		s->its_tables_saved = (uint32_t)saved;
	}
	str = tracefile_meta_get_string(m, "process_name");
	snprintf(s->process_name, sizeof(s->process_name), "%s", str ? str : "");
	str = tracefile_meta_get_string(m, "method");
	snprintf(s->method, sizeof(s->method), "%s", str ? str : "");
	str = tracefile_meta_get_string(m, "machine");
	snprintf(s->machine, sizeof(s->machine), "%s", str ? str : "");
	payload_format_from_header(m, &format);
	s->byte_order_big = format.big_endian;
	s->word_size = format.word_size;
	for (size_t i = 0; vms && i < tracefile_table_nrows(vms) && i < 4096; i++)
		snapshot_add_vm(s, tracefile_table_string_by_name(vms, i, "name"));
}

static int check_header(const struct tracefile_meta *m, char *err, size_t errlen)
{
	const char *content = tracefile_meta_get_string(m, "content");
	uint64_t format = 0;

	if (!content || strcmp(content, "snapshot")) {
		snprintf(err, errlen, "not a snapshot (content is %s%s%s)", content ? "'" : "",
			 content ? content : "missing", content ? "'" : "");
		return -EMEDIUMTYPE;
	}
	tracefile_meta_get_u64(m, "snapshot_format", &format);
	if (format != SNAPSHOT_FORMAT) {
		snprintf(err, errlen, "snapshot format %llu is not one this kvmirq reads (%d)",
			 (unsigned long long)format, SNAPSHOT_FORMAT);
		return -ENOTSUP;
	}
	return 0;
}

static int read_records(struct snapshot *s, struct tracefile_reader *r, char *err, size_t errlen)
{
	const void *rec;
	size_t len;
	int ret;

	while ((ret = tracefile_reader_next_record(r, &rec, &len)) == 1) {
		struct chip_state *chips;

		if (len && *(const uint8_t *)rec == RECORD_ROUTING) {
			ret = decode_routing(s, rec, len, err, errlen);
			if (ret)
				return ret;
			continue;
		}
		chips = realloc(s->chips, (s->nr_chips + 1) * sizeof(*chips));
		if (!chips)
			return -ENOMEM;
		s->chips = chips;
		ret = decode_chip(rec, len, &chips[s->nr_chips], err, errlen);
		if (ret)
			return ret;
		chips[s->nr_chips].big_endian = s->byte_order_big;
		s->nr_chips++;
	}
	if (ret < 0)
		snprintf(err, errlen, "%s", tracefile_error(r));
	return ret;
}

/* Every failure names its cause: out of memory has no message of its own. */
static void say_why(char *why, size_t len, int ret)
{
	if (ret && !why[0])
		snprintf(why, len, "%s", strerror(-ret));
}

int snapshot_read(struct snapshot *s, const char *path, char *err, size_t errlen)
{
	struct tracefile_reader *r = NULL;
	char why[256] = "";
	int ret;

	snapshot_init(s);
	ret = tracefile_reader_open_path(&r, path);
	if (ret)
		snprintf(why, sizeof(why), "%s", r ? tracefile_error(r) : strerror(-ret));
	if (!ret)
		ret = check_header(tracefile_reader_header(r), why, sizeof(why));
	if (!ret) {
		read_header(s, tracefile_reader_header(r));
		ret = read_records(s, r, why, sizeof(why));
	}
	if (!ret && tracefile_reader_warning(r))
		snprintf(s->warning, sizeof(s->warning), "%s", tracefile_reader_warning(r));
	if (!ret && tracefile_reader_truncated(r)) {
		s->damaged = true;
		/* nothing to print: an error, never an empty snapshot */
		if (!s->nr_chips && !s->nr_routing) {
			snprintf(why, sizeof(why), "damaged snapshot, cut short before its first "
						   "controller: %.180s", s->warning);
			ret = -ENODATA;
		}
	}
	if (ret) {
		say_why(why, sizeof(why), ret);
		snprintf(err, errlen, "%s: %s", path, why);
		snapshot_free(s);
	}
	tracefile_reader_free(r);
	return ret;
}
