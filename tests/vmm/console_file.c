// SPDX-License-Identifier: GPL-2.0
/* A file on the serial console between marker lines (see console_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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

int console_print_file(const char *path, const char *name)
{
	uint8_t *buf;
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !(buf = malloc((size_t)st.st_size + 1))) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
		err = errno ? errno : EIO;
		free(buf);
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	printf("KVMIRQ-FILE-BEGIN %s\n", name);
	print_base64(buf, (size_t)st.st_size);
	printf("KVMIRQ-FILE-END %s %lld %08lx\n", name, (long long)st.st_size,
	       crc32(0, buf, (uInt)st.st_size));
	fflush(stdout);
	free(buf);
	return 0;
}
