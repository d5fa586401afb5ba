// SPDX-License-Identifier: GPL-2.0
/*
 * kvmirq exporter: the in-kernel counters for Prometheus, served over HTTP
 * (GET /metrics) and/or written to a file for node_exporter's textfile
 * collector. A daemon of its own rather than a mode of `stat`: it runs for
 * months, keys its counters by VM, GSI and vCPU with bounds, forgets VMs
 * that exit, and needs the ioctl programs to know each event's VM, where
 * stat counts per kind for one window with the tracepoints alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "commands/cli_messages.h"
#include "commands/cli_options.h"
#include "commands/commands.h"
#include "commands/exporter_metrics.h"
#include "commands/options.h"
#include "util/atomic_file.h"
#include "util/http_server.h"
#include "util/prom_text.h"
#include "util/stop.h"

#define DEFAULT_INTERVAL_MS 15000
#define TIDY_MS 5000 /* drop exited VMs at least this often, scraped or not */

static const struct cli_option options[] = {
	{ .name = "listen", .key = 'l', .arg = "ADDR:PORT",
	  .help = "serve GET /metrics over HTTP (\":PORT\": every address)", .value = CLI_TEXT },
	{ .name = "textfile", .key = 't', .arg = "PATH",
	  .help = "write the metrics to PATH (atomically: a temporary file\n"
		  "renamed) every --interval, and once more at exit",
	  .value = CLI_TEXT },
	{ .name = "interval", .key = 'i', .arg = "TIME",
	  .help = "how often --textfile is rewritten (default 15s)", .value = CLI_DURATION },
	{ .name = "duration", .key = 'd', .arg = "TIME", .help = "stop after TIME (e.g. 10s, 2m)",
	  .value = CLI_DURATION },
	{ .name = "pid", .key = 'p', .arg = "PID", .help = "only events raised by this process",
	  .value = CLI_PID },
	{ .name = "json", .key = 'j', .help = "errors and notices as JSON objects on stderr" },
	{ .name = "verbose", .key = 'v', .help = "show libbpf's messages" },
	{ .name = "help", .key = 'h', .help = "show this help" },
	{ 0 },
};

const struct cli_spec cmd_exporter_cli = {
	.synopsis = "Usage: kvmirq exporter (--listen ADDR:PORT | --textfile PATH) [OPTIONS]\n"
		    "\n"
		    "Export the in-kernel interrupt counters for Prometheus: per kind, per VM,\n"
		    "per GSI and per vCPU, with drops and the exporter's own state. Counting\n"
		    "stays in the kernel; the counters are read only when metrics are written.\n"
		    "Runs until the duration ends, SIGINT or SIGTERM.\n",
	.options = options,
	.epilogue = "Exit status: 0 on success, 1 when the --pid process does not exist, the\n"
		    "programs could not attach, the address cannot be listened on or the file\n"
		    "cannot be written, 2 on bad options.\n",
};

static int serve(const char *path, FILE *body, const char **content_type, void *ctx)
{
	struct exporter_metrics *m = ctx;

	if (!strcmp(path, "/")) {
		*content_type = "text/html; charset=utf-8";
		fputs("<html><head><title>kvmirq exporter</title></head><body>"
		      "<h1>kvmirq exporter</h1><p><a href=\"/metrics\">Metrics</a></p>"
		      "</body></html>\n",
		      body);
		return 200;
	}
	if (strcmp(path, "/metrics"))
		return 404;
	*content_type = PROM_CONTENT_TYPE;
	exporter_metrics_write(m, body);
	return 200;
}

/* The metrics, whole: node_exporter never reads a half-written file. */
static int write_textfile(struct exporter_metrics *m, const char *path)
{
	struct atomic_file file;
	int ret = atomic_file_open(&file, path, 0644, true);

	if (!ret) {
		exporter_metrics_write(m, file.f);
		ret = atomic_file_commit(&file);
	}
	if (ret)
		cli_error(1, "cannot write %s: %s", path, output_strerror(ret));
	return ret;
}

int cmd_exporter(int argc, char **argv)
{
	struct capture_options opts = { .aggregate = true, .bounded_keys = true };
	unsigned long long duration_ms = 0, interval_ms = DEFAULT_INTERVAL_MS;
	const char *listen_addr = NULL, *textfile = NULL;
	struct http_server *server = NULL;
	struct exporter_metrics metrics;
	uint64_t start, next_write, next_tidy;
	struct capture *cap;
	struct cli_parser p;
	char err[512];
	int c, ret = 0;

	cli_parse_begin(&p, &cmd_exporter_cli, argc, argv);
	while ((c = cli_parse_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'l': listen_addr = optarg; break;
		case 't': textfile = optarg; break;
		case 'i':
			if (parse_duration_ms("--interval", optarg, &interval_ms))
				return 2;
			break;
		case 'd':
			if (parse_duration_ms("--duration", optarg, &duration_ms))
				return 2;
			break;
		case 'p':
			if (parse_pid("--pid", optarg, &opts.pid))
				return 2;
			break;
		case 'j': break; /* cli_parse_begin has seen it */
		case 'v': opts.verbose = true; break;
		case 'h': cli_print_help(&cmd_exporter_cli); return 0;
		default: return 2;
		}
	}
	if (optind < argc || (!listen_addr && !textfile))
		return cli_error(2, "give --listen ADDR:PORT, --textfile PATH or both");
	if (opts.pid && require_process("--pid", opts.pid, 1))
		return 1;
	if (listen_addr && http_server_open(&server, listen_addr, err, sizeof(err)))
		return cli_error(1, "%s", err);
	stop_on_signals();
	if (capture_open(&cap, &opts, NULL, NULL, err, sizeof(err))) {
		http_server_close(server);
		return cli_error(1, "%s", err);
	}
	exporter_metrics_init(&metrics, cap, server);
	if (server)
		cli_notice("serving http://%s/metrics (port %d)", listen_addr,
			   http_server_port(server));
	if (textfile)
		cli_notice("writing %s every %llu ms", textfile, interval_ms);
	start = monotonic_ms();
	next_write = start + interval_ms;
	next_tidy = start + TIDY_MS;
	while (!stop_requested() && (!duration_ms || monotonic_ms() - start < duration_ms)) {
		uint64_t now = monotonic_ms();
		int wait_ms = 200;

		if (textfile && next_write - now < (uint64_t)wait_ms)
			wait_ms = next_write > now ? (int)(next_write - now) : 0;
		if (server)
			ret = http_server_poll(server, wait_ms, serve, &metrics);
		else
			usleep((useconds_t)wait_ms * 1000);
		if (ret) {
			cli_error(1, "%s", strerror(-ret));
			break;
		}
		now = monotonic_ms();
		if (textfile && now >= next_write) {
			write_textfile(&metrics, textfile);
			next_write = now + interval_ms;
			next_tidy = now + TIDY_MS;
		} else if (now >= next_tidy) {
			exporter_metrics_tidy(&metrics);
			next_tidy = now + TIDY_MS;
		}
	}
	if (textfile && write_textfile(&metrics, textfile))
		ret = -EIO;
	http_server_close(server);
	capture_close(cap);
	return ret ? 1 : 0;
}
