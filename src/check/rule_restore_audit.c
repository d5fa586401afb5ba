// SPDX-License-Identifier: GPL-2.0
/*
 * restore-audit: a migration's destination must restore, before its first
 * KVM_RUN, every register that the source saved, each once. In one
 * recording (both sides of a migration on one host): a source is a VM
 * whose vCPUs ran and whose state was then read in a save sequence (no
 * vCPU running: checker.c); a destination is a VM created in the recording
 * that set state and then ran. At a destination's first KVM_RUN, the
 * latest save of another VM (its restorable registers: not read-only, not
 * changing on their own) is compared with the state the destination set
 * since that save began (none set since: not its destination), register by
 * register from the source's last read of it: a destination's earlier
 * writes (QEMU puts reset values when it starts) are not the restore.
 */
#include <stdlib.h>
#include <string.h>

#include "check/access.h"
#include "check/rules.h"

#define LISTED_MAX 6 /* keys named in one finding; the rest are counted */

struct state_access {
	char key[96];
	uint64_t value;
	bool have_value;
	uint64_t ts_ns, index;
};

struct access_list {
	struct state_access *a;
	size_t nr, cap;
};

struct vm_audit {
	struct access_list saved;    /* its last save sequence's reads */
	uint64_t save_sequence;	     /* that sequence (its first event) */
	uint64_t save_begin_ns;
	struct access_list restored; /* state set before its first KVM_RUN */
};

struct audit {
	struct vm_audit *vms;
	size_t nr;
};

static struct vm_audit *vm_of(struct audit *s, uint32_t vm)
{
	if (vm >= s->nr) {
		size_t n = (size_t)vm + 8;
		struct vm_audit *p = realloc(s->vms, n * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + s->nr, 0, (n - s->nr) * sizeof(*p));
		s->vms = p;
		s->nr = n;
	}
	return &s->vms[vm];
}

static void list_add(struct access_list *l, const struct access *a,
		     const struct kvmirq_event_header *h, uint64_t index)
{
	struct state_access *e;

	if (l->nr == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct state_access *p = realloc(l->a, cap * sizeof(*p));

		if (!p)
			return; /* out of memory: the audit sees less */
		l->a = p;
		l->cap = cap;
	}
	e = &l->a[l->nr++];
	memcpy(e->key, a->key, sizeof(e->key));
	e->value = a->value;
	e->have_value = a->have_value;
	e->ts_ns = h->timestamp_ns;
	e->index = index;
}

static void list_free(struct access_list *l)
{
	free(l->a);
	memset(l, 0, sizeof(*l));
}

/*
 * The source for destination D: the VM whose last save began latest before
 * D's vCPUs first ran, when D set state after that save began.
 */
static const struct vm_audit *source_of(const struct audit *s, uint32_t d, uint32_t *source)
{
	const struct access_list *restored = &s->vms[d].restored;
	const struct vm_audit *best = NULL;

	for (uint32_t i = 1; i < s->nr; i++) {
		const struct vm_audit *v = &s->vms[i];

		if (i == d || !v->saved.nr)
			continue;
		if (!best || v->save_begin_ns > best->save_begin_ns) {
			best = v;
			*source = i;
		}
	}
	if (!best || !restored->nr || restored->a[restored->nr - 1].ts_ns < best->save_begin_ns)
		return NULL;
	return best;
}

/* Append KEY to the list in BUF, up to LISTED_MAX names. */
static void name_key(char *buf, size_t len, unsigned *listed, const char *key)
{
	size_t used = strlen(buf);

	if ((*listed)++ < LISTED_MAX)
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "", key);
}

static void more(char *buf, size_t len, unsigned listed)
{
	size_t used = strlen(buf);

	if (listed > LISTED_MAX)
		snprintf(buf + used, len - used, " and %u more", listed - LISTED_MAX);
}

static void audit(const struct check_ctx *c, const struct check_rule *r, struct audit *s,
		  uint32_t d, const struct kvmirq_event_header *h)
{
	struct vm_audit *dst = &s->vms[d];
	uint32_t src_vm = 0;
	const struct vm_audit *src = source_of(s, d, &src_vm);
	char missing[480] = "", twice[480] = "";
	unsigned nr_missing = 0, nr_twice = 0, nr_restored = 0;
	uint64_t events[2];

	if (!src)
		return;
	events[0] = src->saved.a[0].index;
	events[1] = c->index;
	for (size_t i = 0; i < src->saved.nr; i++) {
		const char *key = src->saved.a[i].key;
		const struct state_access *first = NULL;
		bool seen_key = false, conflict = false;
		uint64_t last_read_ns = src->saved.a[i].ts_ns;

		for (size_t j = 0; j < i && !seen_key; j++)
			seen_key = !strcmp(src->saved.a[j].key, key);
		if (seen_key)
			continue; /* read twice in the save: one register */
		for (size_t j = i + 1; j < src->saved.nr; j++)
			if (!strcmp(src->saved.a[j].key, key))
				last_read_ns = src->saved.a[j].ts_ns;
		/* what the destination wrote before the source's last read of the
		 * register cannot be its value (QEMU's reset values come first) */
		for (size_t j = 0; j < dst->restored.nr; j++) {
			const struct state_access *e = &dst->restored.a[j];

			if (e->ts_ns < last_read_ns || strcmp(e->key, key))
				continue;
			if (!first)
				first = e;
			else if (e->have_value && first->have_value && e->value != first->value)
				conflict = true;
		}
		if (!first)
			name_key(missing, sizeof(missing), &nr_missing, key);
		else
			nr_restored++;
		if (conflict)
			name_key(twice, sizeof(twice), &nr_twice, key);
	}
	more(missing, sizeof(missing), nr_missing);
	more(twice, sizeof(twice), nr_twice);
	if (nr_missing)
		check_report(c, r, r->severity, h, events, 2,
			     "the VM's vCPUs start running with %u of the %u registers that VM %u "
			     "saved (from event %llu) never restored: %s; the guest resumes with "
			     "their reset values, and interrupts they held are lost",
			     nr_missing, nr_missing + nr_restored, src_vm,
			     (unsigned long long)events[0], missing);
	if (!nr_missing && !nr_twice)
		check_report(c, r, CHECK_INFO, h, events, 2,
			     "the VM's vCPUs start running with all %u registers that VM %u saved "
			     "(from event %llu) restored, each once",
			     nr_restored, src_vm, (unsigned long long)events[0]);
	if (nr_twice)
		check_report(c, r, CHECK_WARNING, h, events, 2,
			     "%u register%s restored more than once with different values before "
			     "the vCPUs first ran (after VM %u's save): %s; the last write wins, "
			     "which is right only by the order of the restore",
			     nr_twice, nr_twice == 1 ? " was" : "s were", src_vm, twice);
}

static void audit_event(const struct check_ctx *c, const struct check_rule *r, void *state,
			const struct kvmirq_event_header *h, size_t len)
{
	const struct kvmirq_ev_ioctl *io = (const void *)(h + 1);
	const struct check_vm *v = check_vm(c, (uint32_t)h->vm);
	const struct access *a = &c->access;
	struct vm_audit *va;

	if (!v || !(va = vm_of(state, (uint32_t)h->vm)))
		return;
	if (h->kind == KVMIRQ_EV_VCPUS_RUNNING && v->first_run_index == c->index) {
		if (v->created && va->restored.nr)
			audit(c, r, state, (uint32_t)h->vm, h);
		list_free(&va->restored);
		return;
	}
	if (h->kind != KVMIRQ_EV_IOCTL || len < sizeof(*h) + sizeof(*io) || io->ret < 0)
		return;
	if (io->ioctl_id == KVMIRQ_IOCTL_CREATE_VM) {
		list_free(&va->saved);
		list_free(&va->restored);
		memset(va, 0, sizeof(*va));
		return;
	}
	if (c->running)
		return;
	/* configuration allowed at run time (the MPIC's base address) is state
	 * a restore writes too */
	if ((a->class == ACCESS_STATE_SET || a->class == ACCESS_RUNTIME) && v->created && !v->ran) {
		list_add(&va->restored, a, h, c->index);
	} else if (a->class == ACCESS_STATE_GET && a->restorable && v->ran) {
		/* a new sequence begins with this read (checker.c opens it after the rules) */
		uint64_t sequence = v->in_sequence ? v->sequence_index : c->index;

		if (sequence != va->save_sequence || !va->saved.nr) {
			va->saved.nr = 0;
			va->save_sequence = sequence;
			va->save_begin_ns = h->timestamp_ns;
		}
		list_add(&va->saved, a, h, c->index);
	}
}

static void audit_free(void *state)
{
	struct audit *s = state;

	for (size_t i = 0; i < s->nr; i++) {
		list_free(&s->vms[i].saved);
		list_free(&s->vms[i].restored);
	}
	free(s->vms);
}

const struct rule_ops rule_restore_audit = {
	.state_size = sizeof(struct audit),
	.event = audit_event,
	.free = audit_free,
};
