/* SPDX-License-Identifier: GPL-2.0-only */
/* hv_vmbus internal API, shared by the files of this module only. */
#ifndef HYPERV_VMBUS_INTERNAL_H
#define HYPERV_VMBUS_INTERNAL_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include <hvlis/vmbus.h>

/*
 * Relids index the 2048 event-flag bits of SINT 2 (WIN8+ signalling), so
 * an offer with a larger relid could never be signalled: refuse it.
 */
#define VMBUS_MAX_RELIDS	2048
/* monitor ids index 4 trigger groups of 32 bits (struct hv_monitor_page) */
#define VMBUS_MAX_MONITOR_ID	128

enum vmbus_connect_state {
	VMBUS_DISCONNECTED,
	VMBUS_CONNECTING,
	VMBUS_CONNECTED,
};

/* A request waiting for one host message (connection.c). */
struct vmbus_msginfo {
	struct list_head entry;
	u32 resp_type;
	u32 key;
	struct completion done;
	struct vmbus_channel *chan;	/* request about a channel, or NULL */
	bool rescinded;			/* that channel was rescinded */
	u32 resp_len;
	u8 resp[240];		/* HV_MESSAGE_PAYLOAD_BYTE_COUNT */
};

struct vmbus_connection {
	struct hv_backend *backend;
	enum vmbus_connect_state state;
	u32 version;			/* negotiated VMBus version */
	u32 msg_conn_id;		/* where our messages go */
	u32 connect_vp;			/* VP that receives host messages */
	void *int_page;			/* pre-5.0 interrupt page */
	void *monitor_pages[2];		/* [0] host->guest, [1] guest->host */
	struct list_head msglist;	/* requests waiting for a response */
	spinlock_t msglist_lock;
	struct workqueue_struct *work_queue;	/* offers, rescinds: in order */
	struct vmbus_msginfo unload_info;	/* the UNLOAD request */
};

extern struct vmbus_connection vmbus_connection;
extern COMPAT_CONST_BUS struct bus_type hv_bus;


/* bus.c */
int vmbus_bus_init(void);
void vmbus_bus_exit(void);

/* pm.c */
int vmbus_pm_init(void);
void vmbus_pm_exit(void);

/* connection.c */
struct hv_backend *vmbus_backend(void);
int vmbus_connection_init(void);
void vmbus_connection_exit(void);
int vmbus_connect(struct hv_backend *backend);
void vmbus_disconnect(void);
void vmbus_unload(void);
void vmbus_shutdown_unload(void);
void vmbus_unload_now(void);
void vmbus_unload_crash(void);
int vmbus_post_msg(void *buf, u32 size, bool can_sleep);
void vmbus_msginfo_init(struct vmbus_msginfo *info, u32 resp_type, u32 key);
void vmbus_msginfo_add(struct vmbus_msginfo *info);
void vmbus_msginfo_del(struct vmbus_msginfo *info);
int vmbus_msginfo_wait(struct vmbus_msginfo *info);
int vmbus_msginfo_wait_chan(struct vmbus_msginfo *info,
			    struct vmbus_channel *chan);
void vmbus_msginfo_rescind(struct vmbus_channel *chan);
bool vmbus_complete_response(u32 type, u32 key, const void *msg, u32 len);

/* synic.c */
struct hv_message;
int hv_synic_init(struct hv_backend *backend);
void hv_synic_exit(struct hv_backend *backend);
void hv_synic_wait_unload(void);

/* channel_mgmt.c */
int vmbus_channels_init(void);
void vmbus_channels_exit(void);
void vmbus_free_channel_mem(struct vmbus_channel *chan);
void vmbus_on_message(const struct hv_message *msg);
int vmbus_request_offers(void);
void vmbus_remove_all_channels(void);
void vmbus_channel_event(u32 relid);
struct vmbus_channel *relid2channel(u32 relid);
ssize_t vmbus_channel_vp_mapping(struct vmbus_channel *primary, char *buf);
void vmbus_forget_callbacks(struct vmbus_channel *primary);

/* ring_buffer.c */
int hv_ringbuffer_init(struct hv_ring_buffer_info *rbi, struct page *pages,
		       u32 page_cnt);
void hv_ringbuffer_cleanup(struct hv_ring_buffer_info *rbi);
int hv_ringbuffer_write(struct vmbus_channel *chan, const struct kvec *kv,
			u32 kv_count);

/* channel.c */
void vmbus_channel_init(struct vmbus_channel *chan);
void vmbus_channel_free(struct vmbus_channel *chan);
int vmbus_channel_set_cpu(struct vmbus_channel *chan, u32 cpu);

/* mmio.c */
resource_size_t vmbus_mmio_low_base(void);
void vmbus_mmio_reserve_fb(resource_size_t start, resource_size_t size);

/* sysfs.c */
extern const struct attribute_group vmbus_ring_group;
int vmbus_add_channel_kobj(struct hv_device *hdev, struct vmbus_channel *chan);
void vmbus_del_channel_kobj(struct vmbus_channel *chan);
void vmbus_remove_channels_kset(struct hv_device *hdev);
void vmbus_channel_isr(struct vmbus_channel *chan);
void vmbus_subchannel_offered(struct vmbus_channel *sc);
void vmbus_channel_rescinded(struct vmbus_channel *chan);

#endif
