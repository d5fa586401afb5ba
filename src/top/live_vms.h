/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMs `kvmirq top` shows live: every VM KVM lists in debugfs (or, when
 * debugfs is not mounted, every process with a KVM VM fd), matched to the
 * kernel address the BPF counters use through KVM's own name for the VM,
 * "PID-FD", which the BPF side records per VM. Ids are stable for the
 * session; a VM that ends stays, marked gone, until the next refresh.
 */
#ifndef KVMIRQ_LIVE_VMS_H
#define KVMIRQ_LIVE_VMS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "top/frame.h"

struct live_vm {
	struct top_vm vm;
	uint64_t kvm;		/* kernel address, once the BPF side has seen the VM */
	int vm_fd;		/* FD of its "PID-FD" name */
	bool listed;		/* found by this refresh's scan */
	struct snapshot state;	/* its controllers, when a snapshot was taken */
	bool has_state;
};

struct live_vms {
	struct live_vm *v;
	size_t n;
	uint32_t next_id;
	bool snapshots;		/* reading controller state (ptrace) is allowed */
	struct snapshot combined; /* every VM's state, VM ordinal = top_vm.id */
};

void live_vms_init(struct live_vms *l, bool snapshots);
void live_vms_free(struct live_vms *l);
/* Find the VMs (only ONLY's, if not 0), and learn kernel addresses from the
 * BPF VM table VM_INFO_FD. 0 or -errno. */
int live_vms_scan(struct live_vms *l, pid_t only, int vm_info_fd);
struct top_vm *live_vms_by_kvm(struct live_vms *l, uint64_t kvm);
/* Before accounting a refresh's counters, and after (history, drops). */
void live_vms_reset_rates(struct live_vms *l);
void live_vms_finish(struct live_vms *l, uint64_t drops);
int live_vms_to_frame(struct live_vms *l, struct top_frame *f);
/* Read VM ID's controllers now (kvmirq snapshot --pid's code). 0 or -errno. */
int live_vms_snapshot(struct live_vms *l, uint32_t id);

#endif
