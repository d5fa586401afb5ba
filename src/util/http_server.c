// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util/http_server.h"
#include "util/stop.h"

struct connection {
	int fd;			/* -1: a free slot */
	uint64_t deadline_ms;
	char in[HTTP_MAX_REQUEST];
	size_t in_len;
	char *out;		/* the whole response, once the request is read */
	size_t out_len, out_sent;
	bool draining;		/* sent: reading to the client's close, so that
				 * unread input does not reset the connection */
};

struct http_server {
	int listen_fd;
	int port;
	struct connection conns[HTTP_MAX_CONNECTIONS];
	struct http_status_count counts[HTTP_STATUS_KINDS];
};

static const struct {
	int status;
	const char *reason;
} statuses[HTTP_STATUS_KINDS] = {
	{ 200, "OK" },
	{ 400, "Bad Request" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 505, "HTTP Version Not Supported" },
};

/* Split "HOST:PORT", "[V6]:PORT" or ":PORT". */
static int split_addr(const char *addr, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon = strrchr(addr, ':');
	const char *h = addr;
	size_t n;

	if (!colon || !colon[1] || strlen(colon + 1) >= portlen)
		return -1;
	n = (size_t)(colon - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n >= hostlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

/*
 * HOST as a numeric address ("" or "*": every address, IPv6 and IPv4 both;
 * "localhost": 127.0.0.1) and PORT, into SA. Names are not resolved: a static
 * binary's getaddrinfo would need the C library's NSS modules at run time,
 * which a bare host may not have.
 */
static int parse_listen_addr(const char *host, const char *port, struct sockaddr_storage *sa,
			     socklen_t *len)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	char *end;
	unsigned long p;

	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || p > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	if (!host[0] || !strcmp(host, "*")) {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_any;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*in6);
	} else if (!strcmp(host, "localhost") || inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		if (!strcmp(host, "localhost"))
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p);
		*len = sizeof(*in);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*in6);
	} else {
		return -1;
	}
	return 0;
}

int http_server_open(struct http_server **out, const char *addr, char *err, size_t errlen)
{
	struct sockaddr_storage sa, bound;
	socklen_t salen, blen = sizeof(bound);
	char host[256], port[16];
	struct http_server *s;
	int one = 1, zero = 0, e;

	if (split_addr(addr, host, sizeof(host), port, sizeof(port)) ||
	    parse_listen_addr(host, port, &sa, &salen)) {
		snprintf(err, errlen,
			 "'%s' is not ADDR:PORT (a numeric IPv4 or [IPv6] address, localhost, "
			 "or nothing for every address; a port up to 65535)",
			 addr);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (unsigned int i = 0; i < HTTP_MAX_CONNECTIONS; i++)
		s->conns[i].fd = -1;
	for (unsigned int i = 0; i < HTTP_STATUS_KINDS; i++)
		s->counts[i].status = statuses[i].status;
	s->listen_fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* "every address" takes IPv4 too, through the IPv6 socket. */
	if (s->listen_fd < 0 ||
	    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (sa.ss_family == AF_INET6 &&
	     setsockopt(s->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero))) ||
	    bind(s->listen_fd, (struct sockaddr *)&sa, salen) ||
	    listen(s->listen_fd, 64) ||
	    getsockname(s->listen_fd, (struct sockaddr *)&bound, &blen)) {
		e = errno;
		snprintf(err, errlen, "cannot listen on %s: %s", addr, strerror(e));
		if (s->listen_fd >= 0)
			close(s->listen_fd);
		free(s);
		return -e;
	}
	s->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						    : ((struct sockaddr_in *)&bound)->sin_port);
	*out = s;
	return 0;
}

int http_server_port(const struct http_server *s)
{
	return s->port;
}

const struct http_status_count *http_server_counts(const struct http_server *s)
{
	return s->counts;
}

static void drop(struct connection *c)
{
	close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->in_len = c->out_len = c->out_sent = 0;
	c->draining = false;
}

static const char *reason_of(struct http_server *s, int status)
{
	for (unsigned int i = 0; i < HTTP_STATUS_KINDS; i++)
		if (statuses[i].status == status) {
			s->counts[i].count++;
			return statuses[i].reason;
		}
	return NULL;
}

/* Build the response: headers, and BODY (LEN bytes) unless HEAD. */
static void respond(struct http_server *s, struct connection *c, int status,
		    const char *type, const char *body, size_t len, bool head)
{
	const char *reason = reason_of(s, status);
	FILE *f;

	if (!reason) {
		status = 500;
		reason = reason_of(s, status);
	}
	f = open_memstream(&c->out, &c->out_len);
	if (!f) {
		c->out = NULL;
		shutdown(c->fd, SHUT_RDWR); /* the next poll sees it closed */
		return;
	}
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
		   "Connection: close\r\n\r\n",
		status, reason, type, len, status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!head)
		fwrite(body, 1, len, f);
	if (fclose(f)) {
		free(c->out);
		c->out = NULL;
		c->out_len = 0;
		shutdown(c->fd, SHUT_RDWR);
	}
}

static void respond_text(struct http_server *s, struct connection *c, int status,
			 const char *text, bool head)
{
	respond(s, c, status, "text/plain; charset=utf-8", text, strlen(text), head);
}

static bool is_token_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       strchr("!#$%&'*+-.^_`|~", ch);
}

/*
 * Check the request line in C->in: METHOD SP TARGET SP VERSION. Returns 0
 * with *TARGET and *HEAD set, or the status that refuses it.
 */
static int parse_request_line(struct connection *c, char **target, bool *head)
{
	char *line = c->in, *end = memchr(c->in, '\n', c->in_len);
	char *method, *version, *query;
	size_t mlen;

	if (!end)
		return 400;
	*end = '\0';
	if (end > line && end[-1] == '\r')
		end[-1] = '\0';
	method = line;
	*target = strchr(method, ' ');
	version = *target ? strchr(*target + 1, ' ') : NULL;
	if (!*target || !version || strchr(version + 1, ' '))
		return 400;
	*(*target)++ = '\0';
	*version++ = '\0';
	mlen = strlen(method);
	for (size_t i = 0; i < mlen; i++)
		if (!is_token_char(method[i]))
			return 400;
	if (!mlen || (*target)[0] != '/' || strncmp(version, "HTTP/", 5))
		return 400;
	for (const char *p = *target; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 400;
	if (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0"))
		return 505;
	*head = !strcmp(method, "HEAD");
	if (!*head && strcmp(method, "GET"))
		return 405;
	query = strchr(*target, '?');
	if (query)
		*query = '\0';
	return 0;
}

/* The request's headers are complete: answer it. */
static void answer(struct http_server *s, struct connection *c, http_handler_fn fn, void *ctx)
{
	const char *type = "text/plain; charset=utf-8";
	char *target = NULL, *body = NULL;
	size_t body_len = 0;
	bool head = false;
	int status = parse_request_line(c, &target, &head);
	FILE *f;

	switch (status) {
	case 0:
		break;
	case 405:
		respond_text(s, c, 405, "only GET and HEAD\n", false);
		return;
	case 505:
		respond_text(s, c, 505, "only HTTP/1.0 and HTTP/1.1\n", false);
		return;
	default:
		respond_text(s, c, 400, "bad request\n", false);
		return;
	}
	f = open_memstream(&body, &body_len);
	if (!f) {
		respond_text(s, c, 500, "out of memory\n", head);
		return;
	}
	status = fn(target, f, &type, ctx);
	if (fclose(f))
		status = 500;
	if (status == 200)
		respond(s, c, 200, type, body, body_len, head);
	else if (status == 404)
		respond_text(s, c, 404, "not found\n", head);
	else
		respond_text(s, c, 500, "internal error\n", head);
	free(body);
}

/* Read what is there; answer once the headers are complete. */
static void on_readable(struct http_server *s, struct connection *c, http_handler_fn fn,
			void *ctx)
{
	char discard[512];
	ssize_t n;

	if (c->draining) {
		n = recv(c->fd, discard, sizeof(discard), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			drop(c);
		return;
	}
	if (c->in_len >= sizeof(c->in)) {
		respond_text(s, c, 431, "request too large\n", false);
		return;
	}
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) { /* closed before a whole request */
		drop(c);
		return;
	}
	c->in_len += (size_t)n;
	/* a NUL in a request is never valid; memmem below needs none */
	if (memchr(c->in, '\0', c->in_len)) {
		respond_text(s, c, 400, "bad request\n", false);
		return;
	}
	if (memmem(c->in, c->in_len, "\r\n\r\n", 4) || memmem(c->in, c->in_len, "\n\n", 2))
		answer(s, c, fn, ctx);
	else if (c->in_len >= sizeof(c->in))
		respond_text(s, c, 431, "request too large\n", false);
}

static void on_writable(struct connection *c)
{
	ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->out_sent += (size_t)n;
	if (c->out_sent == c->out_len) {
		uint64_t linger = monotonic_ms() + 1000;

		shutdown(c->fd, SHUT_WR);
		free(c->out);
		c->out = NULL;
		c->draining = true;
		if (linger < c->deadline_ms)
			c->deadline_ms = linger;
	}
}

static void accept_new(struct http_server *s)
{
	for (unsigned int i = 0; i < HTTP_MAX_CONNECTIONS; i++) {
		struct connection *c = &s->conns[i];
		int fd;

		if (c->fd >= 0)
			continue;
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c->fd = fd;
		c->deadline_ms = monotonic_ms() + HTTP_REQUEST_TIMEOUT_MS;
	}
}

int http_server_poll(struct http_server *s, int timeout_ms, http_handler_fn fn, void *ctx)
{
	struct pollfd p[HTTP_MAX_CONNECTIONS + 1];
	struct connection *of[HTTP_MAX_CONNECTIONS + 1];
	unsigned int n = 0, used = 0;
	uint64_t now = monotonic_ms();
	int ret;

	for (unsigned int i = 0; i < HTTP_MAX_CONNECTIONS; i++) {
		struct connection *c = &s->conns[i];

		if (c->fd < 0)
			continue;
		if (now >= c->deadline_ms) { /* a slow or silent client loses its slot */
			if (!c->out && !c->draining)
				respond_text(s, c, 408, "request timeout\n", false);
			if (c->out)
				send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
				     MSG_NOSIGNAL | MSG_DONTWAIT);
			drop(c);
			continue;
		}
		if (c->deadline_ms - now < (uint64_t)timeout_ms)
			timeout_ms = (int)(c->deadline_ms - now);
		p[n] = (struct pollfd){ .fd = c->fd, .events = c->out ? POLLOUT : POLLIN };
		of[n++] = c;
		used++;
	}
	if (used < HTTP_MAX_CONNECTIONS) { /* when full, new ones wait in the backlog */
		p[n] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		of[n++] = NULL;
	}
	ret = poll(p, n, timeout_ms);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	for (unsigned int i = 0; i < n; i++) {
		if (!p[i].revents)
			continue;
		if (!of[i])
			accept_new(s);
		else if (of[i]->out)
			on_writable(of[i]);
		else if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
			on_readable(s, of[i], fn, ctx);
	}
	return 0;
}

void http_server_close(struct http_server *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < HTTP_MAX_CONNECTIONS; i++)
		if (s->conns[i].fd >= 0)
			drop(&s->conns[i]);
	close(s->listen_fd);
	free(s);
}
