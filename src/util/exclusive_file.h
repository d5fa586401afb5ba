/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file that takes its final name while it is still being written (a
 * recording: readable up to its last whole chunk if its writer is killed),
 * and never over someone else's file unless asked. It is created as
 * PATH.XXXXXX beside PATH and locked (flock), so that a second writer of
 * the same PATH sees the first one; publishing names it PATH without
 * replacing anything (renameat2 RENAME_NOREPLACE, or link and unlink where
 * the filesystem refuses that flag, as 9p does), or with FORCE replaces a
 * regular file or a symbolic link itself (never its target). A directory,
 * FIFO or device is never replaced.
 */
#ifndef KVMIRQ_EXCLUSIVE_FILE_H
#define KVMIRQ_EXCLUSIVE_FILE_H

#include <stdbool.h>
#include <stddef.h>

struct exclusive_file {
	int fd;		/* write here */
	char *path;	/* the final name */
	char *tmp_path; /* PATH.XXXXXX until published */
	bool force;
	bool published;
};

/*
 * Check PATH (-EEXIST: it exists and FORCE is not given; -EBUSY: another
 * writer holds its lock; -OUTPUT_NOT_REGULAR from util/atomic_file.h), then
 * create and lock the temporary file with MODE less the umask. 0, or
 * -errno with a message in ERR and nothing created.
 */
int exclusive_file_open(struct exclusive_file *ef, const char *path, bool force,
			unsigned int mode, char *err, size_t errlen);
/*
 * Give the temporary file its final name (the same checks again, for a
 * writer that came meanwhile). 0, or -errno with a message in ERR; the
 * file is then still the temporary one.
 */
int exclusive_file_publish(struct exclusive_file *ef, char *err, size_t errlen);
/* fsync and close: 0, or -errno with a message in ERR. The file stays. */
int exclusive_file_close(struct exclusive_file *ef, char *err, size_t errlen);
/* Close and remove the file, under its final name only while it is still ours. */
void exclusive_file_remove(struct exclusive_file *ef);

#endif
