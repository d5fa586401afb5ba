/* SPDX-License-Identifier: GPL-2.0 */
/* Asking the running kernel's symbol table (/proc/kallsyms) about functions. */
#ifndef KVMIRQ_KALLSYMS_H
#define KVMIRQ_KALLSYMS_H

#include <stdbool.h>

/*
 * Is NAME a function of the running kernel or of a loaded module (a text
 * symbol), so that a kprobe can reach it? Static functions count: kprobes
 * take them; one the compiler inlined everywhere has no symbol.
 */
bool kallsyms_has_function(const char *name);

#endif
