// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus connection, host side: INITIATE_CONTACT and version
 * negotiation, the message connection ids, UNLOAD, dispatch of the guest's
 * channel messages, the host's outgoing message queue and the poll timer.
 *
 * Protocol facts (drivers/hv/connection.c, Linux 6.12, for the guest;
 * openvmm vmbus_server/src/{lib,channels}.rs for the host):
 *  - The guest posts INITIATE_CONTACT to connection id 1
 *    (VMBUS_MESSAGE_CONNECTION_ID) for versions below 5.0 and to 4
 *    (VMBUS_MESSAGE_CONNECTION_ID_4) from 5.0 on, trying versions from the
 *    highest down; the host answers VERSION_RESPONSE with
 *    version_supported 0 to refuse.  hvsim accepts 2.4 (WIN8) .. 5.3,
 *    capped by --max-version / "set max-version".
 *  - From 5.0 on the response carries the connection id for every later
 *    message; openvmm's VTL0 server hands out MESSAGE_CONNECTION_ID (1)
 *    (lib.rs: connection_id, channels.rs send_version_response), and so
 *    does hvsim unless "set msg-conn-id" says otherwise.  Below 5.0 the
 *    field carries the accepted version (openvmm) and messages go to 1.
 *  - Host messages go to target_vcpu (only from 3.0 on; before, CPU 0)
 *    and, from 5.0 on, to the SINT the guest names (msg_sint), else
 *    SINT 2 (openvmm handle_initiate_contact).
 *  - Monitor pages: both or neither; otherwise the host answers
 *    version_supported 1 with connection_state FAILED_UNKNOWN_FAILURE
 *    and stays disconnected (openvmm initiate_contact).
 *  - A new INITIATE_CONTACT while connected resets the connection first
 *    (openvmm: request_disconnect(Reconnect)); UNLOAD drops every channel
 *    and GPADL and is answered with UNLOAD_RESPONSE.
 *  - Other messages need a connection and the negotiated connection id;
 *    MODIFYCHANNEL needs 4.1 (openvmm protocol.rs min versions).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "vmbus/host.h"

static const uint32_t known_versions[] = {
	VERSION_WIN8, VERSION_WIN8_1, VERSION_WIN10, VERSION_WIN10_V4_1,
	VERSION_WIN10_V5, VERSION_WIN10_V5_1, VERSION_WIN10_V5_2,
	VERSION_WIN10_V5_3,
};

bool vmbus_version_known(uint32_t version)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_versions); i++)
		if (known_versions[i] == version)
			return true;
	return false;
}

/* "MAJOR.MINOR" -> VMBUS_MAKE_VERSION, any 16-bit values */
int vmbus_parse_version(const char *s, uint32_t *version)
{
	unsigned int major, minor;
	char extra;

	if (sscanf(s, "%u.%u%c", &major, &minor, &extra) != 2 ||
	    major > 0xffff || minor > 0xffff)
		return -1;
	*version = VMBUS_MAKE_VERSION(major, minor);
	return 0;
}

static const char *const msg_names[CHANNELMSG_COUNT] = {
	[CHANNELMSG_INVALID] = "INVALID",
	[CHANNELMSG_OFFERCHANNEL] = "OFFERCHANNEL",
	[CHANNELMSG_RESCIND_CHANNELOFFER] = "RESCIND_CHANNELOFFER",
	[CHANNELMSG_REQUESTOFFERS] = "REQUESTOFFERS",
	[CHANNELMSG_ALLOFFERS_DELIVERED] = "ALLOFFERS_DELIVERED",
	[CHANNELMSG_OPENCHANNEL] = "OPENCHANNEL",
	[CHANNELMSG_OPENCHANNEL_RESULT] = "OPENCHANNEL_RESULT",
	[CHANNELMSG_CLOSECHANNEL] = "CLOSECHANNEL",
	[CHANNELMSG_GPADL_HEADER] = "GPADL_HEADER",
	[CHANNELMSG_GPADL_BODY] = "GPADL_BODY",
	[CHANNELMSG_GPADL_CREATED] = "GPADL_CREATED",
	[CHANNELMSG_GPADL_TEARDOWN] = "GPADL_TEARDOWN",
	[CHANNELMSG_GPADL_TORNDOWN] = "GPADL_TORNDOWN",
	[CHANNELMSG_RELID_RELEASED] = "RELID_RELEASED",
	[CHANNELMSG_INITIATE_CONTACT] = "INITIATE_CONTACT",
	[CHANNELMSG_VERSION_RESPONSE] = "VERSION_RESPONSE",
	[CHANNELMSG_UNLOAD] = "UNLOAD",
	[CHANNELMSG_UNLOAD_RESPONSE] = "UNLOAD_RESPONSE",
	[CHANNELMSG_18] = "OPEN_RESERVED_CHANNEL",
	[CHANNELMSG_19] = "CLOSE_RESERVED_CHANNEL",
	[CHANNELMSG_20] = "CLOSE_RESERVED_RESPONSE",
	[CHANNELMSG_TL_CONNECT_REQUEST] = "TL_CONNECT_REQUEST",
	[CHANNELMSG_MODIFYCHANNEL] = "MODIFYCHANNEL",
	[CHANNELMSG_TL_CONNECT_RESULT] = "TL_CONNECT_RESULT",
	[CHANNELMSG_MODIFYCHANNEL_RESPONSE] = "MODIFYCHANNEL_RESPONSE",
};

const char *vmbus_msg_name(uint32_t type)
{
	return type < CHANNELMSG_COUNT && msg_names[type] ? msg_names[type] :
							    "unknown";
}

struct vmbus_host *vmbus_host(const struct hvsim *hs)
{
	return hs->host_priv;
}

/* ---- host -> guest messages ---- */

static bool backlog_push(struct vmbus_host *vh, uint32_t cpu, uint32_t sint,
			 const void *msg, uint32_t len)
{
	struct vmbus_msg_out *m;

	if (!vh->backlog) {
		vh->backlog = calloc(VMBUS_BACKLOG_MAX, sizeof(*vh->backlog));
		if (!vh->backlog)
			return false;
	}
	if (vh->backlog_count >= VMBUS_BACKLOG_MAX)
		return false;
	m = &vh->backlog[(vh->backlog_head + vh->backlog_count) %
			 VMBUS_BACKLOG_MAX];
	m->cpu = cpu;
	m->sint = sint;
	m->len = len;
	memcpy(m->data, msg, len);
	vh->backlog_count++;
	return true;
}

static void backlog_flush(struct vmbus_host *vh)
{
	while (vh->backlog_count) {
		struct vmbus_msg_out *m = &vh->backlog[vh->backlog_head];
		int ret = synic_post(vh->hs, m->cpu, m->sint, VMBUS_MESSAGE_TYPE,
				     m->data, m->len);

		if (ret == -ENOSPC)
			return;
		if (ret)
			vh->st.msgs_dropped++;
		else
			vh->st.msgs_out++;
		vh->backlog_head = (vh->backlog_head + 1) % VMBUS_BACKLOG_MAX;
		vh->backlog_count--;
	}
}

void vmbus_send_msg_to(struct vmbus_host *vh, uint32_t cpu, uint32_t sint,
		       const void *msg, uint32_t len)
{
	struct vmbus_channel_message_header h;
	int ret = -ENOSPC;

	memcpy(&h, msg, sizeof(h));
	log_dbg("vmbus: -> %s (%u bytes) cpu %u sint %u",
		vmbus_msg_name(h.msgtype), len, cpu, sint);
	/* in order: nothing overtakes what already waits */
	if (!vh->backlog_count)
		ret = synic_post(vh->hs, cpu, sint, VMBUS_MESSAGE_TYPE, msg, len);
	if (ret == -ENOSPC) {
		if (!backlog_push(vh, cpu, sint, msg, len)) {
			vh->st.msgs_dropped++;
			log_err("vmbus: %s to cpu %u dropped: %u messages wait already",
				vmbus_msg_name(h.msgtype), cpu, vh->backlog_count);
		}
		vmbus_timer_update(vh);
		return;
	}
	if (ret)
		vh->st.msgs_dropped++;
	else
		vh->st.msgs_out++;
}

void vmbus_send_msg(struct vmbus_host *vh, const void *msg, uint32_t len)
{
	/* nothing goes out for a connection that is gone */
	if (!vh->connected)
		return;
	vmbus_send_msg_to(vh, vh->target_vcpu, vh->msg_sint, msg, len);
}

/* ---- the poll timer ---- */

static void timer_cb(struct watch *w, uint32_t events)
{
	struct vmbus_host *vh = w->priv;
	uint64_t expirations;

	(void)events;
	if (read(w->fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		log_warn("vmbus timer: %s", strerror(errno));
	vmbus_host_poll(vh);
}

void vmbus_timer_update(struct vmbus_host *vh)
{
	struct itimerspec its = { 0 };
	bool need = vh->backlog_count || vh->unload_due_ns ||
		    chan_poll_needed(vh);

	if (vh->timer.fd < 0 || need == vh->timer_armed)
		return;
	if (need) {
		its.it_value.tv_nsec = VMBUS_POLL_NS;
		its.it_interval.tv_nsec = VMBUS_POLL_NS;
	}
	timerfd_settime(vh->timer.fd, 0, &its, NULL);
	vh->timer_armed = need;
}

static void send_unload_response(struct vmbus_host *vh)
{
	struct vmbus_channel_unload_response r = {
		.header.msgtype = CHANNELMSG_UNLOAD_RESPONSE,
	};

	vh->unload_due_ns = 0;
	vmbus_send_msg_to(vh, vh->unload_cpu, vh->unload_sint, &r, sizeof(r));
}

void vmbus_host_poll(struct vmbus_host *vh)
{
	if (vh->unload_due_ns && now_ns() >= vh->unload_due_ns)
		send_unload_response(vh);
	backlog_flush(vh);
	chan_poll(vh);
	vmbus_timer_update(vh);
}

/* ---- the connection ---- */

void vmbus_disconnect(struct vmbus_host *vh)
{
	bool was = vh->connected;

	/* first: nothing below may send to a guest that is going away */
	vh->connected = false;
	chan_release_all(vh);
	vh->version = 0;
	vh->offers_requested = false;
	vh->monitor_page[0] = vh->monitor_page[1] = 0;
	vh->interrupt_page = 0;
	vh->backlog_head = vh->backlog_count = 0;
	vh->unload_due_ns = 0;
	vmbus_timer_update(vh);
	if (was)
		log_info("vmbus: disconnected");
}

static void send_version_response(struct vmbus_host *vh, uint32_t cpu,
				  uint32_t sint, bool supported, uint8_t state,
				  uint32_t conn_or_version)
{
	struct vmbus_channel_version_response r = {
		.header.msgtype = CHANNELMSG_VERSION_RESPONSE,
		.version_supported = supported,
		.connection_state = state,
		.msg_conn_id = conn_or_version,
	};

	vmbus_send_msg_to(vh, cpu, sint, &r, sizeof(r));
}

static bool monitor_page_ok(const struct vmbus_host *vh, uint64_t gpa)
{
	return !(gpa & (HV_HYP_PAGE_SIZE - 1)) &&
	       gpa_page_ok(vh, gpa >> HV_HYP_PAGE_SHIFT);
}

static void handle_initiate_contact(struct vmbus_host *vh, uint32_t conn_id,
				    const void *msg, uint32_t len)
{
	struct vmbus_channel_initiate_contact c;
	uint32_t ver, cpu, sint, want_conn;
	const char *why = NULL;
	bool m1, m2;

	if (len < sizeof(c)) {
		log_guest("INITIATE_CONTACT: %u bytes", len);
		vh->st.msgs_bad++;
		return;
	}
	memcpy(&c, msg, sizeof(c));
	ver = c.vmbus_version_requested;
	vh->st.negotiations++;
	cpu = ver >= VERSION_WIN8_1 ? c.target_vcpu : 0;
	sint = ver >= VERSION_WIN10_V5 ? c.msg_sint : VMBUS_MESSAGE_SINT;
	if (cpu >= hvsim_guest_cpus(vh->hs) || sint >= HV_SYNIC_SINT_COUNT) {
		/* nowhere to answer: the guest gets nothing */
		log_guest("INITIATE_CONTACT %u.%u: bad target vcpu %u / sint %u",
			  VMBUS_VERSION_MAJOR(ver), VMBUS_VERSION_MINOR(ver),
			  cpu, sint);
		vh->st.msgs_bad++;
		return;
	}
	/*
	 * A reconnect without UNLOAD (a crash kernel whose panic path could
	 * not send one): counted, with what the host still held, because a
	 * guest that kexecs or unloads cleanly never comes here.
	 */
	if (vh->connected) {
		vh->st.reconnects++;
		vh->st.gpadls_dropped += vh->ngpadls;
		log_info("vmbus: INITIATE_CONTACT while connected: dropping %u GPADLs",
			 vh->ngpadls);
		vmbus_disconnect(vh);
	}
	vh->unload_due_ns = 0;

	want_conn = vmbus_initiate_contact_conn_id(ver);
	if (!vmbus_version_known(ver))
		why = "unknown version";
	else if (ver > vh->max_version)
		why = "above --max-version";
	else if (conn_id != want_conn)
		why = "posted to the wrong connection id";
	else if (ver >= VERSION_WIN10_V5_1 && c.msg_vtl)
		why = "not VTL 0";
	if (why) {
		log_info("vmbus: version %u.%u refused: %s",
			 VMBUS_VERSION_MAJOR(ver), VMBUS_VERSION_MINOR(ver), why);
		vh->st.refusals++;
		send_version_response(vh, cpu, sint, false, 0, 0);
		return;
	}

	m1 = c.monitor_page1 != 0;
	m2 = c.monitor_page2 != 0;
	if (m1 != m2 || (m1 && (!monitor_page_ok(vh, c.monitor_page1) ||
				!monitor_page_ok(vh, c.monitor_page2) ||
				c.monitor_page1 == c.monitor_page2))) {
		log_guest("INITIATE_CONTACT: bad monitor pages 0x%llx 0x%llx",
			  (unsigned long long)c.monitor_page1,
			  (unsigned long long)c.monitor_page2);
		vh->st.refusals++;
		send_version_response(vh, cpu, sint, true,
				      VMBUS_CONNECTION_STATE_FAILED_UNKNOWN_FAILURE,
				      ver >= VERSION_WIN10_V5 ?
				      vh->cfg_msg_conn_id : ver);
		return;
	}

	vh->connected = true;
	vh->version = ver;
	vh->target_vcpu = cpu;
	vh->msg_sint = (uint8_t)sint;
	vh->msg_conn_id = ver >= VERSION_WIN10_V5 ? vh->cfg_msg_conn_id :
						    VMBUS_MESSAGE_CONNECTION_ID;
	vh->monitor_page[0] = c.monitor_page1;
	vh->monitor_page[1] = c.monitor_page2;
	vh->interrupt_page = ver < VERSION_WIN10_V5 ? c.interrupt_page : 0;
	vh->offers_requested = false;
	log_info("vmbus: connected at %u.%u: messages to cpu %u sint %u, from connection %u",
		 VMBUS_VERSION_MAJOR(ver), VMBUS_VERSION_MINOR(ver), cpu, sint,
		 vh->msg_conn_id);
	send_version_response(vh, cpu, sint, true,
			      VMBUS_CONNECTION_STATE_SUCCESSFUL,
			      ver >= VERSION_WIN10_V5 ? vh->msg_conn_id : ver);
}

/*
 * UNLOAD drops every channel and GPADL at once; the answer may wait
 * ("set unload-delay": Azure can take ~50 s while it flushes the VM's
 * disk cache, which is why upstream's vmbus_initiate_unload() waits
 * without a limit).  A 2.4 (WIN8) host does not support reconnecting and
 * ignores UNLOAD: upstream never sends it below 3.0 (channel_mgmt.c,
 * "Pre-Win2012R2 hosts don't support reconnect").
 */
static void handle_unload(struct vmbus_host *vh)
{
	if (vh->version < VERSION_WIN8_1) {
		vh->st.unloads_ignored++;
		log_guest("vmbus: UNLOAD to a %u.%u host: ignored, as WIN8 does",
			  VMBUS_VERSION_MAJOR(vh->version),
			  VMBUS_VERSION_MINOR(vh->version));
		return;
	}
	vh->st.unloads++;
	vh->unload_cpu = vh->target_vcpu;
	vh->unload_sint = vh->msg_sint;
	vmbus_disconnect(vh);
	if (!vh->unload_delay_ms) {
		send_unload_response(vh);
		return;
	}
	log_info("vmbus: UNLOAD: answering in %u ms", vh->unload_delay_ms);
	vh->unload_due_ns = now_ns() + vh->unload_delay_ms * 1000000ull;
	vmbus_timer_update(vh);
}

/*
 * Connection id 4 came with VMBus 5.0: a host whose newest version is
 * older ("set max-version 4.0" and below) does not have it and fails the
 * post with INVALID_CONNECTION_ID, as hosts before Windows Server 2019
 * do (upstream connection.c, vmbus_post_msg: "Allow INITIATE_CONTACT to
 * try another connection ID").
 */
static bool is_message_port(const struct vmbus_host *vh, uint32_t conn_id)
{
	return conn_id == VMBUS_MESSAGE_CONNECTION_ID ||
	       (conn_id == VMBUS_MESSAGE_CONNECTION_ID_4 &&
		vh->max_version >= VERSION_WIN10_V5) ||
	       (vh->connected && conn_id == vh->msg_conn_id);
}

static void handle_request_offers(struct vmbus_host *vh, const void *msg,
				  uint32_t len)
{
	(void)msg;
	(void)len;
	chan_handle_request_offers(vh);
}

static void handle_unload_msg(struct vmbus_host *vh, const void *msg,
			      uint32_t len)
{
	(void)msg;
	(void)len;
	handle_unload(vh);
}

/*
 * The channel messages a guest may send once connected: the shortest
 * valid size (the dispatcher checks it, so handlers copy that much without
 * looking again), the version that introduced it, and the handler.
 */
static const struct {
	uint32_t min_len;
	uint32_t min_version;
	void (*fn)(struct vmbus_host *vh, const void *msg, uint32_t len);
} guest_msgs[CHANNELMSG_COUNT] = {
	[CHANNELMSG_REQUESTOFFERS] = {
		sizeof(struct vmbus_channel_message_header), 0,
		handle_request_offers },
	[CHANNELMSG_OPENCHANNEL] = {
		sizeof(struct vmbus_channel_open_channel), 0, chan_handle_open },
	[CHANNELMSG_CLOSECHANNEL] = {
		sizeof(struct vmbus_channel_close_channel), 0, chan_handle_close },
	[CHANNELMSG_GPADL_HEADER] = {
		sizeof(struct vmbus_channel_gpadl_header), 0,
		gpadl_handle_header },
	[CHANNELMSG_GPADL_BODY] = {
		sizeof(struct vmbus_channel_gpadl_body), 0, gpadl_handle_body },
	[CHANNELMSG_GPADL_TEARDOWN] = {
		sizeof(struct vmbus_channel_gpadl_teardown), 0,
		gpadl_handle_teardown },
	[CHANNELMSG_RELID_RELEASED] = {
		sizeof(struct vmbus_channel_relid_released), 0,
		chan_handle_relid_released },
	[CHANNELMSG_UNLOAD] = {
		sizeof(struct vmbus_channel_message_header), 0,
		handle_unload_msg },
	/* MODIFYCHANNEL came with WIN10 4.1 */
	[CHANNELMSG_MODIFYCHANNEL] = {
		sizeof(struct vmbus_channel_modifychannel), VERSION_WIN10_V4_1,
		chan_handle_modify },
};

static uint16_t host_post_message(struct hvsim *hs, unsigned int cpu,
				  uint32_t conn_id, const void *payload,
				  uint32_t size)
{
	struct vmbus_host *vh = vmbus_host(hs);
	uint64_t buf[HV_MESSAGE_PAYLOAD_QWORD_COUNT] = { 0 };
	struct vmbus_channel_message_header h;
	typeof(&guest_msgs[0]) d;

	(void)cpu;
	if (!vh)
		return HV_STATUS_INVALID_CONNECTION_ID;
	/* "set post-fail/-busy": the hypercall fails, the message is not taken */
	if (vh->post_busy_until_ns && now_ns() >= vh->post_busy_until_ns)
		vh->post_busy_until_ns = 0;
	if (vh->post_fail_left || vh->post_busy_until_ns) {
		if (vh->post_fail_left)
			vh->post_fail_left--;
		vh->st.posts_failed++;
		return vh->post_fail_status;
	}
	if (!is_message_port(vh, conn_id)) {
		vh->st.posts_unknown_conn++;
		return HV_STATUS_INVALID_CONNECTION_ID;
	}
	if (size > sizeof(buf))
		return HV_STATUS_INVALID_PARAMETER;
	/* an aligned private copy; the guest's bytes are read once */
	memcpy(buf, payload, size);
	if (size < sizeof(h)) {
		log_guest("vmbus: %u-byte message", size);
		vh->st.msgs_bad++;
		return HV_STATUS_SUCCESS;
	}
	memcpy(&h, buf, sizeof(h));
	log_dbg("vmbus: <- %s (%u bytes) on connection %u",
		vmbus_msg_name(h.msgtype), size, conn_id);

	if (h.msgtype == CHANNELMSG_INITIATE_CONTACT) {
		vh->st.msgs_in++;
		handle_initiate_contact(vh, conn_id, buf, size);
		vmbus_timer_update(vh);
		return HV_STATUS_SUCCESS;
	}
	if (!vh->connected || conn_id != vh->msg_conn_id) {
		log_guest("vmbus: %s on connection %u %s", vmbus_msg_name(h.msgtype),
			  conn_id, vh->connected ? "(not the negotiated one)" :
						   "while not connected");
		vh->st.msgs_bad++;
		return HV_STATUS_SUCCESS;
	}
	vh->st.msgs_in++;
	d = h.msgtype < CHANNELMSG_COUNT ? &guest_msgs[h.msgtype] : NULL;
	if (!d || !d->fn || vh->version < d->min_version) {
		/* host-to-guest types, hv_sock, reserved channels */
		log_guest("vmbus: %s (%u) not handled", vmbus_msg_name(h.msgtype),
			  h.msgtype);
		vh->st.msgs_in--;
		vh->st.msgs_bad++;
	} else if (size < d->min_len) {
		/* one length check for every handler: each copies min_len */
		log_guest("vmbus: %s: %u bytes", vmbus_msg_name(h.msgtype), size);
		vh->st.msgs_bad++;
	} else {
		d->fn(vh, buf, size);
	}
	vmbus_timer_update(vh);
	return HV_STATUS_SUCCESS;
}

static uint16_t host_signal_event(struct hvsim *hs, unsigned int cpu,
				  uint32_t conn_id)
{
	struct vmbus_host *vh = vmbus_host(hs);

	(void)cpu;
	if (!vh || !vh->connected)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return chan_signal_event(vh, conn_id);
}

/*
 * The guest's transport starts over (RESET, a new HELLO: a kexec'd kernel
 * or a reloaded module) or goes away.  A connection still up had no
 * UNLOAD: counted as a reconnect, with the GPADLs the host drops.
 */
static void host_reset(struct hvsim *hs)
{
	struct vmbus_host *vh = vmbus_host(hs);

	if (!vh)
		return;
	if (vh->connected) {
		vh->st.reconnects++;
		vh->st.gpadls_dropped += vh->ngpadls;
	}
	vmbus_disconnect(vh);
}

static const struct hvsim_host_ops vmbus_host_ops = {
	.post_message = host_post_message,
	.signal_event = host_signal_event,
	.reset = host_reset,
};

struct vmbus_host *vmbus_host_init(struct hvsim *hs)
{
	struct vmbus_host *vh = calloc(1, sizeof(*vh));

	if (!vh)
		return NULL;
	vh->hs = hs;
	vh->max_version = VERSION_WIN10_V5_3;
	vh->cfg_msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID;
	vh->timer.fd = -1;
	hvsim_set_host_ops(hs, &vmbus_host_ops, vh);
	if (vmbus_ctl_register()) {
		free(vh);
		hvsim_set_host_ops(hs, NULL, NULL);
		return NULL;
	}
	return vh;
}

int vmbus_host_timer_init(struct hvsim *hs)
{
	struct vmbus_host *vh = vmbus_host(hs);
	int fd;

	if (!vh)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0) {
		log_err("timerfd_create: %s", strerror(errno));
		return -1;
	}
	vh->timer.fd = fd;
	vh->timer.cb = timer_cb;
	vh->timer.priv = vh;
	if (loop_add(&vh->timer, EPOLLIN)) {
		close(fd);
		vh->timer.fd = -1;
		return -1;
	}
	return 0;
}

void vmbus_host_exit(struct hvsim *hs)
{
	struct vmbus_host *vh = vmbus_host(hs);

	if (!vh)
		return;
	vmbus_disconnect(vh);
	while (vh->devices)
		vsp_device_destroy(vh->devices);
	if (vh->timer.fd >= 0) {
		loop_del(&vh->timer);
		close(vh->timer.fd);
	}
	free(vh->backlog);
	free(vh);
	hvsim_set_host_ops(hs, NULL, NULL);
}
