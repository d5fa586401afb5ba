/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader's FILE operand, opened so that a pipe works as well as a file.
 * Every reader opens its file more than once (to tell a snapshot from a
 * recording, to read the final tables before the events, for a second pass
 * or a rewind); a pipe or FIFO can be read only once. So a FIFO's whole
 * content (cat FILE | kvmirq show /dev/stdin, <(...), mkfifo) is read
 * once into an anonymous in-memory file, and the readers open that; the
 * messages that name it name the user's FILE instead (cli_messages_alias).
 * A regular file, and anything the readers refuse themselves (a directory,
 * a device, a missing file), is used as it is.
 */
#ifndef KVMIRQ_INPUT_FILE_H
#define KVMIRQ_INPUT_FILE_H

struct input_file {
	const char *name; /* as the user gave it: for what the command prints */
	const char *path; /* what the readers open: NAME, or BUF */
	int fd;		  /* the in-memory copy, or -1 */
	char buf[32];	  /* /proc/self/fd/N */
};

/* 0, or STATUS after an error message (a read error, no memory). A FIFO
 * with no writer waits for one, as any reader of a FIFO does. */
int input_file_open(struct input_file *in, const char *name, int status);
void input_file_close(struct input_file *in);

#endif
