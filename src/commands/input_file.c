// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands/cli_messages.h"
#include "commands/input_file.h"
#include "kvmirq/tracefile.h"

/* The magic's length: enough for the container to say "not a kvmirq file". */
#define MAGIC_LEN 8

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Copy FROM to TO up to its end; once the first bytes show it is not a
 * kvmirq file, stop there (yes | kvmirq show /dev/stdin would never end):
 * what was copied is enough for the reader's own "not a kvmirq file".
 */
static int copy_stream(int from, int to)
{
	static char buf[1 << 16];
	size_t total = 0;
	bool checked = false;

	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		int ret;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		ret = write_all(to, buf, (size_t)n);
		if (ret)
			return ret;
		total += (size_t)n;
		if (!checked && total >= MAGIC_LEN) {
			struct tracefile_reader *r = NULL;
			char head[MAGIC_LEN];

			checked = true;
			if (pread(to, head, MAGIC_LEN, 0) == MAGIC_LEN) {
				ret = tracefile_reader_open_memory(&r, head, MAGIC_LEN);
				tracefile_reader_free(r);
				if (ret == -EMEDIUMTYPE)
					return 0;
			}
		}
	}
}

int input_file_open(struct input_file *in, const char *name, int status)
{
	struct stat st;
	int from, ret;

	in->name = in->path = name;
	in->fd = -1;
	if (stat(name, &st) || !S_ISFIFO(st.st_mode))
		return 0; /* the readers say what is wrong with it */
	from = open(name, O_RDONLY | O_CLOEXEC);
	if (from < 0)
		return cli_error(status, "%s: %s", name, strerror(errno));
	in->fd = memfd_create("kvmirq-input", MFD_CLOEXEC);
	ret = in->fd < 0 ? -errno : copy_stream(from, in->fd);
	close(from);
	if (ret) {
		input_file_close(in);
		return cli_error(status, "%s: reading it into memory: %s", name, strerror(-ret));
	}
	snprintf(in->buf, sizeof(in->buf), "/proc/self/fd/%d", in->fd);
	in->path = in->buf;
	cli_messages_alias(in->path, name);
	return 0;
}

void input_file_close(struct input_file *in)
{
	if (in->fd >= 0) {
		cli_messages_alias(in->buf, NULL);
		close(in->fd);
	}
	in->fd = -1;
	in->path = in->name;
}
