/* SPDX-License-Identifier: GPL-2.0 */
/* Decoding the payload of each recorded KVM ioctl into named fields. */
#ifndef KVMIRQ_IOCTL_DECODE_H
#define KVMIRQ_IOCTL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "chips/chip_attr.h"
#include "kvmirq/event.h"

struct kv_list;
struct payload_format;

/*
 * IN/OUT are the input and output payloads (IN may be the whole routing
 * table reassembled from continuation records), in the byte order FORMAT
 * says; its platform decodes MSIs.
 */
void ioctl_decode(const struct kvmirq_ev_ioctl *io, const uint8_t *in, size_t in_len,
		  const uint8_t *out, size_t out_len, const struct payload_format *format,
		  struct kv_list *l);

/* What a SET, GET or HAS_DEVICE_ATTR (by ioctl id) does to the attribute. */
enum chip_access ioctl_attr_access(uint8_t ioctl_id);

#endif
