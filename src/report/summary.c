// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chips/arm_irq.h"
#include "chips/models.h"
#include "chips/x86_msi.h"
#include "codec/ioctl_decode.h"
#include "codec/names.h"
#include "report/summary.h"
#include "util/byte_order.h"
#include "util/json.h"

int summary_init(struct summary *s, unsigned int nr_vms, const struct payload_format *format)
{
	memset(s, 0, sizeof(*s));
	s->format = *format;
	s->nr_vms = nr_vms + 1;
	s->vms = calloc(s->nr_vms, sizeof(*s->vms));
	return s->vms ? 0 : -ENOMEM;
}

void summary_free(struct summary *s)
{
	for (unsigned int i = 0; i < s->nr_vms; i++) {
		struct vm_summary *v = &s->vms[i];

		tally_free(&v->gsis), tally_free(&v->ioapic), tally_free(&v->pic);
		tally_free(&v->msis), tally_free(&v->vectors), tally_free(&v->eois);
		tally_free(&v->attrs), tally_free(&v->ioctls), tally_free(&v->mmio);
		tally_free(&v->arm_lines);
	}
	free(s->vms);
	memset(s, 0, sizeof(*s));
}

static struct tally_entry *count(struct tally *t, uint64_t a, uint64_t b, uint64_t c,
				 uint64_t ts)
{
	struct tally_entry *e = tally_get(t, a, b, c);

	if (e) {
		e->count++;
		e->last_ns = ts;
	}
	return e;
}

void summary_add(struct summary *s, const void *rec)
{
	const struct kvmirq_event_header *h = rec;
	const void *b = h + 1;
	struct vm_summary *v;
	struct tally_entry *e;

	if (h->vm >= s->nr_vms)
		return; /* a VM the tables do not know: counted nowhere rather than guessed */
	v = &s->vms[h->vm];
	if (!s->events || h->timestamp_ns < s->first_ns)
		s->first_ns = h->timestamp_ns;
	if (h->timestamp_ns > s->last_ns)
		s->last_ns = h->timestamp_ns;
	s->events++;
	v->kinds[h->kind]++;
	switch (h->kind) {
	case KVMIRQ_EV_SET_IRQ: {
		const struct kvmirq_ev_set_irq *x = b;

		e = count(&v->gsis, x->gsi, 0, 0, h->timestamp_ns);
		if (e && x->level)
			e->extra[0]++;
		break;
	}
	case KVMIRQ_EV_ARM_IRQ_LINE: {
		const struct kvmirq_ev_arm_irq_line *x = b;

		e = count(&v->arm_lines, x->type, (uint32_t)x->vcpu_idx, (uint32_t)x->irq_num,
			  h->timestamp_ns);
		if (e && x->level)
			e->extra[0]++;
		break;
	}
	case KVMIRQ_EV_IOAPIC_SET_IRQ: {
		const struct kvmirq_ev_ioapic_set_irq *x = b;

		e = count(&v->ioapic, x->pin, 0, 0, h->timestamp_ns);
		if (e) {
			e->extra[0] = x->entry;
			e->extra[1] += x->coalesced;
		}
		break;
	}
	case KVMIRQ_EV_PIC_SET_IRQ: {
		const struct kvmirq_ev_pic_set_irq *x = b;

		e = count(&v->pic, x->chip, x->pin, 0, h->timestamp_ns);
		if (e)
			e->extra[1] += x->coalesced;
		break;
	}
	case KVMIRQ_EV_MSI_SET_IRQ: {
		const struct kvmirq_ev_msi_set_irq *x = b;

		count(&v->msis, x->address, x->data, 0, h->timestamp_ns);
		break;
	}
	case KVMIRQ_EV_APIC_ACCEPT_IRQ: {
		const struct kvmirq_ev_apic_accept_irq *x = b;

		count(&v->vectors, x->apicid, x->vector, 0, h->timestamp_ns);
		break;
	}
	case KVMIRQ_EV_EOI:
	case KVMIRQ_EV_PV_EOI: {
		const struct kvmirq_ev_eoi *x = b;

		count(&v->eois, x->apicid, x->vector, 0, h->timestamp_ns);
		break;
	}
	case KVMIRQ_EV_MPIC_MMIO: {
		const struct kvmirq_ev_mpic_mmio *x = b;

		e = count(&v->mmio, x->write, x->offset, 0, h->timestamp_ns);
		if (e && x->result)
			e->extra[0]++;
		break;
	}
	case KVMIRQ_EV_IOCTL: {
		const struct kvmirq_ev_ioctl *io = b;
		const uint8_t *in = (const uint8_t *)(io + 1);

		/* negated as unsigned: -ret overflows for a (corrupt) ret of INT64_MIN */
		count(&v->ioctls, io->ioctl_id, io->ret < 0 ? 0 - (uint64_t)io->ret : 0, 0,
		      h->timestamp_ns);
		if (io->ioctl_id >= KVMIRQ_IOCTL_SET_DEVICE_ATTR &&
		    io->ioctl_id <= KVMIRQ_IOCTL_HAS_DEVICE_ATTR && io->in_len >= 16) {
			/* struct kvm_device_attr: flags, group, attr */
			uint32_t group = load_u32(in + 4, s->format.big_endian);
			uint64_t attr = load_u64(in + 8, s->format.big_endian);

			e = count(&v->attrs, (uint64_t)io->object << 8 | io->ioctl_id, group, attr,
				  h->timestamp_ns);
			if (e && io->ret < 0)
				e->extra[0]++;
		}
		break;
	}
	default:
		break;
	}
}

static double rate(uint64_t n, double secs)
{
	return secs > 0 ? (double)n / secs : 0;
}

static const char *object_label(const struct registry *r, uint64_t id, char *buf, size_t len)
{
	const struct object_entry *o = registry_find_object(r, (uint32_t)id);

	if (!id)
		snprintf(buf, len, "/dev/kvm"); /* system ioctls have no object */
	else if (!o)
		snprintf(buf, len, "object %llu", (unsigned long long)id);
	else if (o->fd_kind == KVMIRQ_FD_DEVICE)
		snprintf(buf, len, "%s", o->name[0] ? o->name : "device");
	else if (o->fd_kind == KVMIRQ_FD_VCPU)
		snprintf(buf, len, "vcpu%d", o->vcpu_id);
	else
		snprintf(buf, len, "vm");
	return buf;
}

/* A device attribute tallied as E in its device model's terms: the group's
 * name, and the register element ("" where none is there). False when the
 * device has no model or the model does not name the group. */
static bool attr_names(const struct registry *r, const struct tally_entry *e,
		       const char **group, char *reg, size_t len)
{
	const struct object_entry *o = registry_find_object(r, (uint32_t)(e->key[0] >> 8));
	const struct chip_model *m =
		o && o->fd_kind == KVMIRQ_FD_DEVICE
			? chip_model_by_device_group(o->name, (uint32_t)e->key[1], e->key[2])
			: NULL;
	const struct chip_register *reg_at;
	unsigned element;

	*reg = '\0';
	if (!m || !(*group = chip_group_name(m, (uint32_t)e->key[1])))
		return false;
	reg_at = chip_attr_register(m, (uint32_t)e->key[1], e->key[2],
				    ioctl_attr_access(e->key[0] & 0xff), &element);
	if (reg_at)
		chip_register_element_name(reg_at, element, reg, len);
	return true;
}

/* The MPIC register a guest access tallied as E reaches ("" where none). */
static void mmio_register(const struct tally_entry *e, char *reg, size_t len)
{
	const struct chip_model *m = &chip_model_fsl_mpic;
	const struct chip_register *at;
	unsigned element;

	*reg = '\0';
	at = chip_attr_register(m, m->mmio_group, e->key[1],
				e->key[0] ? CHIP_ACCESS_WRITE : CHIP_ACCESS_READ, &element);
	if (at)
		chip_register_element_name(at, element, reg, len);
}

/* An arm_lines entry as its line: "SPI 40", "PPI 27 on vCPU 1". */
static const char *arm_line_text(const struct tally_entry *e, char *buf, size_t len)
{
	const struct arm_irq_line line = {
		.type = (unsigned)e->key[0], .vcpu = (unsigned)e->key[1], .num = (unsigned)e->key[2],
	};

	return arm_irq_line_text(&line, buf, len);
}

static void print_vm_text(const struct summary *s, const struct vm_summary *v,
			  const struct registry *r, double secs, FILE *out)
{
	struct tally_entry **es;
	char label[64];

	fprintf(out, "  %-26s %10s %10s\n", "event", "count", "per s");
	for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
		if (v->kinds[k] && k != KVMIRQ_EV_IOCTL_PAYLOAD)
			fprintf(out, "  %-26s %10llu %10.1f\n", event_kind_name(k),
				(unsigned long long)v->kinds[k], rate(v->kinds[k], secs));
	if (v->gsis.nr && (es = tally_sorted(&v->gsis))) {
		fprintf(out, "  GSI lines (kvm_set_irq):\n");
		for (unsigned int i = 0; i < v->gsis.nr; i++)
			fprintf(out, "    gsi %-4llu %8llu changes (%llu raised, %llu lowered) %8.1f/s\n",
				(unsigned long long)es[i]->key[0], (unsigned long long)es[i]->count,
				(unsigned long long)es[i]->extra[0],
				(unsigned long long)(es[i]->count - es[i]->extra[0]),
				rate(es[i]->count, secs));
		free(es);
	}
	if (v->arm_lines.nr && (es = tally_sorted(&v->arm_lines))) {
		fprintf(out, "  lines (kvm_irq_line):\n");
		for (unsigned int i = 0; i < v->arm_lines.nr; i++)
			fprintf(out, "    %-22s %8llu changes (%llu raised, %llu lowered) %8.1f/s\n",
				arm_line_text(es[i], label, sizeof(label)),
				(unsigned long long)es[i]->count,
				(unsigned long long)es[i]->extra[0],
				(unsigned long long)(es[i]->count - es[i]->extra[0]),
				rate(es[i]->count, secs));
		free(es);
	}
	if (v->ioapic.nr && (es = tally_sorted(&v->ioapic))) {
		fprintf(out, "  IOAPIC pins:\n");
		for (unsigned int i = 0; i < v->ioapic.nr; i++) {
			uint64_t e = es[i]->extra[0];

			fprintf(out, "    pin %-4llu %8llu (%llu coalesced)  vector %llu %s %s dest %llu%s\n",
				(unsigned long long)es[i]->key[0], (unsigned long long)es[i]->count,
				(unsigned long long)es[i]->extra[1], (unsigned long long)(e & 0xff),
				x86_delivery_mode_name((e >> 8) & 7), (e >> 15) & 1 ? "level" : "edge",
				(unsigned long long)(e >> 56), (e >> 16) & 1 ? " masked" : "");
		}
		free(es);
	}
	if (v->pic.nr && (es = tally_sorted(&v->pic))) {
		fprintf(out, "  PIC pins:\n");
		for (unsigned int i = 0; i < v->pic.nr; i++)
			fprintf(out, "    %s pin %llu %8llu (%llu coalesced)\n",
				es[i]->key[0] ? "slave " : "master", (unsigned long long)es[i]->key[1],
				(unsigned long long)es[i]->count, (unsigned long long)es[i]->extra[1]);
		free(es);
	}
	if (v->msis.nr && (es = tally_sorted(&v->msis))) {
		fprintf(out, "  MSIs:\n");
		for (unsigned int i = 0; i < v->msis.nr; i++) {
			const struct msi_message m = { .address = es[i]->key[0],
						       .data = (uint32_t)es[i]->key[1] };
			char what[96];

			s->format.platform->msi->phrase(&m, what, sizeof(what));
			fprintf(out, "    addr 0x%08llx data 0x%04llx: %s %8llu %8.1f/s\n",
				(unsigned long long)es[i]->key[0], (unsigned long long)es[i]->key[1],
				what, (unsigned long long)es[i]->count, rate(es[i]->count, secs));
		}
		free(es);
	}
	if (v->vectors.nr && (es = tally_sorted(&v->vectors))) {
		fprintf(out, "  vectors accepted by LAPICs:\n");
		for (unsigned int i = 0; i < v->vectors.nr; i++)
			fprintf(out, "    vcpu %-3llu vector 0x%02llx %8llu\n",
				(unsigned long long)es[i]->key[0], (unsigned long long)es[i]->key[1],
				(unsigned long long)es[i]->count);
		free(es);
	}
	if (v->attrs.nr && (es = tally_sorted(&v->attrs))) {
		fprintf(out, "  device attributes:\n");
		for (unsigned int i = 0; i < v->attrs.nr; i++) {
			const char *group;
			char reg[64];

			fprintf(out, "    %-16s %-20s group %-3llu attr 0x%-10llx %6llu (%llu errors)",
				object_label(r, es[i]->key[0] >> 8, label, sizeof(label)),
				ioctl_name(es[i]->key[0] & 0xff), (unsigned long long)es[i]->key[1],
				(unsigned long long)es[i]->key[2], (unsigned long long)es[i]->count,
				(unsigned long long)es[i]->extra[0]);
			if (attr_names(r, es[i], &group, reg, sizeof(reg)))
				fprintf(out, "  %s%s%s", group, reg[0] ? " " : "", reg);
			fputc('\n', out);
		}
		free(es);
	}
	if (v->mmio.nr && (es = tally_sorted(&v->mmio))) {
		fprintf(out, "  guest MPIC accesses (MMIO):\n");
		for (unsigned int i = 0; i < v->mmio.nr; i++) {
			char reg[64];

			mmio_register(es[i], reg, sizeof(reg));
			fprintf(out, "    %-5s offset 0x%-8llx %8llu (%llu errors)  %s\n",
				es[i]->key[0] ? "write" : "read", (unsigned long long)es[i]->key[1],
				(unsigned long long)es[i]->count, (unsigned long long)es[i]->extra[0],
				reg);
		}
		free(es);
	}
	if (v->ioctls.nr && (es = tally_sorted(&v->ioctls))) {
		fprintf(out, "  ioctls:\n");
		for (unsigned int i = 0; i < v->ioctls.nr; i++)
			fprintf(out, "    %-22s %8llu %s%s\n", ioctl_name(es[i]->key[0]),
				(unsigned long long)es[i]->count, es[i]->key[1] ? "failed: " : "ok",
				es[i]->key[1] ? strerror((int)es[i]->key[1]) : "");
		free(es);
	}
}

void summary_print_text(const struct summary *s, const struct registry *r, FILE *out)
{
	double secs = (double)(s->last_ns - s->first_ns) / 1e9;

	for (unsigned int i = 1; i < s->nr_vms; i++) {
		const struct vm_entry *vm = registry_find_vm(r, i);
		const struct process_entry *p = vm ? registry_find_process(r, vm->pid) : NULL;

		fprintf(out, "\nVM %u: pid %u", i, vm ? vm->pid : 0);
		if (p && p->name[0])
			fprintf(out, " (%s: %s)", p->comm, p->name);
		else if (p && p->comm[0])
			fprintf(out, " (%s)", p->comm);
		fputc('\n', out);
		print_vm_text(s, &s->vms[i], r, secs, out);
	}
	if (s->vms[0].kinds[0] || s->events) {
		uint64_t n = 0;

		for (unsigned int k = 0; k < KVMIRQ_EV_KIND_MAX; k++)
			n += s->vms[0].kinds[k];
		if (n) {
			fprintf(out, "\nNot attributed to a VM (raised outside any VM's context):\n");
			print_vm_text(s, &s->vms[0], r, secs, out);
		}
	}
}

/* Adds an entry's names, where its keys have any. */
typedef void (*tally_json_names)(struct json *j, const struct tally_entry *e,
				 const struct registry *r);

static void attr_json_names(struct json *j, const struct tally_entry *e, const struct registry *r)
{
	const char *group;
	char reg[64];

	if (!attr_names(r, e, &group, reg, sizeof(reg)))
		return;
	json_kv_string(j, "group_name", group);
	if (reg[0])
		json_kv_string(j, "register", reg);
}

static void mmio_json_names(struct json *j, const struct tally_entry *e, const struct registry *r)
{
	char reg[64];

	(void)r;
	mmio_register(e, reg, sizeof(reg));
	if (reg[0])
		json_kv_string(j, "register", reg);
	json_kv_uint(j, "errors", e->extra[0]);
}

static void arm_line_json_names(struct json *j, const struct tally_entry *e,
				const struct registry *r)
{
	char text[48];

	(void)r;
	json_kv_string(j, "line", arm_line_text(e, text, sizeof(text)));
	json_kv_uint(j, "raised", e->extra[0]);
}

static void tally_json(struct json *j, const char *name, const struct tally *t,
		       const char *const keys[3], tally_json_names names,
		       const struct registry *r)
{
	struct tally_entry **es = tally_sorted(t);

	json_key(j, name);
	json_array_begin(j);
	for (unsigned int i = 0; es && i < t->nr; i++) {
		json_object_begin(j);
		for (int k = 0; k < 3; k++)
			if (keys[k])
				json_kv_uint(j, keys[k], es[i]->key[k]);
		if (names)
			names(j, es[i], r);
		json_kv_uint(j, "count", es[i]->count);
		json_object_end(j);
	}
	json_array_end(j);
	free(es);
}

void summary_print_json(const struct summary *s, const struct registry *r, FILE *out)
{
	static const char *const gsi_keys[3] = { "gsi", NULL, NULL };
	static const char *const arm_line_keys[3] = { "type", "vcpu", "intid" };
	static const char *const pin_keys[3] = { "pin", NULL, NULL };
	static const char *const pic_keys[3] = { "chip", "pin", NULL };
	static const char *const msi_keys[3] = { "address", "data", NULL };
	static const char *const vec_keys[3] = { "vcpu", "vector", NULL };
	static const char *const attr_keys[3] = { "object_ioctl", "group", "attr" };
	static const char *const ioctl_keys[3] = { "ioctl_id", "errno", NULL };
	static const char *const mmio_keys[3] = { "write", "offset", NULL };
	double secs = (double)(s->last_ns - s->first_ns) / 1e9;
	struct json j;

	for (unsigned int i = 0; i < s->nr_vms; i++) {
		const struct vm_summary *v = &s->vms[i];
		const struct vm_entry *vm = registry_find_vm(r, i);

		json_init(&j, out);
		json_object_begin(&j);
		json_kv_string(&j, "type", "vm_summary");
		json_kv_uint(&j, "vm", i);
		json_kv_uint(&j, "pid", vm ? vm->pid : 0);
		json_key(&j, "events");
		json_object_begin(&j);
		for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
			if (v->kinds[k])
				json_kv_uint(&j, event_kind_name(k), v->kinds[k]);
		json_object_end(&j);
		json_key(&j, "rates");
		json_object_begin(&j);
		for (unsigned int k = 1; k < KVMIRQ_EV_KIND_MAX; k++)
			if (v->kinds[k]) {
				json_key(&j, event_kind_name(k));
				json_double(&j, rate(v->kinds[k], secs));
			}
		json_object_end(&j);
		tally_json(&j, "gsis", &v->gsis, gsi_keys, NULL, r);
		if (v->arm_lines.nr)
			tally_json(&j, "arm_lines", &v->arm_lines, arm_line_keys,
				   arm_line_json_names, r);
		tally_json(&j, "ioapic_pins", &v->ioapic, pin_keys, NULL, r);
		tally_json(&j, "pic_pins", &v->pic, pic_keys, NULL, r);
		tally_json(&j, "msis", &v->msis, msi_keys, NULL, r);
		tally_json(&j, "vectors", &v->vectors, vec_keys, NULL, r);
		tally_json(&j, "attributes", &v->attrs, attr_keys, attr_json_names, r);
		tally_json(&j, "ioctls", &v->ioctls, ioctl_keys, NULL, r);
		tally_json(&j, "mpic_mmio", &v->mmio, mmio_keys, mmio_json_names, r);
		json_object_end(&j);
		json_newline(&j);
	}
}
