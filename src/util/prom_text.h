/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition format, version 0.0.4: a family's HELP and
 * TYPE lines, then its samples, with label values and help text escaped as
 * the format says. The caller writes each family's samples together.
 */
#ifndef KVMIRQ_PROM_TEXT_H
#define KVMIRQ_PROM_TEXT_H

#include <stdio.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum prom_type { PROM_COUNTER, PROM_GAUGE };

/* A sample's labels: NAMES[i]="VALUES[i]", N of them. */
struct prom_labels {
	const char *const *names;
	const char *const *values;
	unsigned int n;
};

void prom_family(FILE *out, const char *name, enum prom_type type, const char *help);
void prom_sample(FILE *out, const char *name, const struct prom_labels *labels, double value);
/* Integers print exactly, beyond a double's 2^53. */
void prom_sample_u64(FILE *out, const char *name, const struct prom_labels *labels,
		     unsigned long long value);

#endif
