// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "top/live.h"

int top_live_open(struct top_source *src, const struct top_live_options *o, char *err,
		  size_t errlen)
{
	(void)src;
	(void)o;
	snprintf(err, errlen, "the live view is not built yet: use -i RECORDING");
	return -ENOSYS;
}
