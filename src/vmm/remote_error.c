// SPDX-License-Identifier: GPL-2.0
/*
 * The injector's error message and what it says about itself: every part
 * of it (remote_internal.h) reports here, so the parts call down to this
 * file and never round in a circle.
 */
#include <stdarg.h>
#include <stdio.h>

#include "vmm/remote_internal.h"

void remote_seterr(struct remote *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

pid_t remote_executor(const struct remote *r)
{
	return r && r->exec < r->nr_threads ? r->threads[r->exec].tid : 0;
}

const char *remote_error(const struct remote *r)
{
	return r ? r->msg : "";
}
