// SPDX-License-Identifier: GPL-2.0
/* A device-attribute access decoded from the chip model's table. */
#include "chips/chip_attr.h"
#include "chips/msi.h"
#include "util/kv.h"

const struct chip_register *chip_attr_register(const struct chip_model *m, uint32_t group,
					       uint64_t attr, enum chip_access access,
					       unsigned *element)
{
	if (access == CHIP_ACCESS_READ)
		return chip_register_by_attr(m, group, attr, element);
	return chip_register_written_at(m, group, attr, element);
}

/* VALUE (F's bits) as its format shows it, under NAME: numbers stay numbers in JSON. */
static void value_kv(const struct chip_register *r, const struct chip_field *f, const char *name,
		     uint64_t value, struct kv_list *l)
{
	struct chip_value v = { .reg = r, .field = f, .known = true, .value = value };
	char text[64];

	switch (f->format) {
	case CHIP_FMT_DEC:
		kv_u64(l, name, v.value);
		break;
	case CHIP_FMT_BOOL:
		kv_bool(l, name, (int)v.value);
		break;
	case CHIP_FMT_HEX:
		kv_hex(l, name, v.value);
		break;
	default:
		kv_str(l, name, chip_value_format(&v, text, sizeof(text)));
	}
}

/* A field of one value per interrupt, each under the interrupt's name; of a
 * bitmap, only the interrupts whose bit is set: "spi40=yes". */
static void per_irq_kv(const struct chip_model *m, const struct chip_register *r,
		       unsigned element, const struct chip_field *f, uint64_t raw,
		       struct kv_list *l)
{
	unsigned first = r->irq_base + element * r->irq_span;

	for (unsigned i = 0; i < f->bits / f->per_irq; i++) {
		uint64_t v = (raw >> (f->lo + i * f->per_irq)) & ((1ull << f->per_irq) - 1);
		char name[24];

		if (f->per_irq == 1 && !v)
			continue;
		chip_irq_label(m, first + i, name, sizeof(name));
		value_kv(r, f, name, v, l);
		kv_keep_name(l);
	}
}

/* The command a write of VALUE is: the register's, else that of a field set in it. */
static const char *write_command(const struct chip_register *r, bool have_value, uint64_t value)
{
	if (r->flags & CHIP_WRITE_COMMAND)
		return r->command;
	for (const struct chip_field *f = r->fields; have_value && f && f->name; f++)
		if ((f->flags & CHIP_WRITE_COMMAND) && chip_field_value(f, value))
			return f->command;
	return NULL;
}

/* Fields that exist on one variant only, when the value sets them. */
static void field_variants(const struct chip_register *r, uint64_t value, struct kv_list *l)
{
	bool open = false;

	for (const struct chip_field *f = r->fields; f && f->name; f++) {
		if (!f->only_on || !chip_field_value(f, value))
			continue;
		if (!open)
			kv_object(l, "fields_only_on");
		open = true;
		kv_str(l, f->name, f->only_on);
	}
	if (open)
		kv_end(l);
}

const char *chip_attr_command(const struct chip_model *m, uint32_t group, uint64_t attr,
			      enum chip_access access, bool have_value, uint64_t value)
{
	unsigned element;
	const struct chip_register *r = chip_attr_register(m, group, attr, access, &element);

	if (!r)
		return NULL;
	if (access == CHIP_ACCESS_READ)
		return r->flags & CHIP_SIDE_EFFECT ? r->command : NULL;
	return access == CHIP_ACCESS_WRITE ? write_command(r, have_value, value) : NULL;
}

void chip_attr_decode(const struct chip_model *m, uint32_t group, uint64_t attr,
		      enum chip_access access, bool have_value, uint64_t value, struct kv_list *l)
{
	const char *group_name = chip_group_name(m, group);
	const struct chip_register *r;
	const char *command;
	unsigned element;
	char name[64];

	if (!group_name)
		return;
	kv_str(l, "group_name", group_name);
	r = chip_attr_register(m, group, attr, access, &element);
	if (!r)
		return;
	kv_str(l, "register", chip_register_element_name(r, element, name, sizeof(name)));
	if (r->only_on)
		kv_str(l, "only_on", r->only_on);
	command = chip_attr_command(m, group, attr, access, have_value, value);
	if (command)
		kv_str(l, "command", command);
	if (!have_value)
		return;
	if (r->fields) {
		kv_object(l, "decoded");
		for (const struct chip_field *f = r->fields; f->name; f++)
			if (f->per_irq)
				per_irq_kv(m, r, element, f, value, l);
			else
				value_kv(r, f, f->name, chip_field_value(f, value), l);
		kv_end(l);
		field_variants(r, value, l);
	}
	if (access == CHIP_ACCESS_WRITE && (r->flags & CHIP_MSI_DOORBELL) && m->msi)
		m->msi->fields(&(struct msi_message){ .data = (uint32_t)value }, l);
}
