/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMs, KVM objects (vCPUs, devices) and processes a recording has seen.
 * Kernel addresses identify them while capturing; the trace file and every
 * consumer see only small stable ids (VM 1, 2, ...), assigned in order of
 * first appearance, so no kernel pointer reaches a file.
 */
#ifndef KVMIRQ_REGISTRY_H
#define KVMIRQ_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "kvmirq/event.h"

struct tracefile_meta;

struct vm_entry {
	uint32_t id;
	uint64_t key; /* kernel address while capturing; 0 once loaded from a file */
	uint32_t pid; /* the VMM process */
	uint64_t first_ns;
};

struct object_entry {
	uint32_t id;
	uint64_t key;
	uint32_t vm;
	uint8_t fd_kind; /* enum kvmirq_fd_kind: vm, vcpu or device */
	int32_t vcpu_id;
	char name[KVMIRQ_DEVICE_NAME_LEN];
};

struct process_entry {
	uint32_t pid;
	char comm[17];
	char name[64]; /* QEMU's -name, else the command line's first words */
};

struct registry {
	struct vm_entry *vms;
	unsigned int nr_vms, cap_vms;
	struct object_entry *objects;
	unsigned int nr_objects, cap_objects;
	struct process_entry *processes;
	unsigned int nr_processes, cap_processes;
	bool dirty; /* changed since the last registry_clear_dirty() */
	unsigned int last_vm; /* index of the last VM looked up: events come in runs */
	uint32_t last_pid;    /* the last process noted, which is in processes[] */
};

void registry_init(struct registry *r);
void registry_free(struct registry *r);

/* The id of the VM at kernel address KEY (0 for 0), added on first sight. */
uint32_t registry_vm_id(struct registry *r, uint64_t key, uint32_t pid, uint64_t ts);
/* A VM just created (KVM_CREATE_VM) at KEY: always a new id, which KEY means
 * from now on. The kernel reuses the address of a VM that is gone. */
uint32_t registry_vm_new(struct registry *r, uint64_t key, uint32_t pid, uint64_t ts);
/* A VM a file's events name but its tables do not list (the file was cut
 * before the writer wrote them): the next id, with the process and time of
 * its first event, as the recorder would have listed it. */
uint32_t registry_vm_unlisted(struct registry *r, uint32_t pid, uint64_t ts);
/* The id of a vCPU/device/VM object, added on first sight (0 for key 0). */
uint32_t registry_object_id(struct registry *r, uint64_t key, uint32_t vm, uint8_t fd_kind,
			    int32_t vcpu_id, const char *name);
/* Remember a process (its name from /proc) the first time it is seen. */
void registry_note_process(struct registry *r, uint32_t pid);
/* The process's comm as the kernel gave it, for a process /proc no longer shows. */
void registry_note_comm(struct registry *r, uint32_t pid, const char *comm);

const struct vm_entry *registry_find_vm(const struct registry *r, uint32_t id);
const struct object_entry *registry_find_object(const struct registry *r, uint32_t id);
const struct process_entry *registry_find_process(const struct registry *r, uint32_t pid);

/* Store the tables in M (replacing any there), and read them back. */
int registry_to_meta(const struct registry *r, struct tracefile_meta *m);
int registry_from_meta(struct registry *r, const struct tracefile_meta *m);

#endif
