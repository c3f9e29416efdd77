// SPDX-License-Identifier: GPL-2.0-only
/*
 * One-shot timers on the event loop, one timerfd each, for device models
 * (struct hv_timer in hvsim.h).  The timerfd exists from the first
 * hv_timer_set() on; without an event loop (unit tests) the timer is
 * inert and the test runs the callback's work itself.
 */
#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/hvsim.h"

static void timer_cb(struct watch *w, uint32_t events)
{
	struct hv_timer *t = w->priv;
	uint64_t n;

	(void)events;
	if (read(w->fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("timer: %s", strerror(errno));
	t->fn(t->priv);
}

void hv_timer_init(struct hv_timer *t, void (*fn)(void *priv), void *priv)
{
	memset(t, 0, sizeof(*t));
	t->w.fd = -1;
	t->fn = fn;
	t->priv = priv;
}

static bool timer_ensure(struct hv_timer *t)
{
	int fd;

	if (t->w.fd >= 0)
		return true;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0) {
		log_err("timerfd_create: %s", strerror(errno));
		return false;
	}
	t->w.fd = fd;
	t->w.cb = timer_cb;
	t->w.priv = t;
	if (loop_add(&t->w, EPOLLIN)) {
		close(fd);
		t->w.fd = -1;
		return false;
	}
	return true;
}

void hv_timer_set(struct hv_timer *t, uint64_t due_ns)
{
	struct itimerspec its = { 0 };

	if (!due_ns && t->w.fd < 0)
		return;
	if (!timer_ensure(t))
		return;
	its.it_value.tv_sec = (time_t)(due_ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(due_ns % 1000000000ull);
	timerfd_settime(t->w.fd, TFD_TIMER_ABSTIME, &its, NULL);
}

void hv_timer_free(struct hv_timer *t)
{
	if (t->w.fd < 0)
		return;
	loop_del(&t->w);
	close(t->w.fd);
	t->w.fd = -1;
}
