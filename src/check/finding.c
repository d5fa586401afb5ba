// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "check/finding.h"
#include "kvmirq/event.h"
#include "util/json.h"

static const char *const severity_names[] = {
	[CHECK_INFO] = "info",
	[CHECK_WARNING] = "warning",
	[CHECK_ERROR] = "error",
};

const char *check_severity_name(enum check_severity s)
{
	return s <= CHECK_ERROR ? severity_names[s] : "?";
}

int check_severity_parse(const char *name, enum check_severity *s)
{
	for (unsigned i = 0; i <= CHECK_ERROR; i++)
		if (!strcmp(name, severity_names[i])) {
			*s = (enum check_severity)i;
			return 0;
		}
	return -1;
}

/* error: VM 1 (pid 20, thread 22), t=0.150354: route-before-line: ... [events #5, #9] */
void finding_print_text(const struct finding *f, FILE *out)
{
	fprintf(out, "%s: ", check_severity_name(f->severity));
	if (f->vm) {
		fprintf(out, "VM %u (pid %u, ", f->vm, f->pid);
		if (f->vcpu != KVMIRQ_NO_VCPU)
			fprintf(out, "vcpu %d), ", f->vcpu);
		else
			fprintf(out, "thread %u), ", f->tid);
	}
	if (f->ts_ns)
		fprintf(out, "t=%.6f: ", f->t);
	fprintf(out, "%s: %s", f->rule, f->message);
	for (unsigned i = 0; i < f->nr_events; i++)
		fprintf(out, "%s#%llu", i ? ", " : " [events ", (unsigned long long)f->events[i]);
	fputs(f->nr_events ? "]\n" : "\n", out);
}

void finding_json(struct json *j, const struct finding *f)
{
	json_object_begin(j);
	json_kv_string(j, "severity", check_severity_name(f->severity));
	json_kv_string(j, "rule", f->rule);
	json_kv_uint(j, "vm", f->vm);
	json_kv_uint(j, "pid", f->pid);
	json_kv_uint(j, "tid", f->tid);
	json_kv_int(j, "vcpu", f->vcpu);
	json_key(j, "t");
	json_double(j, f->t);
	json_kv_uint(j, "ts_ns", f->ts_ns);
	json_kv_string(j, "message", f->message);
	json_key(j, "events");
	json_array_begin(j);
	for (unsigned i = 0; i < f->nr_events; i++)
		json_uint(j, f->events[i]);
	json_array_end(j);
	json_object_end(j);
}

void finding_print_json(const struct finding *f, FILE *out)
{
	struct json j;

	json_init(&j, out);
	finding_json(&j, f);
	json_newline(&j);
}
