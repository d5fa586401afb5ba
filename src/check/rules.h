/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules of kvmirq check, one row each in check_rules[] (rules.c): its
 * id, severity, the text the man page gives (title, reason, source), the
 * event kinds and ioctls it needs, and its functions (one file per rule,
 * rule_*.c). A rule sees the events one by one, as the reconstruction does,
 * before the reconstruction applies each: it works the same on a recording
 * and, later, live.
 */
#ifndef KVMIRQ_CHECK_RULES_H
#define KVMIRQ_CHECK_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/access.h"
#include "check/finding.h"
#include "chips/platform.h"
#include "kvmirq/event.h"
#include "model/reconstruct.h"
#include "snapshot/routing.h"
#include "trace/key_frames.h"

struct check_options {
	unsigned errno_loop; /* failures in a row that make a loop */
	uint64_t stuck_ns;   /* how long a raised line may stay up */
	uint64_t masked_rate; /* line changes per second on a masked pin that make churn */
	uint64_t storm_rate;  /* injections per second of one source that make a storm */
};

#define CHECK_DEFAULT_ERRNO_LOOP 8
#define CHECK_DEFAULT_STUCK_NS 5000000000ull
/* Real QEMU guests: the PIT's masked PIC pin 0 about 380/s; the 16550 serial
 * port's pin 4, masked while a booting guest prints to its console, about
 * 8000/s in the nested rig and up to ~23000/s at 115200 baud on hardware. */
#define CHECK_DEFAULT_MASKED_RATE 50000
#define CHECK_DEFAULT_STORM_RATE 100000

/* Every option at its default: what top's checkers use, and check's start. */
extern const struct check_options check_default_options;
#define CHECK_RATE_WINDOW_NS 1000000000ull /* rates are counted over 1 s */
#define CHECK_MAX_VCPU_IDS 1024		   /* vCPU ids the checker keeps per VM */

/* What the checker knows of a VM beyond its routing table. */
struct check_vm {
	bool created;	      /* its KVM_CREATE_VM is in the recording */
	bool irqchip;	      /* KVM_CREATE_IRQCHIP or the VGIC's CTRL_INIT succeeded */
	uint32_t default_gsis; /* the GSIs that gave it routes (routing_default_pins) */
	uint32_t vgic_nr_irqs; /* the VGIC's KVM_DEV_ARM_VGIC_GRP_NR_IRQS; 0: not set */
	bool routing_set;     /* a KVM_SET_GSI_ROUTING succeeded */
	uint64_t routing_at;  /* the index of the last one */
	bool told_unknown;    /* said once that its routes are not known */
	bool told_running_unknown; /* said once that its running vCPUs may be uncounted */
	/* vCPUs: a thread's first KVM_RUN on one (vcpus_running events) */
	bool ran;
	uint64_t first_run_ns, first_run_index;
	/* the vcpus_running event said before this thread's state ioctl */
	uint32_t running_tid, running_threads;
	uint64_t running_index;
	/*
	 * A save or restore sequence: controller-state accesses made while no
	 * thread of the VM was inside KVM_RUN (key frames aside), open until
	 * a vCPU runs again.
	 */
	bool in_sequence;
	uint64_t sequence_index, sequence_ns; /* its first access */
	uint32_t sequence_accesses;
	/* the ids of its successful KVM_CREATE_VCPU calls (x86: the APIC IDs) */
	uint64_t vcpus[CHECK_MAX_VCPU_IDS / 64];
};

struct check_ctx {
	const struct registry *registry;
	const struct platform *platform;
	const struct reconstruction *recon; /* as it was before this event */
	const struct check_options *options;
	struct check_vm *vms; /* by VM id */
	size_t nr_vms;
	uint64_t index;	      /* this event's index in the timeline */
	/* this ioctl: the other threads of its VM inside KVM_RUN as it began
	 * (its vcpus_running event, at RUNNING_INDEX; 0: none said) */
	uint32_t running;
	uint64_t running_index;
	bool key_frame;	      /* this event is one of kvmirq's own key-frame reads */
	/* this event, a successful ioctl of a VM: what the access table says it
	 * is (class ACCESS_NONE for every other event), worked out once */
	struct access access;
	const struct key_frame *key_frames;
	size_t nr_key_frames;
	uint64_t base_ns;     /* the first event's time */
	void (*emit)(void *arg, const struct finding *f);
	void *emit_arg;
};

struct check_rule;

struct rule_ops {
	size_t state_size; /* zeroed before the first event */
	/* one event, before the reconstruction applies it */
	void (*event)(const struct check_ctx *c, const struct check_rule *r, void *state,
		      const struct kvmirq_event_header *h, size_t len);
	/* the recording ended (live: the check stops); may be NULL */
	void (*end)(const struct check_ctx *c, const struct check_rule *r, void *state);
	/* what the state holds; may be NULL */
	void (*free)(void *state);
};

struct check_rule {
	const char *id;
	enum check_severity severity;
	const char *title;  /* one line: what it finds */
	const char *reason; /* why that loses or corrupts interrupts */
	const char *source; /* where the rule comes from */
	enum chip_arch arch;	/* the platforms it is about: CHIP_ARCH_ANY, all */
	uint64_t needs_kinds;  /* bit per enum kvmirq_event_kind */
	uint64_t needs_ioctls; /* bit per enum kvmirq_ioctl_id */
	const struct rule_ops *ops;
};

extern const struct check_rule check_rules[];
extern const size_t check_nr_rules;

extern const struct rule_ops rule_route_before_line;
extern const struct rule_ops rule_errno_loop;
extern const struct rule_ops rule_stuck_level_line;
extern const struct rule_ops rule_state_set_while_running;
extern const struct rule_ops rule_command_as_state;
extern const struct rule_ops rule_restore_audit;
extern const struct rule_ops rule_msi_address;
extern const struct rule_ops rule_unroutable_vector;
extern const struct rule_ops rule_masked_pin_churn;
extern const struct rule_ops rule_interrupt_storm;
extern const struct rule_ops rule_eoi_never_injected;

/*
 * Say SEVERITY of rule R at the event AT (its VM, process, thread or vCPU
 * and time), with the timeline indices EVENTS[NR].
 */
void check_report(const struct check_ctx *c, const struct check_rule *r,
		  enum check_severity severity, const struct kvmirq_event_header *at,
		  const uint64_t *events, unsigned nr, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* VM's facts, or NULL when the checker has not seen it. */
const struct check_vm *check_vm(const struct check_ctx *c, uint32_t vm);

enum vcpu_known {
	VCPU_UNKNOWN, /* the VM was created before the recording began (or the id is too large) */
	VCPU_ABSENT,  /* the VM was created in the recording and has no such vCPU */
	VCPU_PRESENT, /* its KVM_CREATE_VCPU is in the recording */
};

/* Does VM have vCPU ID, by the KVM_CREATE_VCPU calls of the recording? */
enum vcpu_known check_vm_vcpu(const struct check_ctx *c, uint32_t vm, uint32_t id);

enum gsi_routes {
	GSI_ROUTES_UNKNOWN, /* its routing predates the recording or was not recorded whole */
	GSI_ROUTES_KNOWN,
};

/*
 * The routes GSI has now on VM, as entries in OUT[MAX] (from the last
 * KVM_SET_GSI_ROUTING, else KVM_CREATE_IRQCHIP's defaults): *NR of them.
 */
enum gsi_routes check_gsi_routes(const struct check_ctx *c, uint32_t vm, uint32_t gsi,
				 struct route_view *out, size_t max, size_t *nr);

/* What a rule has reported already, to report each thing once. */
struct check_seen {
	struct seen_key {
		uint32_t vm;
		uint64_t a, b;
	} *keys;
	size_t nr;
};

/* True the first time (VM, A, B) is asked about (and on -ENOMEM). */
bool check_first_time(struct check_seen *s, uint32_t vm, uint64_t a, uint64_t b);
void check_seen_free(struct check_seen *s);

/* "EINVAL (Invalid argument)" */
const char *check_errno_text(int64_t ret, char *buf, size_t len);

#endif
