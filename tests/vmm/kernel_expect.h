/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What KVM answers where the answer depends on the kernel: one table
 * (kernel_expect.c), one row per check and range of kernel releases, each
 * with the commit or release that changed the answer. The test VMMs ask it
 * for the running kernel (uname -r) and name the row in a mismatch.
 *
 * Standalone (libc and <linux/kvm.h> only), so that every test VMM, static
 * or cross-built, can link it.
 */
#ifndef KERNEL_EXPECT_H
#define KERNEL_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

/* A kernel release as uname -r starts: "6.1.0-28-amd64" is 6.1.0. */
struct kernel_version {
	unsigned major, minor, patch;
};

/* What the row says the kernel does. */
enum kernel_answer {
	ANSWER_RETURNS,       /* the ioctl returns .value */
	ANSWER_ERRNO,         /* it fails with errno .value */
	ANSWER_READS,         /* a GET reads .value back */
	ANSWER_READS_WRITTEN, /* a GET reads back what the SET before it wrote */
};

/*
 * KVM flavours whose answers differ from upstream at the same release: an
 * out-of-tree vendor module. Detected by its /sys/module directory.
 */
enum kvm_flavour {
	FLAVOUR_UPSTREAM, /* VMX, SVM or an architecture's own KVM */
	FLAVOUR_PVM,      /* kvm-pvm: KVM without hardware virtualization */
	NR_FLAVOURS
};

/*
 * One row: .check on .arch under .flavour, for .from <= kernel < .to
 * (.to all zero: no end). Rows of one check, arch and flavour cover every
 * release once; a flavour with no row of a check takes the upstream rows.
 */
struct kernel_row {
	const char *check;  /* the name the test VMM asks by */
	const char *arch;   /* the test VMM's arch_name: "x86_64", "arm64-gicv3", "powerpc-e500" */
	enum kvm_flavour flavour;
	struct kernel_version from, to;
	enum kernel_answer answer;
	long value;
	const char *changed_by; /* commit id and subject, or the release, that set this answer */
};

/* The running kernel, read once. */
struct kernel_host {
	char release[65];
	struct kernel_version version;
	enum kvm_flavour flavour;
};

const struct kernel_host *kernel_host(void);
/* Pretend to run RELEASE under FLAVOUR (testvmm --kernel): for the tests of the table. */
void kernel_host_override(const char *release, enum kvm_flavour flavour);

/* "6.18.44-fc" -> {6, 18, 44}; false if it does not start with a version. */
bool kernel_version_parse(const char *release, struct kernel_version *v);
const char *kvm_flavour_name(enum kvm_flavour f);
/* FLAVOUR by name; false if unknown. */
bool kvm_flavour_parse(const char *name, enum kvm_flavour *f);

/* The row of CHECK for ARCH on the running kernel; exits 2 if the table has none. */
const struct kernel_row *kernel_expect(const char *check, const char *arch);

/*
 * For a mismatch: "kernel 6.18.44-fc (pvm): row 'CHECK' for 6.8 and later,
 * expects ret 1 (63912245c19d KVM: ...)".
 */
void kernel_row_describe(char *buf, size_t len, const struct kernel_row *r);

/* Every row of ARCH (NULL: all), the one in effect on this kernel marked; for --kernel-table. */
void kernel_table_print(const char *arch);
/* Rows of one check, arch and flavour overlap or leave a gap: the problems, on stderr. */
unsigned kernel_table_problems(void);

#endif
