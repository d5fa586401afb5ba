/* SPDX-License-Identifier: GPL-2.0 */
/* A snapshot's decoded controller state, as text for people or JSON Lines for scripts. */
#ifndef KVMIRQ_STATE_PRINT_H
#define KVMIRQ_STATE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "snapshot/snapshot.h"

struct state_print_options {
	bool json;
	bool skip_zero; /* leave out registers whose every field is 0 */
	const char *chip; /* only this model (name or title), or NULL */
};

/* A line that says where and how the snapshot was taken. */
void state_print_origin(const struct snapshot *s, const char *path, FILE *out);
void state_print(const struct snapshot *s, const struct state_print_options *o, FILE *out);
/* Does the snapshot hold a controller (or a routing table) that o->chip CHIP names? */
bool state_print_has_chip(const struct snapshot *s, const char *chip);

#endif
