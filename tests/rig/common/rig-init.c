// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the e500 and arm64 rigs' tool images: a static program, so that
 * a rig needs no shell for its architecture (there is no busybox for 32-bit
 * PowerPC here). It mounts what kvmirq needs, runs the commands of
 * /rig-commands one line at a time, and powers off.
 *
 * Commands (words separated by blanks; "a quoted word" keeps its blanks):
 *   run ARGV...          run and wait; its output goes to the console. A
 *                        word %NAME stands for the pid of background
 *                        command NAME (kvmirq snapshot --pid %vmm)
 *   start NAME ARGV...   run in the background, output into /tmp/NAME.log
 *   wait NAME            wait for a background command
 *   await NAME SECONDS TEXT...
 *                        wait until /tmp/NAME.log holds TEXT (the words
 *                        joined by one blank): a background command is
 *                        ready. Fails when NAME ends first or time runs out.
 *   signal NAME SIGNO    send a signal to a background command (2: Ctrl-C)
 *   sleep SECONDS
 *   file PATH [NAME]     print the file on the console (console_file.h),
 *                        named NAME (default: PATH's last component)
 *   write PATH TEXT      write TEXT to PATH (a sysctl, a tracefs switch)
 *
 * Console output, one marker per line, for tests/rig/common/split-console.py:
 *   KVMIRQ-RUN-BEGIN <n> <argv...>   ... output ...   KVMIRQ-RUN-END <n> <status>
 *     (n: the line of /rig-commands, from 0)
 *   KVMIRQ-WAIT <name> <status>
 *   KVMIRQ-AWAIT <name> <seconds it took>
 *   KVMIRQ-DONE <number of commands that failed>
 * A status is the exit code, or 128 + the signal that ended the command.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "console_file.h"

#define MAX_WORDS 32
#define MAX_JOBS 8

struct job {
	char name[32];
	pid_t pid;
};

static struct job jobs[MAX_JOBS];
static int failed;

static const struct {
	const char *source, *target, *type;
} mounts[] = {
	{ "proc", "/proc", "proc" },
	{ "sysfs", "/sys", "sysfs" },
	{ "devtmpfs", "/dev", "devtmpfs" },
	{ "tracefs", "/sys/kernel/tracing", "tracefs" },
	{ "debugfs", "/sys/kernel/debug", "debugfs" },
	{ "bpffs", "/sys/fs/bpf", "bpf" },
};

static void mount_all(void)
{
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		mkdir(mounts[i].target, 0755);
		if (mount(mounts[i].source, mounts[i].target, mounts[i].type, 0, NULL) < 0 &&
		    errno != EBUSY)
			printf("rig-init: mount %s: %s\n", mounts[i].target, strerror(errno));
	}
}

static int exit_status(int ws)
{
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Fork and exec ARGV; with LOG, its stdout and stderr go there. */
static pid_t spawn(char **argv, const char *log)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid != 0)
		return pid;
	if (log) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		close(fd);
	}
	execv(argv[0], argv);
	fprintf(stderr, "rig-init: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int wait_for(pid_t pid)
{
	int ws;

	if (pid < 0 || waitpid(pid, &ws, 0) < 0)
		return 127;
	return exit_status(ws);
}

static struct job *find_job(const char *name);

/* Run ARGV and wait; its output goes to the console, or into LOG. */
static void cmd_run(char **argv, int n, const char *log)
{
	char pids[MAX_WORDS][16];
	int status;

	for (int i = 0; argv[i]; i++) {
		struct job *job = argv[i][0] == '%' ? find_job(argv[i] + 1) : NULL;

		if (argv[i][0] == '%' && !job)
			return;
		if (job) {
			snprintf(pids[i], sizeof(pids[i]), "%d", (int)job->pid);
			argv[i] = pids[i];
		}
	}
	printf("KVMIRQ-RUN-BEGIN %d", n);
	for (char **a = argv; *a; a++)
		printf(" %s", *a);
	printf("\n");
	status = wait_for(spawn(argv, log));
	printf("\nKVMIRQ-RUN-END %d %d\n", n, status);
	failed += status != 0;
}

static void cmd_start(char **argv)
{
	char log[64];

	for (int i = 0; i < MAX_JOBS; i++) {
		if (jobs[i].pid)
			continue;
		snprintf(jobs[i].name, sizeof(jobs[i].name), "%s", argv[0]);
		snprintf(log, sizeof(log), "/tmp/%s.log", jobs[i].name);
		jobs[i].pid = spawn(argv + 1, log);
		return;
	}
	printf("rig-init: more than %d background commands\n", MAX_JOBS);
	failed++;
}

static void cmd_wait(const char *name)
{
	struct job *job = find_job(name);
	int status;

	if (!job)
		return;
	status = wait_for(job->pid);
	printf("KVMIRQ-WAIT %s %d\n", name, status);
	failed += status != 0;
	job->pid = 0;
}

static struct job *find_job(const char *name)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (jobs[i].pid && !strcmp(jobs[i].name, name))
			return &jobs[i];
	printf("rig-init: no background command %s\n", name);
	failed++;
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Does FILE hold TEXT (anywhere: a log can start with a long output)? */
static bool file_holds(const char *file, const char *text)
{
	size_t len = strlen(text), n, keep = 0;
	char buf[16384];
	bool found = false;
	FILE *f = fopen(file, "r");

	if (!f || len >= sizeof(buf) / 2) {
		if (f)
			fclose(f);
		return false;
	}
	/* each read keeps the last LEN - 1 bytes of the one before */
	while (!found && (n = fread(buf + keep, 1, sizeof(buf) - 1 - keep, f)) > 0) {
		n += keep;
		buf[n] = '\0';
		found = memmem(buf, n, text, len) != NULL;
		keep = n < len - 1 ? n : len - 1;
		memmove(buf, buf + n - keep, keep);
	}
	fclose(f);
	return found;
}

static void cmd_await(const char *name, double seconds, char **words)
{
	struct job *job = find_job(name);
	char text[256] = "", log[64];
	double deadline = now() + seconds;
	int ws;

	if (!job)
		return;
	for (char **w = words; *w; w++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s",
			 w == words ? "" : " ", *w);
	snprintf(log, sizeof(log), "/tmp/%s.log", name);
	while (!file_holds(log, text)) {
		if (waitpid(job->pid, &ws, WNOHANG) == job->pid) {
			printf("rig-init: %s ended (status %d) before printing \"%s\"\n", name,
			       exit_status(ws), text);
			job->pid = 0;
			failed++;
			return;
		}
		if (now() > deadline) {
			printf("rig-init: %s did not print \"%s\" within %.0f s\n", name, text,
			       seconds);
			failed++;
			return;
		}
		usleep(20000);
	}
	printf("KVMIRQ-AWAIT %s %.2f\n", name, now() - (deadline - seconds));
}

static void cmd_signal(const char *name, int signo)
{
	struct job *job = find_job(name);

	if (job && kill(job->pid, signo) < 0) {
		printf("rig-init: signal %s: %s\n", name, strerror(errno));
		failed++;
	}
}

static void cmd_file(const char *path, const char *name)
{
	if (!name)
		name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (console_print_file(path, name) < 0) {
		printf("rig-init: %s: %s\n", path, strerror(errno));
		failed++;
	}
}

/* Write TEXT (one word) to PATH: a sysctl, a tracefs switch. */
static void cmd_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("rig-init: write %s: %s\n", path, strerror(errno));
		failed++;
	}
}

/* Split LINE in place into at most MAX words: blanks separate them, and a
 * word in double quotes keeps its blanks. Returns the count. */
static int split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	while (argc < max) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			argv[argc++] = ++p;
			p += strcspn(p, "\"");
		} else {
			argv[argc++] = p;
			p += strcspn(p, " \t\n");
		}
		if (*p)
			*p++ = '\0';
	}
	return argc;
}

/* Line N (from 0) of /rig-commands. */
static void command(char *line, int n)
{
	char *argv[MAX_WORDS + 1];
	int argc = split_words(line, argv, MAX_WORDS);

	argv[argc] = NULL;
	if (argc == 0 || argv[0][0] == '#')
		return;
	if (!strcmp(argv[0], "run") && argc > 1)
		cmd_run(argv + 1, n, NULL);
	else if (!strcmp(argv[0], "runout") && argc > 2)
		cmd_run(argv + 2, n, argv[1]);
	else if (!strcmp(argv[0], "start") && argc > 2)
		cmd_start(argv + 1);
	else if (!strcmp(argv[0], "wait") && argc == 2)
		cmd_wait(argv[1]);
	else if (!strcmp(argv[0], "sleep") && argc == 2)
		sleep((unsigned int)atoi(argv[1]));
	else if (!strcmp(argv[0], "file") && (argc == 2 || argc == 3))
		cmd_file(argv[1], argc == 3 ? argv[2] : NULL);
	else if (!strcmp(argv[0], "await") && argc > 3)
		cmd_await(argv[1], atof(argv[2]), argv + 3);
	else if (!strcmp(argv[0], "signal") && argc == 3)
		cmd_signal(argv[1], atoi(argv[2]));
	else if (!strcmp(argv[0], "write") && argc == 3)
		cmd_write(argv[1], argv[2]);
	else {
		printf("rig-init: bad command: %s\n", argv[0]);
		failed++;
	}
	fflush(stdout);
}

int main(void)
{
	char line[1024];
	FILE *f;
	int n = 0;

	setenv("PATH", "/bin", 1);
	setenv("HOME", "/", 1);
	setenv("TERM", "vt100", 1);
	mount_all();
	f = fopen("/rig-commands", "r");
	if (!f) {
		printf("rig-init: /rig-commands: %s\n", strerror(errno));
		failed++;
	}
	while (f && fgets(line, sizeof(line), f))
		command(line, n++);
	printf("KVMIRQ-DONE %d\n", failed);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
