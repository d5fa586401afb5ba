// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "chips/booke.h"
#include "chips/chip_attr.h"
#include "chips/models.h"
#include "chips/x86_msi.h"
#include "codec/ioctl_decode.h"
#include "codec/layout.h"
#include "codec/names.h"
#include "report/event_print.h"
#include "util/json.h"

void event_printer_init(struct event_printer *p, FILE *out, bool json, uint64_t base_ns,
			const struct registry *registry, const struct payload_format *format)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->json = json;
	p->base_ns = base_ns;
	p->registry = registry;
	p->format = *format;
	kv_init(&p->kv);
}

void event_printer_free(struct event_printer *p)
{
	event_printer_flush(p);
	kv_free(&p->kv);
	free(p->pending);
	free(p->in);
}

/* The delivery fields that deserve decoding beyond their raw values. */
static void decode_delivery(const struct event_printer *p, const struct kvmirq_event_header *h,
			    const void *body, struct kv_list *l)
{
	if (h->kind == KVMIRQ_EV_MSI_SET_IRQ) {
		const struct kvmirq_ev_msi_set_irq *m = body;
		const struct msi_message msg = { .address = m->address, .data = (uint32_t)m->data };

		p->format.platform->msi->fields(&msg, l);
	} else if (h->kind == KVMIRQ_EV_IOAPIC_SET_IRQ) {
		x86_ioapic_entry_to_kv(((const struct kvmirq_ev_ioapic_set_irq *)body)->entry, l);
	} else if (h->kind == KVMIRQ_EV_IOAPIC_DELAYED_EOI) {
		x86_ioapic_entry_to_kv(((const struct kvmirq_ev_ioapic_delayed_eoi *)body)->entry, l);
	} else if (h->kind == KVMIRQ_EV_APIC_ACCEPT_IRQ) {
		const struct kvmirq_ev_apic_accept_irq *a = body;

		kv_str(l, "delivery", x86_delivery_mode_name(a->delivery_mode >> 8));
		kv_str(l, "trigger", a->trig_mode ? "level" : "edge");
	} else if (h->kind == KVMIRQ_EV_ARM_IRQ_LINE) {
		/* kvm_irq_line: the fields KVM_IRQ_LINE's irq was split into */
		const struct kvmirq_ev_arm_irq_line *a = body;
		const struct arm_irq_line line = {
			.type = a->type, .vcpu = (unsigned)a->vcpu_idx, .num = (unsigned)a->irq_num,
		};
		char text[48];

		kv_str(l, "line", arm_irq_line_text(&line, text, sizeof(text)));
	} else if (h->kind == KVMIRQ_EV_VGIC_UPDATE_PENDING) {
		const struct kvmirq_ev_vgic_update_pending *v = body;

		arm_intid_fields(v->irq, (unsigned)v->vcpu_id, l);
	} else if (h->kind == KVMIRQ_EV_ACK_IRQ && p->format.platform->arch == CHIP_ARCH_ARM64) {
		/* a level SPI's EOI: the GIC's pin p is SPI p + 32 */
		const struct kvmirq_ev_ack_irq *a = body;
		char text[48];

		kv_str(l, "line", arm_intid_text(arm_route_pin_intid(a->pin), 0, text, sizeof(text)));
	} else if (h->kind == KVMIRQ_EV_ARM_TIMER_UPDATE) {
		const struct kvmirq_ev_arm_timer_update *t = body;

		arm_intid_fields(t->irq, (unsigned)t->vcpu_id, l);
	} else if (h->kind == KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO) {
		const char *name =
			booke_irqprio_name(((const struct kvmirq_ev_booke_queue_irqprio *)body)->priority);

		if (name)
			kv_str(l, "exception", name);
	} else if (h->kind == KVMIRQ_EV_MPIC_MMIO) {
		const struct kvmirq_ev_mpic_mmio *m = body;
		const struct chip_model *mpic = &chip_model_fsl_mpic;

		/* in the MPIC's terms, as a device attribute of its REGISTER group */
		chip_attr_decode(mpic, mpic->mmio_group, m->offset,
				 m->write ? CHIP_ACCESS_WRITE : CHIP_ACCESS_READ, m->result == 0,
				 m->value, l);
	}
}

/* The errno of a failed ioctl's ret, negated as unsigned: -ret overflows for a
 * (corrupt) ret of INT64_MIN. */
static uint64_t ret_errno(int64_t ret)
{
	return ret < 0 ? 0 - (uint64_t)ret : 0;
}

static void raw_fields(const struct kvmirq_event_header *h, const void *body, struct kv_list *l)
{
	const struct event_layout *lay = event_layout(h->kind);

	for (unsigned int i = 0; i < lay->nr_fields; i++) {
		const struct event_field *f = &lay->fields[i];
		uint64_t v = event_field_get(body, f);

		if (f->hex)
			kv_hex(l, f->name, v);
		else if (f->is_signed)
			kv_s64(l, f->name, (int64_t)v);
		else
			kv_u64(l, f->name, v);
	}
}


static void print_event(struct event_printer *p, const struct kvmirq_event_header *h,
			const uint8_t *in, size_t in_len, bool in_complete)
{
	const void *body = h + 1;
	const struct kvmirq_ev_ioctl *io = body;
	const uint8_t *out = NULL;
	size_t out_len = 0;
	double t = (double)(int64_t)(h->timestamp_ns - p->base_ns) / 1e9;
	bool key_frame = h->kind == KVMIRQ_EV_IOCTL &&
			 key_frames_cover(p->key_frames, p->nr_key_frames, h->pid, h->timestamp_ns);
	struct json j;

	kv_reset(&p->kv);
	if (h->kind == KVMIRQ_EV_IOCTL) {
		out = (const uint8_t *)(io + 1) + io->in_len;
		out_len = io->out_len;
		ioctl_decode(io, in, in_len, out, out_len, &p->format, &p->kv);
	} else {
		raw_fields(h, body, &p->kv);
		decode_delivery(p, h, body, &p->kv);
	}
	if (p->sink) {
		const struct event_decoded e = {
			.h = h, .in = in, .in_len = in_len, .in_complete = in_complete,
			.key_frame = key_frame, .fields = &p->kv,
		};

		p->sink(p->sink_ctx, &e);
		return;
	}

	if (!p->json) {
		fprintf(p->out, "%12.6f ", t);
		if (h->vm)
			fprintf(p->out, "vm%-3llu ", (unsigned long long)h->vm);
		else
			fprintf(p->out, "%-6s ", "-");
		if (h->vcpu_id >= 0)
			fprintf(p->out, "vcpu%-3d ", h->vcpu_id);
		else
			fprintf(p->out, "%-7s ", "-");
		fprintf(p->out, "%6u/%-6u ", h->pid, h->tid);
		if (h->kind == KVMIRQ_EV_IOCTL) {
			fprintf(p->out, "%s(%s fd %d) ", ioctl_name(io->ioctl_id),
				fd_kind_name(io->fd_kind), io->fd);
			kv_print_text(&p->kv, p->out);
			if (io->ret < 0)
				fprintf(p->out, " = -1 %s", strerror((int)ret_errno(io->ret)));
			else
				fprintf(p->out, " = %lld", (long long)io->ret);
		} else {
			fprintf(p->out, "%s ", event_kind_name(h->kind));
			kv_print_text(&p->kv, p->out);
		}
		if (h->flags & KVMIRQ_F_UNATTRIBUTED)
			fputs(h->flags & KVMIRQ_F_KERNEL_THREAD ? " [kernel thread, VM unknown]"
								 : " [VM unknown]", p->out);
		if (!in_complete || (h->flags & KVMIRQ_F_PAYLOAD_FAULT))
			fputs(" [payload incomplete]", p->out);
		if (key_frame)
			fputs(" [key frame]", p->out);
		fputc('\n', p->out);
		return;
	}

	json_init(&j, p->out);
	json_object_begin(&j);
	json_kv_string(&j, "type", "event");
	json_kv_uint(&j, "ts_ns", h->timestamp_ns);
	json_key(&j, "t");
	json_double(&j, t);
	json_kv_string(&j, "kind", event_kind_name(h->kind));
	json_kv_uint(&j, "vm", h->vm);
	json_kv_int(&j, "vcpu", h->vcpu_id);
	json_kv_uint(&j, "pid", h->pid);
	json_kv_uint(&j, "tid", h->tid);
	json_kv_uint(&j, "cpu", h->cpu);
	json_kv_bool(&j, "unattributed", h->flags & KVMIRQ_F_UNATTRIBUTED);
	json_kv_bool(&j, "kernel_thread", h->flags & KVMIRQ_F_KERNEL_THREAD);
	if (h->kind == KVMIRQ_EV_IOCTL) {
		char cmd[16];

		snprintf(cmd, sizeof(cmd), "0x%08x", io->cmd);
		json_kv_string(&j, "ioctl", ioctl_name(io->ioctl_id));
		json_kv_string(&j, "cmd", cmd);
		json_kv_int(&j, "fd", io->fd);
		json_kv_string(&j, "fd_kind", fd_kind_name(io->fd_kind));
		json_kv_uint(&j, "object", io->object);
		if (io->device_name[0])
			json_kv_string(&j, "device", io->device_name);
		json_kv_int(&j, "ret", io->ret < 0 ? -1 : io->ret);
		json_kv_uint(&j, "errno", ret_errno(io->ret));
		json_kv_hex64(&j, "arg", io->arg);
		json_kv_uint(&j, "duration_ns", io->duration_ns);
		json_kv_string(&j, "strategy", strategy_name(io->strategy));
		json_key(&j, "in");
		json_hex_bytes(&j, in, in_len);
		json_key(&j, "out");
		json_hex_bytes(&j, out, out_len);
		json_kv_bool(&j, "payload_complete",
			     in_complete && !(h->flags & KVMIRQ_F_PAYLOAD_FAULT));
		json_kv_bool(&j, "key_frame", key_frame);
	}
	json_key(&j, "fields");
	json_object_begin(&j);
	kv_print_json(&p->kv, &j);
	json_object_end(&j);
	json_object_end(&j);
	json_newline(&j);
}

/* Print the held ioctl with whatever of its input arrived. */
void event_printer_flush(struct event_printer *p)
{
	const struct kvmirq_event_header *h = (const void *)p->pending;
	const struct kvmirq_ev_ioctl *io;

	if (!p->pending_len)
		return;
	io = (const void *)(h + 1);
	print_event(p, h, p->in, p->in_len, p->in_len >= io->in_total);
	p->pending_len = 0;
	p->in_len = 0;
}

static int append_in(struct event_printer *p, const void *bytes, size_t n)
{
	/* An ioctl with no input bytes yet (in_len 0) may come before any buffer:
	 * p->in + 0 and memcpy() on a NULL p->in are undefined, so do nothing. */
	if (!n)
		return 0;
	if (p->in_len + n > p->in_cap) {
		size_t cap = p->in_cap ? p->in_cap * 2 : 4096;
		uint8_t *in;

		while (cap < p->in_len + n)
			cap *= 2;
		in = realloc(p->in, cap);
		if (!in)
			return -ENOMEM;
		p->in = in;
		p->in_cap = cap;
	}
	memcpy(p->in + p->in_len, bytes, n);
	p->in_len += n;
	return 0;
}

void event_printer_add(struct event_printer *p, const void *rec, size_t len)
{
	const struct kvmirq_event_header *h = rec;
	const struct kvmirq_event_header *held = (const void *)p->pending;

	if (h->kind == KVMIRQ_EV_IOCTL_PAYLOAD) {
		const struct kvmirq_ev_ioctl_payload *c = (const void *)(h + 1);

		/* A continuation belongs to the held ioctl of the same thread, in order,
		 * within the input that ioctl declared and any ioctl can have: more is
		 * not its input, and would let a file grow p->in without bound. */
		if (p->pending_len && held->tid == h->tid && c->offset == p->in_len &&
		    p->in_len + c->len <= event_ioctl(held)->in_total &&
		    p->in_len + c->len <= KVMIRQ_PAYLOAD_TOTAL_MAX)
			append_in(p, c + 1, c->len);
		return;
	}
	if (p->pending_len && held->tid == h->tid)
		event_printer_flush(p);
	if (h->kind == KVMIRQ_EV_IOCTL) {
		const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);

		if (io->in_total > io->in_len) {
			uint8_t *copy;

			event_printer_flush(p);
			copy = realloc(p->pending, len);
			if (copy) {
				p->pending = copy;
				memcpy(p->pending, rec, len);
				p->pending_len = len;
				p->in_len = 0;
				if (!append_in(p, io + 1, io->in_len))
					return;
				p->pending_len = 0;
			}
		}
		print_event(p, h, (const uint8_t *)(io + 1), io->in_len, io->in_len >= io->in_total);
		return;
	}
	print_event(p, h, NULL, 0, true);
}
