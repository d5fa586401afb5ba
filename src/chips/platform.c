// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <sys/utsname.h>

#include "chips/platform.h"

#define MACHINES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct platform platforms[] = {
	{
		.name = "x86_64",
		.machines = MACHINES("x86_64"),
		.arch = CHIP_ARCH_X86,
		.big_endian = false,
		.word_size = 8,
		.msi = &msi_decoder_x86,
		.irqchip_default_gsis = 24,
		.default_routes_by = "KVM_CREATE_IRQCHIP",
		.irq_line_is_gsi = true,
	},
	{
		.name = "i686",
		.machines = MACHINES("i386", "i486", "i586", "i686"),
		.arch = CHIP_ARCH_X86,
		.big_endian = false,
		.word_size = 4,
		.msi = &msi_decoder_x86,
		.irqchip_default_gsis = 24,
		.default_routes_by = "KVM_CREATE_IRQCHIP",
		.irq_line_is_gsi = true,
	},
	{
		/* e500 (BookE): the in-kernel MPIC */
		.name = "ppc",
		.machines = MACHINES("ppc"),
		.arch = CHIP_ARCH_POWERPC,
		.big_endian = true,
		.word_size = 4,
		.msi = &msi_decoder_mpic,
		.irq_line_is_gsi = true,
	},
	{
		/* Book3S (XICS, XIVE) and 64-bit BookE: MSIs not decoded yet */
		.name = "ppc64",
		.machines = MACHINES("ppc64"),
		.arch = CHIP_ARCH_POWERPC,
		.big_endian = true,
		.word_size = 8,
		.msi = &msi_decoder_raw,
		.irq_line_is_gsi = true,
	},
	{
		.name = "ppc64le",
		.machines = MACHINES("ppc64le"),
		.arch = CHIP_ARCH_POWERPC,
		.big_endian = false,
		.word_size = 8,
		.msi = &msi_decoder_raw,
		.irq_line_is_gsi = true,
	},
	{
		.name = "aarch64",
		.machines = MACHINES("aarch64", "arm64"),
		.arch = CHIP_ARCH_ARM64,
		.big_endian = false,
		.word_size = 8,
		.msi = &msi_decoder_its,
		.default_routes_by = "the VGIC's KVM_DEV_ARM_VGIC_CTRL_INIT",
	},
	{
		.name = "aarch64_be",
		.machines = MACHINES("aarch64_be"),
		.arch = CHIP_ARCH_ARM64,
		.big_endian = true,
		.word_size = 8,
		.msi = &msi_decoder_its,
		.default_routes_by = "the VGIC's KVM_DEV_ARM_VGIC_CTRL_INIT",
	},
	{
		.name = "s390x",
		.machines = MACHINES("s390x"),
		.arch = CHIP_ARCH_ANY,
		.big_endian = true,
		.word_size = 8,
		.msi = &msi_decoder_raw,
	},
	{
		.name = "s390",
		.machines = MACHINES("s390"),
		.arch = CHIP_ARCH_ANY,
		.big_endian = true,
		.word_size = 4,
		.msi = &msi_decoder_raw,
	},
};

static const struct platform unknown = {
	.name = "unknown",
	.machines = MACHINES(""),
	.arch = CHIP_ARCH_ANY,
	.big_endian = false,
	.word_size = 8,
	.msi = &msi_decoder_raw,
};

const struct platform *platform_by_machine(const char *machine)
{
	for (size_t i = 0; machine && i < sizeof(platforms) / sizeof(platforms[0]); i++)
		for (const char *const *m = platforms[i].machines; *m; m++)
			if (!strcmp(*m, machine))
				return &platforms[i];
	return &unknown;
}

const struct platform *platform_host(void)
{
	struct utsname u;

	return platform_by_machine(uname(&u) ? NULL : u.machine);
}
