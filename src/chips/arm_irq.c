// SPDX-License-Identifier: GPL-2.0
/* arm64 interrupt lines and INTIDs by name (arm_irq.h). */
#include <ctype.h>
#include <stdio.h>

#include "chips/arm_irq.h"
#include "util/kv.h"

/* arch/arm64/include/uapi/asm/kvm.h: KVM_ARM_IRQ_* */
#define IRQ_VCPU2_SHIFT 28
#define IRQ_VCPU2_MASK 0xfu
#define IRQ_TYPE_SHIFT 24
#define IRQ_TYPE_MASK 0xfu
#define IRQ_VCPU_SHIFT 16
#define IRQ_VCPU_MASK 0xffu
#define IRQ_NUM_MASK 0xffffu

#ifdef __aarch64__
/* Built on arm64: the numbers above are the uAPI's. */
#include <asm/kvm.h>
_Static_assert(IRQ_VCPU2_SHIFT == KVM_ARM_IRQ_VCPU2_SHIFT && IRQ_VCPU2_MASK == KVM_ARM_IRQ_VCPU2_MASK,
	       "KVM_ARM_IRQ_VCPU2");
_Static_assert(IRQ_TYPE_SHIFT == KVM_ARM_IRQ_TYPE_SHIFT && IRQ_TYPE_MASK == KVM_ARM_IRQ_TYPE_MASK,
	       "KVM_ARM_IRQ_TYPE");
_Static_assert(IRQ_VCPU_SHIFT == KVM_ARM_IRQ_VCPU_SHIFT && IRQ_VCPU_MASK == KVM_ARM_IRQ_VCPU_MASK,
	       "KVM_ARM_IRQ_VCPU");
_Static_assert(KVM_ARM_IRQ_NUM_SHIFT == 0 && IRQ_NUM_MASK == KVM_ARM_IRQ_NUM_MASK,
	       "KVM_ARM_IRQ_NUM");
_Static_assert(ARM_IRQ_TYPE_CPU == KVM_ARM_IRQ_TYPE_CPU && ARM_IRQ_TYPE_SPI == KVM_ARM_IRQ_TYPE_SPI &&
		       ARM_IRQ_TYPE_PPI == KVM_ARM_IRQ_TYPE_PPI,
	       "KVM_ARM_IRQ_TYPE_*");
#endif

/* The GIC's INTID ranges (VGIC_NR_SGIS, VGIC_NR_PRIVATE_IRQS, VGIC_MAX_SPI, VGIC_MIN_LPI) */
#define FIRST_PPI 16
#define FIRST_SPI 32
#define FIRST_SPECIAL 1020
#define FIRST_RESERVED 1024
#define FIRST_LPI 8192

void arm_irq_line_split(uint32_t irq, struct arm_irq_line *l)
{
	l->type = irq >> IRQ_TYPE_SHIFT & IRQ_TYPE_MASK;
	l->vcpu = (irq >> IRQ_VCPU_SHIFT & IRQ_VCPU_MASK) +
		  (irq >> IRQ_VCPU2_SHIFT & IRQ_VCPU2_MASK) * (IRQ_VCPU_MASK + 1);
	l->num = irq & IRQ_NUM_MASK;
}

uint32_t arm_irq_line_join(const struct arm_irq_line *l)
{
	return (l->vcpu / (IRQ_VCPU_MASK + 1) & IRQ_VCPU2_MASK) << IRQ_VCPU2_SHIFT |
	       (l->type & IRQ_TYPE_MASK) << IRQ_TYPE_SHIFT |
	       (l->vcpu & IRQ_VCPU_MASK) << IRQ_VCPU_SHIFT | (l->num & IRQ_NUM_MASK);
}

static const char *cpu_input(unsigned num)
{
	return num == 0 ? "IRQ" : num == 1 ? "FIQ" : NULL; /* KVM_ARM_IRQ_CPU_IRQ, _FIQ */
}

const char *arm_irq_line_text(const struct arm_irq_line *l, char *buf, size_t len)
{
	switch (l->type) {
	case ARM_IRQ_TYPE_SPI:
		snprintf(buf, len, "SPI %u", l->num);
		break;
	case ARM_IRQ_TYPE_PPI:
		snprintf(buf, len, "PPI %u on vCPU %u", l->num, l->vcpu);
		break;
	case ARM_IRQ_TYPE_CPU:
		if (cpu_input(l->num)) {
			snprintf(buf, len, "CPU %s on vCPU %u", cpu_input(l->num), l->vcpu);
			break;
		}
		/* KVM refuses any other number */
		__attribute__((fallthrough));
	default:
		snprintf(buf, len, "type %u number %u on vCPU %u", l->type, l->num, l->vcpu);
	}
	return buf;
}

void arm_irq_line_fields(const struct arm_irq_line *l, struct kv_list *kv)
{
	static const char *const types[] = {
		[ARM_IRQ_TYPE_CPU] = "cpu", [ARM_IRQ_TYPE_SPI] = "spi", [ARM_IRQ_TYPE_PPI] = "ppi",
	};
	char text[48];

	if (l->type < sizeof(types) / sizeof(types[0]))
		kv_str(kv, "type", types[l->type]);
	else
		kv_u64(kv, "type", l->type);
	if (l->type != ARM_IRQ_TYPE_SPI)
		kv_u64(kv, "vcpu", l->vcpu);
	if (l->type == ARM_IRQ_TYPE_CPU && cpu_input(l->num))
		kv_str(kv, "cpu_input", l->num ? "fiq" : "irq");
	else
		kv_u64(kv, "intid", l->num);
	kv_str(kv, "line", arm_irq_line_text(l, text, sizeof(text)));
}

unsigned arm_route_pin_intid(unsigned pin)
{
	return pin + FIRST_SPI;
}

const char *arm_intid_class_label(unsigned intid)
{
	if (intid < FIRST_PPI)
		return "sgi";
	if (intid < FIRST_SPI)
		return "ppi";
	if (intid < FIRST_SPECIAL)
		return "spi";
	if (intid < FIRST_RESERVED)
		return "special";
	return intid >= FIRST_LPI ? "lpi" : "intid";
}

const char *arm_intid_text(unsigned intid, unsigned vcpu, char *buf, size_t len)
{
	const char *label = arm_intid_class_label(intid);
	char upper[8];
	size_t i;

	for (i = 0; label[i] && i < sizeof(upper) - 1; i++)
		upper[i] = (char)toupper((unsigned char)label[i]);
	upper[i] = '\0';
	if (intid >= FIRST_SPI && intid < FIRST_SPECIAL)
		snprintf(buf, len, "SPI %u", intid);
	else
		snprintf(buf, len, "%s %u on vCPU %u", upper, intid, vcpu);
	return buf;
}

void arm_intid_fields(unsigned intid, unsigned vcpu, struct kv_list *kv)
{
	char text[48];

	kv_str(kv, "class", arm_intid_class_label(intid));
	kv_str(kv, "line", arm_intid_text(intid, vcpu, text, sizeof(text)));
}
