// SPDX-License-Identifier: GPL-2.0
/*
 * The Perfetto trace format: a Trace message, i.e. TracePackets one after
 * the other, each field 1 of Trace (perfetto_fields.h has the numbers). One
 * packet sequence: a TrackDescriptor per track first (processes before their
 * threads and counters), then the TrackEvents in time order. Names and
 * arguments are written inline (no interned data), so no packet needs
 * incremental state; the first packet says the state is cleared all the same.
 */
#include <errno.h>
#include <stdlib.h>

#include "export/model.h"
#include "export/perfetto_fields.h"
#include "export/protobuf.h"
#include "export/sorted_out.h"

#define SEQUENCE_ID 1 /* the one writer of this trace */

struct perfetto {
	struct pb packet;
	struct sorted_out events;
};

static void *perfetto_open(void)
{
	struct perfetto *p = calloc(1, sizeof(*p));

	if (p) {
		pb_init(&p->packet);
		sorted_out_init(&p->events);
	}
	return p;
}

static void perfetto_close(void *w)
{
	struct perfetto *p = w;

	pb_free(&p->packet);
	sorted_out_free(&p->events);
	free(p);
}

/* The decoded fields as debug annotations, objects as dictionaries and
 * arrays as arrays; returns past the list's (or the group's) end. */
static unsigned int annotations(struct pb *pb, const struct kv_list *l, unsigned int i,
				unsigned int field, bool named)
{
	char hex[24];

	while (i < l->n && l->items[i].type != KV_END) {
		const struct kv *kv = &l->items[i++];

		pb_begin(pb, field);
		if (named && kv->name)
			pb_string_field(pb, PF_ANNOTATION_NAME,
					kv->name_kept ? kv->name_copy : kv->name);
		switch (kv->type) {
		case KV_U64: pb_varint_field(pb, PF_ANNOTATION_UINT, kv->u); break;
		case KV_S64: pb_sint_field(pb, PF_ANNOTATION_INT, (int64_t)kv->u); break;
		case KV_HEX:
			snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)kv->u);
			pb_string_field(pb, PF_ANNOTATION_STRING, hex);
			break;
		case KV_STR: pb_string_field(pb, PF_ANNOTATION_STRING, kv->s); break;
		case KV_BOOL: pb_varint_field(pb, PF_ANNOTATION_BOOL, kv->u != 0); break;
		case KV_OBJECT:
			i = annotations(pb, l, i, PF_ANNOTATION_DICT_ENTRIES, true);
			break;
		case KV_ARRAY:
			i = annotations(pb, l, i, PF_ANNOTATION_ARRAY_VALUES, false);
			break;
		case KV_END: break;
		}
		pb_end(pb);
	}
	return i < l->n ? i + 1 : i; /* past the group's KV_END */
}

static void packet_begin(struct perfetto *p, uint64_t ts)
{
	pb_reset(&p->packet);
	pb_begin(&p->packet, PF_TRACE_PACKET);
	pb_varint_field(&p->packet, PF_PACKET_TIMESTAMP, ts);
	pb_varint_field(&p->packet, PF_PACKET_TRUSTED_SEQUENCE_ID, SEQUENCE_ID);
}

static void packet_end(struct perfetto *p, uint64_t ts)
{
	pb_end(&p->packet);
	if (p->packet.failed)
		p->events.failed = true;
	else
		sorted_out_add(&p->events, ts, p->packet.buf, p->packet.len);
}

static void event(struct perfetto *p, const struct export_item *it, uint64_t ts,
		  enum perfetto_event_type type)
{
	struct pb *pb = &p->packet;

	packet_begin(p, ts);
	pb_begin(pb, PF_PACKET_TRACK_EVENT);
	pb_varint_field(pb, PF_EVENT_TYPE, type);
	pb_varint_field(pb, PF_EVENT_TRACK_UUID, it->track->uuid);
	if (type == PF_TYPE_COUNTER) {
		pb_sint_field(pb, PF_EVENT_COUNTER_VALUE, it->value);
	} else if (type != PF_TYPE_SLICE_END) {
		pb_string_field(pb, PF_EVENT_CATEGORIES, it->category);
		pb_string_field(pb, PF_EVENT_NAME, it->name);
		annotations(pb, it->args, 0, PF_EVENT_DEBUG_ANNOTATIONS, true);
		pb_begin(pb, PF_EVENT_DEBUG_ANNOTATIONS);
		pb_string_field(pb, PF_ANNOTATION_NAME, "fields");
		annotations(pb, it->fields, 0, PF_ANNOTATION_DICT_ENTRIES, true);
		pb_end(pb);
	}
	if (it->flow.role == FLOW_START || it->flow.role == FLOW_STEP)
		pb_fixed64_field(pb, PF_EVENT_FLOW_IDS, it->flow.id);
	else if (it->flow.role == FLOW_END)
		pb_fixed64_field(pb, PF_EVENT_TERMINATING_FLOW_IDS, it->flow.id);
	pb_end(pb);
	packet_end(p, ts);
}

static void perfetto_item(void *w, const struct export_item *it)
{
	struct perfetto *p = w;

	switch (it->type) {
	case EXPORT_SLICE:
		/* added one after the other: at one time, a slice begins before it ends */
		event(p, it, it->ts_ns, PF_TYPE_SLICE_BEGIN);
		event(p, it, it->ts_ns + it->dur_ns, PF_TYPE_SLICE_END);
		break;
	case EXPORT_INSTANT:
		event(p, it, it->ts_ns, PF_TYPE_INSTANT);
		break;
	case EXPORT_COUNTER_VALUE:
		event(p, it, it->ts_ns, PF_TYPE_COUNTER);
		break;
	}
}

static void descriptor(struct perfetto *p, const struct export_track *t, bool first, FILE *out)
{
	struct pb *pb = &p->packet;

	pb_reset(pb);
	pb_begin(pb, PF_TRACE_PACKET);
	pb_varint_field(pb, PF_PACKET_TRUSTED_SEQUENCE_ID, SEQUENCE_ID);
	if (first)
		pb_varint_field(pb, PF_PACKET_SEQUENCE_FLAGS, PF_SEQ_INCREMENTAL_STATE_CLEARED);
	pb_begin(pb, PF_PACKET_TRACK_DESCRIPTOR);
	pb_varint_field(pb, PF_TRACK_UUID, t->uuid);
	if (t->parent_uuid)
		pb_varint_field(pb, PF_TRACK_PARENT_UUID, t->parent_uuid);
	switch (t->kind) {
	case EXPORT_PROCESS:
		pb_begin(pb, PF_TRACK_PROCESS);
		pb_sint_field(pb, PF_PROCESS_PID, t->pid);
		pb_string_field(pb, PF_PROCESS_NAME, t->name);
		pb_end(pb);
		break;
	case EXPORT_THREAD:
		pb_begin(pb, PF_TRACK_THREAD);
		pb_sint_field(pb, PF_THREAD_PID, t->pid);
		pb_sint_field(pb, PF_THREAD_TID, t->tid);
		pb_string_field(pb, PF_THREAD_NAME, t->name);
		pb_end(pb);
		break;
	case EXPORT_COUNTER: {
		char name[sizeof(t->counter) + 16];

		snprintf(name, sizeof(name), "%s %s", t->counter, t->series);
		pb_string_field(pb, PF_TRACK_NAME, name);
		pb_begin(pb, PF_TRACK_COUNTER);
		pb_string_field(pb, PF_COUNTER_UNIT_NAME, t->series);
		pb_end(pb);
		break;
	}
	}
	pb_end(pb);
	pb_end(pb);
	if (!pb->failed)
		fwrite(pb->buf, 1, pb->len, out);
}

static int perfetto_finish(void *w, const struct export_track *tracks, size_t nr_tracks,
			   FILE *out)
{
	struct perfetto *p = w;

	if (p->packet.failed || p->events.failed)
		return -ENOMEM;
	for (size_t i = 0; i < nr_tracks; i++) {
		descriptor(p, &tracks[i], i == 0, out);
		if (p->packet.failed)
			return -ENOMEM;
	}
	return sorted_out_write(&p->events, out, NULL);
}

const struct export_writer export_perfetto = {
	.name = "perfetto",
	.open = perfetto_open,
	.item = perfetto_item,
	.finish = perfetto_finish,
	.close = perfetto_close,
};
