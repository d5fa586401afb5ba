// SPDX-License-Identifier: GPL-2.0
#include "commands/cli_messages.h"
#include "commands/state_damage.h"

int say_state_damage(const char *path, const struct snapshot *s, int status)
{
	if (s->damaged)
		return cli_error(status, "%s: damaged snapshot (what it holds is shown): %s", path,
				 s->warning);
	if (s->warning[0])
		cli_warning("%s: %s", path, s->warning);
	return 0;
}
