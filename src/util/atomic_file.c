// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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

const char *output_strerror(int err)
{
	if (err == -OUTPUT_NOT_REGULAR)
		return "not a regular file (a directory, FIFO or device is never replaced)";
	return strerror(-err);
}

static void release(struct atomic_file *af)
{
	free(af->path);
	free(af->tmp_path);
	af->f = NULL;
	af->path = af->tmp_path = NULL;
}

int atomic_file_open(struct atomic_file *af, const char *path, unsigned int mode)
{
	size_t len = strlen(path) + sizeof(".XXXXXX");
	mode_t mask;
	int fd, err = output_replaceable(path);

	af->f = NULL;
	af->path = af->tmp_path = NULL;
	if (err < 0)
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
	if (!err && rename(af->tmp_path, af->path))
		err = -errno;
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
