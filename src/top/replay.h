/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replay source of `kvmirq top`: a recording stepped through event by
 * event. Its position is the number of events applied; its playback clock
 * moves with the wall clock times the speed while it plays, and jumps when
 * it steps or seeks. Every frame holds the counts up to the position, rates
 * over the second of recording time before the clock, and the controllers'
 * state reconstructed at the position (model/reconstruct.h), and kvmirq
 * check's findings for the events up to the position (its end's findings
 * once the last event is applied): the count kvmirq check gives for a
 * recording cut there.
 *
 * Stepping back re-reads the recording from its start: simple, and exactly
 * the state a forward pass reaches. An ioctl and the continuation records of
 * its payload are one step.
 */
#ifndef KVMIRQ_REPLAY_H
#define KVMIRQ_REPLAY_H

#include <stddef.h>

#include "top/frame.h"

/* Open PATH, counting its events (one pass), at position 0, playing at speed
 * 1. 0, or -errno with a message in ERR. WARNING gets what the pass could
 * not read (a recording cut short: the reader's warning), or "". */
int top_replay_open(struct top_source *src, const char *path, char *warning, size_t warnlen,
		    char *err, size_t errlen);
/* The name its frames show for the file, when not PATH (a pipe read into
 * memory: commands/input_file.h). */
void top_replay_set_name(struct top_source *src, const char *name);

#endif
