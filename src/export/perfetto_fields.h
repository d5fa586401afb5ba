/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few fields of Perfetto's trace protos that kvmirq export writes, by
 * number. They come from Perfetto's .proto files (protos/perfetto/trace/…,
 * named per message below); field numbers never change once published, so
 * this table holds as long as those files do. No interning, no deprecated
 * fields: every name and string is written inline.
 */
#ifndef KVMIRQ_PERFETTO_FIELDS_H
#define KVMIRQ_PERFETTO_FIELDS_H

enum perfetto_field {
	/* trace.proto: message Trace */
	PF_TRACE_PACKET = 1, /* repeated TracePacket */

	/* trace_packet.proto: message TracePacket */
	PF_PACKET_TIMESTAMP = 8,		   /* uint64, ns; default clock */
	PF_PACKET_TRUSTED_SEQUENCE_ID = 10,	   /* uint32: the writer's sequence */
	PF_PACKET_TRACK_EVENT = 11,		   /* TrackEvent */
	PF_PACKET_SEQUENCE_FLAGS = 13,		   /* uint32: enum SequenceFlags */
	PF_PACKET_TRACK_DESCRIPTOR = 60,	   /* TrackDescriptor */

	/* track_event/track_descriptor.proto: message TrackDescriptor */
	PF_TRACK_UUID = 1,	  /* uint64 */
	PF_TRACK_NAME = 2,	  /* string */
	PF_TRACK_PROCESS = 3,	  /* ProcessDescriptor */
	PF_TRACK_THREAD = 4,	  /* ThreadDescriptor */
	PF_TRACK_PARENT_UUID = 5, /* uint64 */
	PF_TRACK_COUNTER = 8,	  /* CounterDescriptor */

	/* track_event/process_descriptor.proto: message ProcessDescriptor */
	PF_PROCESS_PID = 1,  /* int32 */
	PF_PROCESS_NAME = 6, /* string process_name */

	/* track_event/thread_descriptor.proto: message ThreadDescriptor */
	PF_THREAD_PID = 1,  /* int32 */
	PF_THREAD_TID = 2,  /* int64 */
	PF_THREAD_NAME = 5, /* string thread_name */

	/* track_event/counter_descriptor.proto: message CounterDescriptor */
	PF_COUNTER_UNIT_NAME = 6, /* string */

	/* track_event/track_event.proto: message TrackEvent */
	PF_EVENT_DEBUG_ANNOTATIONS = 4,	     /* repeated DebugAnnotation */
	PF_EVENT_TYPE = 9,		     /* enum Type */
	PF_EVENT_TRACK_UUID = 11,	     /* uint64 */
	PF_EVENT_CATEGORIES = 22,	     /* repeated string */
	PF_EVENT_NAME = 23,		     /* string */
	PF_EVENT_COUNTER_VALUE = 30,	     /* int64 */
	PF_EVENT_DOUBLE_COUNTER_VALUE = 44,  /* double */
	PF_EVENT_FLOW_IDS = 47,		     /* repeated fixed64 */
	PF_EVENT_TERMINATING_FLOW_IDS = 48,  /* repeated fixed64 */

	/* track_event/debug_annotation.proto: message DebugAnnotation */
	PF_ANNOTATION_BOOL = 2,		/* bool bool_value */
	PF_ANNOTATION_UINT = 3,		/* uint64 uint_value */
	PF_ANNOTATION_INT = 4,		/* int64 int_value */
	PF_ANNOTATION_STRING = 6,	/* string string_value */
	PF_ANNOTATION_NAME = 10,	/* string name */
	PF_ANNOTATION_DICT_ENTRIES = 11, /* repeated DebugAnnotation */
	PF_ANNOTATION_ARRAY_VALUES = 12, /* repeated DebugAnnotation */
};

/* TracePacket.SequenceFlags */
#define PF_SEQ_INCREMENTAL_STATE_CLEARED 1

/* TrackEvent.Type */
enum perfetto_event_type {
	PF_TYPE_SLICE_BEGIN = 1,
	PF_TYPE_SLICE_END = 2,
	PF_TYPE_INSTANT = 3,
	PF_TYPE_COUNTER = 4,
};

#endif
