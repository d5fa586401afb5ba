// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmirq/tracefile.h"
#include "registry/registry.h"
#include "util/process_name.h"

void registry_init(struct registry *r)
{
	memset(r, 0, sizeof(*r));
}

void registry_free(struct registry *r)
{
	free(r->vms);
	free(r->objects);
	free(r->processes);
	registry_init(r);
}

/* Grow *array (of elem-sized items) so that one more fits; aborts on OOM. */
static void *grow(void *array, unsigned int nr, unsigned int *cap, size_t elem)
{
	if (nr < *cap)
		return array;
	*cap = *cap ? *cap * 2 : 8;
	array = realloc(array, *cap * elem);
	if (!array) {
		fprintf(stderr, "kvmirq: out of memory\n");
		abort();
	}
	return array;
}

uint32_t registry_vm_id(struct registry *r, uint64_t key, uint32_t pid, uint64_t ts)
{
	if (!key)
		return 0;
	if (r->last_vm < r->nr_vms && r->vms[r->last_vm].key == key)
		return r->vms[r->last_vm].id;
	/* newest first: a key the kernel reused is the VM created last with it */
	for (unsigned int i = r->nr_vms; i-- > 0;)
		if (r->vms[i].key == key) {
			r->last_vm = i;
			return r->vms[i].id;
		}
	return registry_vm_new(r, key, pid, ts);
}

/* The next VM entry, with its id; the caller says whether the file must list it. */
static struct vm_entry *append_vm(struct registry *r, uint64_t key, uint32_t pid, uint64_t ts)
{
	struct vm_entry *vm;

	r->vms = grow(r->vms, r->nr_vms, &r->cap_vms, sizeof(*r->vms));
	vm = &r->vms[r->nr_vms];
	memset(vm, 0, sizeof(*vm));
	vm->id = r->nr_vms + 1;
	vm->key = key;
	vm->pid = pid;
	vm->first_ns = ts;
	r->last_vm = r->nr_vms++;
	return vm;
}

uint32_t registry_vm_new(struct registry *r, uint64_t key, uint32_t pid, uint64_t ts)
{
	if (!key)
		return 0;
	r->dirty = true;
	return append_vm(r, key, pid, ts)->id;
}

uint32_t registry_vm_unlisted(struct registry *r, uint32_t pid, uint64_t ts)
{
	return append_vm(r, 0, pid, ts)->id;
}

uint32_t registry_object_id(struct registry *r, uint64_t key, uint32_t vm, uint8_t fd_kind,
			    int32_t vcpu_id, const char *name)
{
	struct object_entry *o;

	if (!key)
		return 0;
	/* newest first, and of this VM: a vCPU or device at an address the
	 * kernel reused for another VM is another object */
	for (unsigned int i = r->nr_objects; i-- > 0;)
		if (r->objects[i].key == key && r->objects[i].fd_kind == fd_kind &&
		    (!vm || !r->objects[i].vm || r->objects[i].vm == vm))
			return r->objects[i].id;
	r->objects = grow(r->objects, r->nr_objects, &r->cap_objects, sizeof(*r->objects));
	o = &r->objects[r->nr_objects];
	memset(o, 0, sizeof(*o));
	o->id = r->nr_objects + 1;
	o->key = key;
	o->vm = vm;
	o->fd_kind = fd_kind;
	o->vcpu_id = vcpu_id;
	if (name)
		snprintf(o->name, sizeof(o->name), "%s", name);
	r->nr_objects++;
	r->dirty = true;
	return o->id;
}

void registry_note_process(struct registry *r, uint32_t pid)
{
	struct process_entry *p;

	/* every event of a VM asks: the last one noted answers most */
	if (!pid || pid == r->last_pid || registry_find_process(r, pid)) {
		r->last_pid = pid;
		return;
	}
	r->processes = grow(r->processes, r->nr_processes, &r->cap_processes,
			    sizeof(*r->processes));
	p = &r->processes[r->nr_processes++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	process_comm_of_pid(pid, p->comm, sizeof(p->comm));
	process_name_of_pid(pid, p->name, sizeof(p->name));
	r->last_pid = pid;
	r->dirty = true;
}

void registry_note_comm(struct registry *r, uint32_t pid, const char *comm)
{
	struct process_entry *p;

	registry_note_process(r, pid);
	p = (struct process_entry *)registry_find_process(r, pid);
	if (p && !p->comm[0] && comm[0]) {
		snprintf(p->comm, sizeof(p->comm), "%.16s", comm);
		r->dirty = true;
	}
}

const struct vm_entry *registry_find_vm(const struct registry *r, uint32_t id)
{
	return id >= 1 && id <= r->nr_vms ? &r->vms[id - 1] : NULL;
}

const struct object_entry *registry_find_object(const struct registry *r, uint32_t id)
{
	return id >= 1 && id <= r->nr_objects ? &r->objects[id - 1] : NULL;
}

const struct process_entry *registry_find_process(const struct registry *r, uint32_t pid)
{
	for (unsigned int i = 0; i < r->nr_processes; i++)
		if (r->processes[i].pid == pid)
			return &r->processes[i];
	return NULL;
}

/* The tables' columns, in file order. */
static const struct tracefile_column vm_columns[] = {
	{ "id", TRACEFILE_TYPE_U64 }, { "pid", TRACEFILE_TYPE_U64 },
	{ "first_ns", TRACEFILE_TYPE_U64 },
};
static const struct tracefile_column object_columns[] = {
	{ "id", TRACEFILE_TYPE_U64 },	   { "vm", TRACEFILE_TYPE_U64 },
	{ "fd_kind", TRACEFILE_TYPE_U64 }, { "vcpu_id", TRACEFILE_TYPE_U64 },
	{ "name", TRACEFILE_TYPE_STRING },
};
static const struct tracefile_column process_columns[] = {
	{ "pid", TRACEFILE_TYPE_U64 },
	{ "comm", TRACEFILE_TYPE_STRING },
	{ "name", TRACEFILE_TYPE_STRING },
};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

int registry_to_meta(const struct registry *r, struct tracefile_meta *m)
{
	struct tracefile_table *t;
	int ret = 0;

	t = tracefile_meta_add_table(m, "vms", vm_columns, NCOLS(vm_columns),
				     TRACEFILE_TABLE_REPLACE);
	for (unsigned int i = 0; t && !ret && i < r->nr_vms; i++) {
		struct tracefile_cell c[] = { { r->vms[i].id, NULL }, { r->vms[i].pid, NULL },
					      { r->vms[i].first_ns, NULL } };
		ret = tracefile_table_add_row(t, c);
	}
	if (!t)
		return -ENOMEM;
	t = tracefile_meta_add_table(m, "objects", object_columns, NCOLS(object_columns),
				     TRACEFILE_TABLE_REPLACE);
	for (unsigned int i = 0; t && !ret && i < r->nr_objects; i++) {
		const struct object_entry *o = &r->objects[i];
		struct tracefile_cell c[] = { { o->id, NULL },
					      { o->vm, NULL },
					      { o->fd_kind, NULL },
					      { (uint64_t)(int64_t)o->vcpu_id, NULL },
					      { 0, o->name } };
		ret = tracefile_table_add_row(t, c);
	}
	if (!t)
		return -ENOMEM;
	t = tracefile_meta_add_table(m, "processes", process_columns, NCOLS(process_columns),
				     TRACEFILE_TABLE_REPLACE);
	for (unsigned int i = 0; t && !ret && i < r->nr_processes; i++) {
		const struct process_entry *p = &r->processes[i];
		struct tracefile_cell c[] = { { p->pid, NULL }, { 0, p->comm }, { 0, p->name } };

		ret = tracefile_table_add_row(t, c);
	}
	return t ? ret : -ENOMEM;
}

/* Tables missing from a file (a recording cut short early) leave the registry empty. */
int registry_from_meta(struct registry *r, const struct tracefile_meta *m)
{
	const struct tracefile_table *t;

	registry_free(r);
	t = tracefile_meta_get_table(m, "vms");
	for (size_t i = 0; t && i < tracefile_table_nrows(t); i++) {
		uint32_t id = (uint32_t)tracefile_table_u64_by_name(t, i, "id");

		/* ids are dense from 1: rebuild them in order */
		while (r->nr_vms < id)
			registry_vm_id(r, (uint64_t)r->nr_vms + 1, 0, 0);
		r->vms[id - 1].pid = (uint32_t)tracefile_table_u64_by_name(t, i, "pid");
		r->vms[id - 1].first_ns = tracefile_table_u64_by_name(t, i, "first_ns");
	}
	t = tracefile_meta_get_table(m, "objects");
	for (size_t i = 0; t && i < tracefile_table_nrows(t); i++) {
		uint32_t id = (uint32_t)tracefile_table_u64_by_name(t, i, "id");

		while (r->nr_objects < id)
			registry_object_id(r, (uint64_t)r->nr_objects + 1, 0, 0, -1, NULL);
		r->objects[id - 1].vm = (uint32_t)tracefile_table_u64_by_name(t, i, "vm");
		r->objects[id - 1].fd_kind = (uint8_t)tracefile_table_u64_by_name(t, i, "fd_kind");
		r->objects[id - 1].vcpu_id = (int32_t)tracefile_table_u64_by_name(t, i, "vcpu_id");
		snprintf(r->objects[id - 1].name, sizeof(r->objects[id - 1].name), "%s",
			 tracefile_table_string_by_name(t, i, "name"));
	}
	t = tracefile_meta_get_table(m, "processes");
	for (size_t i = 0; t && i < tracefile_table_nrows(t); i++) {
		struct process_entry *p;

		r->processes = grow(r->processes, r->nr_processes, &r->cap_processes,
				    sizeof(*r->processes));
		p = &r->processes[r->nr_processes++];
		memset(p, 0, sizeof(*p));
		p->pid = (uint32_t)tracefile_table_u64_by_name(t, i, "pid");
		snprintf(p->comm, sizeof(p->comm), "%s", tracefile_table_string_by_name(t, i, "comm"));
		snprintf(p->name, sizeof(p->name), "%s", tracefile_table_string_by_name(t, i, "name"));
	}
	for (unsigned int i = 0; i < r->nr_vms; i++)
		r->vms[i].key = 0;
	for (unsigned int i = 0; i < r->nr_objects; i++)
		r->objects[i].key = 0;
	r->dirty = false;
	return 0;
}
