// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsp: RNDIS control messages (rndis.h) between netvsc and hvsim.
 *
 *   INIT      -> INIT_C: RNDIS 1.0, 802.3, connectionless, up to 8
 *                packets per message, 8-byte alignment (factor 3), the
 *                largest transfer openvmm announces (0xEFFFFFFF).
 *   QUERY     -> QUERY_C with the value, or NOT_SUPPORTED for an unknown
 *                OID.  Values follow openvmm lib.rs handle_oid_query.
 *   SET       -> SET_C: packet filter, current address (per "net
 *                macpolicy"), the RNDIS config parameter NetworkAddress
 *                (how Linux sets its MAC: rndis_filter_set_device_mac),
 *                offload parameters, RSS parameters, multicast list,
 *                offload encapsulation; NOT_SUPPORTED otherwise.
 *   KEEPALIVE -> KEEPALIVE_C; RESET -> RESET_C; HALT: no answer, the
 *                RNDIS state starts over.
 * Every length and offset inside a request is checked against the
 * message; a request that lies gets RNDIS_STATUS_INVALID_DATA (or
 * INVALID_LENGTH) and is counted in bad_packets.
 * Answers travel like received frames: an RNDIS message in one reserved
 * control slot of the receive buffer (rx.c).
 */
#include <stdio.h>
#include <string.h>

#include "lib/hex.h"
#include "netvsp.h"

/* answers are small: the largest is an ndis_offload (156 bytes) */
#define RESP_MAX	512

static const uint32_t supported_oids[] = {
	RNDIS_OID_GEN_SUPPORTED_LIST, RNDIS_OID_GEN_HARDWARE_STATUS,
	RNDIS_OID_GEN_MEDIA_SUPPORTED, RNDIS_OID_GEN_MEDIA_IN_USE,
	RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE, RNDIS_OID_GEN_LINK_SPEED,
	RNDIS_OID_GEN_CURRENT_PACKET_FILTER, RNDIS_OID_GEN_MAXIMUM_TOTAL_SIZE,
	RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, RNDIS_OID_GEN_MAXIMUM_SEND_PACKETS,
	RNDIS_OID_GEN_VENDOR_DRIVER_VERSION, RNDIS_OID_GEN_PHYSICAL_MEDIUM,
	RNDIS_OID_GEN_XMIT_OK, RNDIS_OID_GEN_RCV_OK,
	RNDIS_OID_802_3_PERMANENT_ADDRESS, RNDIS_OID_802_3_CURRENT_ADDRESS,
	RNDIS_OID_802_3_MULTICAST_LIST, RNDIS_OID_802_3_MAXIMUM_LIST_SIZE,
	OID_GEN_RECEIVE_SCALE_CAPABILITIES, OID_GEN_RECEIVE_SCALE_PARAMETERS,
	OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, OID_TCP_OFFLOAD_CURRENT_CONFIG,
	OID_TCP_OFFLOAD_PARAMETERS, OID_OFFLOAD_ENCAPSULATION,
};

void netvsp_rndis_reset(struct netvsp *n)
{
	n->rndis_ready = false;
	n->filter = 0;
	memset(&n->off, 0, sizeof(n->off));
	n->nmcast = 0;
	n->rss_on = false;
	n->hash_info = 0;
	n->key_len = 0;
	n->itab_n = 0;
	memcpy(n->mac, n->perm_mac, 6);
}

/* ---- QUERY ---- */

static void fill_offload(const struct netvsp *n, struct ndis_offload *o,
			 bool current)
{
	uint32_t c4 = NDIS_TXCSUM_CAP_IP4 | NDIS_TXCSUM_CAP_IP4OPT |
		      NDIS_TXCSUM_CAP_TCP4 | NDIS_TXCSUM_CAP_TCP4OPT |
		      NDIS_TXCSUM_CAP_UDP4;
	uint32_t c6 = NDIS_TXCSUM_CAP_IP6EXT | NDIS_TXCSUM_CAP_TCP6 |
		      NDIS_TXCSUM_CAP_TCP6OPT | NDIS_TXCSUM_CAP_UDP6;

	memset(o, 0, sizeof(*o));
	o->header.type = NDIS_OBJECT_TYPE_OFFLOAD;
	/*
	 * the size and revision the guest can read, by NVSP version, as
	 * rndis_filter_query_device asks for them
	 */
	if (n->nvsp_version >= NVSP_PROTOCOL_VERSION_5) {
		o->header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
		o->header.size = NDIS_OFFLOAD_SIZE;
	} else if (n->nvsp_version >= NVSP_PROTOCOL_VERSION_4) {
		o->header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_2;
		o->header.size = NDIS_OFFLOAD_SIZE_6_1;
	} else {
		o->header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_1;
		o->header.size = NDIS_OFFLOAD_SIZE_6_0;
	}
	o->csum.ip4_txenc = o->csum.ip4_rxenc = NDIS_OFFLOAD_ENCAP_8023;
	o->csum.ip6_txenc = o->csum.ip6_rxenc = NDIS_OFFLOAD_ENCAP_8023;
	o->csum.ip4_txcsum = !current || n->off.tx_csum4 ? c4 : 0;
	o->csum.ip4_rxcsum = !current || n->off.rx_csum4 ? c4 : 0;
	o->csum.ip6_txcsum = !current || n->off.tx_csum6 ? c6 : 0;
	o->csum.ip6_rxcsum = !current || n->off.rx_csum6 ? c6 : 0;
	if (!current || n->off.lso4) {
		o->lsov2.ip4_encap = NDIS_OFFLOAD_ENCAP_8023;
		o->lsov2.ip4_maxsz = 65535;
		o->lsov2.ip4_minsg = 2;
	}
	if (!current || n->off.lso6) {
		o->lsov2.ip6_encap = NDIS_OFFLOAD_ENCAP_8023;
		o->lsov2.ip6_maxsz = 65535;
		o->lsov2.ip6_minsg = 2;
		o->lsov2.ip6_opts = NDIS_LSOV2_CAP_IP6;
	}
	/* RSC needs the fragment PPI of NVSP 6.1 (rndis_filter.c) */
	if (n->nvsp_version >= NVSP_PROTOCOL_VERSION_61) {
		o->rsc.ip4 = !current || n->off.rsc4;
		o->rsc.ip6 = !current || n->off.rsc6;
	}
}

/* a 4-byte OID value into *@v; false when @oid has no 4-byte value */
static bool query_u32(const struct netvsp *n, uint32_t oid, uint32_t *v)
{
	switch (oid) {
	case RNDIS_OID_GEN_HARDWARE_STATUS:
		*v = 0;			/* NdisHardwareStatusReady */
		break;
	case RNDIS_OID_GEN_MEDIA_SUPPORTED:
	case RNDIS_OID_GEN_MEDIA_IN_USE:
	case RNDIS_OID_GEN_PHYSICAL_MEDIUM:
		*v = RNDIS_MEDIUM_802_3;
		break;
	case RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE:
		/* openvmm: the NDIS config MTU less the Ethernet header */
		*v = n->frame_mtu - ETH_HLEN_;
		break;
	case RNDIS_OID_GEN_MAXIMUM_TOTAL_SIZE:
		*v = n->frame_mtu;
		break;
	case RNDIS_OID_GEN_LINK_SPEED:
		*v = NETVSP_LINK_SPEED;
		break;
	case RNDIS_OID_GEN_CURRENT_PACKET_FILTER:
		*v = n->filter;
		break;
	case RNDIS_OID_GEN_MEDIA_CONNECT_STATUS:
		*v = n->link_up ? RNDIS_MEDIA_STATE_CONNECTED :
				  RNDIS_MEDIA_STATE_DISCONNECTED;
		break;
	case RNDIS_OID_GEN_MAXIMUM_SEND_PACKETS:
		*v = 0xffffffffu;
		break;
	case RNDIS_OID_GEN_VENDOR_DRIVER_VERSION:
		*v = 0x0100;		/* openvmm: 1.0 */
		break;
	case RNDIS_OID_802_3_MAXIMUM_LIST_SIZE:
		*v = NETVSP_MAX_MCAST;
		break;
	default:
		return false;
	}
	return true;
}

/* OID_GEN_RECEIVE_SCALE_CAPABILITIES into @out: its length */
static int query_rss_caps(const struct netvsp *n, uint8_t *out)
{
	struct ndis_recv_scale_cap c;
	unsigned int q = n->max_sub + 1;

	memset(&c, 0, sizeof(c));
	c.hdr.type = NDIS_OBJECT_TYPE_RSS_CAPABILITIES;
	c.hdr.revision = NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2;
	c.hdr.size = sizeof(c);
	/* openvmm: TCP_IPV4 | TCP_IPV6 | Toeplitz */
	c.cap_flag = NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4 |
		     NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6 |
		     NDIS_HASH_FUNC_TOEPLITZ;
	c.num_int_msg = 1;
	c.num_recv_que = q > NETVSP_MAX_CHANNELS ? NETVSP_MAX_CHANNELS : q;
	c.num_indirect_tabent = NDIS_RSS_ITAB_NUM;
	memcpy(out, &c, sizeof(c));
	return sizeof(c);
}

/* the value of @oid into @out: its length, or -1 (NOT_SUPPORTED) */
static int query_oid(struct netvsp *n, uint32_t oid, uint8_t *out,
		     uint32_t cap)
{
	uint32_t v;

	switch (oid) {
	case RNDIS_OID_GEN_SUPPORTED_LIST:
		memcpy(out, supported_oids, sizeof(supported_oids));
		return sizeof(supported_oids);
	case RNDIS_OID_GEN_XMIT_OK:
	case RNDIS_OID_GEN_RCV_OK: {
		uint64_t c = oid == RNDIS_OID_GEN_XMIT_OK ? n->st.tx_frames :
							    n->st.rx_frames;

		memcpy(out, &c, 8);
		return 8;
	}
	case RNDIS_OID_802_3_PERMANENT_ADDRESS:
		memcpy(out, n->perm_mac, 6);
		return 6;
	case RNDIS_OID_802_3_CURRENT_ADDRESS:
		memcpy(out, n->mac, 6);
		return 6;
	case OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES:
	case OID_TCP_OFFLOAD_CURRENT_CONFIG: {
		struct ndis_offload o;

		fill_offload(n, &o, oid == OID_TCP_OFFLOAD_CURRENT_CONFIG);
		if (o.header.size > cap)
			return -1;
		memcpy(out, &o, o.header.size);
		return o.header.size;
	}
	case OID_GEN_RECEIVE_SCALE_CAPABILITIES:
		return query_rss_caps(n, out);
	}
	if (!query_u32(n, oid, &v))
		return -1;
	memcpy(out, &v, 4);
	return 4;
}

/* ---- SET ---- */

static void set_csum(uint8_t v, bool *tx, bool *rx)
{
	switch (v) {
	case NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED:
		*tx = *rx = false;
		break;
	case NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED:
		*tx = true;
		*rx = false;
		break;
	case NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED:
		*tx = false;
		*rx = true;
		break;
	case NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED:
		*tx = *rx = true;
		break;
	}
}

static void set_onoff(uint8_t v, uint8_t off, uint8_t on, bool *b)
{
	if (v == off)
		*b = false;
	else if (v == on)
		*b = true;
}

static uint32_t set_offload(struct netvsp *n, const uint8_t *v, uint32_t len)
{
	struct ndis_offload_params p;

	/* NVSP < 5 guests send only the first 22 bytes (VERSION_4_OFFLOAD_SIZE) */
	if (len < VERSION_4_OFFLOAD_SIZE)
		return RNDIS_STATUS_INVALID_LENGTH;
	memset(&p, 0, sizeof(p));
	memcpy(&p, v, len < sizeof(p) ? len : sizeof(p));
	if (p.header.type != NDIS_OBJECT_TYPE_DEFAULT)
		return RNDIS_STATUS_INVALID_DATA;
	set_csum(p.tcp_ip_v4_csum ? p.tcp_ip_v4_csum : p.udp_ip_v4_csum,
		 &n->off.tx_csum4, &n->off.rx_csum4);
	set_csum(p.tcp_ip_v6_csum ? p.tcp_ip_v6_csum : p.udp_ip_v6_csum,
		 &n->off.tx_csum6, &n->off.rx_csum6);
	set_onoff(p.lso_v2_ipv4, NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED,
		  NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED, &n->off.lso4);
	set_onoff(p.lso_v2_ipv6, NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED,
		  NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED, &n->off.lso6);
	if (len >= offsetof(struct ndis_offload_params, rsc_ip_v6) + 1) {
		set_onoff(p.rsc_ip_v4, NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED,
			  NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED, &n->off.rsc4);
		set_onoff(p.rsc_ip_v6, NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED,
			  NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED, &n->off.rsc6);
	}
	return RNDIS_STATUS_SUCCESS;
}

/* the offsets count from the start of the parameters (hyperv_net.h) */
static uint32_t set_rss(struct netvsp *n, const uint8_t *v, uint32_t len)
{
	struct ndis_recv_scale_param p;

	if (len < sizeof(p))
		return RNDIS_STATUS_INVALID_LENGTH;
	memcpy(&p, v, sizeof(p));
	if (p.hdr.type != NDIS_OBJECT_TYPE_RSS_PARAMETERS)
		return RNDIS_STATUS_INVALID_DATA;
	if (p.flag & NDIS_RSS_PARAM_FLAG_DISABLE_RSS) {
		n->rss_on = false;
		return RNDIS_STATUS_SUCCESS;
	}
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED) &&
	    (p.hashinfo & 0xff) != NDIS_HASH_FUNC_TOEPLITZ)
		return RNDIS_STATUS_INVALID_DATA;
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED)) {
		uint32_t sz = p.indirect_tabsize, off = p.indirect_taboffset;

		if (!sz || sz % 4 || sz > NDIS_RSS_ITAB_NUM * 4 ||
		    off > len || sz > len - off)
			return RNDIS_STATUS_INVALID_DATA;
	}
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED)) {
		uint32_t sz = p.hashkey_size, off = p.hashkey_offset;

		if (!sz || sz > NDIS_RSS_HASH_KEY_SIZE || off > len ||
		    sz > len - off)
			return RNDIS_STATUS_INVALID_DATA;
	}
	/* all checked: apply */
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED)) {
		n->itab_n = p.indirect_tabsize / 4;
		memcpy(n->itab, v + p.indirect_taboffset, p.indirect_tabsize);
	}
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED)) {
		n->key_len = p.hashkey_size;
		memcpy(n->key, v + p.hashkey_offset, p.hashkey_size);
	}
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED))
		n->hash_info = p.hashinfo;
	n->rss_on = n->itab_n && n->key_len;
	return RNDIS_STATUS_SUCCESS;
}

static bool set_mac(struct netvsp *n, const uint8_t *mac)
{
	if (!n->mac_allow || (mac[0] & 1))
		return false;
	memcpy(n->mac, mac, 6);
	log_info("net%u: MAC %02x:%02x:%02x:%02x:%02x:%02x", n->nic, mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return true;
}

/* RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER: only NetworkAddress matters */
static uint32_t set_config_param(struct netvsp *n, const uint8_t *v,
				 uint32_t len)
{
	static const char name[] = "NetworkAddress";
	struct rndis_config_parameter_info cpi;
	uint32_t no, nl, vo, vl;
	uint8_t mac[6];

	if (len < sizeof(cpi))
		return RNDIS_STATUS_INVALID_LENGTH;
	memcpy(&cpi, v, sizeof(cpi));
	no = cpi.parameter_name_offset;
	nl = cpi.parameter_name_length;
	vo = cpi.parameter_value_offset;
	vl = cpi.parameter_value_length;
	if (no > len || nl > len - no || vo > len || vl > len - vo)
		return RNDIS_STATUS_INVALID_DATA;
	if (nl != 2 * (sizeof(name) - 1))
		return RNDIS_STATUS_SUCCESS;	/* some other parameter */
	for (uint32_t i = 0; i < nl / 2; i++) {
		uint16_t c;

		memcpy(&c, v + no + 2 * i, 2);
		if (c != (uint8_t)name[i])
			return RNDIS_STATUS_SUCCESS;
	}
	/* 12 hex digits, UTF-16LE */
	if (cpi.parameter_type != RNDIS_CONFIG_PARAM_TYPE_STRING || vl < 24)
		return RNDIS_STATUS_INVALID_DATA;
	for (int i = 0; i < 6; i++) {
		uint16_t hi, lo;
		int h, l;

		memcpy(&hi, v + vo + 4 * i, 2);
		memcpy(&lo, v + vo + 4 * i + 2, 2);
		h = hex_digit(hi);
		l = hex_digit(lo);
		if (h < 0 || l < 0)
			return RNDIS_STATUS_INVALID_DATA;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return set_mac(n, mac) ? RNDIS_STATUS_SUCCESS : RNDIS_STATUS_FAILURE;
}

static uint32_t set_oid(struct netvsp *n, uint32_t oid, const uint8_t *v,
			uint32_t len)
{
	switch (oid) {
	case RNDIS_OID_GEN_CURRENT_PACKET_FILTER:
		if (len < 4)
			return RNDIS_STATUS_INVALID_LENGTH;
		memcpy(&n->filter, v, 4);
		return RNDIS_STATUS_SUCCESS;
	case RNDIS_OID_802_3_CURRENT_ADDRESS:
		if (len < 6)
			return RNDIS_STATUS_INVALID_LENGTH;
		return set_mac(n, v) ? RNDIS_STATUS_SUCCESS : RNDIS_STATUS_FAILURE;
	case RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER:
		return set_config_param(n, v, len);
	case RNDIS_OID_802_3_MULTICAST_LIST:
		if (len % 6 || len / 6 > NETVSP_MAX_MCAST)
			return RNDIS_STATUS_INVALID_DATA;
		n->nmcast = len / 6;
		memcpy(n->mcast, v, len);
		return RNDIS_STATUS_SUCCESS;
	case OID_TCP_OFFLOAD_PARAMETERS:
		return set_offload(n, v, len);
	case OID_GEN_RECEIVE_SCALE_PARAMETERS:
		return set_rss(n, v, len);
	case OID_OFFLOAD_ENCAPSULATION:
		/* openvmm accepts 802.3 encapsulation; so does hvsim */
		return RNDIS_STATUS_SUCCESS;
	}
	return RNDIS_STATUS_NOT_SUPPORTED;
}

/* ---- dispatch ---- */

/* [off, off + vlen) of a body of @blen bytes? */
static bool in_body(uint32_t off, uint32_t vlen, uint32_t blen)
{
	return off <= blen && vlen <= blen - off;
}

/*
 * The answers to INIT, QUERY, SET and KEEPALIVE: each fills the answer in
 * @resp (zeroed, RESP_MAX bytes) from the request's @body of @blen bytes
 * and returns its length, or 0 when the request is too short to answer.
 */

static uint32_t rndis_init(struct netvsp *n, uint8_t *resp,
			   const uint8_t *body, uint32_t blen)
{
	struct rndis_message *r = (struct rndis_message *)resp;
	struct rndis_initialize_complete *c = &r->msg.init_complete;
	struct rndis_initialize_request q;

	if (blen < sizeof(q))
		return 0;
	memcpy(&q, body, sizeof(q));
	r->ndis_msg_type = RNDIS_MSG_INIT_C;
	c->req_id = q.req_id;
	c->status = RNDIS_STATUS_SUCCESS;
	c->major_ver = RNDIS_MAJOR_VERSION;
	c->minor_ver = RNDIS_MINOR_VERSION;
	c->dev_flags = RNDIS_DF_CONNECTIONLESS;
	c->medium = RNDIS_MEDIUM_802_3;
	/* openvmm: 8 packets per message, 0xEFFFFFFF, 2^3 alignment */
	c->max_pkt_per_msg = 8;
	c->max_xfer_size = 0xEFFFFFFFu;
	c->pkt_alignment_factor = 3;
	n->rndis_ready = true;
	return RNDIS_MESSAGE_SIZE(struct rndis_initialize_complete);
}

static uint32_t rndis_query(struct netvsp *n, uint8_t *resp,
			    const uint8_t *body, uint32_t blen)
{
	struct rndis_message *r = (struct rndis_message *)resp;
	struct rndis_query_complete *c = &r->msg.query_complete;
	uint32_t hdr = RNDIS_MESSAGE_SIZE(struct rndis_query_complete);
	struct rndis_query_request q;
	int vlen;

	if (blen < sizeof(q))
		return 0;
	memcpy(&q, body, sizeof(q));
	r->ndis_msg_type = RNDIS_MSG_QUERY_C;
	c->req_id = q.req_id;
	if (q.info_buflen && !in_body(q.info_buf_offset, q.info_buflen, blen)) {
		n->st.bad_packets++;
		c->status = RNDIS_STATUS_INVALID_DATA;
		return hdr;
	}
	vlen = query_oid(n, q.oid, resp + hdr, RESP_MAX - hdr);
	if (vlen < 0) {
		log_guest("net%u: QUERY of OID 0x%x not supported", n->nic,
			  q.oid);
		c->status = RNDIS_STATUS_NOT_SUPPORTED;
		return hdr;
	}
	log_dbg("net%u: QUERY 0x%x: %d bytes", n->nic, q.oid, vlen);
	c->status = RNDIS_STATUS_SUCCESS;
	c->info_buflen = (uint32_t)vlen;
	c->info_buf_offset = sizeof(struct rndis_query_complete);
	if (n->inj_query_info) {
		/* net inject: the value lies outside the message */
		n->inj_query_info = false;
		c->info_buf_offset = 0x7fff0000u;
	}
	return hdr + (uint32_t)vlen;
}

static uint32_t rndis_set(struct netvsp *n, uint8_t *resp,
			  const uint8_t *body, uint32_t blen)
{
	struct rndis_message *r = (struct rndis_message *)resp;
	struct rndis_set_complete *c = &r->msg.set_complete;
	struct rndis_set_request q;

	if (blen < sizeof(q))
		return 0;
	memcpy(&q, body, sizeof(q));
	r->ndis_msg_type = RNDIS_MSG_SET_C;
	c->req_id = q.req_id;
	if (!in_body(q.info_buf_offset, q.info_buflen, blen)) {
		n->st.bad_packets++;
		c->status = RNDIS_STATUS_INVALID_DATA;
		return RNDIS_MESSAGE_SIZE(struct rndis_set_complete);
	}
	c->status = set_oid(n, q.oid, body + q.info_buf_offset,
			    q.info_buflen);
	if (c->status == RNDIS_STATUS_INVALID_DATA ||
	    c->status == RNDIS_STATUS_INVALID_LENGTH)
		n->st.bad_packets++;
	if (c->status != RNDIS_STATUS_SUCCESS)
		log_guest("net%u: SET of OID 0x%x: status 0x%x", n->nic,
			  q.oid, c->status);
	else
		log_dbg("net%u: SET 0x%x: %u bytes", n->nic, q.oid,
			q.info_buflen);
	return RNDIS_MESSAGE_SIZE(struct rndis_set_complete);
}

static uint32_t rndis_keepalive(uint8_t *resp, const uint8_t *body,
				uint32_t blen)
{
	struct rndis_message *r = (struct rndis_message *)resp;
	struct rndis_keepalive_complete *c = &r->msg.keep_alive_complete;

	if (blen < 4)
		return 0;
	r->ndis_msg_type = RNDIS_MSG_KEEPALIVE_C;
	memcpy(&c->req_id, body, 4);
	c->status = RNDIS_STATUS_SUCCESS;
	return RNDIS_MESSAGE_SIZE(struct rndis_keepalive_complete);
}

void netvsp_rndis_control(struct netvsp_chan *nc, const uint8_t *msg,
			  uint32_t len)
{
	struct netvsp *n = nc->n;
	uint8_t resp[RESP_MAX];
	struct rndis_message *r = (struct rndis_message *)resp;
	const uint8_t *body = msg + RNDIS_HEADER_SIZE;
	uint32_t blen = len - RNDIS_HEADER_SIZE, type, rlen = 0;

	memcpy(&type, msg, 4);
	memset(resp, 0, sizeof(resp));
	n->st.rndis_requests++;
	switch (type) {
	case RNDIS_MSG_INIT:
		rlen = rndis_init(n, resp, body, blen);
		break;
	case RNDIS_MSG_QUERY:
		rlen = rndis_query(n, resp, body, blen);
		break;
	case RNDIS_MSG_SET:
		rlen = rndis_set(n, resp, body, blen);
		break;
	case RNDIS_MSG_KEEPALIVE:
		rlen = rndis_keepalive(resp, body, blen);
		break;
	case RNDIS_MSG_RESET:
		r->ndis_msg_type = RNDIS_MSG_RESET_C;
		r->msg.reset_complete.status = RNDIS_STATUS_SUCCESS;
		rlen = RNDIS_MESSAGE_SIZE(struct rndis_reset_complete);
		break;
	case RNDIS_MSG_HALT:
		netvsp_rndis_reset(n);
		return;
	default:
		n->st.bad_packets++;
		log_guest("net%u: RNDIS message type 0x%x", n->nic, type);
		return;
	}
	if (!rlen) {
		/* shorter than the request it says it is */
		n->st.bad_packets++;
		log_guest("net%u: RNDIS message 0x%x: %u bytes", n->nic, type,
			  len);
		return;
	}
	r->msg_len = rlen;
	netvsp_rndis_send_ctrl(nc, resp, rlen);
}

void netvsp_indicate_link(struct netvsp *n)
{
	struct {
		uint32_t type, len;
		struct rndis_indicate_status s;
	} m;

	if (!n->chans[0] || !n->rndis_ready || !n->rbuf)
		return;
	m.type = RNDIS_MSG_INDICATE;
	m.len = sizeof(m);
	m.s.status = n->link_up ? RNDIS_STATUS_MEDIA_CONNECT :
				  RNDIS_STATUS_MEDIA_DISCONNECT;
	m.s.status_buflen = 0;
	m.s.status_buf_offset = sizeof(m.s);
	netvsp_rndis_send_ctrl(n->chans[0], &m, sizeof(m));
}
