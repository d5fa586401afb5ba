/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small single-threaded HTTP/1.1 server for GET and HEAD of a few paths
 * (kvmirq exporter's /metrics): poll() over the listening socket and a
 * bounded number of connections, a bounded request, a deadline per
 * connection, one response per connection ("Connection: close"). Request
 * bodies are never read; anything it cannot parse is answered 400 and
 * closed, never a crash.
 */
#ifndef KVMIRQ_HTTP_SERVER_H
#define KVMIRQ_HTTP_SERVER_H

#include <stddef.h>
#include <stdio.h>

#define HTTP_MAX_REQUEST 8192	   /* request line and headers, bytes */
#define HTTP_MAX_CONNECTIONS 16	   /* more wait in the listen backlog */
#define HTTP_REQUEST_TIMEOUT_MS 10000 /* from accept to the last byte sent */

/*
 * Answer GET PATH (query string removed): write the body to BODY, set
 * *CONTENT_TYPE, return the status (200, or 404 for a path it does not
 * serve). The server drops the body for HEAD.
 */
typedef int (*http_handler_fn)(const char *path, FILE *body, const char **content_type,
			       void *ctx);

/* Responses sent, by status. */
struct http_status_count {
	int status;
	unsigned long long count;
};

#define HTTP_STATUS_KINDS 8

struct http_server;

/* ADDR: "HOST:PORT", "[V6]:PORT" or ":PORT" (every address). 0 or -errno. */
int http_server_open(struct http_server **out, const char *addr, char *err, size_t errlen);
/* Wait up to TIMEOUT_MS for the sockets, and serve what is ready. 0 or -errno. */
int http_server_poll(struct http_server *s, int timeout_ms, http_handler_fn fn, void *ctx);
/* HTTP_STATUS_KINDS rows, in a fixed order. */
const struct http_status_count *http_server_counts(const struct http_server *s);
/* The port bound, e.g. for ":0". */
int http_server_port(const struct http_server *s);
void http_server_close(struct http_server *s);

#endif
