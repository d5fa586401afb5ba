// SPDX-License-Identifier: GPL-2.0
#include "util/stream_error.h"

#include <errno.h>

int stream_error(FILE *f)
{
	errno = 0;
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	return errno ? -errno : -EIO;
}
