// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int kprobe_events_path(char *path, size_t len)
{
	const char *root = tracefs_root();

	if (!root)
		return -ENOENT;
	snprintf(path, len, "%s/kprobe_events", root);
	return 0;
}

bool tracefs_has_kprobe_events(void)
{
	char path[PATH_MAX];

	return !kprobe_events_path(path, sizeof(path)) && access(path, W_OK) == 0;
}

/* Append one definition to kprobe_events (appending keeps the others). */
static int kprobe_events_write(const char *line)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err;

	err = kprobe_events_path(path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, strlen(line));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

int tracefs_kretprobe_add(const char *group, const char *event, const char *function,
			  unsigned int maxactive)
{
	char line[256], path[PATH_MAX], id[32] = "";
	FILE *f;
	int err;

	/* one left by a killed process whose pid this one reuses */
	tracefs_kprobe_remove(group, event);
	snprintf(line, sizeof(line), "r%u:%s/%s %s\n", maxactive, group, event, function);
	err = kprobe_events_write(line);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracefs_root(), group, event);
	f = fopen(path, "re");
	if (!f || !fgets(id, sizeof(id), f)) {
		err = errno ? -errno : -ENOENT;
		if (f)
			fclose(f);
		tracefs_kprobe_remove(group, event);
		return err;
	}
	fclose(f);
	return atoi(id);
}

void tracefs_kprobe_remove(const char *group, const char *event)
{
	char line[160];

	snprintf(line, sizeof(line), "-:%s/%s\n", group, event);
	kprobe_events_write(line);
}
