// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "chips/payload_format.h"
#include "kvmirq/tracefile.h"

void payload_format_host(struct payload_format *f)
{
	f->platform = platform_host();
	f->big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	f->word_size = sizeof(long);
}

void payload_format_from_header(const struct tracefile_meta *m, struct payload_format *f)
{
	const char *order = tracefile_meta_get_string(m, "byte_order");
	uint64_t word = 0;

	f->platform = platform_by_machine(tracefile_meta_get_string(m, "machine"));
	f->big_endian = order ? !strcmp(order, "big") : f->platform->big_endian;
	f->word_size = !tracefile_meta_get_u64(m, "word_size", &word) && (word == 4 || word == 8)
			       ? (uint8_t)word
			       : f->platform->word_size;
}

int payload_format_describe(struct tracefile_meta *m, const struct payload_format *f)
{
	int ret = tracefile_meta_set_string(m, "byte_order", f->big_endian ? "big" : "little");

	ret |= tracefile_meta_set_u64(m, "word_size", f->word_size);
	return ret ? -ENOMEM : 0;
}
