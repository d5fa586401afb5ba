// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-dependent answers the test VMMs expect, per release range (see
 * kernel_expect.h). A new kernel that answers differently gets a new row
 * here, with the commit that changed the answer, and the row before it an
 * end: nothing else in the test VMMs changes.
 */
#include "kernel_expect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UP_TO_NOW { 0, 0, 0 }

static const struct kernel_row rows[] = {
	/*
	 * KVM_CHECK_EXTENSION(KVM_CAP_DEVICE_CTRL) on x86. KVM_CREATE_DEVICE
	 * worked on x86 all along (the VFIO device), but only arm, powerpc
	 * and s390 listed the capability until it moved to the generic
	 * check (merged for 6.8).
	 */
	{
		.check = "KVM_CAP_DEVICE_CTRL", .arch = "x86_64", .flavour = FLAVOUR_UPSTREAM,
		.from = { 3, 10, 0 }, .to = { 6, 8, 0 },
		.answer = ANSWER_RETURNS, .value = 0,
		.changed_by = "Linux 3.10 (KVM_CREATE_DEVICE): the capability is in the "
			      "arm, powerpc and s390 checks only",
	},
	{
		.check = "KVM_CAP_DEVICE_CTRL", .arch = "x86_64", .flavour = FLAVOUR_UPSTREAM,
		.from = { 6, 8, 0 }, .to = UP_TO_NOW,
		.answer = ANSWER_RETURNS, .value = 1,
		.changed_by = "63912245c19d KVM: move KVM_CAP_DEVICE_CTRL to the generic check "
			      "(Linux 6.8)",
	},
	/*
	 * KVM_GET_DEVICE_ATTR(KVM_VCPU_TSC_CTRL, KVM_VCPU_TSC_OFFSET) after a
	 * SET: the vCPU's l1_tsc_offset. PVM has no hardware TSC offsetting:
	 * its write_tsc_offset callback stores 0 whatever KVM computed, so
	 * the offset reads 0 at creation and after every SET.
	 */
	{
		.check = "TSC offset after SET", .arch = "x86_64", .flavour = FLAVOUR_UPSTREAM,
		.from = { 5, 16, 0 }, .to = UP_TO_NOW,
		.answer = ANSWER_READS_WRITTEN,
		.changed_by = "828ca89628bf KVM: x86: Expose TSC offset controls to userspace "
			      "(Linux 5.16)",
	},
	{
		.check = "TSC offset after SET", .arch = "x86_64", .flavour = FLAVOUR_PVM,
		.from = { 6, 7, 0 }, .to = UP_TO_NOW,
		.answer = ANSWER_READS, .value = 0,
		.changed_by = "PVM, out of tree: [RFC PATCH 44/73] KVM: x86/PVM: Implement TSC "
			      "related callbacks (2024-02-26): pvm_write_tsc_offset() keeps it 0",
	},
	/*
	 * KVM_CHECK_EXTENSION(KVM_CAP_IRQFD_RESAMPLE) on e500 (the only
	 * powerpc KVM the test VMM drives: the MPIC). The generic check
	 * answered 1 wherever irqfds exist; 6.3 moved the capability into
	 * each architecture's check, and powerpc's case sits in the
	 * CONFIG_PPC_BOOK3S_64 block, so a BookE host answers 0 while
	 * KVM_IRQFD_FLAG_RESAMPLE still assigns (Debian's 6.1.192: 1;
	 * 6.12.117: 0).
	 */
	{
		.check = "KVM_CAP_IRQFD_RESAMPLE", .arch = "powerpc-e500",
		.flavour = FLAVOUR_UPSTREAM,
		.from = { 3, 9, 0 }, .to = { 6, 3, 0 },
		.answer = ANSWER_RETURNS, .value = 1,
		.changed_by = "7a84428af7ca KVM: Add resampling irqfds for level triggered "
			      "interrupts (Linux 3.9): in the generic check",
	},
	{
		.check = "KVM_CAP_IRQFD_RESAMPLE", .arch = "powerpc-e500",
		.flavour = FLAVOUR_UPSTREAM,
		.from = { 6, 3, 0 }, .to = UP_TO_NOW,
		.answer = ANSWER_RETURNS, .value = 0,
		.changed_by = "52882b9c7a76 KVM: PPC: Make KVM_CAP_IRQFD_RESAMPLE platform "
			      "dependent (Linux 6.3): Book3S-64 only",
	},
};

static const char *const flavour_names[NR_FLAVOURS] = {
	[FLAVOUR_UPSTREAM] = "upstream",
	[FLAVOUR_PVM] = "pvm",
};

/* Where each flavour's module shows itself (KVM built in or not). */
static const char *const flavour_modules[NR_FLAVOURS] = {
	[FLAVOUR_PVM] = "/sys/module/kvm_pvm",
};

const char *kvm_flavour_name(enum kvm_flavour f)
{
	return f < NR_FLAVOURS ? flavour_names[f] : "?";
}

bool kvm_flavour_parse(const char *name, enum kvm_flavour *f)
{
	for (unsigned i = 0; i < NR_FLAVOURS; i++)
		if (strcmp(name, flavour_names[i]) == 0) {
			*f = i;
			return true;
		}
	return false;
}

bool kernel_version_parse(const char *release, struct kernel_version *v)
{
	*v = (struct kernel_version){ 0 };
	return sscanf(release, "%u.%u.%u", &v->major, &v->minor, &v->patch) >= 2;
}

static struct kernel_host host;
static bool host_known;

static void host_set(const char *release, enum kvm_flavour flavour)
{
	snprintf(host.release, sizeof(host.release), "%s", release);
	if (!kernel_version_parse(host.release, &host.version)) {
		fprintf(stderr, "kernel_expect: kernel release '%s' is not a version\n", release);
		exit(2);
	}
	host.flavour = flavour;
	host_known = true;
}

const struct kernel_host *kernel_host(void)
{
	struct utsname u;
	enum kvm_flavour f = FLAVOUR_UPSTREAM;

	if (host_known)
		return &host;
	if (uname(&u) != 0) {
		perror("kernel_expect: uname");
		exit(2);
	}
	for (unsigned i = 0; i < NR_FLAVOURS; i++)
		if (flavour_modules[i] && access(flavour_modules[i], F_OK) == 0)
			f = i;
	host_set(u.release, f);
	return &host;
}

void kernel_host_override(const char *release, enum kvm_flavour flavour)
{
	host_set(release, flavour);
}

static int version_cmp(struct kernel_version a, struct kernel_version b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	if (a.patch != b.patch)
		return a.patch < b.patch ? -1 : 1;
	return 0;
}

static bool open_ended(struct kernel_version v)
{
	return !v.major && !v.minor && !v.patch;
}

static bool row_covers(const struct kernel_row *r, struct kernel_version v)
{
	return version_cmp(v, r->from) >= 0 && (open_ended(r->to) || version_cmp(v, r->to) < 0);
}

static bool same_series(const struct kernel_row *a, const struct kernel_row *b)
{
	return strcmp(a->check, b->check) == 0 && strcmp(a->arch, b->arch) == 0 &&
	       a->flavour == b->flavour;
}

/* The flavour whose rows CHECK uses here: the host's if it has any, else upstream. */
static enum kvm_flavour flavour_for(const char *check, const char *arch, enum kvm_flavour f)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].flavour == f && strcmp(rows[i].check, check) == 0 &&
		    strcmp(rows[i].arch, arch) == 0)
			return f;
	return FLAVOUR_UPSTREAM;
}

static const struct kernel_row *row_for(const char *check, const char *arch,
					const struct kernel_host *h)
{
	enum kvm_flavour f = flavour_for(check, arch, h->flavour);

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].flavour == f && strcmp(rows[i].check, check) == 0 &&
		    strcmp(rows[i].arch, arch) == 0 && row_covers(&rows[i], h->version))
			return &rows[i];
	return NULL;
}

const struct kernel_row *kernel_expect(const char *check, const char *arch)
{
	const struct kernel_host *h = kernel_host();
	const struct kernel_row *r = row_for(check, arch, h);

	if (!r) {
		fprintf(stderr, "kernel_expect: no row for '%s' on %s, kernel %s (%s): "
			"tests/vmm/kernel_expect.c needs one\n", check, arch, h->release,
			kvm_flavour_name(h->flavour));
		exit(2);
	}
	return r;
}

static int range_text(char *buf, size_t len, const struct kernel_row *r)
{
	if (open_ended(r->to))
		return snprintf(buf, len, "%u.%u.%u and later", r->from.major, r->from.minor,
				r->from.patch);
	return snprintf(buf, len, "%u.%u.%u up to %u.%u.%u", r->from.major, r->from.minor,
			r->from.patch, r->to.major, r->to.minor, r->to.patch);
}

static void answer_text(char *buf, size_t len, const struct kernel_row *r)
{
	switch (r->answer) {
	case ANSWER_RETURNS: snprintf(buf, len, "ret %ld", r->value); break;
	case ANSWER_ERRNO: snprintf(buf, len, "-1/%s", strerror((int)r->value)); break;
	case ANSWER_READS: snprintf(buf, len, "reads 0x%lx", r->value); break;
	case ANSWER_READS_WRITTEN: snprintf(buf, len, "reads back what was written"); break;
	}
}

void kernel_row_describe(char *buf, size_t len, const struct kernel_row *r)
{
	const struct kernel_host *h = kernel_host();
	char range[64], answer[64];

	range_text(range, sizeof(range), r);
	answer_text(answer, sizeof(answer), r);
	snprintf(buf, len, "kernel %s (%s): row '%s' for %s%s, expects %s (%s)", h->release,
		 kvm_flavour_name(h->flavour), r->check, r->flavour == FLAVOUR_UPSTREAM ? "" : "pvm ",
		 range, answer, r->changed_by);
}

void kernel_table_print(const char *arch)
{
	const struct kernel_host *h = kernel_host();

	printf("kernel %s (%s)\n", h->release, kvm_flavour_name(h->flavour));
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct kernel_row *r = &rows[i];
		char range[64], answer[64];

		if (arch && strcmp(r->arch, arch) != 0)
			continue;
		range_text(range, sizeof(range), r);
		answer_text(answer, sizeof(answer), r);
		printf("%s %s | %s | %s | %s | %s | %s\n",
		       row_for(r->check, r->arch, h) == r ? "*" : " ", r->check, r->arch,
		       kvm_flavour_name(r->flavour), range, answer, r->changed_by);
	}
}

unsigned kernel_table_problems(void)
{
	unsigned problems = 0;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct kernel_row *r = &rows[i];
		bool continued = open_ended(r->to);

		if (!open_ended(r->to) && version_cmp(r->from, r->to) >= 0) {
			fprintf(stderr, "kernel_expect: row %zu '%s': empty range\n", i, r->check);
			problems++;
		}
		for (size_t k = 0; k < ARRAY_SIZE(rows); k++) {
			const struct kernel_row *o = &rows[k];

			if (k == i || !same_series(r, o))
				continue;
			if (k > i && (row_covers(o, r->from) || row_covers(r, o->from))) {
				fprintf(stderr, "kernel_expect: rows %zu and %zu of '%s' overlap\n", i,
					k, r->check);
				problems++;
			}
			if (!open_ended(r->to) && version_cmp(o->from, r->to) == 0)
				continued = true;
		}
		if (!continued) {
			fprintf(stderr, "kernel_expect: row %zu of '%s' ends at %u.%u.%u and no row "
				"starts there\n", i, r->check, r->to.major, r->to.minor, r->to.patch);
			problems++;
		}
	}
	return problems;
}
