/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the recording host laid out the bytes a file keeps raw: the payloads
 * of recorded ioctls (the structs the VMM passed to KVM) and the register
 * bytes of a snapshot. Event headers and fixed event fields are portable
 * (the batch codec re-encodes them); these bytes are not, and every decoder
 * of them takes a payload_format. Files say it in two header keys,
 * byte_order ("little", "big") and word_size (4, 8); a file written before
 * they existed has it from its machine name's platform row.
 */
#ifndef KVMIRQ_PAYLOAD_FORMAT_H
#define KVMIRQ_PAYLOAD_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "chips/platform.h"

struct tracefile_meta;

struct payload_format {
	const struct platform *platform; /* from the machine name: its MSIs, its irqchips */
	bool big_endian;
	uint8_t word_size;
};

/* The host this kvmirq runs on, as it records. */
void payload_format_host(struct payload_format *f);
/* From a file's header: byte_order and word_size, else the machine's row. */
void payload_format_from_header(const struct tracefile_meta *m, struct payload_format *f);
/* Write byte_order and word_size. 0 or -ENOMEM. */
int payload_format_describe(struct tracefile_meta *m, const struct payload_format *f);

#endif
