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

static int usage(void)
{
	fprintf(stderr, "usage: hvsim ctl [--ctl PATH] <command words...>\n"
			"       (PATH defaults to $HVSIM_CTL; try: hvsim ctl --ctl PATH help)\n");
	return 1;
}

int ctl_client_main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT_S };
	const char *path = getenv("HVSIM_CTL");
	char line[CTL_MAX_LINE], buf[4096], *acc = NULL;
	size_t len = 0, acc_len = 0;
	int i = 1, fd, ret = 1;

	if (argc > 2 && !strcmp(argv[1], "--ctl")) {
		path = argv[2];
		i = 3;
	} else if (argc > 1 && !strncmp(argv[1], "--ctl=", 6)) {
		path = argv[1] + 6;
		i = 2;
	}
	if (!path || i >= argc)
		return usage();
	for (; i < argc; i++) {
		if (append_word(line, &len, sizeof(line) - 1, argv[i])) {
			fprintf(stderr, "hvsim ctl: command too long\n");
			return 1;
		}
	}
	line[len++] = '\n';

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "hvsim ctl: path too long\n");
		return 1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "hvsim ctl: %s: %s\n", path, strerror(errno));
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "hvsim ctl: send: %s\n", strerror(errno));
		goto out;
	}
	shutdown(fd, SHUT_WR);

	/* collect whole lines until the terminator */
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		char *start, *nl, *p;

		if (n <= 0) {
			fprintf(stderr, "hvsim ctl: %s\n", n < 0 ?
				strerror(errno) : "connection closed without an answer");
			goto out;
		}
		p = realloc(acc, acc_len + (size_t)n + 1);
		if (!p)
			goto out;
		acc = p;
		memcpy(acc + acc_len, buf, (size_t)n);
		acc_len += (size_t)n;
		acc[acc_len] = '\0';
		start = acc;
		while ((nl = strchr(start, '\n'))) {
			*nl = '\0';
			if (!strcmp(start, "ok")) {
				ret = 0;
				goto out;
			}
			if (!strncmp(start, "error:", 6)) {
				fprintf(stderr, "%s\n", start);
				goto out;
			}
			printf("%s\n", start);
			start = nl + 1;
		}
		acc_len = strlen(start);
		memmove(acc, start, acc_len + 1);
	}
out:
	free(acc);
	if (fd >= 0)
		close(fd);
	fflush(stdout);
	return ret;
}
