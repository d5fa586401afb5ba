/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The KVM ioctl paths, independent of how they are hooked: classify an
 * ioctl, remember its input at entry, and at exit emit one record with its
 * arguments, input payload, output payload and return value. The three attach
 * strategies (ioctl_fentry.bpf.h, ioctl_kprobe.bpf.h, ioctl_syscall.bpf.h)
 * only call ioctl_enter() and ioctl_exit().
 */
#ifndef KVMIRQ_IOCTL_BPF_H
#define KVMIRQ_IOCTL_BPF_H

#include "aggregate.bpf.h"

#define ROUTING_ENTRY_SIZE KVMIRQ_SIZEOF_IRQ_ROUTING_ENTRY
#define ROUTING_MAX_ENTRIES KVMIRQ_MAX_IRQ_ROUTES
#define ATTR_VALUE_SIZE 8 /* widest attribute value; user space trims by group */

/* The ioctl functions, resolved by libbpf from kallsyms; 0 when KVM is absent. */
extern const void kvm_vm_ioctl __ksym __weak;
extern const void kvm_vcpu_ioctl __ksym __weak;
extern const void kvm_device_ioctl __ksym __weak;
extern const void kvm_dev_ioctl __ksym __weak;

/* What to capture of each ioctl: the capture column of include/kvmirq/ioctls.h. */
#define CAPTURE_RULE(NAME, ID, DIR, NR, SIZE, ARCH, FDS, ...)                    \
	KVMIRQ_IF_ARCH_##ARCH([KVMIRQ_IOCTL_##NAME] = { __VA_ARGS__ },)

static const struct kvmirq_capture_rule capture_rules[KVMIRQ_IOCTL_ID_MAX] = {
	KVMIRQ_IOCTLS(CAPTURE_RULE)
};

/*
 * Identify an ioctl by number, size and the file it was issued on: a case
 * per row of include/kvmirq/ioctls.h. The direction bits are ignored (see
 * KVMIRQ_IOC_SIZE_MASK).
 */
#define CLASSIFY_CASE(NAME, ID, DIR, NR, SIZE, ARCH, FDS, ...)                   \
	KVMIRQ_IF_ARCH_##ARCH(                                                   \
	case NR:                                                                 \
		return size == KVMIRQ_SIZEOF(SIZE) && (KVMIRQ_ON_##FDS & on)     \
			       ? KVMIRQ_IOCTL_##NAME                             \
			       : KVMIRQ_IOCTL_OTHER;)

static __always_inline __u8 classify_ioctl(__u32 cmd, __u8 fd_kind)
{
	__u32 nr = cmd & 0xff, size = (cmd >> 16) & KVMIRQ_IOC_SIZE_MASK, on = 1u << fd_kind;

	if (((cmd >> 8) & 0xff) != KVMIRQ_KVMIO)
		return KVMIRQ_IOCTL_OTHER;
	switch (nr) {
		KVMIRQ_IOCTLS(CLASSIFY_CASE)
	}
	return KVMIRQ_IOCTL_OTHER;
}

/* Record assembly area: room beyond the payload limit keeps the verifier's bounds simple. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wgnu-variable-sized-type-not-at-end"
struct ioctl_scratch {
	struct kvmirq_event_header h;
	struct kvmirq_ev_ioctl io; /* its payload[] is the array below */
	__u8 payload[3 * KVMIRQ_PAYLOAD_MAX];
};
#pragma clang diagnostic pop

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ioctl_scratch);
} scratch SEC(".maps");

/*
 * The file behind FD of the current task. task -> files -> fdt are direct
 * loads from the task's BTF pointer (the verifier makes them fault-safe;
 * libbpf narrows a pointer's load on a 32-bit kernel), not a helper call
 * each; the table's slot, a pointer the verifier does not type, is read by
 * helper.
 */
static __always_inline struct file *fd_to_file(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct files_struct *files = task->files;
	struct fdtable *fdt = files ? files->fdt : NULL;
	struct file **fds;

	if (!fdt || fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	/* fds[fd], an array of the kernel's pointers */
	return (struct file *)read_long((const void *)fds + fd * bpf_core_field_size(fdt->fd),
					bpf_core_field_size(fdt->fd), false);
}

/*
 * The file operations of each kind of KVM file, learned from its first file
 * (the handler read through them says the kind): f_op alone then tells the
 * kind, one read where there were two. Racing programs store the same value.
 */
__u64 fops_of_kind[KVMIRQ_FD_DEVICE + 1];

/* Which KVM file is this? Compared by its ioctl handler, which is always in kallsyms. */
static __always_inline __u8 file_kind(struct file *file)
{
	__u64 fops, handler;

	if (!file)
		return KVMIRQ_FD_UNKNOWN;
	fops = KREAD(file, f_op);
	if (!fops)
		return KVMIRQ_FD_UNKNOWN;
	if (fops == fops_of_kind[KVMIRQ_FD_VM])
		return KVMIRQ_FD_VM;
	if (fops == fops_of_kind[KVMIRQ_FD_VCPU])
		return KVMIRQ_FD_VCPU;
	if (fops == fops_of_kind[KVMIRQ_FD_DEVICE])
		return KVMIRQ_FD_DEVICE;
	if (fops == fops_of_kind[KVMIRQ_FD_SYSTEM])
		return KVMIRQ_FD_SYSTEM;
	handler = KREAD((const struct file_operations *)fops, unlocked_ioctl);
	if (!handler)
		return KVMIRQ_FD_UNKNOWN;
	if (handler == (__u64)&kvm_vm_ioctl) {
		fops_of_kind[KVMIRQ_FD_VM] = fops;
		return KVMIRQ_FD_VM;
	}
	if (handler == (__u64)&kvm_vcpu_ioctl) {
		fops_of_kind[KVMIRQ_FD_VCPU] = fops;
		return KVMIRQ_FD_VCPU;
	}
	if (handler == (__u64)&kvm_device_ioctl) {
		fops_of_kind[KVMIRQ_FD_DEVICE] = fops;
		return KVMIRQ_FD_DEVICE;
	}
	if (handler == (__u64)&kvm_dev_ioctl) {
		fops_of_kind[KVMIRQ_FD_SYSTEM] = fops;
		return KVMIRQ_FD_SYSTEM;
	}
	return KVMIRQ_FD_UNKNOWN;
}

/*
 * The ioctl syscall's first argument, the fd, from the user registers the
 * syscall saved at entry: for the strategies that hook KVM's own handlers,
 * which are given the struct file, not the fd. PowerPC's is orig_gpr3, read
 * at the kernel's register size (libbpf's PT_REGS_PARM1_CORE_SYSCALL reads
 * 8 bytes, the wrong half on big-endian ppc32).
 */
static __always_inline int syscall_fd(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

#if defined(__TARGET_ARCH_powerpc)
	return (int)KREAD(regs, orig_gpr3);
#else
	return (int)PT_REGS_PARM1_CORE_SYSCALL(regs);
#endif
}

/* The VM, object and vCPU behind a KVM file of a known kind. */
static __always_inline void file_identity(struct file *file, __u8 kind, __u64 *kvm,
					  __u64 *object, __s32 *vcpu_id, char *name)
{
	void *priv = (void *)KREAD(file, private_data);

	*vcpu_id = KVMIRQ_NO_VCPU;
	*object = (__u64)priv;
	switch (kind) {
	case KVMIRQ_FD_VM:
		*kvm = (__u64)priv;
		break;
	case KVMIRQ_FD_VCPU:
		*kvm = KREAD((struct kvm_vcpu *)priv, kvm);
		*vcpu_id = BPF_CORE_READ((struct kvm_vcpu *)priv, vcpu_id);
		break;
	case KVMIRQ_FD_DEVICE:
		*kvm = KREAD((struct kvm_device *)priv, kvm);
		if (name) {
			const struct kvm_device_ops *ops =
				(const void *)KREAD((struct kvm_device *)priv, ops);

			if (ops)
				bpf_probe_read_kernel_str(name, KVMIRQ_DEVICE_NAME_LEN,
							  (const void *)KREAD(ops, name));
		}
		break;
	default:
		*kvm = 0;
		*object = 0;
	}
}

/* Is this the VM that --vm names? Its debugfs directory is "PID-FD". */
static __always_inline bool kvm_is_filtered_vm(__u64 kvm)
{
	char name[KVMIRQ_VM_NAME_LEN];
	struct dentry *d;

	if (!kvm || !bpf_core_field_exists(((struct kvm *)0)->debugfs_dentry))
		return false;
	d = (struct dentry *)KREAD((struct kvm *)kvm, debugfs_dentry);
	if (!d || bpf_probe_read_kernel_str(name, sizeof(name), (const void *)KREAD(d, d_name.name)) < 0)
		return false;
	for (int i = 0; i < KVMIRQ_VM_NAME_LEN; i++) {
		if (name[i] != filter_vm_name[i])
			return false;
		if (!name[i])
			break;
	}
	return true;
}

/*
 * Per VM: how many of its threads are inside KVM_RUN, counted from the
 * KVM_RUNs that began while kvmirq was attached (kvmirq check: state set
 * while vCPUs run). A plain hash: an LRU could evict a running VM's count.
 */
struct vm_running {
	__u32 threads;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct vm_running);
} vm_running SEC(".maps");

/* The controller-state ioctls, which say when vCPU threads were running. */
#define RUNNING_COUNTED                                                          \
	(1ULL << KVMIRQ_IOCTL_GET_IRQCHIP | 1ULL << KVMIRQ_IOCTL_SET_IRQCHIP |      \
	 1ULL << KVMIRQ_IOCTL_GET_LAPIC | 1ULL << KVMIRQ_IOCTL_SET_LAPIC |          \
	 1ULL << KVMIRQ_IOCTL_GET_DEVICE_ATTR | 1ULL << KVMIRQ_IOCTL_SET_DEVICE_ATTR)

static __always_inline __u32 vm_running_threads(__u64 kvm)
{
	struct vm_running *r = bpf_map_lookup_elem(&vm_running, &kvm);

	return r ? r->threads : 0;
}

/*
 * A KVM_RUN begins: count the thread in, and announce the thread's first
 * KVM_RUN on this vCPU (the rest are one per exit to user space).
 */
static __always_inline void run_enter(struct thread_state *st)
{
	struct vm_running zero = {}, *r;
	struct kvmirq_ev_vcpus_running b = {};

	/* in_run still set: this thread's last exit was missed, it is counted */
	if (!st->kvm || st->in_run)
		return;
	r = bpf_map_lookup_elem(&vm_running, &st->kvm);
	if (!r) {
		bpf_map_update_elem(&vm_running, &st->kvm, &zero, BPF_NOEXIST);
		r = bpf_map_lookup_elem(&vm_running, &st->kvm);
		if (!r)
			return;
	}
	__sync_fetch_and_add(&r->threads, 1);
	st->in_run = 1;
	if (st->run_vcpu == st->object)
		return;
	st->run_vcpu = st->object;
	b.threads = r->threads;
	b.cause = KVMIRQ_RUNNING_FIRST_RUN;
	EMIT_FIXED(KVMIRQ_EV_VCPUS_RUNNING, b);
}

/* The KVM_RUN that run_enter counted returns. */
static __always_inline void run_leave(struct thread_state *st)
{
	struct vm_running *r = bpf_map_lookup_elem(&vm_running, &st->kvm);

	st->in_run = 0;
	if (r)
		__sync_fetch_and_add(&r->threads, -1);
}

/*
 * A controller-state ioctl begins: say so when vCPU threads of its VM run,
 * stamped with the ioctl's start.
 */
static __always_inline void say_state_ioctl_running(const struct thread_state *st)
{
	struct kvmirq_ev_vcpus_running b = { .cause = KVMIRQ_RUNNING_STATE_IOCTL };

	b.threads = vm_running_threads(st->kvm);
	if (b.threads)
		EMIT_FIXED_AT(KVMIRQ_EV_VCPUS_RUNNING, b, st->start_ns);
}

/* The current thread's state, created the first time the thread is seen. */
static __always_inline struct thread_state *thread_state_get(void)
{
	return bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* How many delivery events wait in ST's slots to ride with its ioctl's record. */
static __always_inline __u32 pending_slots(const struct thread_state *st)
{
	return st->pending_count < PENDING_SLOTS ? st->pending_count : PENDING_SLOTS;
}

/* The pending delivery events are lost with the ioctl (the ring was full, or its exit missed). */
static __always_inline void count_pending_drops(const struct thread_state *st, __u32 pending)
{
	for (__u32 i = 0; i < PENDING_SLOTS; i++) {
		const struct kvmirq_event_header *h =
			(const void *)&st->pending[i * KVMIRQ_SLOT_SIZE];

		if (i >= pending)
			break;
		count_kind(h->kind, true);
	}
}

/*
 * The thread's last ioctl never came back to ioctl_exit(): its return was
 * missed (the kprobe strategy's kretprobe had no instance free). Its record
 * and the events it held are lost: counted as dropped, so that the
 * recording says so.
 */
static __always_inline void count_missed_exit(const struct thread_state *st)
{
	__u8 id = st->ioctl_id;

	if (aggregate && !aggregate_ioctl_records)
		return;
	if (id != KVMIRQ_IOCTL_OTHER && id != KVMIRQ_IOCTL_RUN && id < KVMIRQ_IOCTL_ID_MAX &&
	    vm_wanted(st))
		count_kind(KVMIRQ_EV_IOCTL, true);
	count_pending_drops(st, pending_slots(st));
}

/*
 * Entry of a KVM ioctl on a file of known kind. Sets the thread's VM context
 * for the events the ioctl raises, and remembers what the exit needs.
 */
static __always_inline void ioctl_enter(__u8 fd_kind, struct file *file, int fd, __u32 cmd,
					__u64 arg, __u8 strategy)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u8 id = classify_ioctl(cmd, fd_kind);
	struct thread_state *st;
	__u16 n;

	if (!tgid_selected(pid_tgid >> 32))
		return;
	st = thread_state_get();
	if (!st)
		return;
	if (st->in_ioctl)
		count_missed_exit(st);
	st->in_ioctl = 1;
	st->coalesce = COALESCE_NONE;
	st->pending_count = 0;
	st->ioctl_id = id;
	st->fd_kind = fd_kind;
	st->strategy = strategy;
	st->flags = 0;
	st->in_len = 0;
	file_identity(file, fd_kind, &st->kvm, &st->object, &st->vcpu_id,
		      fd_kind == KVMIRQ_FD_DEVICE ? st->device_name : NULL);
	if (fd_kind == KVMIRQ_FD_SYSTEM)
		st->kvm = 0; /* /dev/kvm belongs to no VM */
	if (filter_vm)
		st->vm_selected = kvm_is_filtered_vm(st->kvm);
	if (id == KVMIRQ_IOCTL_RUN && (!aggregate || aggregate_ioctl_records) &&
	    kind_enabled(KVMIRQ_EV_VCPUS_RUNNING))
		run_enter(st);

	if (id == KVMIRQ_IOCTL_OTHER || id == KVMIRQ_IOCTL_RUN || id >= KVMIRQ_IOCTL_ID_MAX ||
	    !(filter_ioctl_kinds & (1ULL << id)) || !kind_enabled(KVMIRQ_EV_IOCTL)) {
		/* Only the context is wanted, and a carrier for the events a
		 * short ioctl raises (KVM_RUN's wait too long to hold). */
		if (id != KVMIRQ_IOCTL_RUN && !aggregate && vm_wanted(st))
			st->coalesce = COALESCE_CARRIER;
		st->ioctl_id = KVMIRQ_IOCTL_RUN;
		return;
	}
	/* This ioctl's record will be written: its delivery events can ride along. */
	st->coalesce = vm_wanted(st) ? COALESCE_IOCTL : COALESCE_NONE;
	st->start_ns = bpf_ktime_get_ns();
	st->arg = arg;
	st->cmd = cmd;
	st->fd = fd;
	if ((RUNNING_COUNTED >> id) & 1 && (!aggregate || aggregate_ioctl_records))
		say_state_ioctl_running(st);
	n = capture_rules[id].entry_in;
	st->in_total = capture_rules[id].in_total;
	if (n && n <= IN_INLINE_MAX) {
		if (bpf_probe_read_user(st->in, n, (void *)arg))
			st->flags |= KVMIRQ_F_PAYLOAD_FAULT;
		else
			st->in_len = n;
	}
}

/* Append user memory to the record's payload at *len, within the payload limit. */
static __always_inline int payload_append_user(struct ioctl_scratch *s, __u32 *len, __u32 n,
					       __u64 uaddr)
{
	__u32 off = *len;

	if (off >= KVMIRQ_PAYLOAD_MAX)
		return -1;
	if (n > KVMIRQ_PAYLOAD_MAX - off)
		n = KVMIRQ_PAYLOAD_MAX - off;
	if (n == 0)
		return 0;
	/* For the verifier: off < MAX and n < 2 * MAX fit the 3 * MAX scratch. */
	VERIFIER_MASK(off, KVMIRQ_PAYLOAD_MAX - 1);
	VERIFIER_MASK(n, 2 * KVMIRQ_PAYLOAD_MAX - 1);
	if (bpf_probe_read_user(&s->payload[off], n, (void *)uaddr))
		return -1;
	*len = off + n;
	return 0;
}

/* Context for emitting the rest of a long routing table, chunk by chunk. */
struct continuation_ctx {
	__u64 uaddr;	 /* user address of the input payload */
	__u32 offset;	 /* next input offset to send */
	__u32 total;	 /* input payload size */
	struct kvmirq_event_header h;
};

/*
 * bpf_loop's flags, always 0, but not a constant the verifier can see: with a
 * constant 0 it inlines the loop into a bpf-to-bpf call, and Linux 6.1's
 * 32-bit PowerPC JIT rewrites such a call in its last pass over the two
 * instructions before it that save r5 (which JIT_SIZE_STABLE makes every
 * call have), leaving a call that loops on itself: the kernel hangs. Called
 * through the helper, the callback is reached by a function pointer instead.
 */
volatile __u64 loop_flags = 0;

static long emit_continuation(__u32 index, struct continuation_ctx *c)
{
	JIT_SIZE_STABLE();
	__u32 zero = 0, n;
	struct ioctl_scratch *s;
	struct kvmirq_ev_ioctl_payload *p;

	if (c->offset >= c->total)
		return 1;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 1;
	n = c->total - c->offset;
	if (n > KVMIRQ_PAYLOAD_MAX)
		n = KVMIRQ_PAYLOAD_MAX;
	s->h = c->h;
	s->h.kind = KVMIRQ_EV_IOCTL_PAYLOAD;
	p = (struct kvmirq_ev_ioctl_payload *)&s->io;
	p->offset = c->offset;
	p->len = n;
	p->pad = 0;
	VERIFIER_MASK(n, 0xfff); /* the scratch has room for 4095 bytes here */
	if (bpf_probe_read_user(p->bytes, n, (void *)(c->uaddr + c->offset))) {
		p->len = 0;
		s->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
		n = 0;
	}
	s->h.size = sizeof(s->h) + sizeof(*p) + n;
	if (bpf_ringbuf_output(&events, s, sizeof(s->h) + sizeof(*p) + n,
			       output_flags(sizeof(s->h) + sizeof(*p) + n)))
		count_kind(KVMIRQ_EV_IOCTL_PAYLOAD, true);
	c->offset += KVMIRQ_PAYLOAD_MAX;
	return 0;
}

/* After CREATE_VM/VCPU/DEVICE: the new object, found through the returned fd. */
static __always_inline void identify_created(struct ioctl_scratch *s, int new_fd)
{
	struct file *file = fd_to_file(new_fd);
	__u8 kind = file_kind(file);
	__u64 kvm;
	__s32 vcpu_id;

	if (kind == KVMIRQ_FD_UNKNOWN)
		return;
	file_identity(file, kind, &kvm, &s->io.object, &vcpu_id, s->io.device_name);
	if (kind == KVMIRQ_FD_VM) {
		s->h.vm = kvm;
		/* Name the VMM while it surely exists: it may be gone before user space looks. */
		bpf_get_current_comm(s->io.device_name, 16);
	}
	if (kind == KVMIRQ_FD_VCPU)
		s->h.vcpu_id = vcpu_id;
}

/*
 * Copy a small record from the scratch area into the ring (device
 * attributes, a short routing table). bpf_ringbuf_output() copies
 * with the kernel's memcpy, which costs about 2 us per record under
 * emulation; the program's own 8-byte copies into a reservation cost a
 * fraction of that. A reservation needs a constant size, so it is the
 * next size class up, 64 bytes apart; the reader finds the record's end
 * in its header. Returns 1 when LEN is no small record.
 */
#define RING_CLASS_MAX 640

#define RING_EMIT_CLASS(CLASS)                                                   \
	if (len <= (CLASS)) {                                                    \
		__u64 *dst_ = bpf_ringbuf_reserve(&events, CLASS, 0);           \
		if (!dst_)                                                       \
			return -1;                                               \
		for (__u32 w_ = 0; w_ < (CLASS) / 8; w_++) {                     \
			if (w_ * 8 >= len)                                       \
				break;                                           \
			dst_[w_] = src[w_];                                      \
		}                                                                \
		bpf_ringbuf_submit(dst_, submit_flags(CLASS));                   \
		return 0;                                                        \
	}

static __always_inline int ring_emit_small(const __u64 *src, __u64 len)
{
	RING_EMIT_CLASS(192)
	RING_EMIT_CLASS(256)
	RING_EMIT_CLASS(320)
	RING_EMIT_CLASS(384)
	RING_EMIT_CLASS(448)
	RING_EMIT_CLASS(512)
	RING_EMIT_CLASS(576)
	RING_EMIT_CLASS(RING_CLASS_MAX)
	return 1;
}

/* A larger record, copied by bpf_ringbuf_output(). */
static __always_inline int bounded_output(struct ioctl_scratch *s, __u64 len)
{
	__u64 flags = output_flags(len);

	/* The bound on the very register passed, where the 6.1 verifier sees it. */
	asm volatile("" : "+r"(len));
	if (len > sizeof(*s))
		len = sizeof(*s);
	return bpf_ringbuf_output(&events, s, len, flags) ? -1 : 0;
}

/*
 * A syscall tracepoint's result in the kernel's own convention, a negative
 * errno on failure.
 * PowerPC's sc returns the positive errno with CR0's SO bit set, and its
 * sys_exit tracepoint (6.1, ppc32 at least) passes that positive value: the
 * saved CR says which it is (the entry code cleared SO). scv returns a
 * negative errno like everyone else.
 */
static __always_inline long sc_syscall_result(long ret)
{
#if defined(__TARGET_ARCH_powerpc)
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	if (ret > 0 && (KREAD(regs, trap) & ~0xfUL) == 0xc00 && (KREAD(regs, ccr) & 0x10000000))
		return -ret;
#endif
	return ret;
}

/*
 * The input ioctl_enter() saved (the bytes the kernel overwrites), copied to
 * PAYLOAD: plain copies, not a helper call; bytes past its length are not
 * sent. Returns its length.
 */
static __always_inline __u32 copy_saved_input(__u8 *payload, const struct thread_state *in)
{
	__u32 in_len = in->in_len;

	_Static_assert(IN_INLINE_MAX == 16, "two words");
	((__u64 *)payload)[0] = ((const __u64 *)in->in)[0];
	((__u64 *)payload)[1] = ((const __u64 *)in->in)[1];
	return in_len > IN_INLINE_MAX ? IN_INLINE_MAX : in_len;
}

/*
 * The header and fixed fields of the record of the ioctl that thread state
 * IN is inside, at H and IO: in the scratch area, or in place in the ring.
 */
static __always_inline void ioctl_fill_fixed(struct kvmirq_event_header *h,
					     struct kvmirq_ev_ioctl *io,
					     const struct thread_state *in, __u8 id, long ret,
					     __u64 pid_tgid)
{
	fill_header_state(h, KVMIRQ_EV_IOCTL, 0, pid_tgid, in, bpf_ktime_get_ns());
	h->flags |= in->flags;
	io->cmd = in->cmd;
	io->fd = in->fd;
	io->ioctl_id = id;
	io->fd_kind = in->fd_kind;
	io->strategy = in->strategy;
	io->slot_count = 0;
	io->ret = ret;
	io->arg = in->arg;
	io->object = in->object;
	io->duration_ns = h->timestamp_ns - in->start_ns;
	io->in_total = in->in_total;
	io->pad1 = 0;
	if (in->fd_kind == KVMIRQ_FD_DEVICE)
		__builtin_memcpy(io->device_name, in->device_name, KVMIRQ_DEVICE_NAME_LEN);
	else
		__builtin_memset(io->device_name, 0, KVMIRQ_DEVICE_NAME_LEN);
}

/*
 * The common case, written in place in the ring: an ioctl whose payload is
 * its argument struct alone, at most DIRECT_PAYLOAD_MAX bytes (KVM_IRQ_LINE,
 * KVM_SIGNAL_MSI, KVM_IRQFD, ...), with nothing found through it afterwards.
 * No scratch area and no copy of the record; the others take the scratch.
 */
#define DIRECT_PAYLOAD_MAX 32
#define DIRECT_SPECIAL                                                           \
	(1ULL << KVMIRQ_IOCTL_SET_GSI_ROUTING | 1ULL << KVMIRQ_IOCTL_SET_DEVICE_ATTR |  \
	 1ULL << KVMIRQ_IOCTL_GET_DEVICE_ATTR | 1ULL << KVMIRQ_IOCTL_CREATE_VM |        \
	 1ULL << KVMIRQ_IOCTL_CREATE_VCPU | 1ULL << KVMIRQ_IOCTL_CREATE_DEVICE)

static __always_inline bool ioctl_direct(__u8 id)
{
	const struct kvmirq_capture_rule *r = &capture_rules[id];

	return !((DIRECT_SPECIAL >> id) & 1) &&
	       r->entry_in + r->exit_in + r->out <= DIRECT_PAYLOAD_MAX;
}

/* Append user memory to a direct record's payload at *len. */
static __always_inline int direct_append_user(__u8 *payload, __u32 *len, __u32 n, __u64 uaddr)
{
	__u32 off = *len;

	if (off >= DIRECT_PAYLOAD_MAX)
		return -1;
	if (n > DIRECT_PAYLOAD_MAX - off)
		n = DIRECT_PAYLOAD_MAX - off;
	if (n == 0)
		return 0;
	/* For the verifier: the payload ends before DIRECT_ROOM_END (below). */
	VERIFIER_MASK(off, DIRECT_PAYLOAD_MAX - 1);
	VERIFIER_MASK(n, 2 * DIRECT_PAYLOAD_MAX - 1);
	if (bpf_probe_read_user(&payload[off], n, (void *)uaddr))
		return -1;
	*len = off + n;
	return 0;
}

struct direct_record {
	struct kvmirq_event_header h;
	struct kvmirq_ev_ioctl io; /* its payload, then the slots from the next 8-byte boundary */
};

/*
 * Where the verifier sees a direct record's payload end, and its slots
 * begin at the latest; a reservation holds both, and SLOTS slots.
 */
#define DIRECT_ROOM_END (sizeof(struct direct_record) + 3 * DIRECT_PAYLOAD_MAX - 1)
#define DIRECT_SLOTS_AT (sizeof(struct direct_record) + 2 * DIRECT_PAYLOAD_MAX - 8)
#define DIRECT_SIZE(SLOTS)                                                       \
	((DIRECT_SLOTS_AT + (SLOTS) * KVMIRQ_SLOT_SIZE > DIRECT_ROOM_END                 \
		  ? DIRECT_SLOTS_AT + (SLOTS) * KVMIRQ_SLOT_SIZE                         \
		  : DIRECT_ROOM_END + 1) + 7 & ~7)

/*
 * KVM_IRQ_LINE's input, struct kvm_irq_level { irq, level }, is what the
 * kvm_set_irq event it raised first says the kernel took from it: that
 * event's gsi and level, when it came from user space's source (KVM passes
 * both on unchanged, x86 and PowerPC alike). Copied from there, it costs no
 * read of user memory, which costs more than the whole rest of the record
 * (about 150 ns on a PVM guest's kernel). Any other case reads it.
 */
#define KVM_USERSPACE_IRQ_SOURCE_ID 0

static __always_inline bool irq_line_from_event(const struct thread_state *in, __u32 pending,
						__u8 *payload)
{
	const struct {
		struct kvmirq_event_header h;
		struct kvmirq_ev_set_irq b;
	} *first = (const void *)in->pending;

	_Static_assert(KVMIRQ_SIZEOF_IRQ_LEVEL == 8, "irq and level");
	if (!pending || first->h.kind != KVMIRQ_EV_SET_IRQ ||
	    first->b.irq_source_id != KVM_USERSPACE_IRQ_SOURCE_ID)
		return false;
	((__u32 *)payload)[0] = first->b.gsi;
	((__u32 *)payload)[1] = (__u32)first->b.level;
	return true;
}

/*
 * Reserve a direct record of SIZE bytes, room for SLOTS of the PENDING
 * delivery events, fill it and submit it. The reservation needs a constant
 * size, so each size is a copy of this code; the reader finds the record's
 * end in its header and its slots by slot_count. Returns -1 when the ring
 * is full.
 */
static __always_inline int ioctl_emit_direct(const struct thread_state *in, __u8 id, long ret,
					      __u64 pid_tgid, __u32 pending, const __u32 size,
					      const __u32 slots)
{
	struct direct_record *rec = bpf_ringbuf_reserve(&events, size, 0);
	__u32 len = 0, in_len, base;

	if (!rec)
		return -1;
	ioctl_fill_fixed(&rec->h, &rec->io, in, id, ret, pid_tgid);
	if (capture_rules[id].entry_in) {
		_Static_assert(IN_INLINE_MAX <= DIRECT_PAYLOAD_MAX, "the saved input fits");
		len = copy_saved_input(rec->io.payload, in);
	} else if (id == KVMIRQ_IOCTL_IRQ_LINE && irq_line_from_event(in, pending, rec->io.payload)) {
		len = KVMIRQ_SIZEOF_IRQ_LEVEL;
	} else if (capture_rules[id].exit_in &&
		   direct_append_user(rec->io.payload, &len, capture_rules[id].exit_in, in->arg)) {
		rec->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
	}
	in_len = len;
	if (ret >= 0 && capture_rules[id].out &&
	    direct_append_user(rec->io.payload, &len, capture_rules[id].out, in->arg))
		rec->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
	if (in_len < rec->io.in_total)
		rec->h.flags |= KVMIRQ_F_PAYLOAD_TRUNCATED;
	rec->io.in_len = in_len;
	rec->io.out_len = len - in_len;
	rec->h.size = sizeof(*rec) + len;
	rec->io.slot_count = pending;
	base = (len + 7) & ~7u;
	VERIFIER_MASK(base, DIRECT_SLOTS_AT - sizeof(*rec)); /* 0b111000: 8-byte steps */
	for (__u32 i = 0; i < slots; i++) {
		__u64 *dst = (__u64 *)&rec->io.payload[base + i * KVMIRQ_SLOT_SIZE];
		const __u64 *src = (const __u64 *)&in->pending[i * KVMIRQ_SLOT_SIZE];

		if (i >= pending)
			break;
		for (int w = 0; w < KVMIRQ_SLOT_SIZE / 8; w++)
			dst[w] = src[w];
	}
	bpf_ringbuf_submit(rec, submit_flags(size));
	return 0;
}

#define DIRECT_CLASS(SLOTS)                                                      \
	if (pending <= (SLOTS))                                                  \
		return ioctl_emit_direct(in, id, ret, pid_tgid, pending, DIRECT_SIZE(SLOTS), SLOTS);

static __always_inline int ioctl_exit_direct(const struct thread_state *in, __u8 id, long ret,
					     __u64 pid_tgid, __u32 pending)
{
	DIRECT_CLASS(0)
	DIRECT_CLASS(2)
	DIRECT_CLASS(4)
	DIRECT_CLASS(PENDING_SLOTS)
	return -1;
}

/*
 * A carrier of SIZE bytes with room for SLOTS of the PENDING events: the
 * reservation needs a constant size, so each size is a copy of this code.
 * Returns -1 when the ring is full.
 */
static __always_inline int carrier_emit(const struct thread_state *in, __u32 pending,
					const __u32 size, const __u32 slots)
{
	struct {
		struct kvmirq_event_header h;
		struct kvmirq_ring_carrier c;
		__u64 slots[];
	} *rec = bpf_ringbuf_reserve(&events, size, 0);

	if (!rec)
		return -1;
	__builtin_memset(&rec->h, 0, sizeof(rec->h));
	rec->h.kind = KVMIRQ_RING_CARRIER;
	rec->h.size = sizeof(rec->h) + sizeof(rec->c);
	rec->c.slot_count = pending;
	rec->c.pad = 0;
	for (__u32 i = 0; i < slots; i++) {
		const __u64 *src = (const __u64 *)&in->pending[i * KVMIRQ_SLOT_SIZE];

		if (i >= pending)
			break;
		for (int w = 0; w < KVMIRQ_SLOT_SIZE / 8; w++)
			rec->slots[i * (KVMIRQ_SLOT_SIZE / 8) + w] = src[w];
	}
	bpf_ringbuf_submit(rec, submit_flags(size));
	return 0;
}

#define CARRIER_SIZE(SLOTS)                                                      \
	(sizeof(struct kvmirq_event_header) + sizeof(struct kvmirq_ring_carrier) +      \
	 (SLOTS) * KVMIRQ_SLOT_SIZE)
#define CARRIER_CLASS(SLOTS)                                                     \
	if (pending <= (SLOTS))                                                  \
		return carrier_emit(in, pending, CARRIER_SIZE(SLOTS), SLOTS);

/* The events an ioctl whose record is not wanted raised, in one carrier. */
static __always_inline int ioctl_exit_carrier(const struct thread_state *in)
{
	__u32 pending = pending_slots(in);

	if (!pending)
		return 0;
	CARRIER_CLASS(1)
	CARRIER_CLASS(2)
	CARRIER_CLASS(4)
	CARRIER_CLASS(PENDING_SLOTS)
	return -1;
}

/* The exit of the KVM ioctl that thread state IN is inside. */
static __always_inline void ioctl_exit(struct thread_state *in, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 zero = 0;
	struct ioctl_scratch *s;
	__u32 len = 0, out_len = 0, in_len, pending, slot_bytes;
	__u64 rec_len;
	int emitted;
	__u8 id;

	if (in->in_run)
		run_leave(in);
	if (in->strategy == KVMIRQ_STRATEGY_SYSCALL)
		ret = sc_syscall_result(ret);
	id = in->ioctl_id;
	if (aggregate) { /* kvmirq top: count it, and learn the VM's owner and name */
		if (id != KVMIRQ_IOCTL_OTHER && id != KVMIRQ_IOCTL_RUN && id < KVMIRQ_IOCTL_ID_MAX)
			aggregate_event(KVMIRQ_EV_IOCTL, -1,
					id | (ret < 0 ? KVMIRQ_AGG_IOCTL_FAILED : 0), ret);
		aggregate_note_vm(in->kvm);
		if (!aggregate_ioctl_records)
			goto done;
	}
	if (in->coalesce == COALESCE_CARRIER) {
		if (ioctl_exit_carrier(in))
			count_pending_drops(in, pending_slots(in));
		goto done;
	}
	if (id == KVMIRQ_IOCTL_OTHER || id == KVMIRQ_IOCTL_RUN || id >= KVMIRQ_IOCTL_ID_MAX ||
	    !vm_wanted(in))
		goto done;
	pending = pending_slots(in);
	if (ioctl_direct(id)) {
		if (ioctl_exit_direct(in, id, ret, pid_tgid, pending)) {
			count_kind(KVMIRQ_EV_IOCTL, true);
			count_pending_drops(in, pending);
		}
		goto done;
	}
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		goto done;

	ioctl_fill_fixed(&s->h, &s->io, in, id, ret, pid_tgid);

	/* The input: saved at entry, or read now. */
	if (capture_rules[id].entry_in) {
		len = copy_saved_input(s->payload, in);
	} else if (capture_rules[id].exit_in &&
		   payload_append_user(s, &len, capture_rules[id].exit_in, in->arg)) {
		s->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
	}
	/* What the input points to: the routing entries, an attribute's value. */
	if (id == KVMIRQ_IOCTL_SET_GSI_ROUTING && len == 8) {
		__u32 nr = *(__u32 *)s->payload;

		if (nr > ROUTING_MAX_ENTRIES)
			nr = ROUTING_MAX_ENTRIES; /* the kernel refuses it; keep what we show bounded */
		s->io.in_total = 8 + nr * ROUTING_ENTRY_SIZE;
		if (payload_append_user(s, &len, nr * ROUTING_ENTRY_SIZE, in->arg + 8))
			s->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
	} else if (id == KVMIRQ_IOCTL_SET_DEVICE_ATTR && len == 24) {
		__u64 addr = *(__u64 *)&s->payload[16];

		/* A command (the VGIC's CTRL_INIT) passes no value: addr 0, nothing
		 * to read and nothing missing. Else 8 bytes, or 4 when a narrow
		 * value ends a page. */
		if (addr) {
			s->io.in_total = 24 + ATTR_VALUE_SIZE;
			if (payload_append_user(s, &len, ATTR_VALUE_SIZE, addr) &&
			    payload_append_user(s, &len, 4, addr))
				s->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
		}
	}
	in_len = len;

	/* Outputs, only when the kernel produced them. */
	if (ret >= 0) {
		if (id == KVMIRQ_IOCTL_GET_DEVICE_ATTR && len >= 24) {
			__u64 addr = *(__u64 *)&s->payload[16];

			if (addr && payload_append_user(s, &len, ATTR_VALUE_SIZE, addr) &&
			    payload_append_user(s, &len, 4, addr))
				s->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
		} else if (capture_rules[id].out) {
			if (payload_append_user(s, &len, capture_rules[id].out, in->arg))
				s->h.flags |= KVMIRQ_F_PAYLOAD_FAULT;
		}
	}
	out_len = len - in_len;
	if (in_len < s->io.in_total)
		s->h.flags |= KVMIRQ_F_PAYLOAD_TRUNCATED;

	if (ret >= 0) {
		if (id == KVMIRQ_IOCTL_CREATE_VM || id == KVMIRQ_IOCTL_CREATE_VCPU)
			identify_created(s, (int)ret);
		else if (id == KVMIRQ_IOCTL_CREATE_DEVICE && out_len >= 8)
			identify_created(s, *(__s32 *)&s->payload[in_len + 4 & (KVMIRQ_PAYLOAD_MAX - 1)]);
		if (s->h.vm)
			s->h.flags &= ~KVMIRQ_F_UNATTRIBUTED;
	}

	s->io.in_len = in_len;
	s->io.out_len = out_len;
	s->h.size = sizeof(s->h) + sizeof(s->io) + len;
	/*
	 * The delivery events this ioctl raised travel after it, in slots from
	 * the next 8-byte boundary: plain aligned copies, no helper call.
	 */
	slot_bytes = pending * KVMIRQ_SLOT_SIZE;
	s->io.slot_count = pending;
	if (pending) {
		__u32 base = (len + 7) & ~7u;

		VERIFIER_MASK(base, 4095 & ~7); /* the payload is at most 2048 bytes */
		for (__u32 i = 0; i < PENDING_SLOTS; i++) {
			__u64 *dst = (__u64 *)&s->payload[base + i * KVMIRQ_SLOT_SIZE];
			const __u64 *src = (const __u64 *)&in->pending[i * KVMIRQ_SLOT_SIZE];

			if (i >= pending)
				break;
			for (int w = 0; w < KVMIRQ_SLOT_SIZE / 8; w++)
				dst[w] = src[w];
		}
		len = base;
	}
	rec_len = sizeof(s->h) + sizeof(s->io) + len + slot_bytes;
	emitted = ring_emit_small((const __u64 *)s, rec_len);
	if (emitted == 1)
		emitted = bounded_output(s, rec_len);
	if (emitted) {
		count_kind(KVMIRQ_EV_IOCTL, true);
		count_pending_drops(in, pending);
	} else {
		/* A routing table longer than one record continues in payload records. */
		if (id == KVMIRQ_IOCTL_SET_GSI_ROUTING && s->io.in_total > in_len &&
		    !(s->h.flags & KVMIRQ_F_PAYLOAD_FAULT)) {
			struct continuation_ctx c = {
				.uaddr = in->arg, .offset = in_len, .total = s->io.in_total,
				.h = s->h,
			};

			bpf_loop(ROUTING_MAX_ENTRIES * ROUTING_ENTRY_SIZE / KVMIRQ_PAYLOAD_MAX + 1,
				 emit_continuation, &c, loop_flags);
		}
	}
done:
	in->in_ioctl = 0;
	in->coalesce = COALESCE_NONE;
	in->pending_count = 0;
}

#endif /* KVMIRQ_IOCTL_BPF_H */
