/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reader input abstraction (memory, pread on regular files, streams). */
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "source.h"

#define TF_READ_STEP (1024u * 1024u)

void tf_source_memory(struct tf_source *s, const void *data, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->kind = TF_SRC_MEMORY;
	s->mem = data;
	s->mem_len = data ? len : 0;
	s->fd = -1;
	s->size = s->mem_len;
	s->size_known = 1;
}

int tf_source_fd(struct tf_source *s, int fd, int owns_fd)
{
	struct stat st;
	off_t cur;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->owns_fd = owns_fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode)) {
		s->kind = TF_SRC_PREAD;
		cur = lseek(fd, 0, SEEK_CUR);
		s->base = cur > 0 ? (uint64_t)cur : 0;
		s->size = (uint64_t)st.st_size > s->base
				  ? (uint64_t)st.st_size - s->base : 0;
		s->size_known = 1;
	} else {
		s->kind = TF_SRC_STREAM;
	}
	return 0;
}

void tf_source_close(struct tf_source *s)
{
	if (s->owns_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int tf_source_seekable(const struct tf_source *s)
{
	return s->kind != TF_SRC_STREAM;
}

/* Read from fd into buf->p[buf->len..] up to want bytes, growing buf in
 * steps; stops at EOF. */
static int fill(struct tf_source *s, uint64_t off, size_t want,
		struct tf_buf *buf)
{
	while (buf->len < want) {
		size_t step = want - buf->len;
		ssize_t k;

		if (step > TF_READ_STEP)
			step = TF_READ_STEP;
		if (tf_buf_reserve(buf, step))
			return -ENOMEM;
		if (s->kind == TF_SRC_PREAD)
			k = pread(s->fd, buf->p + buf->len, step,
				  (off_t)(s->base + off + buf->len));
		else
			k = read(s->fd, buf->p + buf->len, step);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		buf->len += (size_t)k;
		if (s->kind == TF_SRC_STREAM)
			s->spos += (uint64_t)k;
	}
	return 0;
}

int tf_source_read(struct tf_source *s, uint64_t off, size_t len,
		   struct tf_buf *buf, const uint8_t **out, size_t *got)
{
	int rc;

	*got = 0;
	*out = NULL;
	if (s->kind == TF_SRC_MEMORY) {
		if (off < s->mem_len) {
			size_t left = s->mem_len - (size_t)off;

			*out = s->mem + off;
			*got = len < left ? len : left;
		}
		return 0;
	}
	if (s->kind == TF_SRC_STREAM) {
		if (off < s->spos)
			return -ESPIPE;
		/* Skip forward by reading and discarding. */
		while (s->spos < off) {
			uint64_t skip = off - s->spos;
			uint64_t before = s->spos;

			buf->len = 0;
			rc = fill(s, 0, skip < TF_READ_STEP ? (size_t)skip
							    : TF_READ_STEP,
				  buf);
			if (rc)
				return rc;
			if (s->spos == before) {	/* EOF */
				buf->len = 0;
				*out = buf->p;
				return 0;
			}
		}
	}
	buf->len = 0;
	rc = fill(s, off, len, buf);
	if (rc)
		return rc;
	*out = buf->p;
	*got = buf->len;
	return 0;
}
