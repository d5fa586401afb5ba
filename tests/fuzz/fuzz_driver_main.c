/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain main() that replays files or directories through
 * LLVMFuzzerTestOneInput() without libFuzzer: a regression test over the
 * seed corpus and crash reproducers that builds with gcc or clang. Any of
 * the harnesses links with it (tests/fuzz/run-fuzz.sh --replay builds one
 * replay binary per harness), e.g.
 *
 *   gcc -std=gnu11 -fsanitize=address,undefined -Iinclude -Isrc/tracefile \
 *       tests/fuzz/fuzz_driver_main.c tests/fuzz/fuzz_tracefile_reader.c \
 *       src/tracefile/[a-z]*.c -lz -o build/fuzz_tracefile_replay
 *   build/fuzz_tracefile_replay tests/fuzz/corpus/tracefile
 *
 * Each input is copied into an exactly-sized heap buffer so that ASan
 * catches any read past its end. Files are replayed in name order. A crash
 * aborts the run (non-zero exit) right after a "replaying FILE" line on
 * stderr naming the input; otherwise the last line is "N passed, 0 failed".
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_ok, n_bad;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		n_bad++;
		if (f)
			fclose(f);
		return;
	}
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: read failed\n", path);
		n_bad++;
		free(buf);
		fclose(f);
		return;
	}
	fclose(f);
	/* name the input first: a crash does not return to say which it was */
	fprintf(stderr, "replaying %s\n", path);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	n_ok++;
}

static void run_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	int n, i;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		n_bad++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	/* in name order, so that every run replays the same sequence */
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		n_bad++;
		return;
	}
	for (i = 0; i < n; i++) {
		char sub[4096];

		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
			run_path(sub);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	if (n_ok + n_bad == 0) {
		fprintf(stderr, "no inputs found\n");
		n_bad = 1;
	}
	printf("%d passed, %d failed\n", n_ok, n_bad);
	return n_bad ? 1 : 0;
}
