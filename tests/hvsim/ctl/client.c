// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hvsim ctl [--ctl PATH] <command words...>`: send one command to a
 * running hvsim and print the answer.  Body lines go to stdout, an
 * "error: ..." terminator to stderr; exit status 0 for "ok", 1 otherwise.
 * PATH defaults to $HVSIM_CTL so test scripts can set it once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/ctl.h"

#define CLIENT_TIMEOUT_S	60

/* quote a word so that ctl_split() gives it back unchanged */
static int append_word(char *line, size_t *len, size_t max, const char *w)
{
	bool quote = !*w || strpbrk(w, " \t\"\\");

	if (*len && *len < max)
		line[(*len)++] = ' ';
	if (quote && *len < max)
		line[(*len)++] = '"';
	for (; *w && *len < max; w++) {
		if (*w == '\n' || *w == '\r')
			return -1;
		if ((*w == '"' || *w == '\\') && *len < max)
			line[(*len)++] = '\\';
		if (*len < max)
			line[(*len)++] = *w;
	}
	if (quote && *len < max)
		line[(*len)++] = '"';
	return *len < max ? 0 : -1;
}

static int print_usage(void)
{
	fprintf(stderr, "usage: hvsim ctl [--ctl PATH] <command words...>\n"
			"       (PATH defaults to $HVSIM_CTL; try: hvsim ctl --ctl PATH help)\n");
	return 1;
}

/* a connected socket with a receive timeout, or -1 (reason on stderr) */
static int client_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "hvsim ctl: path too long\n");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "hvsim ctl: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * The complete lines in @acc: body lines to stdout; 0 or 1 at the "ok"
 * or "error:" terminator, -1 if it has not come yet.  What is left of a
 * partial line moves to the front, its length in *@acc_len.
 */
static int print_lines(char *acc, size_t *acc_len)
{
	char *start = acc, *nl;

	while ((nl = strchr(start, '\n'))) {
		*nl = '\0';
		if (!strcmp(start, "ok"))
			return 0;
		if (!strncmp(start, "error:", 6)) {
			fprintf(stderr, "%s\n", start);
			return 1;
		}
		printf("%s\n", start);
		start = nl + 1;
	}
	*acc_len = strlen(start);
	memmove(acc, start, *acc_len + 1);
	return -1;
}

/* collect whole lines until the terminator: the exit status */
static int read_answer(int fd)
{
	char buf[4096], *acc = NULL, *p;
	size_t acc_len = 0;
	int ret = -1;

	while (ret < 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0) {
			fprintf(stderr, "hvsim ctl: %s\n", n < 0 ?
				strerror(errno) : "connection closed without an answer");
			ret = 1;
			break;
		}
		p = realloc(acc, acc_len + (size_t)n + 1);
		if (!p) {
			ret = 1;
			break;
		}
		acc = p;
		memcpy(acc + acc_len, buf, (size_t)n);
		acc_len += (size_t)n;
		acc[acc_len] = '\0';
		ret = print_lines(acc, &acc_len);
	}
	free(acc);
	return ret;
}

int ctl_client_main(int argc, char **argv)
{
	const char *path = getenv("HVSIM_CTL");
	char line[CTL_MAX_LINE];
	int i = 1, fd, ret = 1;
	size_t len = 0;

	if (argc > 2 && !strcmp(argv[1], "--ctl")) {
		path = argv[2];
		i = 3;
	} else if (argc > 1 && !strncmp(argv[1], "--ctl=", 6)) {
		path = argv[1] + 6;
		i = 2;
	}
	if (!path || i >= argc)
		return print_usage();
	for (; i < argc; i++) {
		if (append_word(line, &len, sizeof(line) - 1, argv[i])) {
			fprintf(stderr, "hvsim ctl: command too long\n");
			return 1;
		}
	}
	line[len++] = '\n';

	fd = client_connect(path);
	if (fd < 0)
		return 1;
	if (send(fd, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "hvsim ctl: send: %s\n", strerror(errno));
	} else {
		/* the server answers one command per connection */
		shutdown(fd, SHUT_WR);
		ret = read_answer(fd);
	}
	close(fd);
	fflush(stdout);
	return ret;
}
