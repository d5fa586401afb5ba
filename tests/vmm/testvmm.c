// SPDX-License-Identifier: GPL-2.0
/*
 * testvmm: a scripted, deterministic user of KVM's interrupt ioctls.
 *
 * It opens /dev/kvm and performs a fixed sequence of every interrupt-related
 * ioctl with known values, including deliberate errors, without ever running
 * guest code (no KVM_RUN). Each result is checked against what the script
 * expects from the kernel (6.1 semantics, and where a kernel answers
 * differently, the row of kernel_expect.c for the running kernel); the run
 * exits 0 only if all match. A tracer recording the run can be compared
 * against the log it writes.
 *
 * Usage:
 *   testvmm [--log FILE] [--hold SECONDS] [-v]
 *   testvmm --storm N --kind irq_line|msi [--log FILE] [--hold SECONDS]
 *   testvmm --break RULE [--log FILE] [--hold SECONDS]
 *   testvmm --kernel-table
 *   any of them with [--kernel RELEASE] [--flavour upstream|pvm]
 *     --log FILE   one JSON line per ioctl ("-" = stdout)
 *     --storm N    instead of the script: N KVM_IRQ_LINE (level 1/0 alternating
 *                  on one GSI) or N KVM_SIGNAL_MSI as fast as possible, on a VM
 *                  with an irqchip and one vCPU; prints the rate on stdout. The
 *                  storm's own ioctls are not logged (the setup ones are).
 *                  SIGINT or SIGTERM end it early, normally, with its rate.
 *     --break RULE instead of the script: misbehave so that kvmirq check finds
 *                  RULE (testvmm_<arch>.c's arch_breaks[] lists them), and
 *                  print what was done on stdout; "none" is the control: the
 *                  same set-up and nothing broken
 *     --hold S     keep the VM (all fds) alive S seconds at the end; SIGINT or
 *                  SIGTERM end the hold early and normally
 *     --kernel-table  print the kernel-dependent expectations (kernel_expect.c)
 *                  of this architecture, '*' on the rows in effect here;
 *                  exit 1 if the table's rows overlap or leave a gap
 *     --kernel RELEASE, --flavour F  expect what kernel RELEASE (uname -r
 *                  form) of flavour F answers instead of the running one's
 *     -v           print every ioctl on stderr as it happens
 *   Exit status: 0 all as expected; 1 a result differed (each difference is
 *   printed on stderr); 2 usage or setup error (e.g. no /dev/kvm).
 *
 * Log format (--log): one JSON object per line, per ioctl, in call order:
 *   {"seq":N,"fd_kind":"system|vm|vcpu|device","fd":FD,"ioctl":"KVM_IRQ_LINE",
 *    "cmd":"0x4008ae61","ret":R,"errno":E,"in":"HEX","out":"HEX",
 *    "tid":TID,"pid":PID,"arg":"0x...","note":"TEXT"}
 *   seq     1, 2, 3... in call order (storm ioctls are not numbered)
 *   fd      the fd the ioctl was issued on; fd_kind what it is
 *   cmd     the ioctl request number as passed, lowercase hex
 *   ret     the ioctl(2) return value; errno its errno when ret < 0, else 0
 *   arg     the third ioctl(2) argument: the integer for integer-argument
 *           ioctls (KVM_CREATE_VM type, KVM_CREATE_VCPU id, KVM_CHECK_EXTENSION
 *           cap), else the address of the payload in this process
 *   in      the payload bytes the kernel reads, taken just before the call,
 *           exactly as in memory (little-endian on x86, big-endian on e500),
 *           lowercase hex, no separators; "" when the ioctl reads no payload
 *           (integer argument, or an _IOR ioctl such as KVM_GET_LAPIC).
 *           Lengths: kvm_irq_level 8, kvm_msi 32, kvm_irqfd 32,
 *           kvm_create_device 12, kvm_device_attr 24, kvm_irqchip 520,
 *           kvm_lapic_state 1024, kvm_interrupt 4, kvm_enable_cap 104,
 *           kvm_irq_routing 8 + nr*48 (header and the nr entries, even when the
 *           kernel rejects the header before reading the entries)
 *   out     the payload bytes after the call for ioctls that write back
 *           (KVM_IRQ_LINE_STATUS 8, KVM_CREATE_DEVICE 12, KVM_GET_IRQCHIP 520,
 *           KVM_GET_LAPIC 1024), and for KVM_GET_DEVICE_ATTR the value bytes at
 *           attr.addr (its width: 8 for the u64 attributes, 4 for the MPIC's
 *           registers and IRQ_ACTIVE); "" when the call failed or writes
 *           nothing back
 *   value   only for KVM_SET_DEVICE_ATTR: the value bytes at attr.addr that
 *           the kernel reads (e.g. 4 for a VFIO group fd or an MPIC register,
 *           8 for a u64)
 *   note    what the step is about, for humans; not part of the ABI
 * HAS_DEVICE_ATTR passes addr = 0 (the kernel ignores it).
 *
 * The architecture-specific sequence lives in testvmm_<arch>.c (arch_*):
 * testvmm_x86.c (PIC, IOAPIC, LAPIC), testvmm_powerpc.c (the e500 MPIC, v2.0
 * and v4.2, through device attributes; its header lists the sequence).
 */
#define _GNU_SOURCE
#include "testvmm.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct kvm_irq_level) == 8, "kvm_irq_level");
_Static_assert(sizeof(struct kvm_msi) == 32, "kvm_msi");
_Static_assert(sizeof(struct kvm_irqfd) == 32, "kvm_irqfd");
_Static_assert(sizeof(struct kvm_create_device) == 12, "kvm_create_device");
_Static_assert(sizeof(struct kvm_device_attr) == 24, "kvm_device_attr");
_Static_assert(sizeof(struct kvm_irq_routing) == 8, "kvm_irq_routing");
_Static_assert(sizeof(struct kvm_irq_routing_entry) == 48, "routing entry");

static const char *const fd_kind_names[] = { "system", "vm", "vcpu", "device" };

int vmm_fd(const struct vmm *v, enum fd_kind kind)
{
	switch (kind) {
	case FD_SYSTEM: return v->sys_fd;
	case FD_VM: return v->vm_fd;
	case FD_VCPU: return v->vcpu_fd;
	case FD_DEVICE: return v->dev_fd;
	}
	return -1;
}

/* ---- log ---------------------------------------------------------------- */

static void json_hex(FILE *f, const char *key, const void *p, size_t n)
{
	const unsigned char *b = p;

	fprintf(f, ",\"%s\":\"", key);
	for (size_t i = 0; p && i < n; i++)
		fprintf(f, "%02x", b[i]);
	fputc('"', f);
}

/* Notes are ours and plain ASCII; escape the two JSON specials anyway. */
static void json_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":\"", key);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void log_call(struct vmm *v, const struct kcall *c, unsigned long arg,
		     long ret, int err, const void *in, const void *value_in)
{
	FILE *f = v->log;
	bool ok = ret >= 0;

	if (!f)
		return;
	fprintf(f, "{\"seq\":%u,\"fd_kind\":\"%s\",\"fd\":%d", v->seq,
		fd_kind_names[c->kind], c->fd);
	json_str(f, "ioctl", c->name);
	fprintf(f, ",\"cmd\":\"0x%lx\",\"ret\":%ld,\"errno\":%d", c->cmd, ret, err);
	json_hex(f, "in", in, c->in_len);
	if (c->value_dir == VALUE_OUT)
		json_hex(f, "out", c->value, ok ? c->value_len : 0);
	else
		json_hex(f, "out", c->buf, ok ? c->out_len : 0);
	if (c->value_dir == VALUE_IN)
		json_hex(f, "value", value_in, c->value_len);
	fprintf(f, ",\"tid\":%d,\"pid\":%d,\"arg\":\"0x%lx\"", gettid(), getpid(), arg);
	json_str(f, "note", c->note);
	fputs("}\n", f);
}

/* ---- the call itself ---------------------------------------------------- */

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	default: return strerror(e);
	}
}

static void describe_expect(char *s, size_t n, struct expect e)
{
	switch (e.kind) {
	case EXPECT_RET: snprintf(s, n, "ret %ld", e.value); break;
	case EXPECT_FD: snprintf(s, n, "a new fd"); break;
	case EXPECT_ERRNO: snprintf(s, n, "-1/%s", errno_name((int)e.value)); break;
	case EXPECT_NONNEG: snprintf(s, n, "ret >= 0"); break;
	}
}

static bool expect_met(struct expect e, long ret, int err)
{
	switch (e.kind) {
	case EXPECT_RET: return ret == e.value;
	case EXPECT_FD:
	case EXPECT_NONNEG: return ret >= 0;
	case EXPECT_ERRNO: return ret == -1 && err == e.value;
	}
	return false;
}

/* Name and note of the last call, for mismatch messages (notes may be built
 * on the caller's stack, so keep a copy). */
static const char *last_name = "-";
static char last_note[128];

void vmm_mismatch(struct vmm *v, const char *fmt, ...)
{
	va_list ap;

	v->mismatches++;
	fprintf(stderr, "testvmm: MISMATCH seq %u %s (%s): ", v->seq, last_name, last_note);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *snapshot(const void *p, size_t n)
{
	void *copy;

	if (!p || !n)
		return NULL;
	copy = malloc(n);
	if (!copy) {
		perror("testvmm: malloc");
		exit(2);
	}
	return memcpy(copy, p, n);
}

long vmm_call(struct vmm *v, const struct kcall *c)
{
	unsigned long arg = c->buf ? (unsigned long)c->buf : c->arg;
	void *in = snapshot(c->buf, c->in_len);
	void *value_in = c->value_dir == VALUE_IN ? snapshot(c->value, c->value_len) : NULL;
	long ret;
	int err;

	errno = 0;
	ret = ioctl(c->fd, c->cmd, arg);
	err = ret < 0 ? errno : 0;
	v->seq++;
	last_name = c->name;
	snprintf(last_note, sizeof(last_note), "%s", c->note ? c->note : "");
	log_call(v, c, arg, ret, err, in, value_in);
	if (v->verbose)
		fprintf(stderr, "testvmm: %3u %-22s %-6s fd %d ret %ld %s  %s\n", v->seq,
			c->name, fd_kind_names[c->kind], c->fd, ret, errno_name(err),
			c->note ? c->note : "");
	if (!expect_met(c->expect, ret, err)) {
		char want[64], row[512] = "";

		describe_expect(want, sizeof(want), c->expect);
		if (c->expect.kernel)
			kernel_row_describe(row, sizeof(row), c->expect.kernel);
		vmm_mismatch(v, "expected %s, got ret %ld errno %s%s%s", want, ret, errno_name(err),
			     *row ? "; " : "", row);
	}
	free(in);
	free(value_in);
	errno = err;
	return ret;
}

/* ---- generic steps ------------------------------------------------------ */

struct expect kernel_returns(const char *check)
{
	const struct kernel_row *r = kernel_expect(check, arch_name);

	switch (r->answer) {
	case ANSWER_RETURNS: return (struct expect){ EXPECT_RET, r->value, r };
	case ANSWER_ERRNO: return (struct expect){ EXPECT_ERRNO, r->value, r };
	case ANSWER_READS:
	case ANSWER_READS_WRITTEN: break;
	}
	fprintf(stderr, "testvmm: kernel_expect.c row '%s' says what a GET reads, not what an "
		"ioctl returns\n", check);
	exit(2);
}

long step_check_extension(struct vmm *v, enum fd_kind kind, long cap,
			  const char *cap_name, struct expect expect)
{
	struct kcall c = { .kind = kind, .fd = vmm_fd(v, kind), KC(KVM_CHECK_EXTENSION),
			   .arg = (unsigned long)cap, .expect = expect, .note = cap_name };

	return vmm_call(v, &c);
}

static long irq_line(struct vmm *v, unsigned long cmd, const char *name,
		     struct kvm_irq_level *lv, struct expect expect, const char *note)
{
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, .name = name, .cmd = cmd,
			   .buf = lv, .in_len = sizeof(*lv), .expect = expect, .note = note };

	if (cmd == KVM_IRQ_LINE_STATUS)
		c.out_len = sizeof(*lv);
	return vmm_call(v, &c);
}

/* KVM_IRQ_LINE always returns 0 with an irqchip: the status is dropped. */
static const char *line_note(char *buf, size_t len, const struct line_case *c)
{
	snprintf(buf, len, "gsi %u level %u: %s", c->gsi, c->level, c->note);
	return buf;
}

void step_irq_lines(struct vmm *v, const struct line_case *cases, size_t n)
{
	char note[128];

	for (size_t i = 0; i < n; i++) {
		struct kvm_irq_level lv = { .irq = cases[i].gsi, .level = cases[i].level };

		irq_line(v, KVM_IRQ_LINE, "KVM_IRQ_LINE", &lv, SUCCEEDS,
			 line_note(note, sizeof(note), &cases[i]));
	}
}

void step_irq_line_status(struct vmm *v, const struct line_case *cases, size_t n)
{
	char note[128];

	for (size_t i = 0; i < n; i++) {
		struct kvm_irq_level lv = { .irq = cases[i].gsi, .level = cases[i].level };

		if (irq_line(v, KVM_IRQ_LINE_STATUS, "KVM_IRQ_LINE_STATUS", &lv, SUCCEEDS,
			     line_note(note, sizeof(note), &cases[i])) == 0 &&
		    lv.status != cases[i].status)
			vmm_mismatch(v, "status %d, expected %d", lv.status, cases[i].status);
	}
}

void step_signal_msi(struct vmm *v, const struct msi_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct kvm_msi msi = cases[i].msi;
		struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_SIGNAL_MSI),
				   .buf = &msi, .in_len = sizeof(msi),
				   .expect = cases[i].expect, .note = cases[i].note };

		vmm_call(v, &c);
	}
}

long step_irqfd_one(struct vmm *v, int efd, __u32 gsi, __u32 flags, int resamplefd,
		    struct expect expect, const char *note)
{
	struct kvm_irqfd req = { .fd = (__u32)efd, .gsi = gsi, .flags = flags,
				 .resamplefd = (__u32)resamplefd };
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_IRQFD), .buf = &req,
			   .in_len = sizeof(req), .expect = expect, .note = note };

	return vmm_call(v, &c);
}

int vmm_new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	if (fd < 0) {
		perror("testvmm: eventfd");
		exit(2);
	}
	return fd;
}

/*
 * The resample irqfd stays assigned (and its eventfds open) so that --hold
 * leaves something to inspect; the plain one is deassigned.
 */
void step_irqfd(struct vmm *v, __u32 edge_gsi, __u32 level_gsi)
{
	int plain = vmm_new_eventfd(), level = vmm_new_eventfd(), resample = vmm_new_eventfd();

	step_irqfd_one(v, plain, edge_gsi, 0, 0, SUCCEEDS, "assign plain irqfd");
	step_irqfd_one(v, plain, edge_gsi + 1, 0, 0, FAILS(EBUSY), "same eventfd twice");
	step_irqfd_one(v, level, level_gsi, KVM_IRQFD_FLAG_RESAMPLE, -1, FAILS(EBADF),
	      "resample with resamplefd -1");
	step_irqfd_one(v, level, level_gsi, KVM_IRQFD_FLAG_RESAMPLE, resample, SUCCEEDS,
	      "assign resample irqfd on a level GSI");
	step_irqfd_one(v, plain, edge_gsi, 1u << 2, 0, FAILS(EINVAL), "unknown flag bit 2");
	step_irqfd_one(v, plain, edge_gsi, KVM_IRQFD_FLAG_DEASSIGN, 0, SUCCEEDS, "deassign plain");
	step_irqfd_one(v, plain, edge_gsi, KVM_IRQFD_FLAG_DEASSIGN, 0, SUCCEEDS,
	      "deassign again: not found is still 0");
	close(plain);
}

long step_gsi_routing(struct vmm *v, const struct kvm_irq_routing_entry *e,
		      __u32 nr, __u32 flags, struct expect expect, const char *note)
{
	size_t len = sizeof(struct kvm_irq_routing) + nr * sizeof(*e);
	struct kvm_irq_routing *r = calloc(1, len);
	long ret;

	if (!r) {
		perror("testvmm: calloc");
		exit(2);
	}
	r->nr = nr;
	r->flags = flags;
	memcpy(r->entries, e, nr * sizeof(*e));
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_SET_GSI_ROUTING),
			   .buf = r, .in_len = len, .expect = expect, .note = note };
	ret = vmm_call(v, &c);
	free(r);
	return ret;
}

int step_create_device(struct vmm *v, __u32 type, __u32 flags, struct expect expect,
		       const char *note)
{
	struct kvm_create_device cd = { .type = type, .fd = 0, .flags = flags };
	struct kcall c = { .kind = FD_VM, .fd = v->vm_fd, KC(KVM_CREATE_DEVICE), .buf = &cd,
			   .in_len = sizeof(cd), .out_len = sizeof(cd), .expect = expect,
			   .note = note };

	if (vmm_call(v, &c) != 0)
		return -1;
	if (flags & KVM_CREATE_DEVICE_TEST) {
		if (cd.fd != 0)
			vmm_mismatch(v, "TEST wrote fd %u back", cd.fd);
		return -1;
	}
	if ((int)cd.fd < 0 || fcntl((int)cd.fd, F_GETFD) < 0)
		vmm_mismatch(v, "returned fd %d is not open", (int)cd.fd);
	return (int)cd.fd;
}

/* Values are u32 or u64 in memory; a union keeps that right on big-endian too. */
union attr_value {
	__u64 u64;
	__u32 u32;
};

static __u64 attr_value_get(const union attr_value *val, size_t len)
{
	return len == 4 ? val->u32 : val->u64;
}

void step_device_attrs(struct vmm *v, const struct attr_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct attr_case *a = &cases[i];
		union attr_value val = { .u64 = 0 };
		struct kvm_device_attr da = { .flags = 0, .group = a->group, .attr = a->attr };
		struct kcall c = { .kind = a->kind, .fd = vmm_fd(v, a->kind), .name = a->name,
				   .cmd = a->cmd, .buf = &da, .in_len = sizeof(da),
				   .expect = a->expect, .note = a->note };

		if (a->cmd != KVM_HAS_DEVICE_ATTR) {
			if (a->cmd == KVM_SET_DEVICE_ATTR && a->value_len == 4)
				val.u32 = (__u32)a->value;
			else if (a->cmd == KVM_SET_DEVICE_ATTR)
				val.u64 = a->value;
			da.addr = (__u64)(unsigned long)&val;
			c.value = &val;
			c.value_len = a->value_len;
			c.value_dir = a->cmd == KVM_GET_DEVICE_ATTR ? VALUE_OUT : VALUE_IN;
		}
		__u64 got, want = a->value, below = a->below;
		char row[512] = "";

		if (vmm_call(v, &c) != 0 || !a->check_value)
			continue;
		got = attr_value_get(&val, a->value_len);
		if (a->kernel) {
			kernel_row_describe(row, sizeof(row), a->kernel);
			if (a->kernel->answer == ANSWER_READS) {
				want = (__u64)a->kernel->value;
				below = 0;
			}
		}
		if (got > want || want - got > below)
			vmm_mismatch(v, "value 0x%llx, expected 0x%llx (or up to 0x%llx less)%s%s",
				     (unsigned long long)got, (unsigned long long)want,
				     (unsigned long long)below, *row ? "; " : "", row);
	}
}

/*
 * The KVM-VFIO device exists on every architecture. Without a real VFIO
 * group all we can do is probe it and feed it wrong fds; the errors say
 * which check in virt/kvm/vfio.c stopped each call.
 */
void step_vfio_device(struct vmm *v)
{
	int efd = vmm_new_eventfd();

	step_create_device(v, KVM_DEV_TYPE_VFIO, KVM_CREATE_DEVICE_TEST, SUCCEEDS,
			   "VFIO, TEST: probe only, no fd");
	v->dev_fd = step_create_device(v, KVM_DEV_TYPE_VFIO, 0, SUCCEEDS, "VFIO");
	step_create_device(v, KVM_DEV_TYPE_VFIO, 0, FAILS(EBUSY), "second VFIO device");
	step_create_device(v, 0xffff, 0, FAILS(ENODEV), "type >= KVM_DEV_TYPE_MAX");
	step_create_device(v, 0xffff, KVM_CREATE_DEVICE_TEST, FAILS(ENODEV), "TEST, bad type");
	if (v->dev_fd < 0)
		return;

	const struct attr_case attrs[] = {
		ATTR_HAS(FD_DEVICE, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD, SUCCEEDS, "GROUP_ADD"),
		ATTR_HAS(FD_DEVICE, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_DEL, SUCCEEDS, "GROUP_DEL"),
		ATTR_HAS(FD_DEVICE, 2, 0, FAILS(ENXIO), "unknown group 2"),
		ATTR_GET64(FD_DEVICE, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD, FAILS(EPERM),
		      "no get_attr in kvm_vfio_ops"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD, -1, FAILS(EBADF),
		      "GROUP_ADD fd -1"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD, efd, FAILS(EINVAL),
		      "GROUP_ADD an eventfd: not a VFIO group"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_DEL, efd, FAILS(ENOENT),
		      "GROUP_DEL an fd never added"),
		ATTR_SET32(FD_DEVICE, KVM_DEV_VFIO_GROUP, 99, efd, FAILS(ENXIO), "unknown attr 99"),
		ATTR_SET32(FD_DEVICE, 9, 0, 0, FAILS(ENXIO), "unknown group 9"),
	};
	step_device_attrs(v, attrs, sizeof(attrs) / sizeof(attrs[0]));
	close(efd);
}

/* ---- storm, hold, main -------------------------------------------------- */

enum storm_kind { STORM_IRQ_LINE, STORM_MSI };

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Set by SIGINT or SIGTERM: ends a storm or a hold early, normally. */
static volatile sig_atomic_t stop_hold;

static void on_stop(int sig)
{
	(void)sig;
	stop_hold = 1;
}

static void catch_stop(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The hot loop: raw ioctls, no logging, errors counted. */
static void run_storm(struct vmm *v, long n, enum storm_kind kind)
{
	struct kvm_irq_level lv = { .irq = arch_storm_gsi() };
	struct kvm_msi msi = arch_storm_msi();
	long errors = 0;
	double t0, dt;
	long i;

	arch_storm_setup(v);
	t0 = now_s();
	for (i = 0; i < n && !stop_hold; i++) {
		int r;

		if (kind == STORM_IRQ_LINE) {
			lv.level = !(i & 1);
			r = ioctl(v->vm_fd, KVM_IRQ_LINE, &lv);
		} else {
			r = ioctl(v->vm_fd, KVM_SIGNAL_MSI, &msi);
		}
		errors += r < 0;
	}
	dt = now_s() - t0;
	n = i;
	printf("storm kind=%s n=%ld seconds=%.3f rate=%.0f ioctls/s errors=%ld\n",
	       kind == STORM_IRQ_LINE ? "irq_line" : "msi", n, dt, dt > 0 ? n / dt : 0.0, errors);
	fflush(stdout);
	if (errors) {
		v->mismatches++;
		fprintf(stderr, "testvmm: MISMATCH storm: %ld of %ld ioctls failed\n", errors, n);
	}
}

static void hold(const struct vmm *v, long seconds)
{
	fprintf(stderr, "testvmm: holding the VM for %ld s: pid %d, vm fd %d, vcpu fd %d, device fd %d\n",
		seconds, getpid(), v->vm_fd, v->vcpu_fd, v->dev_fd);
	for (double end = now_s() + (double)seconds; !stop_hold && now_s() < end;)
		usleep(100 * 1000);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: testvmm [--log FILE] [--hold SECONDS] [-v]\n"
		"       testvmm --storm N --kind irq_line|msi [--log FILE] [--hold SECONDS]\n"
		"       testvmm --break RULE [--log FILE] [--hold SECONDS]\n"
		"       testvmm --kernel-table\n"
		"       any of them with [--kernel RELEASE] [--flavour upstream|pvm]\n");
	for (size_t i = 0; i < arch_nr_breaks; i++)
		fprintf(stderr, "%s%s", i ? ", " : "  RULE: ", arch_breaks[i].rule);
	if (arch_nr_breaks)
		fputc('\n', stderr);
	exit(2);
}

struct options {
	const char *log_path;
	long storm_n;
	enum storm_kind kind;
	bool kind_set;
	long hold_s;
	const struct break_mode *breaks; /* --break */
	bool verbose;
	bool kernel_table;
	const char *kernel_release; /* --kernel */
	enum kvm_flavour flavour;   /* --flavour */
};

static long parse_count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 0)
		usage();
	return n;
}

static const struct break_mode *break_mode(const char *rule)
{
	for (size_t i = 0; i < arch_nr_breaks; i++)
		if (strcmp(arch_breaks[i].rule, rule) == 0)
			return &arch_breaks[i];
	fprintf(stderr, "testvmm: no --break mode for '%s' on %s\n", rule, arch_name);
	usage();
	return NULL;
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "storm", required_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "break", required_argument, NULL, 'b' },
		{ "hold", required_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "kernel-table", no_argument, NULL, 'T' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "flavour", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .storm_n = -1 };
	int opt;

	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': o.log_path = optarg; break;
		case 's': o.storm_n = parse_count(optarg); break;
		case 'H': o.hold_s = parse_count(optarg); break;
		case 'b': o.breaks = break_mode(optarg); break;
		case 'v': o.verbose = true; break;
		case 'T': o.kernel_table = true; break;
		case 'K': o.kernel_release = optarg; break;
		case 'F':
			if (!kvm_flavour_parse(optarg, &o.flavour))
				usage();
			break;
		case 'k':
			if (strcmp(optarg, "irq_line") == 0)
				o.kind = STORM_IRQ_LINE;
			else if (strcmp(optarg, "msi") == 0)
				o.kind = STORM_MSI;
			else
				usage();
			o.kind_set = true;
			break;
		default: usage();
		}
	}
	if (optind != argc || (o.storm_n >= 0) != o.kind_set || (o.breaks && o.storm_n >= 0) ||
	    (o.kernel_table && (o.breaks || o.storm_n >= 0 || o.log_path)))
		usage();
	return o;
}

static FILE *open_log(const char *path)
{
	FILE *f;

	if (!path)
		return NULL;
	if (strcmp(path, "-") == 0)
		return stdout;
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "testvmm: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return f;
}

int main(int argc, char **argv)
{
	struct options o = parse_options(argc, argv);
	struct vmm v = { .sys_fd = -1, .vm_fd = -1, .vcpu_fd = -1, .dev_fd = -1,
			 .verbose = o.verbose };

	if (o.kernel_release)
		kernel_host_override(o.kernel_release, o.flavour);
	else if (o.flavour != FLAVOUR_UPSTREAM)
		usage();
	if (o.kernel_table) {
		kernel_table_print(arch_name);
		return kernel_table_problems() ? 1 : 0;
	}
	catch_stop();
	v.log = open_log(o.log_path);
	v.sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v.sys_fd < 0) {
		fprintf(stderr, "testvmm: /dev/kvm: %s\n", strerror(errno));
		return 2;
	}
	if (o.storm_n >= 0)
		run_storm(&v, o.storm_n, o.kind);
	else if (o.breaks)
		o.breaks->run(&v);
	else
		arch_sequence(&v);
	if (v.log)
		fflush(v.log);
	fprintf(stderr, "testvmm (%s): %u ioctls logged, %u mismatches%s\n", arch_name, v.seq,
		v.mismatches, v.mismatches ? "" : ": all results as expected");
	if (o.hold_s > 0 && !stop_hold)
		hold(&v, o.hold_s);
	if (v.log && v.log != stdout && fclose(v.log) != 0) {
		perror("testvmm: log");
		return 2;
	}
	return v.mismatches ? 1 : 0;
}
