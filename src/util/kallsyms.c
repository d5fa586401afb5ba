// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "util/kallsyms.h"

bool kallsyms_has_function(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], type, symbol[256];
	bool found = false;

	if (!f)
		return false;
	/* "ADDRESS TYPE NAME [MODULE]": t or T is text */
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %c %255s", &type, symbol) == 2 &&
			(type == 't' || type == 'T') && !strcmp(symbol, name);
	fclose(f);
	return found;
}
