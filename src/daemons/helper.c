// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helper programs: helper.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "helper.h"

#define HELPER_MAX_ARGS	8

static void child(const char *path, char *const *argv, int out)
{
	static char *const envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C",
		NULL
	};
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	int null, sig;

	/* what the daemon changed is not the helper's business */
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0)
		_exit(127);
	execve(path, argv, envp);
	_exit(127);
}

int run_helper(const char *dir, const char *name, const char *const *args,
	       char *out, size_t outlen, int timeout_ms)
{
	char *argv[HELPER_MAX_ARGS + 2];
	char path[4096], sink[256];
	long long deadline;
	struct pollfd pfd;
	size_t got = 0, i;
	int p[2], status, left;
	bool late = false;
	ssize_t n;
	pid_t pid;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -1;
	argv[0] = (char *)name;
	for (i = 0; args[i]; i++) {
		if (i == HELPER_MAX_ARGS)
			return -1;
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	if (access(path, X_OK)) {
		log_msg(LOG_DEBUG, "helper %s: %s", path, strerror(errno));
		return -1;
	}
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0)
		child(path, argv, p[1]);
	close(p[1]);
	if (out && outlen)
		out[0] = '\0';
	deadline = now_ms() + timeout_ms;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			late = true;
			break;
		}
		if (poll(&pfd, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!pfd.revents)
			continue;
		if (out && got + 1 < outlen)
			n = read(p[0], out + got, outlen - 1 - got);
		else
			n = read(p[0], sink, sizeof(sink));	/* the rest: drop */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out && got + 1 < outlen && n > 0) {
			got += n;
			out[got] = '\0';
		}
	}
	close(p[0]);
	if (late) {
		log_msg(LOG_ERR, "helper %s took more than %d ms: killed", path,
			timeout_ms);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (late || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
