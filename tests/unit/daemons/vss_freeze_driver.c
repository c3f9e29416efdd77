// SPDX-License-Identifier: GPL-2.0-only
/*
 * vss_freeze_driver MOUNTINFO EXT4DIR TMPFSDIR: hv_vss_daemon's freezer
 * (vss_freeze.c) on a scratch ext4 file system that test_vss_freeze.sh
 * mounted, named by a made-up mountinfo (so that nothing else on the
 * machine is frozen).  Whether a file system is frozen is asked with a
 * second FIFREEZE (EBUSY: frozen; success: it was not, thawed again).
 * Prints TAP lines.
 */
#define _GNU_SOURCE
#include "../../../src/daemons/common.c"
#include "../../../src/daemons/vss_freeze.c"

static const char *ext4;

static bool frozen(void)
{
	int fd = open(ext4, O_RDONLY | O_DIRECTORY), busy;

	if (fd < 0)
		return false;
	busy = ioctl(fd, FIFREEZE, 0) && errno == EBUSY;
	if (!busy)
		ioctl(fd, FITHAW, 0);
	close(fd);
	return busy;
}

static void tap(bool ok, const char *name)
{
	printf("%sok - vss freezer: %s\n", ok ? "" : "not ", name);
	fflush(stdout);
}

static void write_mountinfo(const char *path, const char *tmpfs)
{
	FILE *f = fopen(path, "w");

	if (!f)
		exit(1);
	/* the tmpfs first: frozen last, it fails (EOPNOTSUPP) */
	if (tmpfs)
		fprintf(f, "2 1 0:999 / %s rw - ext4 /dev/hv-test-b rw\n", tmpfs);
	fprintf(f, "3 1 7:999 / %s rw,relatime - ext4 /dev/hv-test-a rw\n", ext4);
	fprintf(f, "4 1 0:998 / /proc rw - proc none rw\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	struct vss_freezer f = { .wd_pipe = -1 };
	int ret, status;
	pid_t pid;

	if (argc != 4)
		return 2;
	log_quiet();
	signal(SIGPIPE, SIG_IGN);
	ext4 = argv[2];
	f.mountinfo = argv[1];
	f.timeout = 60;
	write_mountinfo(argv[1], NULL);

	ret = vss_freeze_all(&f);
	tap(!ret && frozen(), "FREEZE freezes the file system");
	tap(!vss_freeze_all(&f) && frozen(), "a second FREEZE keeps it frozen");
	ret = vss_thaw_all(&f);
	tap(!ret && !frozen(), "THAW thaws it");
	tap(!vss_thaw_all(&f), "THAW with nothing frozen succeeds");

	f.timeout = 1;
	ret = vss_freeze_all(&f);
	sleep(2);
	tap(!ret && !frozen(), "the watchdog thaws after the timeout");
	tap(vss_thaw_all(&f) == -ETIMEDOUT, "THAW after the watchdog's thaw fails");

	f.timeout = 60;
	pid = fork();
	if (pid == 0) {
		vss_freeze_all(&f);
		_exit(frozen() ? 0 : 1);	/* dies frozen */
	}
	waitpid(pid, &status, 0);
	usleep(500000);
	tap(WIFEXITED(status) && !WEXITSTATUS(status) && !frozen(),
	    "the watchdog thaws when the daemon dies");

	write_mountinfo(argv[1], argv[3]);
	ret = vss_freeze_all(&f);
	tap(ret && !frozen() && !f.frozen, "a failed FREEZE thaws what it froze");
	return 0;
}
