// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_compare: the test VMM's own log of its ioctls (testvmm --log)
 * against what kvmirq recorded of them (kvmirq report --json --timeline):
 * the recorded ioctls of the VMM's process must be exactly the logged ones
 * that kvmirq records, in order, with the same fd, command, return value,
 * errno, thread, argument and payloads. The same checks as
 * tests/e2e/compare_ioctls.py, in C and static, for hosts with no Python
 * (scripts/hostcheck.sh).
 *
 *   ioctl_compare VMM_LOG.jsonl REPORT_TIMELINE.jsonl [--strategy NAME]
 *
 * Prints one "MISMATCH ..." line per failed check and "N passed, M failed";
 * exits 0 when none failed, 1 when some did, 2 on a usage or input error.
 *
 * Both files are JSON Lines whose records are flat up to a last "fields"
 * object (the report's decoded payload, never read here), with strings
 * that are hex, names or notes: a field is found by its key after a ',' or
 * '{' before "fields" starts.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmirq/ioctls.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What kvmirq records: every row of the ioctl table but KVM_RUN. */
#define ROW_NAME(NAME, ...) "KVM_" #NAME,
static const char *const known_ioctls[] = { KVMIRQ_IOCTLS(ROW_NAME) };

static bool recorded(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_ioctls); i++)
		if (strlen(known_ioctls[i]) == len && strncmp(known_ioctls[i], name, len) == 0)
			return strcmp(known_ioctls[i], "KVM_RUN") != 0;
	return false;
}

/* A field's text: a string's contents, or a number's or literal's token. */
struct text {
	const char *s;
	size_t len;
	bool found;
};

static struct text field(const char *line, const char *key)
{
	const char *end = strstr(line, ",\"fields\":");
	size_t klen = strlen(key);
	struct text t = { "", 0, false };

	for (const char *p = strchr(line, '"'); p && (!end || p < end); p = strchr(p + 1, '"')) {
		if ((p == line || (p[-1] != ',' && p[-1] != '{')) ||
		    strncmp(p + 1, key, klen) != 0 || strncmp(p + 1 + klen, "\":", 2) != 0)
			continue;
		p += klen + 3;
		t.found = true;
		if (*p == '"') {
			t.s = p + 1;
			t.len = strcspn(t.s, "\"");
		} else {
			t.s = p;
			t.len = strcspn(p, ",}");
		}
		return t;
	}
	return t;
}

static bool text_is(struct text t, const char *s)
{
	return t.found && t.len == strlen(s) && strncmp(t.s, s, t.len) == 0;
}

static bool text_eq(struct text a, struct text b)
{
	return a.len == b.len && strncmp(a.s, b.s, a.len) == 0;
}

static long long text_num(struct text t, int base)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*s", (int)(t.len < 31 ? t.len : 31), t.s);
	return strtoll(buf, NULL, base);
}

static struct text prefix(struct text t, size_t len)
{
	if (t.len > len)
		t.len = len;
	return t;
}

static struct text from(struct text t, size_t off)
{
	if (off > t.len)
		off = t.len;
	t.s += off;
	t.len -= off;
	return t;
}

struct lines {
	char **line;
	size_t n, cap;
};

static void lines_add(struct lines *l, char *line)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->line = realloc(l->line, l->cap * sizeof(*l->line));
		if (!l->line) {
			perror("ioctl_compare");
			exit(2);
		}
	}
	l->line[l->n++] = line;
}

static FILE *open_or_die(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(2);
	}
	return f;
}

static unsigned passed, failed;

static __attribute__((format(printf, 3, 4))) bool check(bool ok, const char *where,
							 const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return true;
	}
	failed++;
	printf("MISMATCH %s: ", where);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return false;
}

#define T(t) (int)(t).len, (t).s
#define T80(t) (int)((t).len < 80 ? (t).len : 80), (t).s

/* One logged ioctl against its recording. */
static void compare(const char *w, const char *g, const char *where, const char *strategy)
{
	struct text name = field(w, "ioctl"), win = field(w, "in"), wout = field(w, "out");
	struct text gin = field(g, "in"), gout = field(g, "out");

	check(text_num(field(g, "cmd"), 16) == text_num(field(w, "cmd"), 16), where,
	      "cmd %.*s != %.*s", T(field(g, "cmd")), T(field(w, "cmd")));
	check(text_eq(field(g, "fd"), field(w, "fd")), where, "fd %.*s != %.*s", T(field(g, "fd")),
	      T(field(w, "fd")));
	check(text_eq(field(g, "fd_kind"), field(w, "fd_kind")), where, "fd kind %.*s != %.*s",
	      T(field(g, "fd_kind")), T(field(w, "fd_kind")));
	check(text_eq(field(g, "ret"), field(w, "ret")), where, "ret %.*s != %.*s",
	      T(field(g, "ret")), T(field(w, "ret")));
	check(text_eq(field(g, "errno"), field(w, "errno")), where, "errno %.*s != %.*s",
	      T(field(g, "errno")), T(field(w, "errno")));
	check(text_eq(field(g, "tid"), field(w, "tid")), where, "tid %.*s != %.*s",
	      T(field(g, "tid")), T(field(w, "tid")));
	check(text_num(field(g, "arg"), 16) == text_num(field(w, "arg"), 16), where,
	      "arg %.*s != %.*s", T(field(g, "arg")), T(field(w, "arg")));
	check(text_is(field(g, "payload_complete"), "true"), where, "payload incomplete");
	if (strategy)
		check(text_is(field(g, "strategy"), strategy), where, "strategy %.*s",
		      T(field(g, "strategy")));
	if (text_is(name, "KVM_SET_DEVICE_ATTR")) {
		/* the attr struct, then the value at addr: kvmirq reads 8 bytes,
		 * the VMM logs the width it wrote, a prefix of those 8 */
		struct text value = field(w, "value");

		check(text_eq(prefix(gin, 48), win), where, "attr %.*s != %.*s", T(prefix(gin, 48)),
		      T(win));
		check(text_eq(prefix(from(gin, 48), value.len), value), where, "value %.*s != %.*s",
		      T(from(gin, 48)), T(value));
		wout.len = 0;
	} else if (text_is(name, "KVM_GET_IRQCHIP")) {
		/* chip_id and pad are the real input */
		check(text_eq(gin, prefix(win, 16)), where, "in %.*s != %.*s", T80(gin), T80(win));
	} else {
		check(text_eq(gin, win), where, "in %.*s... != %.*s...", T80(gin), T80(win));
	}
	if (text_is(name, "KVM_GET_DEVICE_ATTR") && wout.len)
		check(text_eq(prefix(gout, wout.len), wout), where, "value %.*s != %.*s", T(gout),
		      T(wout));
	else
		check(text_eq(gout, wout), where, "out %.*s... != %.*s...", T80(gout), T80(wout));
}

int main(int argc, char **argv)
{
	const char *strategy = NULL;
	struct lines want = { 0 }, got = { 0 };
	char *line = NULL;
	size_t cap = 0;
	long long pid = -1;
	FILE *f;

	if (argc == 5 && strcmp(argv[3], "--strategy") == 0)
		strategy = argv[4];
	else if (argc != 3) {
		fprintf(stderr, "usage: ioctl_compare VMM_LOG.jsonl REPORT_TIMELINE.jsonl "
			"[--strategy NAME]\n");
		return 2;
	}
	f = open_or_die(argv[1]);
	while (getline(&line, &cap, f) > 0) {
		struct text name = field(line, "ioctl");

		if (!name.found)
			continue;
		if (pid < 0)
			pid = text_num(field(line, "pid"), 10);
		if (recorded(name.s, name.len))
			lines_add(&want, strdup(line));
	}
	fclose(f);
	if (pid < 0) {
		fprintf(stderr, "ioctl_compare: %s: no logged ioctl\n", argv[1]);
		return 2;
	}
	f = open_or_die(argv[2]);
	while (getline(&line, &cap, f) > 0)
		if (text_is(field(line, "type"), "event") && text_is(field(line, "kind"), "ioctl") &&
		    text_num(field(line, "pid"), 10) == pid &&
		    !text_is(field(line, "key_frame"), "true")) /* kvmirq's own reads */
			lines_add(&got, strdup(line));
	fclose(f);
	free(line);

	check(got.n == want.n, "count", "recorded %zu ioctls, VMM made %zu", got.n, want.n);
	for (size_t i = 0; i < want.n && i < got.n; i++) {
		struct text wname = field(want.line[i], "ioctl"), gname = field(got.line[i], "ioctl");
		char where[96];

		snprintf(where, sizeof(where), "#%zu seq %.*s %.*s", i, T(field(want.line[i], "seq")),
			 T(wname));
		/* after a different ioctl the rest would only repeat the misalignment */
		if (!check(text_eq(gname, wname), where, "recorded %.*s", T(gname)))
			break;
		compare(want.line[i], got.line[i], where, strategy);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
