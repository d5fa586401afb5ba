// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmirq/event.h"
#include "util/process_name.h"
#include "vmm/take_pid.h"
#include "vmm/vmm_fds.h"
#include "top/live_vms.h"

#define DEBUGFS_KVM "/sys/kernel/debug/kvm"

void live_vms_init(struct live_vms *l, bool snapshots)
{
	memset(l, 0, sizeof(*l));
	l->next_id = 1;
	l->snapshots = snapshots;
	snapshot_init(&l->combined);
}

void live_vms_free(struct live_vms *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].has_state)
			snapshot_free(&l->v[i].state);
	snapshot_free(&l->combined);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct live_vm *by_name(struct live_vms *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].vm.kvm_name, name))
			return &l->v[i];
	return NULL;
}

/* "PID-FD" seen now: the VM, added on first sight. */
static struct live_vm *note(struct live_vms *l, const char *name)
{
	struct live_vm *v = by_name(l, name), *grown;
	int pid, fd;

	if (sscanf(name, "%d-%d", &pid, &fd) != 2)
		return NULL;
	if (!v) {
		grown = realloc(l->v, (l->n + 1) * sizeof(*grown));
		if (!grown)
			return NULL;
		l->v = grown;
		v = &l->v[l->n++];
		memset(v, 0, sizeof(*v));
		v->vm.id = l->next_id++;
		v->vm.pid = (uint32_t)pid;
		v->vm.vcpus = -1;
		v->vm_fd = fd;
		snprintf(v->vm.kvm_name, sizeof(v->vm.kvm_name), "%s", name);
		process_name_of_pid((uint32_t)pid, v->vm.name, sizeof(v->vm.name));
	}
	v->listed = true;
	return v;
}

static int count_vcpus(const char *name)
{
	char path[512];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), DEBUGFS_KVM "/%s", name);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "vcpu", 4);
	closedir(d);
	return n;
}

/* KVM lists each VM as a debugfs directory "PID-FD" with a "vcpuN" per vCPU. */
static int scan_debugfs(struct live_vms *l, pid_t only)
{
	DIR *d = opendir(DEBUGFS_KVM);
	struct dirent *e;
	int pid;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct live_vm *v;

		if (sscanf(e->d_name, "%d-", &pid) != 1 || (only && pid != only))
			continue;
		v = note(l, e->d_name);
		if (v)
			v->vm.vcpus = count_vcpus(e->d_name);
	}
	closedir(d);
	return 0;
}

/* Without debugfs: every process with a KVM VM fd (slower: reads every fd link). */
static int scan_proc(struct live_vms *l, pid_t only)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct snapshot_fd *fds = NULL;
		size_t n = 0;
		char err[160], name[32];
		int pid = atoi(e->d_name), vcpus = 0, vms = 0;

		if (pid <= 0 || (only && pid != only) || vmm_scan_fds(pid, &fds, &n, err, sizeof(err)))
			continue;
		for (size_t i = 0; i < n; i++) {
			vcpus += fds[i].kind == CHIP_FD_VCPU;
			vms += fds[i].kind == CHIP_FD_VM;
		}
		for (size_t i = 0; i < n; i++) {
			struct live_vm *v;

			if (fds[i].kind != CHIP_FD_VM)
				continue;
			snprintf(name, sizeof(name), "%d-%d", pid, fds[i].fd);
			v = note(l, name);
			if (v && vms == 1)
				v->vm.vcpus = vcpus;
		}
		free(fds);
	}
	closedir(d);
	return 0;
}

/* Kernel addresses from the BPF side's VM table, by name. */
static void learn_addresses(struct live_vms *l, int fd)
{
	uint64_t key, next, *prev = NULL;
	struct kvmirq_vm_info info;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct live_vm *v;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &info))
			continue;
		info.name[sizeof(info.name) - 1] = '\0';
		v = by_name(l, info.name);
		if (v)
			v->kvm = key;
	}
}

int live_vms_scan(struct live_vms *l, pid_t only, int vm_info_fd)
{
	int ret;

	for (size_t i = 0; i < l->n; i++)
		l->v[i].listed = false;
	ret = scan_debugfs(l, only);
	if (ret)
		ret = scan_proc(l, only);
	if (ret)
		return ret;
	for (size_t i = 0; i < l->n; i++)
		l->v[i].vm.gone = !l->v[i].listed;
	learn_addresses(l, vm_info_fd);
	return 0;
}

struct top_vm *live_vms_by_kvm(struct live_vms *l, uint64_t kvm)
{
	for (size_t i = 0; kvm && i < l->n; i++)
		if (l->v[i].kvm == kvm)
			return &l->v[i].vm;
	return NULL;
}

void live_vms_reset_rates(struct live_vms *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct top_vm *vm = &l->v[i].vm;

		memset(vm->rate, 0, sizeof(vm->rate));
		memset(vm->total, 0, sizeof(vm->total));
		vm->errors = 0;
	}
}

void live_vms_finish(struct live_vms *l, uint64_t drops)
{
	for (size_t i = 0; i < l->n; i++) {
		struct top_vm *vm = &l->v[i].vm;

		for (int r = 0; r < TOP_NR_RATES; r++) {
			memmove(vm->history[r], vm->history[r] + 1,
				(TOP_HISTORY - 1) * sizeof(vm->history[r][0]));
			vm->history[r][TOP_HISTORY - 1] = (float)vm->rate[r];
		}
		vm->drops = drops; /* counted per kind, not per VM: every VM shows the total */
	}
}

int live_vms_to_frame(struct live_vms *l, struct top_frame *f)
{
	size_t n = 0;

	f->vms = calloc(l->n ? l->n : 1, sizeof(*f->vms));
	if (!f->vms)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		f->vms[n++] = l->v[i].vm;
	f->nr_vms = n;
	f->state = l->combined.nr_chips ? &l->combined : NULL;
	return 0;
}

/* Controllers of V's VM fd, renumbered to V's id, into the combined snapshot. */
static int merge(struct live_vms *l)
{
	struct snapshot c;

	snapshot_init(&c);
	for (size_t i = 0; i < l->n; i++) {
		struct live_vm *v = &l->v[i];
		uint32_t ordinal = 0;

		if (!v->has_state)
			continue;
		for (uint32_t k = 0; k < v->state.nr_vms; k++)
			if (!strcmp(v->state.vm_names[k], v->vm.kvm_name))
				ordinal = k + 1;
		for (size_t k = 0; k < v->state.nr_chips; k++) {
			const struct chip_state *src = &v->state.chips[k];
			struct chip_state *dst;

			if (src->vm != ordinal)
				continue;
			dst = realloc(c.chips, (c.nr_chips + 1) * sizeof(*dst));
			if (!dst) {
				snapshot_free(&c);
				return -ENOMEM;
			}
			c.chips = dst;
			if (chip_state_copy(&c.chips[c.nr_chips], src)) {
				snapshot_free(&c);
				return -ENOMEM;
			}
			c.chips[c.nr_chips++].vm = v->vm.id;
		}
	}
	snapshot_free(&l->combined);
	l->combined = c;
	return 0;
}

static void name_chips(struct live_vm *v)
{
	size_t n = 0;

	v->vm.chips[0] = '\0';
	for (size_t i = 0; i < v->state.nr_chips && n < sizeof(v->vm.chips); i++) {
		const struct chip_state *c = &v->state.chips[i];
		bool read = false;

		for (size_t r = 0; r < c->nr_reads; r++)
			read |= c->reads[r].status == 0;
		const char *dash = strchr(c->model_name, '-');
		const char *shortname = dash ? dash + 1 : c->model_name; /* lapic, fsl: mpic */

		if (!read || strstr(v->vm.chips, shortname))
			continue;
		n += (size_t)snprintf(v->vm.chips + n, sizeof(v->vm.chips) - n, "%s%s",
				      n ? " " : "", shortname);
	}
}

int live_vms_snapshot(struct live_vms *l, uint32_t id)
{
	char err[256];
	int ret;

	if (!l->snapshots)
		return -EPERM;
	for (size_t i = 0; i < l->n; i++) {
		struct live_vm *v = &l->v[i];

		if (v->vm.id != id)
			continue;
		if (v->has_state)
			snapshot_free(&v->state);
		v->has_state = false;
		ret = snapshot_take_pid(&v->state, (pid_t)v->vm.pid, 0, err, sizeof(err));
		if (ret) {
			snapshot_free(&v->state);
			return ret;
		}
		v->has_state = true;
		name_chips(v);
		return merge(l);
	}
	return -ENOENT;
}
