/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file written whole or not at all: the data goes to a temporary file
 * beside PATH, which is renamed over PATH only once it is complete and on
 * disk. A failure or an abort leaves PATH as it was (an earlier good file
 * stays) and no temporary file behind.
 */
#ifndef KVMIRQ_ATOMIC_FILE_H
#define KVMIRQ_ATOMIC_FILE_H

#include <stdio.h>

struct atomic_file {
	FILE *f;	/* write here */
	char *path;	/* the final name */
	char *tmp_path; /* PATH.XXXXXX until committed */
};

/*
 * Not an errno of Linux: PATH is a directory, FIFO, device or socket (or a
 * symbolic link to one), which a writer never replaces with a file.
 */
#define OUTPUT_NOT_REGULAR 4095

/*
 * What a writer finds at PATH: 0 nothing, 1 a regular file or a symbolic
 * link to one or to nothing (a rename replaces the link itself, never its
 * target), -OUTPUT_NOT_REGULAR, or -errno.
 */
int output_replaceable(const char *path);
/* strerror(-ERR), and OUTPUT_NOT_REGULAR's words. */
const char *output_strerror(int err);

/*
 * 0, or -errno with nothing created (-OUTPUT_NOT_REGULAR: PATH is not a
 * regular file). MODE is the final file's permissions.
 */
int atomic_file_open(struct atomic_file *af, const char *path, unsigned int mode);
/* Flush, fsync, close and rename over PATH: 0, or -errno with PATH untouched. */
int atomic_file_commit(struct atomic_file *af);
/* Close and remove the temporary file. */
void atomic_file_abort(struct atomic_file *af);

#endif
