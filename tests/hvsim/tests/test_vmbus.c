// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus connection of vmbus_host.c and the offers of channels.c and
 * devices.c, against a fake guest (vmbus_guest.h): version negotiation
 * with caps, refusals, connection ids, target CPU/SINT, monitor pages,
 * the offers of "all", hot offers, rescind and relid reuse, UNLOAD and
 * reconnect, the control commands, and hostile messages.
 */
#include "vmbus/host.h"
#include "vmbus_guest.h"

static const uint32_t versions[] = {
	VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1,
	VERSION_WIN10_V5, VERSION_WIN10_V4_1, VERSION_WIN10,
	VERSION_WIN8_1, VERSION_WIN8,
};

static struct vmbus_channel_offer_channel offers[64];

static bool negotiate_each_cap(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
		uint32_t v = versions[i];
		struct vmbus_channel_version_response r;
		char want[64];
		struct tg t;

		tg_init(&t, 2);
		snprintf(want, sizeof(want), "set max-version %u.%u",
			 VMBUS_VERSION_MAJOR(v), VMBUS_VERSION_MINOR(v));
		CHECK(tg_ctl_ok(&t, want));
		/* Linux's walk from the top: refused until the cap */
		CHECK_EQ(tg_negotiate(&t), v);
		/* below 5.0 the 5.x tries never reach it: no connection id 4 */
		CHECK_EQ(t.vh->st.posts_unknown_conn,
			 v < VERSION_WIN10_V5 ? 4 : 0);
		CHECK_EQ(t.vh->st.refusals + t.vh->st.posts_unknown_conn, i);
		CHECK(t.vh->connected && t.vh->version == v);
		/* ask again for the accepted one to see the response fields */
		CHECK_EQ(tg_contact(&t, v, &r), 1);
		CHECK_EQ(r.connection_state, 0);
		if (v >= VERSION_WIN10_V5) {
			CHECK_EQ(r.msg_conn_id, VMBUS_MESSAGE_CONNECTION_ID);
			CHECK_EQ(t.vh->msg_sint, VMBUS_MESSAGE_SINT);
		} else {
			/* openvmm: the field carries the version below 5.0 */
			CHECK_EQ(r.msg_conn_id, v);
			CHECK_EQ(t.vh->interrupt_page, 0x30000);
		}
		snprintf(want, sizeof(want), "%u.%u\nok\n",
			 VMBUS_VERSION_MAJOR(v), VMBUS_VERSION_MINOR(v));
		CHECK(!strcmp(tg_ctl(&t, "version"), want));
		/* and it works: offers come */
		CHECK_EQ(tg_offers(&t, offers, 64), 0);
		tg_free(&t);
	}
	return true;
}

static bool refuse_unknown(void)
{
	struct tg t;

	tg_init(&t, 2);
	/* WIN7, WS2008, Copper, and versions that never existed */
	CHECK_EQ(tg_contact(&t, VERSION_WIN7, NULL), 0);
	CHECK_EQ(tg_contact(&t, VERSION_WS2008, NULL), 0);
	CHECK_EQ(tg_contact(&t, VERSION_COPPER, NULL), 0);
	CHECK_EQ(tg_contact(&t, VMBUS_MAKE_VERSION(4, 5), NULL), 0);
	CHECK_EQ(tg_contact(&t, VMBUS_MAKE_VERSION(2, 3), NULL), 0);
	CHECK_EQ(tg_contact(&t, 0, NULL), 0);
	CHECK_EQ(tg_contact(&t, 0xffffffff, NULL), 0);
	CHECK(!t.vh->connected);
	CHECK(!strcmp(tg_ctl(&t, "version"), "none\nok\n"));
	/* a cap below everything refuses all */
	CHECK(tg_ctl_ok(&t, "set max-version 1.1"));
	CHECK_EQ(tg_negotiate(&t), 0);
	CHECK(tg_ctl_ok(&t, "set max-version 5.3"));
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN10_V5_3);
	tg_free(&t);
	return true;
}

static bool connection_ids(void)
{
	struct vmbus_channel_initiate_contact c = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = VERSION_WIN10_V5_2,
		.msg_sint = VMBUS_MESSAGE_SINT,
	};
	struct vmbus_channel_message_header ro = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	struct vmbus_channel_version_response r;
	struct tg t;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "echo"));
	/* no such port */
	CHECK_EQ(tg_post(&t, 7, &c, sizeof(c)), HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(tg_post(&t, 0x2001, &c, sizeof(c)),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	/* 5.x must come to 4, older versions to 1 */
	CHECK_EQ(tg_post(&t, 1, &c, sizeof(c)), HV_STATUS_SUCCESS);
	CHECK_EQ(tg_recv(&t, &r, NULL), CHANNELMSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	c.vmbus_version_requested = VERSION_WIN8_1;
	CHECK_EQ(tg_post(&t, 4, &c, sizeof(c)), HV_STATUS_SUCCESS);
	CHECK_EQ(tg_recv(&t, &r, NULL), CHANNELMSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	/* nothing but INITIATE_CONTACT before a connection */
	CHECK_EQ(tg_post(&t, 1, &ro, sizeof(ro)), HV_STATUS_SUCCESS);
	CHECK_EQ(tg_post(&t, 4, &ro, sizeof(ro)), HV_STATUS_SUCCESS);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK_EQ(t.vh->st.msgs_bad, 2);

	/* an administrator-chosen message connection id at 5.0+ */
	CHECK(tg_ctl_ok(&t, "set msg-conn-id 0x1234"));
	CHECK(!tg_ctl_ok(&t, "set msg-conn-id 0x2005"));
	CHECK(!tg_ctl_ok(&t, "set msg-conn-id 0"));
	CHECK(!tg_ctl_ok(&t, "set msg-conn-id 0x1000000"));
	CHECK_EQ(tg_contact(&t, VERSION_WIN10_V5, &r), 1);
	CHECK_EQ(r.msg_conn_id, 0x1234);
	/* the old ids are no longer good for anything but a new contact */
	CHECK_EQ(tg_post(&t, 1, &ro, sizeof(ro)), HV_STATUS_SUCCESS);
	CHECK_EQ(tg_post(&t, 4, &ro, sizeof(ro)), HV_STATUS_SUCCESS);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK_EQ(tg_post(&t, 0x1235, &ro, sizeof(ro)),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(tg_offers(&t, offers, 64), 1);
	/* below 5.0 it is always 1 */
	CHECK_EQ(tg_contact(&t, VERSION_WIN10_V4_1, &r), 1);
	CHECK_EQ(t.msg_conn, 1);
	CHECK_EQ(tg_post(&t, 0x1234, &ro, sizeof(ro)),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(tg_offers(&t, offers, 64), 1);
	tg_free(&t);
	return true;
}

static bool target_cpu_and_sint(void)
{
	struct vmbus_channel_initiate_contact c = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = VERSION_WIN10_V5_2,
		.target_vcpu = 1,
		.msg_sint = 5,
	};
	struct vmbus_channel_version_response r;
	struct tg t;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "echo"));
	CHECK_EQ(tg_post(&t, 4, &c, sizeof(c)), 0);
	CHECK_EQ(tg_recv_on(&t, 1, 5, &r, NULL), CHANNELMSG_VERSION_RESPONSE);
	CHECK(r.version_supported && t.vh->connected);
	CHECK_EQ(tg_irqs(&t, 1), 1);
	t.msg_conn = r.msg_conn_id;
	t.msg_cpu = 1;
	t.msg_sint = 5;
	CHECK_EQ(tg_offers(&t, offers, 64), 1);
	CHECK_EQ(tg_recv_on(&t, 0, 2, NULL, NULL), -1);

	/* before 3.0 target_vcpu means nothing: CPU 0 (openvmm) */
	c.vmbus_version_requested = VERSION_WIN8;
	c.interrupt_page = 0x40000;
	CHECK_EQ(tg_post(&t, 1, &c, sizeof(c)), 0);
	CHECK_EQ(tg_recv_on(&t, 0, 2, &r, NULL), CHANNELMSG_VERSION_RESPONSE);
	CHECK(r.version_supported);
	CHECK_EQ(t.vh->target_vcpu, 0);
	CHECK_EQ(t.vh->interrupt_page, 0x40000);

	/* a CPU or SINT that does not exist: no answer at all */
	c.vmbus_version_requested = VERSION_WIN10_V5_2;
	c.interrupt_page = 0;
	c.target_vcpu = 2;
	c.msg_sint = 2;
	CHECK_EQ(tg_post(&t, 4, &c, sizeof(c)), 0);
	c.target_vcpu = 0;
	c.msg_sint = 16;
	CHECK_EQ(tg_post(&t, 4, &c, sizeof(c)), 0);
	CHECK_EQ(tg_recv_on(&t, 0, 2, NULL, NULL), -1);
	CHECK_EQ(tg_recv_on(&t, 1, 5, NULL, NULL), -1);
	/* another VTL is not ours (5.1+) */
	c.msg_sint = 2;
	c.msg_vtl = 2;
	CHECK_EQ(tg_post(&t, 4, &c, sizeof(c)), 0);
	CHECK_EQ(tg_recv_on(&t, 0, 2, &r, NULL), CHANNELMSG_VERSION_RESPONSE);
	CHECK_EQ(r.version_supported, 0);
	tg_free(&t);
	return true;
}

static bool monitor_pages(void)
{
	struct vmbus_channel_initiate_contact c = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = VERSION_WIN10_V5_3,
		.msg_sint = 2,
		.monitor_page1 = TG_MON1,
	};
	struct vmbus_channel_version_response r;
	struct tg t;
	int n;

	tg_init(&t, 1);
	CHECK(tg_add(&t, "net"));
	CHECK(tg_add(&t, "echo:mnf=on"));
	/* one page without the other, unaligned, outside RAM, the same */
	for (int i = 0; i < 4; i++) {
		c.monitor_page2 = i == 0 ? 0 : i == 1 ? TG_MON2 + 8 :
				  i == 2 ? TG_RAM_SIZE : TG_MON1;
		CHECK_EQ(tg_post(&t, 4, &c, sizeof(c)), 0);
		CHECK_EQ(tg_recv(&t, &r, NULL), CHANNELMSG_VERSION_RESPONSE);
		/* openvmm: supported, but FAILED_UNKNOWN_FAILURE */
		CHECK_EQ(r.version_supported, 1);
		CHECK_EQ(r.connection_state,
			 VMBUS_CONNECTION_STATE_FAILED_UNKNOWN_FAILURE);
		CHECK(!t.vh->connected);
	}
	/* none at all: connected, but no channel gets a monitor id */
	c.monitor_page1 = 0;
	c.monitor_page2 = 0;
	CHECK_EQ(tg_post(&t, 4, &c, sizeof(c)), 0);
	CHECK_EQ(tg_recv(&t, &r, NULL), CHANNELMSG_VERSION_RESPONSE);
	CHECK(r.version_supported && !r.connection_state && t.vh->connected);
	t.msg_conn = r.msg_conn_id;
	n = tg_offers(&t, offers, 64);
	CHECK_EQ(n, 2);
	CHECK(!offers[0].monitor_allocated && offers[0].monitorid == 0xff);
	CHECK(!offers[1].monitor_allocated);
	/* with pages: net and echo:mnf=on get ids 0 and 1 */
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN10_V5_3);
	CHECK_EQ(tg_offers(&t, offers, 64), 2);
	CHECK(offers[0].monitor_allocated && offers[0].monitorid == 0);
	CHECK(offers[1].monitor_allocated && offers[1].monitorid == 1);
	tg_free(&t);
	return true;
}

/* what "all" must offer, in this order, relids 1..16 */
static const struct {
	const char *name;
	guid_t guid;
	uint16_t flags;
	uint16_t mmio;
	bool monitor;
} all_classes[] = {
	{ "shutdown", HV_SHUTDOWN_GUID, 0x11, 0, false },
	{ "timesync", HV_TS_GUID, 0x11, 0, false },
	{ "heartbeat", HV_HEART_BEAT_GUID, 0x11, 0, false },
	{ "kvp", HV_KVP_GUID, 0x11, 0, false },
	{ "vss", HV_VSS_GUID, 0x11, 0, false },
	{ "fcopy", HV_FCOPY_GUID, 0x11, 0, false },
	{ "balloon", HV_DM_GUID, 0, 0, false },
	{ "mouse", HV_MOUSE_GUID, 0, 0, false },
	{ "keyboard", HV_KBD_GUID, 0, 0, false },
	{ "video", HV_SYNTHVID_GUID, 0, 8, false },
	{ "net", HV_NIC_GUID, 0, 0, true },
	{ "ide", HV_IDE_GUID, 0x1, 0, false },
	{ "scsi", HV_SCSI_GUID, 0, 0, false },
	{ "fc", HV_SYNTHFC_GUID, 0, 0, false },
	{ "nd", HV_ND_GUID, 0, 1, false },	/* 1 MiB for UAR pages */
	{ "pci", HV_PCIE_GUID, 0, 0, false },
};

static bool offers_all(void)
{
	struct tg t;
	int n;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "all"));
	CHECK(tg_up(&t, offers, 64, &n));
	CHECK_EQ(n, 16);
	CHECK_EQ(ARRAY_SIZE(all_classes), 16);
	for (int i = 0; i < n; i++) {
		const struct vmbus_channel_offer_channel *o = &offers[i];
		guid_t inst;
		int cls = hv_class_find(all_classes[i].name);
		uint32_t pipe;

		CHECK(cls >= 0);
		inst = GUID_INIT((uint32_t)cls << 16, 0, 0x4853, 0x68, 0x76,
				 0x73, 0x69, 0x6d, 0, 0, 0);
		CHECK_EQ(o->header.msgtype, CHANNELMSG_OFFERCHANNEL);
		CHECK(!memcmp(&o->offer.if_type, &all_classes[i].guid, 16));
		CHECK(!memcmp(&o->offer.if_instance, &inst, 16));
		CHECK_EQ(o->child_relid, i + 1);
		CHECK_EQ(o->connection_id, 0x2000 + i + 1);
		CHECK_EQ(o->offer.chn_flags, all_classes[i].flags);
		CHECK_EQ(o->offer.mmio_megabytes, all_classes[i].mmio);
		CHECK_EQ(o->offer.sub_channel_index, 0);
		CHECK_EQ(o->is_dedicated_interrupt, 1);
		CHECK_EQ(o->monitor_allocated, all_classes[i].monitor);
		CHECK_EQ(o->monitorid, all_classes[i].monitor ? 0 : 0xff);
		pipe = o->offer.u.pipe.pipe_mode;
		if (all_classes[i].flags & VMBUS_CHANNEL_NAMED_PIPE_MODE)
			CHECK_EQ(pipe, VMBUS_PIPE_TYPE_MESSAGE);
		if (!strcmp(all_classes[i].name, "ide")) {
			/* storvsp OfferProperties: flags IDE_DEVICE at byte 8 */
			CHECK_EQ(o->offer.u.std.user_def[8], 2);
			/* storvsc: the target is instance bytes 4..5 */
			CHECK(!o->offer.if_instance.b[4] && !o->offer.if_instance.b[5]);
		}
	}
	/* the control view agrees */
	CHECK(tg_ctl_ok(&t, "devices"));
	CHECK(strstr(tg_out, "1 shutdown 00000000-0000-4853-6876-73696d000000 index=0 subchannels=0 mnf=off state=offered\n"));
	CHECK(strstr(tg_out, "11 net 000a0000-0000-4853-6876-73696d000000 index=0 subchannels=0 mnf=on state=offered\n"));
	CHECK(tg_ctl_ok(&t, "channels"));
	CHECK(strstr(tg_out, "relid=16 class=pci#0 instance=000f0000-0000-4853-6876-73696d000000 sub=0 state=offered vp=- monitor=- out=- in=-"));
	CHECK(strstr(tg_out, "relid=11 class=net#0 "));
	CHECK(strstr(tg_out, " monitor=0 "));
	/* "all" means what this project has drivers for: not echo */
	CHECK(!strstr(tg_out, "echo"));
	CHECK(!strstr(tg_out, "avma"));
	/* Windows-only classes may still be named */
	CHECK(tg_add(&t, "rdv"));
	CHECK(tg_add(&t, "imc"));
	CHECK_EQ(tg_recv(&t, offers, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK_EQ(offers[0].child_relid, 17);
	tg_free(&t);
	return true;
}

static bool hot_offer_rescind_reuse(void)
{
	struct vmbus_channel_rescind_offer rs;
	struct tg t;
	int n;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "scsi"));
	CHECK(tg_add(&t, "echo"));
	CHECK(tg_add(&t, "kvp"));
	/* before the guest asks, an offer only joins the list */
	CHECK(tg_ctl_ok(&t, "offer heartbeat"));
	CHECK(!strcmp(tg_out, "- heartbeat 00020000-0000-4853-6876-73696d000000 index=0 subchannels=0 mnf=off state=new\nok\n"));
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK(tg_up(&t, offers, 64, &n));
	CHECK_EQ(n, 4);
	CHECK_EQ(offers[3].child_relid, 4);

	/* a hot offer goes out at once */
	CHECK(tg_ctl_ok(&t, "offer echo"));
	CHECK(strstr(tg_out, "5 echo 00140001-0000-4853-6876-73696d000000 index=1 "));
	CHECK_EQ(tg_recv(&t, offers, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK_EQ(offers[0].child_relid, 5);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);

	/* rescind by relid: the relid stays taken until RELID_RELEASED */
	CHECK(tg_ctl_ok(&t, "rescind 2"));
	CHECK_EQ(tg_recv(&t, &rs, NULL), CHANNELMSG_RESCIND_CHANNELOFFER);
	CHECK_EQ(rs.child_relid, 2);
	CHECK(tg_ctl_ok(&t, "devices"));
	CHECK(strstr(tg_out, "2 echo 00140000-0000-4853-6876-73696d000000 index=0 subchannels=0 mnf=off state=removing"));
	CHECK(!tg_ctl_ok(&t, "rescind 2"));
	CHECK(tg_ctl_ok(&t, "offer echo"));
	CHECK_EQ(tg_recv(&t, offers, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK_EQ(offers[0].child_relid, 6);
	tg_release(&t, 2);
	CHECK_EQ(t.vh->st.releases, 1);
	CHECK(tg_ctl_ok(&t, "devices"));
	CHECK(!strstr(tg_out, "echo 00140000-"));
	/* now 2 is the lowest free one again */
	CHECK(tg_ctl_ok(&t, "offer vss"));
	CHECK_EQ(tg_recv(&t, offers, NULL), CHANNELMSG_OFFERCHANNEL);
	CHECK_EQ(offers[0].child_relid, 2);

	/* rescind by instance GUID, braces allowed */
	CHECK(tg_ctl_ok(&t, "rescind {00140001-0000-4853-6876-73696D000000}"));
	CHECK_EQ(tg_recv(&t, &rs, NULL), CHANNELMSG_RESCIND_CHANNELOFFER);
	CHECK_EQ(rs.child_relid, 5);
	/* a release of an unknown or open relid is refused */
	tg_release(&t, 999);
	tg_release(&t, 0);
	CHECK_EQ(t.vh->st.releases, 1);
	/* the guest gives back a relid unasked: not offered again now */
	tg_release(&t, 3);
	CHECK(tg_ctl_ok(&t, "channels"));
	CHECK(strstr(tg_out, "relid=- class=kvp#0 ") && strstr(tg_out, "state=released"));
	/* a new connection: echo#1 went with the old one */
	CHECK_EQ(tg_contact(&t, VERSION_WIN10_V5_3, NULL), 1);
	CHECK(!tg_ctl_ok(&t, "rescind {00140001-0000-4853-6876-73696d000000}"));
	/* a device not offered in this connection is gone at once */
	CHECK(tg_ctl_ok(&t, "rescind 000c0000-0000-4853-6876-73696d000000"));
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK(tg_ctl_ok(&t, "devices"));
	CHECK(!strstr(tg_out, " scsi ") && strstr(tg_out, " kvp "));
	tg_free(&t);
	return true;
}

static bool unload_reconnect(void)
{
	struct vmbus_channel_message_header u = { .msgtype = CHANNELMSG_UNLOAD };
	uint64_t pfns[4];
	struct tg t;
	int n;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "echo"));
	CHECK(tg_add(&t, "scsi"));
	CHECK(tg_up(&t, offers, 64, &n));
	CHECK_EQ(n, 2);
	tg_pages(&t, pfns, 4, false);
	CHECK_EQ(tg_gpadl(&t, 1, 77, pfns, 4), 0);
	CHECK_EQ(t.vh->ngpadls, 1);
	CHECK_EQ(tg_send(&t, &u, sizeof(u)), 0);
	CHECK_EQ(tg_recv(&t, NULL, NULL), CHANNELMSG_UNLOAD_RESPONSE);
	CHECK(!t.vh->connected);
	CHECK_EQ(t.vh->ngpadls, 0);
	CHECK(!strcmp(tg_ctl(&t, "version"), "none\nok\n"));
	/* the old connection is gone: its messages are ignored */
	CHECK_EQ(tg_send(&t, &u, sizeof(u)), 0);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	/* module reload: a new negotiation, the same relids */
	CHECK(tg_up(&t, offers, 64, &n));
	CHECK_EQ(n, 2);
	CHECK(offers[0].child_relid == 1 && offers[1].child_relid == 2);
	/* and the old GPADL handle is free again */
	CHECK_EQ(tg_gpadl(&t, 1, 77, pfns, 4), 0);

	CHECK_EQ(t.vh->st.reconnects, 0);
	CHECK_EQ(t.vh->st.gpadls_dropped, 0);
	/* INITIATE_CONTACT while connected starts over (no UNLOAD: a crash) */
	CHECK_EQ(tg_contact(&t, VERSION_WIN10_V5_2, NULL), 1);
	CHECK_EQ(t.vh->ngpadls, 0);
	CHECK_EQ(t.vh->st.reconnects, 1);
	CHECK_EQ(t.vh->st.gpadls_dropped, 1);
	CHECK_EQ(tg_offers(&t, offers, 64), 2);
	/* REQUESTOFFERS twice is refused */
	CHECK_EQ(tg_offers(&t, offers, 64), -1);

	/* a guest reset (RESET hypercall, new HELLO, disconnect) */
	hvsim_bus_reset(&t.hs);
	CHECK(!t.vh->connected);
	/* ... without UNLOAD first: a reconnect too */
	CHECK_EQ(t.vh->st.reconnects, 2);
	tg_free(&t);
	return true;
}

/* an answer to UNLOAD that comes late, and a 2.4 host that never answers */
static bool unload_slow_and_win8(void)
{
	struct vmbus_channel_message_header u = { .msgtype = CHANNELMSG_UNLOAD };
	uint64_t t0;
	struct tg t;
	int n;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "echo"));
	CHECK(!tg_ctl_ok(&t, "set unload-delay 3600001"));
	CHECK(!tg_ctl_ok(&t, "set unload-delay soon"));
	CHECK(tg_ctl_ok(&t, "set unload-delay 30"));
	CHECK(tg_up(&t, offers, 64, &n));
	t0 = now_ns();
	CHECK_EQ(tg_send(&t, &u, sizeof(u)), 0);
	/* the host has let go at once; only the answer waits */
	CHECK(!t.vh->connected);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	while (now_ns() - t0 < 30 * 1000000ull) {
		vmbus_host_poll(t.vh);
		CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
		usleep(2000);
	}
	usleep(2000);
	vmbus_host_poll(t.vh);
	CHECK_EQ(tg_recv(&t, NULL, NULL), CHANNELMSG_UNLOAD_RESPONSE);
	CHECK_EQ(t.vh->unload_due_ns, 0);

	/* WIN8 cannot reconnect: UNLOAD is ignored and the channels stay */
	CHECK(tg_ctl_ok(&t, "set unload-delay 0"));
	CHECK(tg_ctl_ok(&t, "set max-version 2.4"));
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN8);
	CHECK_EQ(tg_offers(&t, offers, 64), 1);
	CHECK_EQ(tg_send(&t, &u, sizeof(u)), 0);
	vmbus_host_poll(t.vh);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK(t.vh->connected);
	CHECK_EQ(t.vh->st.unloads_ignored, 1);
	CHECK_EQ(t.vh->st.unloads, 1);
	tg_free(&t);
	return true;
}

/* a busy host: posts fail for a while, and are not taken when they do */
static bool post_failures(void)
{
	struct vmbus_channel_message_header ro = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	struct tg t;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "echo"));
	CHECK(!tg_ctl_ok(&t, "set post-fail 3 busy"));
	CHECK(!tg_ctl_ok(&t, "set post-fail many insufficient-buffers"));
	CHECK(!tg_ctl_ok(&t, "set post-fail 3"));
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN10_V5_3);
	CHECK(tg_ctl_ok(&t, "set post-fail 2 insufficient-buffers"));
	CHECK_EQ(tg_post(&t, t.msg_conn, &ro, sizeof(ro)),
		 HV_STATUS_INSUFFICIENT_BUFFERS);
	CHECK(tg_ctl_ok(&t, "set post-fail 1 invalid-connection-id"));
	CHECK_EQ(tg_post(&t, t.msg_conn, &ro, sizeof(ro)),
		 HV_STATUS_INVALID_CONNECTION_ID);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK(!t.vh->offers_requested);
	CHECK_EQ(t.vh->st.posts_failed, 2);
	/* the count is spent: the next post is taken */
	CHECK_EQ(tg_offers(&t, offers, 64), 1);
	/* busy for a while: every post fails until the time is up */
	CHECK(!tg_ctl_ok(&t, "set post-busy 3600001 insufficient-memory"));
	CHECK(tg_ctl_ok(&t, "set post-busy 20 insufficient-memory"));
	CHECK_EQ(tg_post(&t, t.msg_conn, &ro, sizeof(ro)),
		 HV_STATUS_INSUFFICIENT_MEMORY);
	CHECK_EQ(tg_post(&t, t.msg_conn, &ro, sizeof(ro)),
		 HV_STATUS_INSUFFICIENT_MEMORY);
	usleep(25000);
	CHECK_EQ(tg_post(&t, t.msg_conn, &ro, sizeof(ro)), HV_STATUS_SUCCESS);
	CHECK_EQ(t.vh->st.posts_failed, 4);

	/* an old host: connection id 4 does not exist */
	CHECK(tg_ctl_ok(&t, "set max-version 4.1"));
	CHECK_EQ(tg_contact(&t, VERSION_WIN10_V5, NULL), -1);
	CHECK_EQ(t.vh->st.posts_unknown_conn, 1);
	CHECK_EQ(tg_contact(&t, VERSION_WIN10_V4_1, NULL), 1);
	tg_free(&t);
	return true;
}

static bool ctl_commands(void)
{
	struct tg t;
	int n;

	tg_init(&t, 1);
	CHECK(!tg_ctl_ok(&t, "offer"));
	CHECK(!tg_ctl_ok(&t, "offer bogus"));
	CHECK(strstr(tg_out, "unknown device class 'bogus'"));
	CHECK(!tg_ctl_ok(&t, "offer echo color=red"));
	CHECK(!tg_ctl_ok(&t, "offer echo mnf=maybe"));
	CHECK(!tg_ctl_ok(&t, "offer echo instance=1234"));
	CHECK(!tg_ctl_ok(&t, "offer echo noequals"));
	CHECK(!tg_ctl_ok(&t, "offer all mnf=on"));
	CHECK(tg_ctl_ok(&t, "offer echo instance=01020304-0506-0708-090a-0b0c0d0e0f10 mnf=on"));
	CHECK(strstr(tg_out, "- echo 01020304-0506-0708-090a-0b0c0d0e0f10 index=0 subchannels=0 mnf=on"));
	CHECK(!tg_ctl_ok(&t, "offer echo instance=01020304-0506-0708-090a-0b0c0d0e0f10"));
	CHECK(strstr(tg_out, "offered already"));
	/* the same instance in another class is another device */
	CHECK(tg_ctl_ok(&t, "offer scsi instance=01020304-0506-0708-090a-0b0c0d0e0f10"));
	CHECK(!tg_ctl_ok(&t, "rescind 5"));
	CHECK(!tg_ctl_ok(&t, "rescind what"));
	CHECK(!tg_ctl_ok(&t, "rescind 0xffffffffffff"));
	CHECK(!tg_ctl_ok(&t, "set max-version five"));
	CHECK(!tg_ctl_ok(&t, "set max-version 5.3.1"));
	CHECK(!tg_ctl_ok(&t, "set color blue"));
	CHECK(!tg_ctl_ok(&t, "version extra"));
	CHECK(tg_ctl_ok(&t, "vmbus"));
	CHECK(strstr(tg_out, "connected no\n") && strstr(tg_out, "max_version 5.3\n") &&
	      strstr(tg_out, "devices 2\n"));
	CHECK(tg_ctl_ok(&t, "offer all"));
	CHECK(strstr(tg_out, "- shutdown ") && strstr(tg_out, "- pci ") &&
	      !strstr(tg_out, " echo "));
	CHECK(tg_up(&t, offers, 64, &n));
	CHECK_EQ(n, 18);
	CHECK(tg_ctl_ok(&t, "vmbus"));
	CHECK(strstr(tg_out, "connected yes\n") && strstr(tg_out, "version 5.3\n") &&
	      strstr(tg_out, "msg_conn_id 1\n") && strstr(tg_out, "relids 18\n") &&
	      strstr(tg_out, "vmbus.offers 18\n"));
	CHECK(tg_ctl_ok(&t, "help"));
	CHECK(strstr(tg_out, "rescind <relid|instance-guid>"));
	tg_free(&t);
	return true;
}

/* a guest slow to EOM: the host's messages wait, in order */
static bool slow_guest(void)
{
	struct vmbus_channel_message_header h = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	struct vmbus_channel_offer_channel o;
	struct tg t;
	int type, n = 0;

	tg_init(&t, 1);
	for (int i = 0; i < 600; i++)
		CHECK(tg_add(&t, "echo"));
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN10_V5_3);
	CHECK_EQ(tg_send(&t, &h, sizeof(h)), 0);
	/* one in the slot, the SynIC queue full, the rest with the host */
	CHECK_EQ(synic_queued(&t.hs, 0), SYNIC_QUEUE_LEN);
	CHECK_EQ(t.vh->backlog_count, 601 - 1 - SYNIC_QUEUE_LEN);
	CHECK(tg_ctl_ok(&t, "vmbus"));
	CHECK(strstr(tg_out, "backlog 344\n"));
	while ((type = tg_recv(&t, &o, NULL)) == CHANNELMSG_OFFERCHANNEL) {
		CHECK_EQ(o.child_relid, (uint32_t)n + 1);
		n++;
		/* the 1 ms timer's work */
		vmbus_host_poll(t.vh);
	}
	CHECK_EQ(type, CHANNELMSG_ALLOFFERS_DELIVERED);
	CHECK_EQ(n, 600);
	CHECK_EQ(t.vh->backlog_count, 0);
	CHECK_EQ(t.vh->st.msgs_dropped, 0);
	tg_free(&t);
	return true;
}

/* every kind of malformed message; nothing may crash or leak */
static bool hostile_messages(void)
{
	uint8_t msg[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
	struct tg t;
	uint64_t seed = 0x1234567;
	int n;

	tg_init(&t, 2);
	CHECK(tg_add(&t, "echo"));
	CHECK(tg_add(&t, "net"));
	/* too short for anything, before and after connecting */
	CHECK_EQ(tg_post(&t, 4, msg, 0), 0);
	CHECK_EQ(tg_post(&t, 4, msg, 7), 0);
	memset(msg, 0, sizeof(msg));
	msg[0] = CHANNELMSG_INITIATE_CONTACT;
	CHECK_EQ(tg_post(&t, 4, msg, 39), 0);
	CHECK_EQ(tg_recv(&t, NULL, NULL), -1);
	CHECK(tg_up(&t, offers, 64, &n));
	for (uint32_t type = 0; type < 40; type++) {
		if (type == CHANNELMSG_INITIATE_CONTACT || type == CHANNELMSG_UNLOAD)
			continue;
		for (uint32_t len = 0; len <= 24; len += 4) {
			memset(msg, 0xff, sizeof(msg));
			memcpy(msg, &type, 4);
			CHECK_EQ(tg_send(&t, msg, len), 0);
		}
	}
	/* host-to-guest messages sent by the guest are refused */
	CHECK(t.vh->connected);
	tg_drain(&t);
	/* random garbage of every size on every port */
	for (int i = 0; i < 20000; i++) {
		uint32_t len, conn, type;

		for (size_t k = 0; k < sizeof(msg); k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			msg[k] = (uint8_t)(seed >> 56);
		}
		len = (uint32_t)(seed >> 8) % (sizeof(msg) + 1);
		conn = (uint32_t)(seed >> 20) % 5;
		/* mostly real types, so the handlers see garbage bodies */
		type = (uint32_t)(seed >> 32) % 26;
		if (type == CHANNELMSG_INITIATE_CONTACT && i % 50)
			type = CHANNELMSG_GPADL_BODY;
		memcpy(msg, &type, 4);
		tg_post(&t, conn, msg, len);
		tg_drain(&t);
		if (!t.vh->connected && i % 100 == 0)
			tg_negotiate(&t);
	}
	/* still a working host */
	CHECK_EQ(tg_negotiate(&t), VERSION_WIN10_V5_3);
	CHECK_EQ(tg_offers(&t, offers, 64), 2);
	tg_free(&t);
	return true;
}

static const struct tap_test tests[] = {
	{ "negotiation with each cap: 5.3 5.2 5.1 5.0 4.1 4.0 3.0 2.4", negotiate_each_cap },
	{ "1.1, 0.13, 6.0 and unknown versions are refused", refuse_unknown },
	{ "message connection ids: 1 / 4 by version, msg_conn_id at 5.0+", connection_ids },
	{ "answers go to target_vcpu and msg_sint", target_cpu_and_sint },
	{ "monitor pages: both or none, valid, monitor ids", monitor_pages },
	{ "offers of 'all': 16 devices, GUIDs, flags, relids", offers_all },
	{ "hot offer, rescind, RELID_RELEASED, relid reuse", hot_offer_rescind_reuse },
	{ "UNLOAD and reconnect, contact while connected, reset", unload_reconnect },
	{ "UNLOAD answered late; a 2.4 host ignores it", unload_slow_and_win8 },
	{ "post failures on purpose; an old host has no connection id 4", post_failures },
	{ "control commands: offer, rescind, set, version, vmbus", ctl_commands },
	{ "host messages wait for a slow guest, in order", slow_guest },
	{ "hostile and random messages", hostile_messages },
};

int main(void)
{
	log_init(NULL, false);
	return tap_run(tests, ARRAY_SIZE(tests));
}
