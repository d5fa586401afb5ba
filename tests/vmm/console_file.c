// SPDX-License-Identifier: GPL-2.0
/* A file on the serial console between marker lines (see console_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "console_file.h"

static void print_base64(const uint8_t *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[80];
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t w = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		line[col++] = tab[w >> 18 & 63];
		line[col++] = tab[w >> 12 & 63];
		line[col++] = i + 1 < n ? tab[w >> 6 & 63] : '=';
		line[col++] = i + 2 < n ? tab[w & 63] : '=';
		if (col == 76) {
			fwrite(line, 1, col, stdout);
			fputc('\n', stdout);
			col = 0;
		}
	}
	if (col) {
		fwrite(line, 1, col, stdout);
		fputc('\n', stdout);
	}
}

/*
 * The whole of FD, read to its end: tracefs and procfs files say size 0.
 * Returns a malloc'd buffer and its length in *LEN, or NULL (errno set).
 */
static uint8_t *read_all(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *buf = malloc(cap), *bigger;
	ssize_t got;

	while (buf && (got = read(fd, buf + n, cap - n)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		n += (size_t)got;
		if (n == cap) {
			bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	*len = n;
	return buf;
}

int console_print_file(const char *path, const char *name)
{
	uint8_t *buf;
	size_t len;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf = read_all(fd, &len);
	err = errno;
	close(fd);
	if (!buf) {
		errno = err;
		return -1;
	}
	printf("KVMIRQ-FILE-BEGIN %s\n", name);
	print_base64(buf, len);
	printf("KVMIRQ-FILE-END %s %zu %08lx\n", name, len, crc32(0, buf, (uInt)len));
	fflush(stdout);
	free(buf);
	return 0;
}
