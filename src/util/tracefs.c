// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tracefs.h"

static bool has_events(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", root);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tracefs_root(void)
{
	static const char *const candidates[] = { "/sys/kernel/tracing",
						  "/sys/kernel/debug/tracing" };

	for (unsigned int i = 0; i < 2; i++)
		if (has_events(candidates[i]))
			return candidates[i];
	/* Not mounted: mount it where the kernel expects it. */
	if (mount("nodev", candidates[0], "tracefs", 0, NULL) == 0 && has_events(candidates[0]))
		return candidates[0];
	return NULL;
}

bool tracefs_event_exists(const char *system_event)
{
	const char *root = tracefs_root();
	char path[PATH_MAX];
	struct stat st;

	if (!root)
		return false;
	snprintf(path, sizeof(path), "%s/events/%s", root, system_event);
	return stat(path, &st) == 0;
}
