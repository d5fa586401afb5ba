// SPDX-License-Identifier: GPL-2.0
#include <math.h>

#include "util/prom_text.h"

/* HELP text escapes backslash and newline; label values also the double quote. */
static void put_escaped(FILE *out, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (quote && *s == '"')
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

void prom_family(FILE *out, const char *name, enum prom_type type, const char *help)
{
	fprintf(out, "# HELP %s ", name);
	put_escaped(out, help, 0);
	fprintf(out, "\n# TYPE %s %s\n", name, type == PROM_COUNTER ? "counter" : "gauge");
}

static void put_series(FILE *out, const char *name, const struct prom_labels *labels)
{
	fputs(name, out);
	if (!labels || !labels->n)
		return;
	fputc('{', out);
	for (unsigned int i = 0; i < labels->n; i++) {
		fprintf(out, "%s%s=\"", i ? "," : "", labels->names[i]);
		put_escaped(out, labels->values[i], 1);
		fputc('"', out);
	}
	fputc('}', out);
}

void prom_sample(FILE *out, const char *name, const struct prom_labels *labels, double value)
{
	put_series(out, name, labels);
	if (isnan(value))
		fputs(" NaN\n", out);
	else if (isinf(value))
		fputs(value > 0 ? " +Inf\n" : " -Inf\n", out);
	else
		fprintf(out, " %.15g\n", value);
}

void prom_sample_u64(FILE *out, const char *name, const struct prom_labels *labels,
		     unsigned long long value)
{
	put_series(out, name, labels);
	fprintf(out, " %llu\n", value);
}
