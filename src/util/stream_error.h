/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVMIRQ_UTIL_STREAM_ERROR_H
#define KVMIRQ_UTIL_STREAM_ERROR_H

#include <stdio.h>

/*
 * 0 when everything written to F so far reached its file, else -errno
 * (-EIO when stdio kept no reason). stdio keeps only a flag for a failed
 * write, so the buffered rest is flushed again to learn why: a full disk
 * says ENOSPC, a file size limit EFBIG, not "Input/output error".
 */
int stream_error(FILE *f);

#endif
