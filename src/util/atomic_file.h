/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file written whole or not at all: the data goes to a temporary file
 * beside PATH, which takes the name PATH only once it is complete and on
 * disk. A failure or an abort leaves PATH as it was (an earlier good file
 * stays) and no temporary file behind. An existing PATH is replaced only
 * when asked (a user's --force): otherwise it is refused when the file is
 * opened, and again when it is named (a file that appeared meanwhile).
 */
#ifndef KVMIRQ_ATOMIC_FILE_H
#define KVMIRQ_ATOMIC_FILE_H

#include <stdbool.h>
#include <stdio.h>

struct atomic_file {
	FILE *f;	/* write here */
	char *path;	/* the final name */
	char *tmp_path; /* PATH.XXXXXX until committed */
	bool replace;	/* an existing PATH may be replaced */
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
/*
 * May a writer put a file at PATH? 0, -EEXIST (a file is there and REPLACE
 * is false), -OUTPUT_NOT_REGULAR or -errno: what atomic_file_open() would
 * say, asked before slow work (a snapshot stops a VMM) rather than after.
 */
int output_check(const char *path, bool replace);
/* strerror(-ERR), and OUTPUT_NOT_REGULAR's words. */
const char *output_strerror(int err);
/* "PATH exists: --force replaces it", or "PATH: " and output_strerror(ERR). */
void output_error(char *buf, size_t len, const char *path, int err);

/*
 * 0, or -errno with nothing created (-OUTPUT_NOT_REGULAR: PATH is not a
 * regular file; -EEXIST: it is one and REPLACE is false). MODE is the
 * final file's permissions.
 */
int atomic_file_open(struct atomic_file *af, const char *path, unsigned int mode, bool replace);
/*
 * Flush, fsync, close and name it PATH (over an existing PATH only with
 * REPLACE): 0, or -errno with PATH untouched and the temporary file gone.
 */
int atomic_file_commit(struct atomic_file *af);
/*
 * Name TMP PATH where no PATH exists: 0, or -errno (-EEXIST: PATH exists).
 * Filesystems without RENAME_NOREPLACE (9p) get a hard link, and those
 * without hard links a name taken with O_EXCL and renamed over.
 */
int rename_noreplace(const char *tmp, const char *path);
/* Close and remove the temporary file. */
void atomic_file_abort(struct atomic_file *af);

#endif
