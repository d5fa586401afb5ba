// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic_file.h"

int output_replaceable(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	/* a link is replaced itself, but not one to /dev/null or a directory */
	if (S_ISLNK(st.st_mode) && stat(path, &st))
		return errno == ENOENT ? 1 : -errno;
	return S_ISREG(st.st_mode) ? 1 : -OUTPUT_NOT_REGULAR;
}

int output_check(const char *path, bool replace)
{
	int ret = output_replaceable(path);

	if (ret < 0)
		return ret;
	return ret && !replace ? -EEXIST : 0;
}

const char *output_strerror(int err)
{
	if (err == -OUTPUT_NOT_REGULAR)
		return "not a regular file (a directory, FIFO or device is never replaced)";
	return strerror(-err);
}

void output_error(char *buf, size_t len, const char *path, int err)
{
	if (err == -EEXIST)
		snprintf(buf, len, "%s exists: --force replaces it", path);
	else
		snprintf(buf, len, "%s: %s", path, output_strerror(err));
}

static void release(struct atomic_file *af)
{
	free(af->path);
	free(af->tmp_path);
	af->f = NULL;
	af->path = af->tmp_path = NULL;
}

int rename_noreplace(const char *tmp, const char *path)
{
	int fd;

	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -errno;
	if (!link(tmp, path)) {
		unlink(tmp);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return rename(tmp, path) ? -errno : 0;
}

int atomic_file_open(struct atomic_file *af, const char *path, unsigned int mode, bool replace)
{
	size_t len = strlen(path) + sizeof(".XXXXXX");
	mode_t mask;
	int fd, err = output_check(path, replace);

	af->f = NULL;
	af->path = af->tmp_path = NULL;
	af->replace = replace;
	if (err)
		return err;
	af->path = strdup(path);
	af->tmp_path = malloc(len);
	if (!af->path || !af->tmp_path) {
		release(af);
		return -ENOMEM;
	}
	snprintf(af->tmp_path, len, "%s.XXXXXX", path);
	fd = mkstemp(af->tmp_path);
	if (fd < 0) {
		err = -errno;
		release(af);
		return err;
	}
	/* mkstemp makes 0600; the final file gets what open(2) would give it. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, mode & ~mask) || !(af->f = fdopen(fd, "wb"))) {
		err = -errno;
		close(fd);
		unlink(af->tmp_path);
		release(af);
		return err;
	}
	return 0;
}

int atomic_file_commit(struct atomic_file *af)
{
	int err = 0;

	if (fflush(af->f) || fsync(fileno(af->f)))
		err = -errno;
	if (fclose(af->f) && !err)
		err = -errno;
	if (!err)
		err = af->replace ? (rename(af->tmp_path, af->path) ? -errno : 0)
				  : rename_noreplace(af->tmp_path, af->path);
	if (err)
		unlink(af->tmp_path);
	release(af);
	return err;
}

void atomic_file_abort(struct atomic_file *af)
{
	fclose(af->f);
	unlink(af->tmp_path);
	release(af);
}
