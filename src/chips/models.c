// SPDX-License-Identifier: GPL-2.0
/* The list of chip models, in the order a snapshot reads them. */
#include <string.h>

#include "chips/models.h"

static const struct chip_model *const all_models[] = {
	&chip_model_x86_pic_master,
	&chip_model_x86_pic_slave,
	&chip_model_x86_ioapic,
	&chip_model_x86_lapic,
	&chip_model_fsl_mpic,
	&chip_model_gicv3_dist,
	&chip_model_gicv3_redist,
	&chip_model_gicv3_cpu,
	&chip_model_gicv3_its,
};

enum chip_arch chip_host_arch(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return CHIP_ARCH_X86;
#elif defined(__powerpc__)
	return CHIP_ARCH_POWERPC;
#elif defined(__aarch64__)
	return CHIP_ARCH_ARM64;
#else
	return CHIP_ARCH_ANY;
#endif
}

const struct chip_model *const *chip_models(size_t *count)
{
	*count = sizeof(all_models) / sizeof(all_models[0]);
	return all_models;
}

const struct chip_model *chip_model_by_name(const char *name)
{
	size_t n;
	const struct chip_model *const *m = chip_models(&n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i]->name, name))
			return m[i];
	return NULL;
}

const struct chip_model *chip_model_by_device(const char *device_name)
{
	size_t n;
	const struct chip_model *const *m = chip_models(&n);

	for (size_t i = 0; i < n; i++)
		if (m[i]->device_name && !strcmp(m[i]->device_name, device_name))
			return m[i];
	return NULL;
}

static bool reads_group(const struct chip_model *m, uint32_t group)
{
	for (size_t i = 0; i < m->nr_registers; i++)
		if (m->registers[i].read == CHIP_READ_DEVICE_ATTR && m->registers[i].group == group)
			return true;
	return false;
}

const struct chip_model *chip_model_by_device_group(const char *device_name, uint32_t group,
						   uint64_t attr)
{
	size_t n;
	const struct chip_model *const *m = chip_models(&n);
	unsigned element;

	/* a group two models share (the VGIC's LEVEL_INFO: SPIs in the
	 * distributor, a vCPU's private lines in its redistributor): by attr */
	for (size_t i = 0; i < n; i++)
		if (m[i]->device_name && !strcmp(m[i]->device_name, device_name) &&
		    chip_register_by_attr(m[i], group, attr, &element))
			return m[i];

	for (size_t i = 0; i < n; i++)
		if (m[i]->device_name && !strcmp(m[i]->device_name, device_name) &&
		    reads_group(m[i], group))
			return m[i];
	return chip_model_by_device(device_name);
}
