// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec/names.h"
#include "commands/cli_messages.h"
#include "commands/options.h"

int parse_strategy(const char *s, enum kvmirq_strategy *out)
{
	if (!strcmp(s, "auto"))
		*out = KVMIRQ_STRATEGY_NONE;
	else if (!strcmp(s, "fentry"))
		*out = KVMIRQ_STRATEGY_FENTRY;
	else if (!strcmp(s, "kprobe"))
		*out = KVMIRQ_STRATEGY_KPROBE;
	else if (!strcmp(s, "syscall"))
		*out = KVMIRQ_STRATEGY_SYSCALL;
	else {
		cli_error(2, "unknown strategy '%s' (auto, fentry, kprobe or syscall)", s);
		return -1;
	}
	return 0;
}

int parse_uint(const char *option, const char *s, unsigned long long min,
	       unsigned long long max, unsigned long long *out)
{
	char *end = NULL;

	errno = 0;
	/* a digit first: strtoull would take "", " 5", "-1" (as a huge number) and "+5" */
	*out = isdigit((unsigned char)s[0]) ? strtoull(s, &end, 10) : 0;
	if (!isdigit((unsigned char)s[0]) || *end || errno || *out < min || *out > max)
		return cli_error(2, "%s: '%s' is not a whole number from %llu to %llu", option, s,
				 min, max);
	return 0;
}

int parse_pid(const char *option, const char *s, unsigned int *out)
{
	unsigned long long v;

	if (parse_uint(option, s, 1, INT_MAX, &v))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int parse_file_name(const char *option, const char *s, const char **out)
{
	/* "" would name a temporary ".XXXXXX" in the current directory, then fail */
	if (!*s)
		return cli_error(2, "%s: an empty file name", option);
	*out = s;
	return 0;
}

int require_process(const char *option, unsigned int pid, int status)
{
	if (kill((pid_t)pid, 0) && errno == ESRCH)
		return cli_error(status, "%s: no process %u", option, pid);
	return 0;
}

#define SECONDS_MAX 1e9

int parse_seconds(const char *option, const char *s, double *out)
{
	char *end = NULL;

	*out = isdigit((unsigned char)s[0]) || s[0] == '.' ? strtod(s, &end) : NAN;
	/* at most SECONDS_MAX: in nanoseconds, still a 64-bit integer */
	if (!(*out <= SECONDS_MAX) || *end)
		return cli_error(2, "%s: '%s' is not a number of seconds from 0 to %.0f", option, s,
				 SECONDS_MAX);
	return 0;
}

/* The longest duration: 1000000h, far beyond any recording, and exact in a double. */
#define DURATION_MAX_MS 3600000000000.0

int parse_duration_ms(const char *option, const char *s, unsigned long long *out)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 }, { "h", 3600000 } };
	char *end = NULL;
	/* a digit first: no sign, no "nan" or "inf" */
	double v = isdigit((unsigned char)s[0]) || s[0] == '.' ? strtod(s, &end) : NAN;

	for (size_t i = 0; isfinite(v) && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		v *= units[i].ms;
		/* compared before the cast: a double beyond the integer's range is undefined */
		if (!(v >= 1 && v <= DURATION_MAX_MS))
			break;
		*out = (unsigned long long)v;
		return 0;
	}
	return cli_error(2, "%s: bad duration '%s' (from 1ms to 1000000h, e.g. 500ms, 10s, 2m, 1h)",
			 option, s);
}

/*
 * Kinds are event names ("set_irq", "msi_set_irq", ...), ioctl names
 * ("ioctl:irq_line", or "ioctl" for all of them), or "delivery".
 */
/* What "ioctl" records: the calls, their long payloads, and the vCPUs'
 * first KVM_RUNs (what kvmirq check needs to tell stopped vCPUs from running). */
#define IOCTL_KINDS                                                              \
	(1ULL << KVMIRQ_EV_IOCTL | 1ULL << KVMIRQ_EV_IOCTL_PAYLOAD | 1ULL << KVMIRQ_EV_VCPUS_RUNNING)
/* What "delivery" records: the tracepoints' and kprobes' kinds. */
#define DELIVERY_KINDS (((1ULL << KVMIRQ_EV_VCPUS_RUNNING) - 2) | 1ULL << KVMIRQ_EV_ARM_TIMER_UPDATE)

int parse_kinds(const char *s, unsigned long long *kinds, unsigned long long *ioctls)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return -1;
	*kinds = 0;
	*ioctls = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int id;

		if (!strcmp(tok, "ioctl")) {
			*kinds |= IOCTL_KINDS;
			*ioctls = ~0ULL;
		} else if (!strcmp(tok, "delivery")) {
			*kinds |= DELIVERY_KINDS;
		} else if (!strncmp(tok, "ioctl:", 6) && (id = ioctl_id_from_name(tok + 6)) > 0) {
			*kinds |= IOCTL_KINDS;
			*ioctls |= 1ULL << id;
		} else if ((id = event_kind_from_name(tok)) > 0) {
			*kinds |= 1ULL << id;
		} else {
			cli_error(2, "unknown event kind '%s' (see kvmirq record --help)", tok);
			ret = -1;
			break;
		}
	}
	free(copy);
	return ret;
}

/* Is /proc/PID/fd/FD a KVM VM? */
static int is_vm_fd(unsigned long pid, unsigned long fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%lu/fd/%lu", pid, fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:kvm-vm");
}

int parse_vm(const char *s, char out[KVMIRQ_VM_NAME_LEN])
{
	char *end, *fd_end = NULL, path[64];
	unsigned long pid = strtoul(s, &end, 10), fd = 0, found = 0;
	struct dirent *de;
	DIR *dir;

	if (*end == ':' || *end == '-')
		fd = strtoul(end + 1, &fd_end, 10);
	if (!isdigit((unsigned char)s[0]) ||
	    (*end && (!fd_end || !isdigit((unsigned char)end[1]) || *fd_end))) {
		cli_error(2, "--vm takes PID or PID:FD, not '%s'", s);
		return -1;
	}
	if (*end) {
		if (!is_vm_fd(pid, fd)) {
			cli_error(2, "fd %lu of process %lu is not a KVM VM", fd, pid);
			return -1;
		}
	} else {
		snprintf(path, sizeof(path), "/proc/%lu/fd", pid);
		dir = opendir(path);
		if (!dir) {
			cli_error(2, "no process %lu", pid);
			return -1;
		}
		while ((de = readdir(dir)))
			if (de->d_name[0] != '.' && is_vm_fd(pid, strtoul(de->d_name, NULL, 10))) {
				fd = strtoul(de->d_name, NULL, 10);
				found++;
			}
		closedir(dir);
		if (found != 1) {
			cli_error(2, "process %lu has %lu VMs; name one as PID:FD", pid,
				found);
			return -1;
		}
	}
	snprintf(out, KVMIRQ_VM_NAME_LEN, "%lu-%lu", pid, fd);
	return 0;
}

int parse_time(const char *s, struct state_time *at)
{
	if (state_time_parse(s, at))
		return cli_error(2, "bad time '%s' (end, SECONDS from the start, or @NS)", s);
	return 0;
}
