/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One device-attribute access (KVM_SET/GET/HAS_DEVICE_ATTR) in a chip
 * model's terms: the group by name, the register element it reaches, the
 * value split into the register's fields, and whether the access is a
 * command (an IACK read, an EOI write) rather than state. All of it comes
 * from the model's table.
 */
#ifndef KVMIRQ_CHIP_ATTR_H
#define KVMIRQ_CHIP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chips/chip.h"

struct kv_list;

enum chip_access {
	CHIP_ACCESS_PROBE, /* HAS_DEVICE_ATTR: neither reads nor writes */
	CHIP_ACCESS_READ,  /* GET_DEVICE_ATTR */
	CHIP_ACCESS_WRITE, /* SET_DEVICE_ATTR */
};

/* The register element ACCESS of (GROUP, ATTR) reaches: a write and a probe
 * name the register the attr documents (where a GET reads another one, the
 * written one), a read the one whose value it returns. NULL: none. */
const struct chip_register *chip_attr_register(const struct chip_model *model, uint32_t group,
					       uint64_t attr, enum chip_access access,
					       unsigned *element);

/* The command ACCESS of (GROUP, ATTR) is ("iack", "eoi", "reset" when
 * HAVE_VALUE sets a reset field), or NULL when it is state or unknown. */
const char *chip_attr_command(const struct chip_model *model, uint32_t group, uint64_t attr,
			      enum chip_access access, bool have_value, uint64_t value);

/*
 * Adds group_name, register, only_on (the variant it exists on), command
 * (what the access does, when it is one) and, when HAVE_VALUE, decoded (the
 * value's fields) and a doorbell write's MSI fields. Adds nothing for a
 * group the model does not name.
 */
void chip_attr_decode(const struct chip_model *model, uint32_t group, uint64_t attr,
		      enum chip_access access, bool have_value, uint64_t value,
		      struct kv_list *l);

#endif
