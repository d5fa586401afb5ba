// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/exclusive_file.h"

static void release(struct exclusive_file *ef)
{
	if (ef->fd >= 0)
		close(ef->fd);
	free(ef->path);
	free(ef->tmp_path);
	ef->fd = -1;
	ef->path = ef->tmp_path = NULL;
}

/* Does a live writer hold PATH's lock? A link is not followed: it is not ours. */
static bool locked(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	bool busy;

	if (fd < 0)
		return false;
	busy = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

/* What may be done at PATH: 0, or -errno with the reason in ERR. */
static int check(const char *path, bool force, char *err, size_t errlen)
{
	int ret = output_replaceable(path);

	if (ret < 0) {
		output_error(err, errlen, path, ret);
		return ret;
	}
	if (ret && locked(path)) {
		snprintf(err, errlen, "%s is being written by another process (it holds the file's lock)",
			 path);
		return -EBUSY;
	}
	if (ret && !force) {
		output_error(err, errlen, path, -EEXIST);
		return -EEXIST;
	}
	return 0;
}

int exclusive_file_open(struct exclusive_file *ef, const char *path, bool force,
			unsigned int mode, char *err, size_t errlen)
{
	size_t len = strlen(path) + sizeof(".XXXXXX");
	mode_t mask;
	int ret;

	memset(ef, 0, sizeof(*ef));
	ef->fd = -1;
	ef->force = force;
	ret = check(path, force, err, errlen);
	if (ret)
		return ret;
	ef->path = strdup(path);
	ef->tmp_path = malloc(len);
	if (!ef->path || !ef->tmp_path) {
		release(ef);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(ef->tmp_path, len, "%s.XXXXXX", path);
	ef->fd = mkostemp(ef->tmp_path, O_CLOEXEC);
	if (ef->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(-ret));
		release(ef);
		return ret;
	}
	/* mkstemp makes 0600; the final file gets what open(2) would give it */
	mask = umask(0);
	umask(mask);
	if (fchmod(ef->fd, mode & ~mask)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", ef->tmp_path, strerror(-ret));
		unlink(ef->tmp_path);
		release(ef);
		return ret;
	}
	/* a filesystem without locks still records: only a second writer goes unseen */
	(void)flock(ef->fd, LOCK_EX | LOCK_NB);
	return 0;
}

int exclusive_file_publish(struct exclusive_file *ef, char *err, size_t errlen)
{
	int ret = check(ef->path, ef->force, err, errlen);

	if (ret)
		return ret;
	if (ef->force)
		ret = rename(ef->tmp_path, ef->path) ? -errno : 0;
	else
		ret = rename_noreplace(ef->tmp_path, ef->path);
	if (ret == -EEXIST)
		output_error(err, errlen, ef->path, ret);
	else if (ret)
		snprintf(err, errlen, "cannot name %s %s: %s", ef->tmp_path, ef->path,
			 strerror(-ret));
	else
		ef->published = true;
	return ret;
}

int exclusive_file_close(struct exclusive_file *ef, char *err, size_t errlen)
{
	int ret = 0;

	/* EINVAL, EROFS: a file that cannot be synced (a pipe's, a read-only mount's) */
	if (fsync(ef->fd) && errno != EINVAL && errno != EROFS)
		ret = -errno;
	if (close(ef->fd) && !ret)
		ret = -errno;
	ef->fd = -1;
	if (ret)
		snprintf(err, errlen, "%s: %s", ef->path, strerror(-ret));
	release(ef);
	return ret;
}

void exclusive_file_remove(struct exclusive_file *ef)
{
	struct stat mine, there;

	if (!ef->path)
		return;
	if (!ef->published)
		unlink(ef->tmp_path);
	else if (!fstat(ef->fd, &mine) && !lstat(ef->path, &there) &&
		 mine.st_dev == there.st_dev && mine.st_ino == there.st_ino)
		unlink(ef->path);
	release(ef);
}
