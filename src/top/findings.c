// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "top/findings.h"

void top_findings_add(void *arg, const struct finding *f)
{
	struct top_findings *t = arg;

	if (t->nr == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct finding *p = realloc(t->list, cap * sizeof(*p));

		if (!p) {
			t->lost = true;
			return;
		}
		t->list = p;
		t->cap = cap;
	}
	t->list[t->nr++] = *f;
}

void top_findings_free(struct top_findings *t)
{
	free(t->list);
	memset(t, 0, sizeof(*t));
}

static struct top_vm *frame_vm(struct top_frame *f, uint32_t id)
{
	for (size_t i = 0; i < f->nr_vms; i++)
		if (f->vms[i].id == id)
			return &f->vms[i];
	return NULL;
}

int top_findings_to_frame(const struct top_findings *t,
			  uint32_t (*top_id)(void *ctx, uint32_t vm), void *ctx,
			  struct top_frame *f)
{
	free(f->findings);
	f->nr_findings = 0;
	f->findings = t->nr ? malloc(t->nr * sizeof(*f->findings)) : NULL;
	if (t->nr && !f->findings)
		return -ENOMEM;
	for (size_t i = 0; i < t->nr; i++) {
		struct finding x = t->list[i];
		struct top_vm *vm;

		if (x.vm) {
			x.vm = top_id ? top_id(ctx, x.vm) : x.vm;
			vm = x.vm ? frame_vm(f, x.vm) : NULL;
			if (!vm)
				continue;
			vm->findings++;
		}
		f->findings[f->nr_findings++] = x;
	}
	return 0;
}
