// SPDX-License-Identifier: GPL-2.0
/*
 * util/exclusive_file: an existing file refused unless forced, a file being
 * written locked against a second writer, published without replacing
 * anything, also where renameat2's RENAME_NOREPLACE is refused (9p: EINVAL;
 * a seccomp filter plays that filesystem here) and where hard links are
 * refused too; removed only while it is still ours. And util/atomic_file:
 * whole files, an existing one replaced only when asked (also one that
 * appeared while the new one was written), never what is not a regular file.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util/atomic_file.h"
#include "util/exclusive_file.h"

static char dir[64];
static char err[512];

static const char *at(const char *name)
{
	static char paths[8][128];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

/* How many names the directory holds: no temporary file left behind. */
static int entries(void)
{
	char cmd[128];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	f = popen(cmd, "r");
	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int holds(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return !strcmp(buf, text);
}

/* Write TEXT into an open file. */
static int put(struct exclusive_file *ef, const char *text)
{
	return write(ef->fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
}

static void test_new_and_existing(void)
{
	struct exclusive_file ef;

	CHECK_EQ(exclusive_file_open(&ef, at("a"), false, 0644, err, sizeof(err)), 0);
	CHECK(access(at("a"), F_OK) != 0); /* not named before its publication */
	CHECK_EQ(entries(), 1);		    /* a.XXXXXX */
	CHECK_EQ(put(&ef, "first"), 0);
	CHECK_EQ(exclusive_file_publish(&ef, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_close(&ef, err, sizeof(err)), 0);
	CHECK(holds(at("a"), "first"));
	CHECK_EQ(entries(), 1);

	/* existing: refused and left as it was, nothing created */
	CHECK_EQ(exclusive_file_open(&ef, at("a"), false, 0644, err, sizeof(err)), -EEXIST);
	CHECK(strstr(err, "exists") != NULL);
	CHECK_EQ(entries(), 1);
	CHECK(holds(at("a"), "first"));

	/* forced: replaced */
	CHECK_EQ(exclusive_file_open(&ef, at("a"), true, 0644, err, sizeof(err)), 0);
	CHECK_EQ(put(&ef, "second"), 0);
	CHECK_EQ(exclusive_file_publish(&ef, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_close(&ef, err, sizeof(err)), 0);
	CHECK(holds(at("a"), "second"));
	CHECK_EQ(entries(), 1);
	unlink(at("a"));
}

static void test_lock(void)
{
	struct exclusive_file first, second, late;

	CHECK_EQ(exclusive_file_open(&first, at("b"), false, 0644, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_open(&late, at("b"), false, 0644, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_publish(&first, err, sizeof(err)), 0);
	/* while FIRST writes it, b is busy, forced or not */
	CHECK_EQ(exclusive_file_open(&second, at("b"), true, 0644, err, sizeof(err)), -EBUSY);
	CHECK(strstr(err, "lock") != NULL);
	CHECK_EQ(exclusive_file_open(&second, at("b"), false, 0644, err, sizeof(err)), -EBUSY);
	/* one that opened before FIRST published cannot take the name either */
	CHECK_EQ(exclusive_file_publish(&late, err, sizeof(err)), -EBUSY);
	CHECK_EQ(exclusive_file_close(&first, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_publish(&late, err, sizeof(err)), -EEXIST);
	exclusive_file_remove(&late); /* its temporary file */
	CHECK_EQ(entries(), 1);
	unlink(at("b"));
}

static void test_remove(void)
{
	struct exclusive_file ef;

	CHECK_EQ(exclusive_file_open(&ef, at("c"), false, 0644, err, sizeof(err)), 0);
	exclusive_file_remove(&ef);
	CHECK_EQ(entries(), 0);

	CHECK_EQ(exclusive_file_open(&ef, at("c"), false, 0644, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_publish(&ef, err, sizeof(err)), 0);
	exclusive_file_remove(&ef);
	CHECK_EQ(entries(), 0);

	/* someone else's file under the name by then: it stays */
	CHECK_EQ(exclusive_file_open(&ef, at("c"), false, 0644, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_publish(&ef, err, sizeof(err)), 0);
	CHECK_EQ(write_text(at("other"), "other"), 0);
	CHECK_EQ(rename(at("other"), at("c")), 0);
	exclusive_file_remove(&ef);
	CHECK(holds(at("c"), "other"));
	unlink(at("c"));
}

static void test_not_regular(void)
{
	struct exclusive_file ef;
	struct atomic_file af;

	CHECK_EQ(mkdir(at("d"), 0755), 0);
	CHECK_EQ(mkfifo(at("p"), 0644), 0);
	CHECK_EQ(symlink("d", at("link-to-d")), 0);
	CHECK_EQ(exclusive_file_open(&ef, at("d"), true, 0644, err, sizeof(err)),
		 -OUTPUT_NOT_REGULAR);
	CHECK(strstr(err, "not a regular file") != NULL);
	CHECK_EQ(exclusive_file_open(&ef, at("p"), true, 0644, err, sizeof(err)),
		 -OUTPUT_NOT_REGULAR);
	CHECK_EQ(exclusive_file_open(&ef, at("link-to-d"), true, 0644, err, sizeof(err)),
		 -OUTPUT_NOT_REGULAR);
	CHECK_EQ(atomic_file_open(&af, at("p"), 0644, true), -OUTPUT_NOT_REGULAR);
	CHECK_EQ(atomic_file_open(&af, at("link-to-d"), 0644, true), -OUTPUT_NOT_REGULAR);
	CHECK_EQ(entries(), 3);

	/* a link to a file, forced: the link is replaced, its target kept */
	CHECK_EQ(write_text(at("target"), "target"), 0);
	CHECK_EQ(symlink("target", at("link")), 0);
	CHECK_EQ(exclusive_file_open(&ef, at("link"), false, 0644, err, sizeof(err)), -EEXIST);
	CHECK_EQ(exclusive_file_open(&ef, at("link"), true, 0644, err, sizeof(err)), 0);
	CHECK_EQ(put(&ef, "new"), 0);
	CHECK_EQ(exclusive_file_publish(&ef, err, sizeof(err)), 0);
	CHECK_EQ(exclusive_file_close(&ef, err, sizeof(err)), 0);
	CHECK(holds(at("target"), "target"));
	CHECK(holds(at("link"), "new"));
	struct stat st;
	CHECK(lstat(at("link"), &st) == 0 && S_ISREG(st.st_mode));
	unlink(at("link"));
	unlink(at("target"));
	unlink(at("link-to-d"));
	unlink(at("p"));
	rmdir(at("d"));
}

/* util/atomic_file: whole or nothing, and an existing file only when asked. */
static void test_atomic_replace(void)
{
	struct atomic_file af;

	CHECK_EQ(write_text(at("a"), "earlier"), 0);
	CHECK_EQ(output_check(at("a"), false), -EEXIST);
	CHECK_EQ(output_check(at("a"), true), 0);
	CHECK_EQ(output_check(at("none"), false), 0);
	output_error(err, sizeof(err), "x", -EEXIST);
	CHECK(!strcmp(err, "x exists: --force replaces it"));
	CHECK_EQ(atomic_file_open(&af, at("a"), 0644, false), -EEXIST);
	CHECK(holds(at("a"), "earlier"));
	CHECK_EQ(entries(), 1);

	/* asked to replace: the new file whole, under the old name */
	CHECK_EQ(atomic_file_open(&af, at("a"), 0644, true), 0);
	CHECK(fputs("new", af.f) >= 0);
	CHECK(holds(at("a"), "earlier")); /* not before the commit */
	CHECK_EQ(atomic_file_commit(&af), 0);
	CHECK(holds(at("a"), "new"));
	CHECK_EQ(entries(), 1);

	/* a name that appeared while the file was written: kept, ours dropped */
	CHECK_EQ(atomic_file_open(&af, at("b"), 0644, false), 0);
	CHECK(fputs("ours", af.f) >= 0);
	CHECK_EQ(write_text(at("b"), "theirs"), 0);
	CHECK_EQ(atomic_file_commit(&af), -EEXIST);
	CHECK(holds(at("b"), "theirs"));
	CHECK_EQ(entries(), 2);

	/* an abort leaves nothing */
	CHECK_EQ(atomic_file_open(&af, at("c"), 0644, false), 0);
	atomic_file_abort(&af);
	CHECK_EQ(entries(), 2);
	unlink(at("a"));
	unlink(at("b"));
}

/* A filter that answers RULES' errno to their syscalls (a filesystem without them). */
struct refusal {
	int nr, errno_value;
};

static int refuse(const struct refusal *rules, int n)
{
	struct sock_filter f[16];
	struct sock_fprog prog = { .filter = f };
	int k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (int i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      (unsigned)rules[i].nr, 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_ERRNO |
							      (unsigned)rules[i].errno_value);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)k;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	       prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/*
 * In a child: renameat2 refused with EINVAL (as 9p does), and with
 * NO_LINKS link refused with EPERM too (as filesystems without hard links
 * do). The file is published all the same, and an existing name is still
 * refused. The child's exit status is the number of things that went wrong.
 */
static int fallback_child(bool no_links)
{
	static const struct refusal rules[] = {
		{ __NR_renameat2, EINVAL },
		{ __NR_link, EPERM },
		{ __NR_linkat, EPERM },
	};
	struct exclusive_file ef;
	int bad = 0;

	if (refuse(rules, no_links ? 3 : 1))
		return 100;
	if (renameat2(AT_FDCWD, "/nonexistent-a", AT_FDCWD, "/nonexistent-b", RENAME_NOREPLACE) == 0 ||
	    errno != EINVAL || (no_links && (link("/nonexistent-a", "/nonexistent-b") == 0 ||
					     errno != EPERM)))
		return 101; /* the filter does not hold */
	bad += exclusive_file_open(&ef, at("e"), false, 0644, err, sizeof(err)) != 0;
	bad += put(&ef, "fallback") != 0;
	bad += exclusive_file_publish(&ef, err, sizeof(err)) != 0;
	bad += exclusive_file_close(&ef, err, sizeof(err)) != 0;
	bad += !holds(at("e"), "fallback");
	bad += entries() != 1;
	/* a name that appeared while the file was written: refused, kept */
	bad += exclusive_file_open(&ef, at("f"), false, 0644, err, sizeof(err)) != 0;
	bad += write_text(at("f"), "theirs") != 0;
	bad += exclusive_file_publish(&ef, err, sizeof(err)) != -EEXIST;
	exclusive_file_remove(&ef);
	bad += !holds(at("f"), "theirs");
	bad += entries() != 2;
	return bad;
}

static void test_fallback(bool no_links)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fallback_child(no_links));
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	unlink(at("e"));
	unlink(at("f"));
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_exclusive_file.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_new_and_existing();
	test_lock();
	test_remove();
	test_not_regular();
	test_atomic_replace();
	test_fallback(false);
	test_fallback(true);
	rmdir(dir);
	CHECK(access(dir, F_OK) != 0); /* it was left empty */
	return check_done();
}
