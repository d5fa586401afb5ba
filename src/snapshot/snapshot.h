/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot: the state of every in-kernel interrupt controller of one VMM
 * process, read with the real GET ioctls, as chip_state records.
 *
 * Taking one needs the VMM's own fds: KVM refuses its ioctls from any other
 * process. The reads go through a struct snapshot_io, so the same code runs
 *  - in-process, for a program that owns the VM (snapshot_io_local), and
 *  - inside a stopped VMM, by injected syscalls (src/vmm/remote.h).
 * This file and snapshot_file.c need only libc, the chips and the trace-file
 * container (zlib), so they also build for the small static test VMMs that
 * run inside the PowerPC and arm64 rigs.
 */
#ifndef KVMIRQ_SNAPSHOT_H
#define KVMIRQ_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chips/chip.h"
#include "chips/platform.h"
#include "snapshot/routing.h"

/* How the reads reach the kernel. Both return >= 0 or -errno. */
struct snapshot_io {
	/* ioctl(fd, cmd, buf): LEN bytes of BUF copied in before and out after. */
	long (*ioctl_buf)(void *ctx, int fd, unsigned long cmd, void *buf, size_t len);
	/* KVM_GET_DEVICE_ATTR on FD: GROUP/ATTR read into VAL (LEN bytes). */
	long (*get_device_attr)(void *ctx, int fd, uint32_t group, uint64_t attr, void *val,
				size_t len);
	void *ctx;
};

/* Plain ioctl()s from this process. */
extern const struct snapshot_io snapshot_io_local;

/* One KVM fd of the VMM. */
struct snapshot_fd {
	int fd;
	enum chip_fd_kind kind; /* VM, vCPU or device */
	uint32_t vm;		/* ordinal of the VM it belongs to (1, 2, ...); 0: unknown */
	int32_t vcpu_id;	/* vCPU fds */
	char name[32];		/* anon-inode name: "kvm-vm", "kvm-vcpu:0", "kvm-mpic" */
};

#define SNAPSHOT_METHOD_LEN 16

struct snapshot {
	/* where and how it was taken */
	uint32_t pid;
	char process_name[64];
	char method[SNAPSHOT_METHOD_LEN]; /* "in-process", "ptrace", "recorded" */
	uint64_t realtime_ns;		  /* wall clock when taken */
	uint64_t duration_ns;		  /* from the first read to the last */
	uint64_t stopped_ns;		  /* ptrace: how long the VMM was stopped */
	uint64_t all_stopped_at_ns;	  /* ptrace: CLOCK_MONOTONIC when all its threads were
					   * stopped (not stored in files) */
	uint64_t resumed_at_ns;		  /* ptrace: CLOCK_MONOTONIC just before they were let
					   * go (not stored in files) */
	uint64_t reads, failed_reads;
	/* ITS devices whose tables the snapshot saved into guest memory first
	 * (KVM_DEV_ARM_ITS_SAVE_TABLES, only when asked: the one command a
	 * snapshot may issue); 0 for every snapshot that issued none */
	uint32_t its_tables_saved;
	bool byte_order_big;		  /* the host that read the registers was big-endian */
	uint8_t word_size;		  /* and its word size (payload_format.h) */
	/* the VMs, by ordinal: KVM's own name for each ("PID-FD") */
	char (*vm_names)[32];
	uint32_t nr_vms;
	char machine[32];		  /* uname -m of the host whose VMM this is */
	/* what its file could not give (cut short: the reader's warning); the
	 * command that loaded it says so. Empty when the file was whole. */
	char warning[512];
	/* the file is a snapshot cut short: a snapshot is written whole, so
	 * what it held past the cut (controllers, routing tables) is lost and
	 * the command fails after printing what it holds */
	bool damaged;
	/* a reconstruction with no controller: why (the moment asked for comes
	 * before the recording shows any controller's registers, or it never
	 * does), for the command to say instead of printing nothing */
	char why_empty[200];
	/* the controllers */
	struct chip_state *chips;
	size_t nr_chips;
	/* routing tables and irqfds: only recordings know them (routing.h) */
	struct vm_routing *routing;
	size_t nr_routing;
};

void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);

/*
 * Read every controller the fds have: for each VM fd the VM-wide chips, for
 * each vCPU fd the per-vCPU chips, for each device fd the chips whose
 * device_name matches (those with an instance per vCPU, as the GICv3's
 * redistributors, once for each vCPU fd of its VM). A read that fails is
 * kept with its errno (a split irqchip answers ENXIO), not dropped. Returns
 * 0, or -errno when nothing could be stored (ENOMEM), with a message in ERR.
 */
int snapshot_take(struct snapshot *s, const struct snapshot_io *io,
		  const struct snapshot_fd *fds, size_t nr_fds, char *err, size_t errlen);

/* Whether read R of chip C counts as failed (snapshot.failed_reads): not
 * one the snapshot did not make (CHIP_STATUS_PAST_IRQS), nor a register
 * the host may lack answering EINVAL. */
bool snapshot_read_failed(const struct chip_state *c, const struct chip_read_result *r);

/* Add one VM's name, returning its ordinal. */
uint32_t snapshot_add_vm(struct snapshot *s, const char *name);
/* Add an empty (unread) chip state; returns it or NULL (ENOMEM). */
struct chip_state *snapshot_add_chip(struct snapshot *s, const struct chip_model *model,
				     uint32_t vm, int32_t index);

/* The platform of the host whose VMM this is: how its MSIs and irqchip pins read. */
const struct platform *snapshot_platform(const struct snapshot *s);

/* VM ordinal VM's routing, or NULL (S may be NULL). */
const struct vm_routing *snapshot_find_routing(const struct snapshot *s, uint32_t vm);
/* The same, added on first use; NULL on ENOMEM. */
struct vm_routing *snapshot_routing(struct snapshot *s, uint32_t vm);

/* Snapshot files: the trace-file container holding snapshot records
 * (docs/snapshot-format.md). 0 or -errno with a message in ERR. Written
 * whole or not at all; an existing PATH is replaced only with REPLACE. */
int snapshot_write(const struct snapshot *s, const char *path, bool replace, char *err,
		   size_t errlen);
int snapshot_read(struct snapshot *s, const char *path, char *err, size_t errlen);
/* The same from and to memory, for the fuzzer and for programs that ship
 * the bytes elsewhere (the rig's test VMMs print them to the console). */
int snapshot_write_fd(const struct snapshot *s, int fd, char *err, size_t errlen);

#endif
