// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "check/live_coverage.h"
#include "top/live_check.h"

int top_live_check_event(void *arg, const void *event, size_t len)
{
	struct top_live_check *c = arg;

	checker_event(&c->checker, event, len);
	return 0;
}

int top_live_check_init(struct top_live_check *c, const struct live_capture *lc,
			const struct capture_options *o, struct live_vms *vms)
{
	uint64_t records = 1ull << KVMIRQ_EV_IOCTL | 1ull << KVMIRQ_EV_IOCTL_PAYLOAD |
			   1ull << KVMIRQ_EV_VCPUS_RUNNING;
	const struct platform *platform;

	c->capture = lc;
	c->vms = vms;
	payload_format_host(&c->format);
	if (check_coverage_live(&c->coverage, o, capture_get_status(lc->capture), &platform))
		return -ENOMEM;
	check_coverage_without(&c->coverage, ~records,
			       "live top counts them in the kernel; kvmirq check --live sees them");
	return checker_init(&c->checker, &lc->registry, &c->format, platform, &c->coverage,
			    &check_default_options, top_findings_add, &c->findings);
}

/* The checker's VM (the capture's registry id) as the frame's VM id. */
static uint32_t top_id(void *ctx, uint32_t vm)
{
	struct top_live_check *c = ctx;
	const struct vm_entry *e = registry_find_vm(&c->capture->registry, vm);
	struct top_vm *v = e ? live_vms_by_kvm(c->vms, e->key) : NULL;

	return v ? v->id : 0;
}

int top_live_check_to_frame(struct top_live_check *c, struct top_frame *f)
{
	return top_findings_to_frame(&c->findings, top_id, c, f);
}

void top_live_check_free(struct top_live_check *c)
{
	checker_free(&c->checker);
	top_findings_free(&c->findings);
}
