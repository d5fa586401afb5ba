/* SPDX-License-Identifier: GPL-2.0 */
/* x86 MSI messages and IOAPIC redirection entries, decoded to named fields. */
#ifndef KVMIRQ_X86_MSI_H
#define KVMIRQ_X86_MSI_H

#include <stdint.h>

struct kv_list;

/* An MSI's address_lo is an interrupt address when its top 12 bits are 0xFEE. */
#define X86_MSI_ADDRESS_MASK 0xfff00000u
#define X86_MSI_ADDRESS_BASE 0xfee00000u
/* Vectors 0-15 are the CPU's exceptions: a LAPIC refuses them as interrupts. */
#define X86_FIRST_INTERRUPT_VECTOR 16
/* A physical destination that means every LAPIC (xAPIC; x2APIC's is all ones). */
#define X86_XAPIC_BROADCAST 0xffu
#define X86_X2APIC_BROADCAST 0xffffffffu

struct x86_msi {
	uint32_t dest_id;     /* bits 19:12 of address_lo, plus address_hi 31:8 */
	uint32_t ext_dest_id; /* address_lo 11:5: the guest's extended id, KVM ignores it */
	uint8_t vector;
	uint8_t delivery_mode;
	uint8_t dest_logical;
	uint8_t redir_hint;
	uint8_t level_trigger;
	uint8_t assert;
};

/* address is address_lo | address_hi << 32. */
void x86_msi_decode(uint64_t address, uint32_t data, struct x86_msi *out);
void x86_msi_to_kv(uint64_t address, uint32_t data, struct kv_list *l);
const char *x86_delivery_mode_name(unsigned int mode);
void x86_ioapic_entry_to_kv(uint64_t entry, struct kv_list *l);

#endif
