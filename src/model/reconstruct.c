// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "chips/models.h"
#include "model/reconstruct.h"
#include "util/byte_order.h"

void recon_init(struct reconstruction *r, const struct registry *registry,
		const struct payload_format *format)
{
	memset(r, 0, sizeof(*r));
	snapshot_init(&r->snap);
	r->snap.byte_order_big = format->big_endian;
	r->snap.word_size = format->word_size;
	snprintf(r->snap.method, sizeof(r->snap.method), "recorded");
	r->registry = registry;
}

void recon_free(struct reconstruction *r)
{
	snapshot_free(&r->snap);
	free(r->fresh);
	r->fresh = NULL;
	free(r->routing.bytes);
	r->routing.bytes = NULL;
}

/* ---- which values are known ---- */

enum mark_rule {
	MARK_KNOWN,
	MARK_UNKNOWN,
	MARK_AFTER_SET, /* known, except what the kernel derives itself on a SET */
};

struct mark_ctx {
	struct chip_state *s;
	const char *reg;    /* NULL: every register */
	int element;	    /* -1: every element */
	const char *field;  /* NULL: every field */
	enum mark_rule rule;
	bool found, known;  /* for value_is_known() */
};

static bool selected(const struct mark_ctx *m, const struct chip_value *v)
{
	return (!m->reg || !strcmp(v->reg->name, m->reg)) &&
	       (m->element < 0 || (unsigned)m->element == v->element) &&
	       (!m->field || (v->field && !strcmp(v->field->name, m->field)));
}

static int mark_value(void *ctx, const struct chip_value *v)
{
	struct mark_ctx *m = ctx;
	bool known = m->rule == MARK_KNOWN ||
		     (m->rule == MARK_AFTER_SET && !(v->flags & (CHIP_READ_ONLY | CHIP_VOLATILE)));

	if (selected(m, v))
		chip_state_set_known(m->s, v->ordinal, known);
	return 0;
}

static void mark(struct chip_state *s, const char *reg, int element, const char *field,
		 enum mark_rule rule)
{
	struct mark_ctx m = { .s = s, .reg = reg, .element = element, .field = field, .rule = rule };

	chip_decode_unnamed(s, mark_value, &m);
}

/* Mark unknown what a command or a line change moved (CHIP_FORGETS, chip.h). */
static void forget(struct chip_state *c, const char *const *list)
{
	for (; list && *list; list++) {
		const char *dot = strchr(*list, '.');
		char reg[64];

		if (!strcmp(*list, "*")) {
			mark(c, NULL, -1, NULL, MARK_UNKNOWN);
			continue;
		}
		snprintf(reg, sizeof(reg), "%.*s", dot ? (int)(dot - *list) : (int)strlen(*list),
			 *list);
		mark(c, reg, -1, dot ? dot + 1 : NULL, MARK_UNKNOWN);
	}
}

/* A write of VALUE to REG: what its command fields (GCR's RESET) moved. */
static void forget_field_commands(struct chip_state *c, const struct chip_register *reg,
				  uint64_t value)
{
	for (const struct chip_field *f = reg->fields; f && f->name; f++)
		if (f->forgets && ((value >> f->lo) & ((1ull << f->bits) - 1)))
			forget(c, f->forgets);
}

static int find_value(void *ctx, const struct chip_value *v)
{
	struct mark_ctx *m = ctx;

	if (!selected(m, v))
		return 0;
	m->found = true;
	m->known = v->known;
	return 1;
}

static bool value_is_known(const struct chip_state *s, const char *reg, int element,
			   const char *field)
{
	struct mark_ctx m = { .reg = reg, .element = element, .field = field };

	chip_decode_unnamed(s, find_value, &m);
	return m.found && m.known;
}

/* ---- the controllers ---- */

static struct chip_state *chip_for(struct reconstruction *r, const struct chip_model *m,
				   uint32_t vm, int32_t index)
{
	struct chip_state *c;

	for (size_t i = 0; i < r->snap.nr_chips; i++) {
		c = &r->snap.chips[i];
		if (c->model == m && c->vm == vm && c->index == index)
			return c;
	}
	c = snapshot_add_chip(&r->snap, m, vm, index);
	if (!c || chip_state_track_known(c)) {
		r->error = -ENOMEM;
		return NULL;
	}
	/* bytes exist (zeros) but nothing is known until the trace says so */
	for (size_t i = 0; i < c->nr_reads; i++)
		c->reads[i].status = 0;
	mark(c, NULL, -1, NULL, MARK_UNKNOWN);
	return c;
}

static const struct chip_model *model_by_irqchip_id(uint32_t chip_id)
{
	size_t n;
	const struct chip_model *const *models = chip_models(&n);

	for (size_t i = 0; i < n; i++) {
		const struct chip_model *m = models[i];

		if (m->arch == CHIP_ARCH_X86 && m->nr_registers &&
		    m->registers[0].read == CHIP_READ_IRQCHIP && m->registers[0].attr == chip_id)
			return m;
	}
	return NULL;
}

/* Device instances are numbered per VM and name, in order of first use. */
static int32_t device_index(const struct registry *reg, const struct object_entry *o)
{
	int32_t n = 0;

	for (unsigned i = 0; i < reg->nr_objects && reg->objects[i].id != o->id; i++)
		if (reg->objects[i].vm == o->vm && reg->objects[i].fd_kind == KVMIRQ_FD_DEVICE &&
		    !strcmp(reg->objects[i].name, o->name))
			n++;
	return n;
}

static void set_block(struct chip_state *c, enum chip_read_kind kind, uint64_t attr,
		      const uint8_t *bytes, size_t len, enum mark_rule rule)
{
	struct chip_read_result *rr = chip_state_find_read(c, kind, 0, attr);

	if (!rr)
		return;
	memcpy(rr->bytes, bytes, len < rr->len ? len : rr->len);
	rr->status = 0;
	mark(c, NULL, -1, NULL, rule);
}

/* ---- freshness: what a GET or SET established, until the guest runs ---- */

static void set_fresh(struct reconstruction *r, uint32_t vm)
{
	if (vm >= r->nr_fresh) {
		size_t n = (size_t)vm + 16;
		uint8_t *p = realloc(r->fresh, n);

		if (!p) {
			r->error = -ENOMEM;
			return;
		}
		memset(p + r->nr_fresh, 0, n - r->nr_fresh);
		r->fresh = p;
		r->nr_fresh = n;
	}
	r->fresh[vm] = 1;
}

/*
 * The guest ran: anything it can program without a trace may have changed.
 * A chip whose guest register accesses the recording holds (the MPIC, with
 * its kprobes attached) keeps what it knows: each access is applied.
 */
static void guest_ran(struct reconstruction *r, uint32_t vm)
{
	if (vm >= r->nr_fresh || !r->fresh[vm])
		return;
	r->fresh[vm] = 0;
	for (size_t i = 0; i < r->snap.nr_chips; i++) {
		struct chip_state *c = &r->snap.chips[i];

		if (c->vm == vm && !(c->model && c->model->mmio_group && r->guest_mmio_recorded))
			mark(c, NULL, -1, NULL, MARK_UNKNOWN);
	}
}

/*
 * An MSI reached the VM: a controller that takes MSIs as a doorbell write
 * (the MPIC's MSIIR) moved what that write moves (its CHIP_FORGETS).
 */
static void apply_msi(struct reconstruction *r, uint32_t vm)
{
	for (size_t i = 0; i < r->snap.nr_chips; i++) {
		struct chip_state *c = &r->snap.chips[i];

		for (size_t k = 0; c->vm == vm && c->model && k < c->model->nr_registers; k++)
			if (c->model->registers[k].flags & CHIP_MSI_DOORBELL)
				forget(c, c->model->registers[k].forgets);
	}
}

/* ---- ioctls: the VMM's own reads and writes of whole state ---- */

static void apply_irqchip(struct reconstruction *r, uint32_t vm, const uint8_t *chip, size_t len,
			  enum mark_rule rule)
{
	uint32_t chip_id;
	const struct chip_model *m;
	struct chip_state *c;

	if (len < 8 + CHIP_IRQCHIP_BLOCK_SIZE)
		return;
	chip_id = load_u32(chip, r->snap.byte_order_big);
	m = model_by_irqchip_id(chip_id);
	c = m ? chip_for(r, m, vm, 0) : NULL;
	if (c) {
		set_block(c, CHIP_READ_IRQCHIP, chip_id, chip + 8, CHIP_IRQCHIP_BLOCK_SIZE, rule);
		set_fresh(r, vm);
	}
}

static void apply_lapic(struct reconstruction *r, uint32_t vm, int32_t vcpu, const uint8_t *page,
			size_t len, enum mark_rule rule)
{
	struct chip_state *c;

	if (len < CHIP_LAPIC_BLOCK_SIZE || vcpu < 0)
		return;
	c = chip_for(r, &chip_model_x86_lapic, vm, vcpu);
	if (c) {
		set_block(c, CHIP_READ_LAPIC, 0, page, CHIP_LAPIC_BLOCK_SIZE, rule);
		set_fresh(r, vm);
	}
}

/*
 * A read (GET) or write (SET) of register element ELEMENT of C with VALUE,
 * by the VMM's device attribute or the guest's MMIO alike.
 */
static void apply_register(struct chip_state *c, const struct chip_register *reg,
			   unsigned element, uint64_t value, bool set)
{
	const struct chip_model *m = c->model;

	if (set && (reg->flags & CHIP_READ_MOVED)) {
		/* it wrote a register a GET finds elsewhere: forget them all */
		for (size_t i = 0; i < m->nr_registers; i++)
			if (m->registers[i].flags & CHIP_READ_MOVED)
				mark(c, m->registers[i].name, -1, NULL, MARK_UNKNOWN);
		return;
	}
	/* a register a snapshot never reads (IACK, EOI) has no value to keep */
	if (chip_register_set(c, reg, element, value))
		mark(c, reg->name, (int)element, NULL, set ? MARK_AFTER_SET : MARK_KNOWN);
	/* a command (IACK, EOI, an MSI, a reset) moved what no event shows; a
	 * plain read moves nothing */
	if (set || (reg->flags & CHIP_SIDE_EFFECT))
		forget(c, reg->forgets);
	if (set)
		forget_field_commands(c, reg, value);
}

static void apply_device_attr(struct reconstruction *r, const struct kvmirq_event_header *h,
			      const struct kvmirq_ev_ioctl *io, bool set)
{
	const struct object_entry *o = registry_find_object(r->registry, (uint32_t)io->object);
	const uint8_t *p = io->payload;
	size_t value_at = 24, have = (size_t)io->in_len + io->out_len;
	const struct chip_register *reg;
	const struct chip_model *m;
	struct chip_state *c;
	unsigned element;
	uint32_t group, vm;
	int32_t index;
	uint64_t attr;

	if (!o || o->fd_kind != KVMIRQ_FD_DEVICE || io->in_len < 24)
		return;
	group = load_u32(p + 4, r->snap.byte_order_big);
	attr = load_u64(p + 8, r->snap.byte_order_big);
	m = chip_model_by_device_group(o->name, group, attr);
	if (!m || !(reg = chip_register_by_attr(m, group, attr, &element)) ||
	    have < value_at + reg->width)
		return;
	vm = h->vm ? (uint32_t)h->vm : o->vm;
	/* one instance per vCPU (a redistributor): the one the attr's MPIDR names,
	 * unknown when the VMM gave its vCPUs MPIDRs of its own */
	index = m->attr_layout == CHIP_ATTR_MPIDR_VCPU ? chip_attr_instance(m, attr)
						       : device_index(r->registry, o);
	if (index < 0 || !(c = chip_for(r, m, vm, index)))
		return;
	apply_register(c, reg, element, bytes_load(p + value_at, reg->width, r->snap.byte_order_big),
		       set);
	set_fresh(r, vm);
}

/*
 * The guest read or wrote one of the MPIC's registers: as the VMM's GET or
 * SET of that offset does. A VM has at most one MPIC (KVM refuses a second),
 * instance 0. A failed access moved nothing; a byte read has no whole value
 * but does what a read does.
 */
static void apply_mpic_mmio(struct reconstruction *r, uint32_t vm,
			    const struct kvmirq_ev_mpic_mmio *e)
{
	const struct chip_model *m = &chip_model_fsl_mpic;
	const struct chip_register *reg;
	struct chip_state *c;
	unsigned element;

	if (e->result || !(reg = chip_register_by_attr(m, m->mmio_group, e->offset, &element)) ||
	    !(c = chip_for(r, m, vm, 0)))
		return;
	if (e->write || e->len == reg->width)
		apply_register(c, reg, element, e->value, e->write);
	else if (reg->flags & CHIP_SIDE_EFFECT)
		forget(c, reg->forgets);
}

/* ---- routing and irqfds: only the VMM's own calls show them ---- */

static uint32_t payload_u32(const struct reconstruction *r, const uint8_t *p)
{
	return load_u32(p, r->snap.byte_order_big);
}

static void finish_routing(struct reconstruction *r)
{
	struct vm_routing *vr = snapshot_routing(&r->snap, r->routing.vm);
	uint32_t nr = payload_u32(r, r->routing.bytes);

	if (!vr)
		r->error = -ENOMEM;
	else if (8 + (size_t)nr * ROUTE_ENTRY_SIZE <= r->routing.have &&
		 routing_set_table(vr, r->routing.bytes + 8, nr, r->routing.ns))
		r->error = -ENOMEM;
	free(r->routing.bytes);
	memset(&r->routing, 0, sizeof(r->routing));
}

static void start_routing(struct reconstruction *r, const struct kvmirq_event_header *h,
			  const struct kvmirq_ev_ioctl *io)
{
	struct vm_routing *vr = snapshot_routing(&r->snap, (uint32_t)h->vm);

	free(r->routing.bytes);
	memset(&r->routing, 0, sizeof(r->routing));
	if (!vr) {
		r->error = -ENOMEM;
		return;
	}
	if ((h->flags & (KVMIRQ_F_PAYLOAD_TRUNCATED | KVMIRQ_F_PAYLOAD_FAULT)) || io->in_len < 8 ||
	    io->in_total > KVMIRQ_PAYLOAD_TOTAL_MAX) {
		vr->table_known = false; /* replaced by a table the trace does not hold */
		return;
	}
	r->routing.bytes = malloc(io->in_total);
	if (!r->routing.bytes) {
		r->error = -ENOMEM;
		return;
	}
	memcpy(r->routing.bytes, io->payload, io->in_len);
	r->routing.tid = h->tid;
	r->routing.vm = (uint32_t)h->vm;
	r->routing.ns = h->timestamp_ns;
	r->routing.total = io->in_total;
	r->routing.have = io->in_len;
	if (r->routing.have >= r->routing.total)
		finish_routing(r);
}

static void continue_routing(struct reconstruction *r, const struct kvmirq_event_header *h,
			     size_t len)
{
	const struct kvmirq_ev_ioctl_payload *c = (const void *)(h + 1);

	if (!r->routing.bytes || h->tid != r->routing.tid || len < sizeof(*h) + sizeof(*c) ||
	    c->offset != r->routing.have || c->len > r->routing.total - r->routing.have ||
	    len < sizeof(*h) + sizeof(*c) + c->len)
		return;
	memcpy(r->routing.bytes + r->routing.have, c->bytes, c->len);
	r->routing.have += c->len;
	if (r->routing.have == r->routing.total)
		finish_routing(r);
}

static void apply_irqfd(struct reconstruction *r, const struct kvmirq_event_header *h,
			const struct kvmirq_ev_ioctl *io)
{
	struct vm_routing *vr;

	if (io->in_len < 16)
		return;
	vr = snapshot_routing(&r->snap, (uint32_t)h->vm);
	if (!vr || routing_irqfd(vr, (int32_t)payload_u32(r, io->payload),
				 payload_u32(r, io->payload + 4), payload_u32(r, io->payload + 8),
				 (int32_t)payload_u32(r, io->payload + 12), h->timestamp_ns))
		r->error = -ENOMEM;
}

static void apply_ioctl(struct reconstruction *r, const struct kvmirq_event_header *h)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	const struct object_entry *o = registry_find_object(r->registry, (uint32_t)io->object);
	int32_t vcpu = o && o->fd_kind == KVMIRQ_FD_VCPU ? o->vcpu_id : h->vcpu_id;
	uint32_t vm = (uint32_t)h->vm;

	if (io->ret != 0 || !vm)
		return;
	if (io->ioctl_id == KVMIRQ_IOCTL_SET_GSI_ROUTING) {
		start_routing(r, h, io);
		r->events_used++;
		return;
	}
	if (h->flags & (KVMIRQ_F_PAYLOAD_TRUNCATED | KVMIRQ_F_PAYLOAD_FAULT))
		return;
	switch (io->ioctl_id) {
	case KVMIRQ_IOCTL_IRQFD:
		apply_irqfd(r, h, io);
		break;
	case KVMIRQ_IOCTL_SIGNAL_MSI:
		apply_msi(r, vm);
		break;
	case KVMIRQ_IOCTL_SET_IRQCHIP:
		apply_irqchip(r, vm, io->payload, io->in_len, MARK_AFTER_SET);
		break;
	case KVMIRQ_IOCTL_GET_IRQCHIP:
		apply_irqchip(r, vm, io->payload + io->in_len, io->out_len, MARK_KNOWN);
		break;
	case KVMIRQ_IOCTL_SET_LAPIC:
		apply_lapic(r, vm, vcpu, io->payload, io->in_len, MARK_AFTER_SET);
		break;
	case KVMIRQ_IOCTL_GET_LAPIC:
		apply_lapic(r, vm, vcpu, io->payload + io->in_len, io->out_len, MARK_KNOWN);
		break;
	case KVMIRQ_IOCTL_SET_DEVICE_ATTR:
	case KVMIRQ_IOCTL_GET_DEVICE_ATTR:
		apply_device_attr(r, h, io, io->ioctl_id == KVMIRQ_IOCTL_SET_DEVICE_ATTR);
		break;
	default:
		return;
	}
	r->events_used++;
}

/* ---- delivery events: what the kernel did to the x86 chips ---- */

static struct chip_state *existing(struct reconstruction *r, const struct chip_model *m,
				   uint32_t vm, int32_t index)
{
	for (size_t i = 0; i < r->snap.nr_chips; i++) {
		struct chip_state *c = &r->snap.chips[i];

		if (c->model == m && c->vm == vm && c->index == index)
			return c;
	}
	return NULL;
}

/* Set or clear one vector's bit in a LAPIC bitmap (irr, isr, tmr), if the word is known. */
static void lapic_vector(struct chip_state *c, const char *bitmap, unsigned vector, bool on)
{
	const struct chip_register *reg = chip_register_by_name(c->model, bitmap);
	unsigned element = (vector & 0xff) / 32;
	uint64_t word;

	if (!reg || !value_is_known(c, bitmap, (int)element, NULL) ||
	    !chip_register_get(c, reg, element, &word))
		return;
	word = on ? word | 1ull << (vector % 32) : word & ~(1ull << (vector % 32));
	chip_register_set(c, reg, element, word);
}

static bool lapic_enabled(const struct chip_state *c)
{
	const struct chip_register *spiv = chip_register_by_name(c->model, "spiv");
	uint64_t v;

	return spiv && value_is_known(c, "spiv", 0, "enabled") && chip_register_get(c, spiv, 0, &v) &&
	       (v >> 8 & 1);
}

static void apply_accept(struct reconstruction *r, uint32_t vm,
			 const struct kvmirq_ev_apic_accept_irq *e)
{
	struct chip_state *c = existing(r, &chip_model_x86_lapic, vm, (int32_t)e->apicid);
	unsigned dm = e->delivery_mode >> 8 ? e->delivery_mode >> 8 : e->delivery_mode;

	if (!c)
		return;
	if (dm > 1) /* NMI, INIT, SIPI, ExtINT: no IRR bit */
		return;
	if (!lapic_enabled(c)) { /* a disabled LAPIC drops it; unsure: forget the words */
		mark(c, "irr", (int)(e->vector & 0xff) / 32, NULL, MARK_UNKNOWN);
		mark(c, "tmr", (int)(e->vector & 0xff) / 32, NULL, MARK_UNKNOWN);
		return;
	}
	lapic_vector(c, "irr", e->vector, true);
	lapic_vector(c, "tmr", e->vector, e->trig_mode);
	mark(c, "ppr", -1, NULL, MARK_UNKNOWN);
}

/* The vCPU took a vector: it moves from IRR to ISR, when it came from the LAPIC. */
static void apply_inject(struct reconstruction *r, uint32_t vm, int32_t vcpu,
			 const struct kvmirq_ev_inj_virq *e)
{
	struct chip_state *c = existing(r, &chip_model_x86_lapic, vm, vcpu);
	unsigned element = (e->vector & 0xff) / 32;

	if (!c || (e->has_soft_reinjected && (e->soft || e->reinjected)))
		return;
	/* a PIC (ExtINT) vector never was in IRR: we cannot tell which it was */
	mark(c, "irr", (int)element, NULL, MARK_UNKNOWN);
	mark(c, "isr", (int)element, NULL, MARK_UNKNOWN);
	mark(c, "ppr", -1, NULL, MARK_UNKNOWN);
}

static void forget_remote_irr(struct reconstruction *r, uint32_t vm, unsigned vector)
{
	struct chip_state *c = existing(r, &chip_model_x86_ioapic, vm, 0);
	const struct chip_register *redir = c ? chip_register_by_name(c->model, "redir") : NULL;
	uint64_t e;

	for (unsigned pin = 0; redir && pin < redir->count; pin++)
		if (!chip_register_get(c, redir, pin, &e) || (e & 0xff) == vector)
			mark(c, "redir", (int)pin, "remote_irr", MARK_UNKNOWN);
}

static void apply_eoi(struct reconstruction *r, uint32_t vm, const struct kvmirq_ev_eoi *e)
{
	struct chip_state *c = existing(r, &chip_model_x86_lapic, vm, (int32_t)e->apicid);

	if (c) {
		lapic_vector(c, "isr", e->vector, false);
		mark(c, "ppr", -1, NULL, MARK_UNKNOWN);
	}
	forget_remote_irr(r, vm, e->vector & 0xff);
}

static void apply_ioapic(struct reconstruction *r, uint32_t vm,
			 const struct kvmirq_ev_ioapic_set_irq *e)
{
	struct chip_state *c = existing(r, &chip_model_x86_ioapic, vm, 0);
	const struct chip_register *redir = c ? chip_register_by_name(c->model, "redir") : NULL;

	if (!redir || e->pin >= redir->count)
		return;
	/* the entry as the kernel used it; its status bits move right after */
	chip_register_set(c, redir, e->pin, e->entry);
	mark(c, "redir", (int)e->pin, NULL, MARK_AFTER_SET);
	mark(c, "irr", -1, NULL, MARK_UNKNOWN);
}

static void apply_pic(struct reconstruction *r, uint32_t vm, const struct kvmirq_ev_pic_set_irq *e)
{
	const struct chip_model *m = e->chip ? &chip_model_x86_pic_slave : &chip_model_x86_pic_master;
	struct chip_state *c = existing(r, m, vm, 0);

	if (!c)
		return;
	chip_register_set(c, chip_register_by_name(m, "imr"), 0, e->imr);
	mark(c, "imr", -1, NULL, MARK_KNOWN);
	chip_register_set(c, chip_register_by_name(m, "elcr"), 0, e->elcr);
	mark(c, "elcr", -1, NULL, MARK_KNOWN);
	mark(c, "irr", -1, NULL, MARK_UNKNOWN);
	mark(c, "last_irr", -1, NULL, MARK_UNKNOWN);
}

/* A line moved: the input levels the chips hold are no longer what the trace knows. */
static void apply_line(struct reconstruction *r, uint32_t vm)
{
	struct chip_state *c = existing(r, &chip_model_x86_ioapic, vm, 0);

	for (size_t i = 0; i < r->snap.nr_chips; i++)
		if (r->snap.chips[i].vm == vm && r->snap.chips[i].model)
			forget(&r->snap.chips[i], r->snap.chips[i].model->line_forgets);

	if (c)
		mark(c, "irr", -1, NULL, MARK_UNKNOWN);
	for (int slave = 0; slave < 2; slave++) {
		c = existing(r, slave ? &chip_model_x86_pic_slave : &chip_model_x86_pic_master, vm, 0);
		if (c) {
			mark(c, "irr", -1, NULL, MARK_UNKNOWN);
			mark(c, "last_irr", -1, NULL, MARK_UNKNOWN);
		}
	}
}

void recon_apply(struct reconstruction *r, const void *rec, size_t len)
{
	const struct kvmirq_event_header *h = rec;
	const void *body = h + 1;
	uint32_t vm;

	if (len < sizeof(*h) || r->error)
		return;
	if (!r->events++)
		r->first_ns = h->timestamp_ns;
	r->last_ns = h->timestamp_ns;
	vm = (uint32_t)h->vm;
	if (h->kind == KVMIRQ_EV_IOCTL_PAYLOAD) {
		continue_routing(r, h, len);
		return;
	}
	if (!vm && h->kind != KVMIRQ_EV_IOCTL)
		return; /* unattributed: which VM's chips it touched is unknown */
	switch (h->kind) { /* only a running guest takes, EOIs or sends interrupts */
	case KVMIRQ_EV_INJ_VIRQ:
	case KVMIRQ_EV_EOI:
	case KVMIRQ_EV_PV_EOI:
	case KVMIRQ_EV_APIC_IPI:
	case KVMIRQ_EV_ACK_IRQ:
	case KVMIRQ_EV_MPIC_MMIO:
		guest_ran(r, vm);
		break;
	default:
		break;
	}
	switch (h->kind) {
	case KVMIRQ_EV_IOCTL:
		if (len >= sizeof(*h) + sizeof(struct kvmirq_ev_ioctl))
			apply_ioctl(r, h);
		return;
	case KVMIRQ_EV_APIC_ACCEPT_IRQ:
		apply_accept(r, vm, body);
		break;
	case KVMIRQ_EV_INJ_VIRQ:
		apply_inject(r, vm, h->vcpu_id, body);
		break;
	case KVMIRQ_EV_EOI:
	case KVMIRQ_EV_PV_EOI:
		apply_eoi(r, vm, body);
		break;
	case KVMIRQ_EV_IOAPIC_SET_IRQ:
		apply_ioapic(r, vm, body);
		break;
	case KVMIRQ_EV_PIC_SET_IRQ:
		apply_pic(r, vm, body);
		break;
	case KVMIRQ_EV_SET_IRQ:
	case KVMIRQ_EV_ACK_IRQ:
	case KVMIRQ_EV_ARM_IRQ_LINE:
	case KVMIRQ_EV_VGIC_UPDATE_PENDING:
		apply_line(r, vm);
		break;
	case KVMIRQ_EV_MPIC_MMIO:
		apply_mpic_mmio(r, vm, body);
		break;
	default:
		return;
	}
	r->events_used++;
}
