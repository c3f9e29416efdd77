/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVP, the key-value pair exchange IC (HV_KVP_GUID): the messages between
 * the host and hv_utils, and between hv_utils and the KVP daemon through
 * /dev/vmbus/hv_kvp.  Both use the same structs; only the string encoding
 * differs: UTF-16LE on the wire, UTF-8 (NUL-terminated) to the daemon.
 *
 * Source: include/uapi/linux/hyperv.h (Linux 6.12; the same since 4.x):
 * struct hv_kvp_msg, hv_kvp_ip_msg, hv_kvp_ipaddr_value, the operations,
 * pools, registration values and sizes; the distributions' hv_kvp_daemon
 * is built against that header, so this layout is an ABI.  The key names
 * of pool KVP_POOL_AUTO's indexes are the daemon's (tools/hv/
 * hv_kvp_daemon.c, enum key_index).
 *
 * Host view (drivers/hv/hv_kvp.c):
 *  - ENUMERATE pool, index: the guest answers key and value of that index,
 *    or a failure status (HV_S_CONT from the daemon) past the last one;
 *  - GET/SET/DELETE pool, key (and value): the daemon's pools 0-4;
 *  - GET_IP_INFO/SET_IP_INFO: struct hv_kvp_ip_msg, per adapter (its MAC
 *    in adapter_id), addresses as ";"-separated lists.
 *  - Sizes on the wire are in bytes and count the UTF-16 NUL.
 * Daemon view: the daemon writes KVP_OP_REGISTER1 first; the kernel
 * answers with the same operation and its version string; then each
 * host request is one read and one write of a whole struct hv_kvp_msg,
 * the write's "error" field carrying the status (HV_S_OK, HV_S_CONT, ...).
 */
#ifndef _HVLIS_KVP_H
#define _HVLIS_KVP_H

#include <hvlis/hv_types.h>

#define HV_KVP_EXCHANGE_MAX_VALUE_SIZE	2048	/* bytes, with the NUL */
#define HV_KVP_EXCHANGE_MAX_KEY_SIZE	512

/* value_type */
#define REG_SZ		1
#define REG_U32		4
#define REG_U64		8

/* registration, daemon to kernel: REGISTER1 daemons do IP injection */
#define KVP_OP_REGISTER		4
#define KVP_OP_REGISTER1	100

enum hv_kvp_exchg_op {
	KVP_OP_GET = 0,
	KVP_OP_SET,
	KVP_OP_DELETE,
	KVP_OP_ENUMERATE,
	KVP_OP_GET_IP_INFO,
	KVP_OP_SET_IP_INFO,
	KVP_OP_COUNT
};

enum hv_kvp_exchg_pool {
	KVP_POOL_EXTERNAL = 0,		/* host to guest: .kvp_pool_0 */
	KVP_POOL_GUEST,			/* guest to host: .kvp_pool_1 */
	KVP_POOL_AUTO,			/* the guest's information */
	KVP_POOL_AUTO_EXTERNAL,
	KVP_POOL_AUTO_INTERNAL,
	KVP_POOL_COUNT
};

#define ADDR_FAMILY_NONE	0x00
#define ADDR_FAMILY_IPV4	0x01
#define ADDR_FAMILY_IPV6	0x02

#define MAX_ADAPTER_ID_SIZE	128	/* in __u16 units */
#define MAX_IP_ADDR_SIZE	1024
#define MAX_GATEWAY_SIZE	512

struct hv_kvp_ipaddr_value {
	__u16 adapter_id[MAX_ADAPTER_ID_SIZE];
	__u8 addr_family;
	__u8 dhcp_enabled;
	__u16 ip_addr[MAX_IP_ADDR_SIZE];
	__u16 sub_net[MAX_IP_ADDR_SIZE];
	__u16 gate_way[MAX_GATEWAY_SIZE];
	__u16 dns_addr[MAX_IP_ADDR_SIZE];
} __packed;

struct hv_kvp_hdr {
	__u8 operation;
	__u8 pool;
	__u16 pad;
} __packed;

struct hv_kvp_exchg_msg_value {
	__u32 value_type;
	__u32 key_size;
	__u32 value_size;
	__u8 key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	union {
		__u8 value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
		__u32 value_u32;
		__u64 value_u64;
	} __packed;
} __packed;

struct hv_kvp_msg_enumerate {
	__u32 index;
	struct hv_kvp_exchg_msg_value data;
} __packed;

struct hv_kvp_msg_get {
	struct hv_kvp_exchg_msg_value data;
};

struct hv_kvp_msg_set {
	struct hv_kvp_exchg_msg_value data;
};

struct hv_kvp_msg_delete {
	__u32 key_size;
	__u8 key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
};

struct hv_kvp_register {
	__u8 version[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
};

struct hv_kvp_msg {
	union {
		struct hv_kvp_hdr kvp_hdr;
		int error;		/* daemon to kernel: the status */
	};
	union {
		struct hv_kvp_msg_get kvp_get;
		struct hv_kvp_msg_set kvp_set;
		struct hv_kvp_msg_delete kvp_delete;
		struct hv_kvp_msg_enumerate kvp_enum_data;
		struct hv_kvp_ipaddr_value kvp_ip_val;
		struct hv_kvp_register kvp_register;
	} body;
} __packed;

/* GET_IP_INFO and SET_IP_INFO on the wire */
struct hv_kvp_ip_msg {
	__u8 operation;
	__u8 pool;
	struct hv_kvp_ipaddr_value kvp_ip_val;
} __packed;

static_assert(sizeof(struct hv_kvp_exchg_msg_value) == 2572);
static_assert(sizeof(struct hv_kvp_ipaddr_value) == 7426);
/* body is not packed: its union is padded to 4 bytes */
static_assert(sizeof(struct hv_kvp_msg) == 7432);
static_assert(sizeof(struct hv_kvp_ip_msg) == 2 + 7426);
static_assert(offsetof(struct hv_kvp_msg, body.kvp_enum_data.data.key) == 20);

#endif /* _HVLIS_KVP_H */
