// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket: how tests act as the Hyper-V administrator.
 *
 * Protocol: a Unix stream socket; the client sends command lines (words
 * separated by blanks, "double quotes" and backslash escapes allowed), and
 * for each line hvsim answers zero or more lines followed by exactly one
 * terminator line: "ok" or "error: <why>".  A body line never looks like a
 * terminator (ctl_printf() guarantees it), so clients can simply read
 * until one.  Several commands may be sent on one connection.
 *
 * Commands live in tables: the core ones in ctl_cmds.c, and each device
 * class adds its own with ctl_register() ("offer", "disk", ...).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/ctl.h"

#define CTL_MAX_CONNS	16
#define CTL_MAX_OUT	(1024 * 1024)	/* unread output before we give up */
#define CTL_MAX_TABLES	32

struct ctl_conn {
	struct watch w;		/* fd -1: a test's in-memory connection */
	struct hvsim *hs;
	char in[CTL_MAX_LINE];
	size_t in_len;
	char *out;
	size_t out_len, out_cap, out_off;
	char err[256];
	bool oom;		/* output was lost: close the connection */
	bool closing;		/* close once the output is written */
	struct ctl_conn *next;
};

/*
 * The registered command tables: constant, and the same for every host of
 * the process (a unit test makes many), so they are kept process-wide.
 */
static struct {
	const struct ctl_cmd *cmds;
	size_t n;
} tables[CTL_MAX_TABLES];
static size_t nr_tables;

/* a host's control socket and its connections (hs->ctl) */
struct ctl_server {
	struct watch listen;
	const char *path;
	struct ctl_conn *conns;
	unsigned int nr_conns;
};

static const struct ctl_cmd *ctl_find(const char *name)
{
	for (size_t i = 0; i < ctl_core_cmds_n; i++)
		if (!strcmp(ctl_core_cmds[i].name, name))
			return &ctl_core_cmds[i];
	for (size_t t = 0; t < nr_tables; t++)
		for (size_t i = 0; i < tables[t].n; i++)
			if (!strcmp(tables[t].cmds[i].name, name))
				return &tables[t].cmds[i];
	return NULL;
}

int ctl_register(const struct ctl_cmd *cmds, size_t n)
{
	if (nr_tables >= CTL_MAX_TABLES)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (ctl_find(cmds[i].name)) {
			log_err("ctl: command '%s' registered twice",
				cmds[i].name);
			return -1;
		}
	}
	tables[nr_tables].cmds = cmds;
	tables[nr_tables].n = n;
	nr_tables++;
	return 0;
}

const struct ctl_cmd *ctl_cmd_at(size_t i)
{
	if (i < ctl_core_cmds_n)
		return &ctl_core_cmds[i];
	i -= ctl_core_cmds_n;
	for (size_t t = 0; t < nr_tables; t++) {
		if (i < tables[t].n)
			return &tables[t].cmds[i];
		i -= tables[t].n;
	}
	return NULL;
}

static void out_append(struct ctl_conn *c, const char *s, size_t len)
{
	if (c->oom)
		return;
	if (c->out_len + len + 1 > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 1024;
		char *p;

		while (cap < c->out_len + len + 1)
			cap *= 2;
		p = cap <= CTL_MAX_OUT ? realloc(c->out, cap) : NULL;
		if (!p) {
			c->oom = true;
			return;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, len);
	c->out_len += len;
	c->out[c->out_len] = '\0';
}

void ctl_printf(struct ctl_conn *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* one line, printable: text may come from the guest */
	for (int i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	/* and never a terminator, or clients would stop reading early */
	if (!strcmp(line, "ok") || !strncmp(line, "error:", 6))
		out_append(c, " ", 1);
	out_append(c, line, (size_t)n);
	out_append(c, "\n", 1);
}

int ctl_fail(struct ctl_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0])
		return -1;	/* the first reason is the real one */
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	for (char *p = c->err; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	return -1;
}

int ctl_split(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		bool quoted = false;

		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			return argc;
		if (argc >= max)
			return -1;
		argv[argc++] = w;
		/* write back in place: the result is never longer */
		while (*r && (quoted || (*r != ' ' && *r != '\t'))) {
			if (*r == '"') {
				quoted = !quoted;
				r++;
			} else if (*r == '\\') {
				if (!r[1])
					return -1;
				*w++ = r[1];
				r += 2;
			} else {
				*w++ = *r++;
			}
		}
		if (quoted)
			return -1;
		if (*r)
			r++;
		*w++ = '\0';
	}
}

static void conn_flush(struct ctl_conn *c);

void ctl_exec_line(struct hvsim *hs, struct ctl_conn *c, char *line)
{
	char *argv[CTL_MAX_ARGS];
	const struct ctl_cmd *cmd;
	int argc, ret = -1;

	c->err[0] = '\0';
	argc = ctl_split(line, argv, CTL_MAX_ARGS);
	cmd = argc > 0 ? ctl_find(argv[0]) : NULL;
	if (argc < 0)
		ctl_fail(c, "unbalanced quotes or more than %d words",
			 CTL_MAX_ARGS);
	else if (argc == 0)
		ctl_fail(c, "empty command");
	else if (!cmd)
		ctl_fail(c, "unknown command '%s' (try help)", argv[0]);
	else
		ret = cmd->fn(hs, c, argc, argv);

	if (ret == 0) {
		out_append(c, "ok\n", 3);
	} else {
		if (!c->err[0])
			ctl_fail(c, "failed");
		out_append(c, "error: ", 7);
		out_append(c, c->err, strlen(c->err));
		out_append(c, "\n", 1);
	}
	if (c->w.fd >= 0)
		conn_flush(c);
}

struct ctl_conn *ctl_conn_new_buffer(void)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));

	if (c)
		c->w.fd = -1;
	return c;
}

const char *ctl_conn_output(struct ctl_conn *c)
{
	return c->out ? c->out : "";
}

void ctl_conn_free(struct ctl_conn *c)
{
	if (!c)
		return;
	free(c->out);
	free(c);
}

static void conn_close(struct ctl_conn *c)
{
	struct ctl_server *srv = c->hs->ctl;
	struct ctl_conn **pp;

	for (pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->nr_conns--;
	loop_del(&c->w);
	close(c->w.fd);
	ctl_conn_free(c);
}

/* write what we can; EPOLLOUT brings us back for the rest */
static void conn_flush(struct ctl_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->w.fd, c->out + c->out_off,
				 c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			c->closing = true;
			c->out_off = c->out_len;
			break;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		loop_mod(&c->w, EPOLLIN | EPOLLRDHUP);
	} else {
		loop_mod(&c->w, EPOLLOUT);
	}
}

static void conn_cb(struct watch *w, uint32_t events)
{
	struct ctl_conn *c = w->priv;
	struct hvsim *hs = c->hs;
	char *nl;
	ssize_t n;

	if (events & EPOLLOUT) {
		conn_flush(c);
		if (c->out_len == 0 && c->closing)
			conn_close(c);
		return;
	}
	n = read(w->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EOF: a last line without '\n' still counts */
		if (c->in_len && c->in_len < sizeof(c->in)) {
			c->in[c->in_len] = '\0';
			c->in_len = 0;
			ctl_exec_line(hs, c, c->in);
		}
		c->closing = true;
	} else {
		c->in_len += (size_t)n;
	}
	while ((nl = memchr(c->in, '\n', c->in_len)) && !hs->quit) {
		size_t len = (size_t)(nl - c->in);

		*nl = '\0';
		if (len && c->in[len - 1] == '\r')
			c->in[len - 1] = '\0';
		ctl_exec_line(hs, c, c->in);
		c->in_len -= len + 1;
		memmove(c->in, nl + 1, c->in_len);
	}
	if (c->in_len == sizeof(c->in)) {
		out_append(c, "error: line too long\n", 21);
		c->in_len = 0;
		c->closing = true;
		conn_flush(c);
	}
	if (c->oom || (c->closing && c->out_len == 0))
		conn_close(c);
}

static void listen_cb(struct watch *w, uint32_t events)
{
	struct hvsim *hs = w->priv;
	struct ctl_server *srv = hs->ctl;
	struct ctl_conn *c;
	int fd;

	(void)events;
	fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	c = srv->nr_conns < CTL_MAX_CONNS ? ctl_conn_new_buffer() : NULL;
	if (!c) {
		log_warn("ctl: too many connections");
		close(fd);
		return;
	}
	c->w.fd = fd;
	c->w.cb = conn_cb;
	c->w.priv = c;
	c->hs = hs;
	if (loop_add(&c->w, EPOLLIN | EPOLLRDHUP)) {
		close(fd);
		ctl_conn_free(c);
		return;
	}
	c->next = srv->conns;
	srv->conns = c;
	srv->nr_conns++;
}

int ctl_init(struct hvsim *hs, const char *path)
{
	struct ctl_server *srv = calloc(1, sizeof(*srv));

	if (!srv)
		return -1;
	srv->listen.fd = unix_listen(path, 8);
	if (srv->listen.fd < 0) {
		free(srv);
		return -1;
	}
	srv->listen.cb = listen_cb;
	srv->listen.priv = hs;
	srv->path = path;
	hs->ctl = srv;
	return loop_add(&srv->listen, EPOLLIN);
}

void ctl_exit(struct hvsim *hs)
{
	struct ctl_server *srv = hs->ctl;

	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns);
	if (srv->listen.fd >= 0) {
		loop_del(&srv->listen);
		close(srv->listen.fd);
		unlink(srv->path);
	}
	free(srv);
	hs->ctl = NULL;
}
