// SPDX-License-Identifier: GPL-2.0-only
/*
 * NetworkDirect (class "nd", HV_ND_GUID): the host side of guest RDMA
 * ("Endure", src/include/hvlis/nd.h).  On Hyper-V the ND VSP passes each
 * IOCTL to the RDMA adapter's vendor driver; here the adapter is a model
 * of an mlx4 HCA (objects.c and what follows it).
 *
 * The guest's messages: INIT (version 1.0 only, answered with the version
 * agreed), INIT_RESOURCES (the guest-physical MMIO window the UAR pages go
 * in; it must lie in the BAR2 MMIO space, the only guest memory hvsim can
 * see the guest write to), BIND (an IPv4 address and MAC: status 0 for the
 * NIC this host calls RDMA, option mac=, refused otherwise), CREATE and
 * CLEANUP of "files" (one pair per guest process; cleanup frees all the
 * file owns) and CONTROL (an IOCTL on a file, objects.c).  Every answer
 * is a completion packet with the request's transaction id carrying the
 * request's fixed part with the outputs filled in, as the guest expects
 * (vmbus_rdma.c copies it over its request).  A message that is not well
 * formed is answered with header status ND_STATUS_INVALID_PARAMETER when
 * its header can be read, counted and logged (rate limited); an IOCTL
 * that fails answers header status 0 and the NTSTATUS in io_status.
 *
 *   nd status [relid|instance]   state, binding, files and live objects
 *   nd inject KIND [relid|instance]  a malformed message (inject.c)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

/* MMIO space the offer asks for: UAR pages for 128 processes */
#define ND_MMIO_MB	1

struct nd_opt_values {
	uint8_t mac[6];
	bool mac_seen;
	const char *fabric;
};

static const struct opt_spec nd_opts[] = {
	{ "mac", OPT_MAC, offsetof(struct nd_opt_values, mac),
	  .seen = OPT_SEEN(struct nd_opt_values, mac_seen),
	  .help = "MAC of the NIC that is RDMA capable (default 00:15:5d:00:00:01, the first NIC's)" },
	{ "fabric", OPT_STR, offsetof(struct nd_opt_values, fabric),
	  .help = "directory shared with other hvsims' nd devices: their guests connect to this one's (fabric.c)" },
};

static struct nd_dev *nd_of(const struct vsp_device *dev)
{
	return vsp_dev_priv(dev);
}

static int nd_probe(struct vsp_device *dev, int nopts,
		    const struct opt_kv *opts, char *err, size_t errlen)
{
	struct nd_opt_values v = { 0 };
	struct nd_dev *nd;

	if (opts_apply(nd_opts, ARRAY_SIZE(nd_opts), &v, opts, nopts,
		       vsp_class_name(dev), err, errlen))
		return -1;
	nd = calloc(1, sizeof(*nd));
	if (!nd || nd_objects_init(nd)) {
		free(nd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	nd->dev = dev;
	if (v.mac_seen) {
		memcpy(nd->mac, v.mac, sizeof(nd->mac));
	} else {
		static const uint8_t first_nic[6] = { 0x00, 0x15, 0x5d, 0, 0, 1 };

		memcpy(nd->mac, first_nic, sizeof(nd->mac));
	}
	nd->io_size = (uint64_t)ND_MMIO_MB << 20;
	nd->fabric_fd = -1;
	if (v.fabric) {
		int n = snprintf(nd->fabric_dir, sizeof(nd->fabric_dir), "%s",
				 v.fabric);

		if (n < 0 || (size_t)n >= sizeof(nd->fabric_dir)) {
			nd_objects_free(nd);
			free(nd);
			snprintf(err, errlen, "nd: fabric: path too long");
			return -1;
		}
	}
	nd_hca_init(nd);
	vsp_dev_set_priv(dev, nd);
	return 0;
}

static void nd_reset(struct nd_dev *nd)
{
	for (int i = 0; i < ND_MAX_FILES; i++)
		if (nd->files[i].used)
			nd_objects_release_file(nd, i);
	memset(nd->files, 0, sizeof(nd->files));
	/* completions for a channel that is gone */
	nd_out_drop(nd);
	nd_hca_stop(nd);
	nd_fabric_close(nd);
	free(nd->io_used);
	nd->io_used = NULL;
	nd->io_slots = 0;
	nd->io_start = 0;
	nd->version = 0;
	nd->bound = false;
	nd->ip = 0;
	nd->guest_id = 0;
}

static void nd_remove(struct vsp_device *dev)
{
	struct nd_dev *nd = nd_of(dev);

	nd_reset(nd);
	hv_timer_free(&nd->tick);
	nd_objects_free(nd);
	free(nd);
	vsp_dev_set_priv(dev, NULL);
}

static void nd_opened(struct hv_chan *ch)
{
	struct nd_dev *nd = nd_of(chan_dev(ch));

	nd_reset(nd);
	nd->ch = ch;
}

/* the guest process that owned anything is gone with the channel */
/* room in the ring again: the COMPLETEs that waited for it */
static void nd_writable(struct hv_chan *ch)
{
	nd_out_flush(nd_of(chan_dev(ch)));
}

static void nd_close(struct hv_chan *ch)
{
	struct nd_dev *nd = nd_of(chan_dev(ch));

	nd_reset(nd);
	nd->ch = NULL;
}

void nd_bad(struct nd_dev *nd, const char *why, uint32_t type)
{
	nd->bad++;
	log_guest("nd: relid %u: message 0x%x refused: %s",
		  nd->ch ? chan_relid(nd->ch) : 0, type, why);
}

/* the answer to a request: its fixed part, outputs filled in */
static int nd_reply(struct nd_dev *nd, uint64_t trans_id, const void *msg,
		    uint32_t len)
{
	int ret = chan_send_comp(nd->ch, trans_id, msg, len);

	if (ret && ret != -EAGAIN)
		log_guest("nd: relid %u: answer dropped (%d)",
			  chan_relid(nd->ch), ret);
	return ret == -EAGAIN ? ret : 0;
}

/*
 * Answer a bad message whose header could be read: the message back (the
 * guest copies its request's size out of the answer) with status set.
 */
static int nd_refuse(struct nd_dev *nd, uint64_t trans_id, const void *data,
		     uint32_t len, const char *why)
{
	uint8_t copy[512] = { 0 };
	struct ndv_packet_hdr h;

	memcpy(&h, data, sizeof(h));
	nd_bad(nd, why, h.packet_type);
	if (len > sizeof(copy))
		len = sizeof(copy);
	memcpy(copy, data, len);
	h.status = ND_STATUS_INVALID_PARAMETER;
	memcpy(copy, &h, sizeof(h));
	return nd_reply(nd, trans_id, copy, len);
}

static int nd_init(struct nd_dev *nd, const struct vmbus_pkt *pkt)
{
	struct ndv_packet_init m;

	if (pkt->data_len < sizeof(m)) {
		nd_bad(nd, "INIT too short", NDV_PACKET_TYPE_INIT);
		return 0;
	}
	memcpy(&m, pkt->data, sizeof(m));
	/* one version exists; anything else gets the "invalid" answer */
	m.protocol_version = m.protocol_version == NDV_PROTOCOL_VERSION_1 ?
			     NDV_PROTOCOL_VERSION_1 : NDV_PROTOCOL_VERSION_INVALID;
	nd->version = m.protocol_version == NDV_PROTOCOL_VERSION_1 ?
		      m.protocol_version : 0;
	m.flags = 0;
	m.reserved = 0;
	return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
}

/*
 * The window must be the size the offer named, aligned to it, and inside
 * the BAR2 MMIO space (the sim backend's vmbus_allocate_mmio() hands out
 * nothing else).
 */
static int nd_init_resources(struct nd_dev *nd, const struct vmbus_pkt *pkt)
{
	struct ndv_pkt_init_resources m;
	struct hvsim *hs = chan_hvsim(nd->ch);
	const char *why = NULL;

	if (pkt->data_len < sizeof(m))
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "INIT_RESOURCES too short");
	memcpy(&m, pkt->data, sizeof(m));
	if (!nd->version)
		why = "INIT_RESOURCES before INIT";
	else if (nd->io_used)
		why = "a second INIT_RESOURCES";
	else if (m.io_space_start % nd->io_size)
		why = "MMIO window not aligned to its size";
	else if (!gm_ptr(&hs->gm, m.io_space_start, nd->io_size) ||
		 gm_ram_ptr(&hs->gm, m.io_space_start, 1))
		why = "MMIO window outside the MMIO space";
	if (why)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len, why);
	nd->io_slots = (unsigned int)(nd->io_size / (2 * PAGE_SIZE));
	nd->io_used = calloc(nd->io_slots, 1);
	if (!nd->io_used) {
		nd->io_slots = 0;
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "out of memory");
	}
	nd->io_start = m.io_space_start;
	m.hdr.status = 0;
	return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
}

/* BIND: status 0 only for this host's RDMA NIC, with an IPv4 address */
static int nd_bind(struct nd_dev *nd, const struct vmbus_pkt *pkt)
{
	struct ndv_pkt_bind m;

	if (pkt->data_len < sizeof(m))
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "BIND too short");
	memcpy(&m, pkt->data, sizeof(m));
	if (!nd->io_used)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "BIND before INIT_RESOURCES");
	nd->binds++;
	if (m.unbind) {
		if (nd->bound && m.ip_address.addr == nd->ip &&
		    m.guest_id == nd->guest_id) {
			nd->bound = false;
			nd_fabric_close(nd);
			m.hdr.status = 0;
		} else {
			m.hdr.status = ND_STATUS_INVALID_PARAMETER;
		}
		return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
	}
	if (m.ip_address.family != ND_AF_INET || !m.ip_address.addr ||
	    m.phys_addr.length != 6 || memcmp(m.phys_addr.addr, nd->mac, 6) ||
	    (nd->bound && m.guest_id != nd->guest_id)) {
		nd->binds_refused++;
		m.hdr.status = ND_STATUS_INVALID_PARAMETER;
		return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
	}
	if (nd->ip != m.ip_address.addr)
		nd_fabric_close(nd);
	nd->bound = true;
	nd->ip = m.ip_address.addr;
	nd->guest_id = m.guest_id;
	if (nd_fabric_open(nd))
		log_guest("nd: the fabric is not reachable: connections stay local");
	m.hdr.status = 0;
	return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
}

static int nd_file_by_local(const struct nd_dev *nd, uint32_t local)
{
	for (int i = 0; i < ND_MAX_FILES; i++)
		if (nd->files[i].used && nd->files[i].local == local)
			return i;
	return -1;
}

/* a file handle as the guest names it: {local, remote = index + 1} */
static int nd_file_lookup(const struct nd_dev *nd,
			  const struct ndv_context_handle *h)
{
	uint32_t i = h->remote - 1;

	if (h->remote == 0 || i >= ND_MAX_FILES || !nd->files[i].used ||
	    nd->files[i].local != h->local)
		return -1;
	return (int)i;
}

static int nd_create(struct nd_dev *nd, const struct vmbus_pkt *pkt)
{
	struct ndv_pkt_create m;
	int i;

	if (pkt->data_len < sizeof(m))
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CREATE too short");
	memcpy(&m, pkt->data, sizeof(m));
	if (!nd->bound)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CREATE before a successful BIND");
	/* one open per guest id at a time */
	if (nd_file_by_local(nd, m.handle.local) >= 0)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CREATE of a file id already open");
	for (i = 0; i < ND_MAX_FILES && nd->files[i].used; i++)
		;
	if (i == ND_MAX_FILES) {
		m.hdr.status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
	}
	nd->files[i] = (struct nd_file){
		.used = true, .local = m.handle.local, .bound_to = -1,
	};
	m.handle.remote = (uint32_t)i + 1;
	m.hdr.status = 0;
	return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
}

static int nd_cleanup(struct nd_dev *nd, const struct vmbus_pkt *pkt)
{
	struct ndv_pkt_cleanup m;
	int i;

	/* Microsoft's guest sends 48 bytes (the create packet's size) */
	if (pkt->data_len < sizeof(m))
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CLEANUP too short");
	memcpy(&m, pkt->data, sizeof(m));
	i = nd_file_lookup(nd, &m.handle);
	if (i < 0)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CLEANUP of a file that is not open");
	nd_objects_release_file(nd, i);
	/* an overlapped file bound to this one goes with it */
	for (int j = 0; j < ND_MAX_FILES; j++)
		if (nd->files[j].used && nd->files[j].bound_to == i)
			nd->files[j].bound_to = -1;
	memset(&nd->files[i], 0, sizeof(nd->files[i]));
	m.hdr.status = 0;
	return nd_reply(nd, pkt->trans_id, &m, sizeof(m));
}

/* PROVIDER_INIT and PROVIDER_BIND_FILE: the file-level IOCTLs */
static bool nd_provider_ioctl(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct nd_handle h;
	struct ndv_context_handle other;
	int j;

	if (r->code != IOCTL_ND_PROVIDER_INIT &&
	    r->code != IOCTL_ND_PROVIDER_BIND_FILE)
		return false;
	if (r->buf_len != ND_PROVIDER_IOCTL_SIZE) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return true;
	}
	memcpy(&h, r->buf, sizeof(h));
	if (h.version != ND_IOCTL_VERSION) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return true;
	}
	if (r->code == IOCTL_ND_PROVIDER_INIT) {
		nd->files[r->file].provider_init = true;
		r->status = ND_STATUS_SUCCESS;
		return true;
	}
	/* the handle names the overlapped file: local | remote << 32 */
	other.local = (uint32_t)h.handle;
	other.remote = (uint32_t)(h.handle >> 32);
	j = nd_file_lookup(nd, &other);
	if (j < 0 || j == r->file || !nd->files[r->file].provider_init) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return true;
	}
	nd->files[j].bound_to = r->file;
	r->status = ND_STATUS_SUCCESS;
	return true;
}

/*
 * CONTROL: the header, the IOCTL buffer (input_buf_sz == output_buf_sz,
 * at offset 64), extended data after it; the file must be open.  The
 * answer is the header and the buffer (no extended data).
 */
static int nd_control(struct nd_dev *nd, const struct vmbus_pkt *pkt)
{
	struct ndv_pkt_control h;
	uint8_t *msg;
	struct nd_req r = { .nd = nd };
	uint64_t end;
	uint32_t len;
	bool external;
	int ret;

	if (pkt->data_len < sizeof(h))
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CONTROL too short");
	memcpy(&h, pkt->data, sizeof(h));
	if (h.hdr.hdr_sz != sizeof(h) ||
	    (uint64_t)sizeof(h) + h.hdr.data_sz > pkt->data_len ||
	    h.input_buf_sz != h.output_buf_sz || h.input_output_buf_offset ||
	    h.input_buf_sz > h.hdr.data_sz || h.input_buf_sz > 4096)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CONTROL sizes do not fit the packet");
	external = NDV_PACKET_TYPE_OPTIONS(h.hdr.packet_type) &
		   NDV_PACKET_OPTION_EXTERNAL_DATA;
	end = (uint64_t)h.extended_data.offset + h.extended_data.size;
	if (external) {
		/* the extended data is the one GPA-direct range (MR_REGISTER) */
		if (pkt->type != VM_PKT_DATA_USING_GPA_DIRECT ||
		    pkt->nranges != 1 || h.extended_data.offset ||
		    pkt->ranges[0].byte_count != h.extended_data.size ||
		    h.extended_data.size % 8 ||
		    h.extended_data.size > ND_MAX_MR_PAGES * 8)
			return nd_refuse(nd, pkt->trans_id, pkt->data,
					 pkt->data_len,
					 "external data that is not one GPA range");
	} else if (pkt->type != VM_PKT_DATA_INBAND ||
		   (h.extended_data.size &&
		    (h.extended_data.offset < h.input_buf_sz ||
		     end > h.hdr.data_sz))) {
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "extended data outside the packet");
	}
	r.file = nd_file_lookup(nd, &h.file_handle);
	if (r.file < 0)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "CONTROL on a file that is not open");
	/* one copy of all of it: the ring is guest memory */
	msg = malloc(sizeof(h) + h.input_buf_sz + h.extended_data.size + 8);
	if (!msg)
		return -EAGAIN;
	memcpy(msg, pkt->data, sizeof(h) + h.input_buf_sz);
	r.code = h.io_cntrl_code;
	r.buf = msg + sizeof(h);
	r.buf_len = h.input_buf_sz;
	if (h.extended_data.size) {
		r.ext = msg + sizeof(h) + h.input_buf_sz;
		r.ext_len = h.extended_data.size;
		if (!external)
			memcpy(msg + sizeof(h) + h.input_buf_sz,
			       pkt->data + sizeof(h) + h.extended_data.offset,
			       h.extended_data.size);
		else if (gpa_pages_read(chan_hvsim(nd->ch), &pkt->ranges[0], 0,
					msg + sizeof(h) + h.input_buf_sz,
					h.extended_data.size)) {
			free(msg);
			return nd_refuse(nd, pkt->trans_id, pkt->data,
					 pkt->data_len,
					 "external data outside guest memory");
		}
	}
	r.status = ND_STATUS_NOT_SUPPORTED;
	nd->ioctls++;
	r.irp = h.irp_handle.local;
	if (!nd_provider_ioctl(&r) && !nd_objects_ioctl(&r) && !nd_cm_ioctl(&r))
		log_guest("nd: relid %u: IOCTL 0x%x not supported",
			  chan_relid(nd->ch), r.code);
	if (r.status != ND_STATUS_SUCCESS && r.status != ND_STATUS_PENDING)
		nd->ioctls_failed++;
	h.hdr.status = 0;
	h.io_status = r.status;
	h.bytes_returned = r.status == ND_STATUS_SUCCESS ? r.buf_len : 0;
	len = (uint32_t)sizeof(h) + r.buf_len;
	nd_inject_answer(nd, &h, r.buf, &len);
	memcpy(msg, &h, sizeof(h));
	ret = nd_reply(nd, pkt->trans_id, msg, len);
	free(msg);
	/* COMPLETEs of what this request finished go after its answer */
	nd_out_flush(nd);
	return ret;
}

static int nd_packet(struct hv_chan *ch, const struct vmbus_pkt *pkt)
{
	struct nd_dev *nd = nd_of(chan_dev(ch));
	uint32_t type;

	if ((pkt->type != VM_PKT_DATA_INBAND &&
	     pkt->type != VM_PKT_DATA_USING_GPA_DIRECT) || pkt->data_len < 4) {
		nd_bad(nd, "not an ND message", 0);
		return 0;
	}
	memcpy(&type, pkt->data, sizeof(type));
	if (type == NDV_PACKET_TYPE_INIT)
		return nd_init(nd, pkt);
	if (pkt->data_len < sizeof(struct ndv_packet_hdr)) {
		nd_bad(nd, "shorter than a packet header", type);
		return 0;
	}
	if (!nd->version)
		return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
				 "a message before INIT");
	switch (NDV_PACKET_TYPE_ID(type)) {
	case NDV_PKT_ID1_INIT_RESOURCES:
		return nd_init_resources(nd, pkt);
	case NDV_PKT_ID1_BIND:
		return nd_bind(nd, pkt);
	case NDV_PKT_ID1_CREATE:
		return nd_create(nd, pkt);
	case NDV_PKT_ID1_CLEANUP:
		return nd_cleanup(nd, pkt);
	case NDV_PKT_ID1_CONTROL:
		return nd_control(nd, pkt);
	}
	return nd_refuse(nd, pkt->trans_id, pkt->data, pkt->data_len,
			 "not a message a guest sends");
}

static struct nd_dev *nd_find(struct hvsim *hs, struct ctl_conn *c,
			      const char *arg)
{
	struct vsp_device *d;

	if (arg) {
		d = vsp_dev_find(hs, arg);
		if (d && !strcmp(vsp_class_name(d), "nd") && nd_of(d))
			return nd_of(d);
		ctl_fail(c, "%s is no nd device", arg);
		return NULL;
	}
	for (d = vsp_dev_next(hs, NULL); d; d = vsp_dev_next(hs, d))
		if (!strcmp(vsp_class_name(d), "nd") && !vsp_dev_removing(d) &&
		    nd_of(d))
			return nd_of(d);
	ctl_fail(c, "no nd device");
	return NULL;
}

static void nd_print_status(struct ctl_conn *c, const struct nd_dev *nd)
{
	unsigned int files = 0;
	const uint8_t *ip = (const uint8_t *)&nd->ip;

	for (int i = 0; i < ND_MAX_FILES; i++)
		files += nd->files[i].used;
	ctl_printf(c, "nd.state=%s", !nd->ch ? "closed" : !nd->version ?
		   "init" : !nd->io_used ? "resources" : !nd->bound ?
		   "unbound" : "bound");
	ctl_printf(c, "nd.version=%u.%u", nd->version >> 8, nd->version & 0xff);
	ctl_printf(c, "nd.mac=%02x:%02x:%02x:%02x:%02x:%02x", nd->mac[0],
		   nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5]);
	ctl_printf(c, "nd.ip=%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
	ctl_printf(c, "nd.mmio=0x%llx+0x%llx", (unsigned long long)nd->io_start,
		   (unsigned long long)nd->io_size);
	ctl_printf(c, "nd.binds=%llu", (unsigned long long)nd->binds);
	ctl_printf(c, "nd.binds_refused=%llu",
		   (unsigned long long)nd->binds_refused);
	ctl_printf(c, "nd.files=%u", files);
	nd_objects_print(c, nd);
	ctl_printf(c, "nd.ioctls=%llu", (unsigned long long)nd->ioctls);
	ctl_printf(c, "nd.ioctls_failed=%llu",
		   (unsigned long long)nd->ioctls_failed);
	ctl_printf(c, "nd.bad=%llu", (unsigned long long)nd->bad);
	ctl_printf(c, "nd.injected=%llu", (unsigned long long)nd->injected);
	ctl_printf(c, "nd.fabric=%s", nd->fabric_fd >= 0 ? nd->fabric_dir : "none");
	ctl_printf(c, "nd.fabric_sent=%llu", (unsigned long long)nd->fabric_sent);
	ctl_printf(c, "nd.fabric_received=%llu",
		   (unsigned long long)nd->fabric_received);
	ctl_printf(c, "nd.fabric_bad=%llu", (unsigned long long)nd->fabric_bad);
	ctl_printf(c, "nd.fabric_stale=%llu",
		   (unsigned long long)nd->fabric_stale);
	ctl_printf(c, "nd.fabric_lost=%llu", (unsigned long long)nd->fabric_lost);
}

#define ND_USAGE "nd status [relid|instance] | nd inject KIND [relid|instance]"

static int nd_cmd(struct hvsim *hs, struct ctl_conn *c, int argc, char **argv)
{
	struct nd_dev *nd;

	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "status")) {
		nd = nd_find(hs, c, argc == 3 ? argv[2] : NULL);
		if (!nd)
			return -1;
		nd_print_status(c, nd);
		return 0;
	}
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "inject")) {
		char err[512];

		nd = nd_find(hs, c, argc == 4 ? argv[3] : NULL);
		if (!nd)
			return -1;
		if (nd_inject(nd, argv[2], err, sizeof(err)))
			return ctl_fail(c, "%s", err);
		return 0;
	}
	return ctl_fail(c, "usage: " ND_USAGE);
}

static const struct ctl_cmd nd_cmds[] = {
	{ "nd", ND_USAGE, nd_cmd },
};

const struct vsp_ops vsp_nd_ops = {
	.name = "nd",
	.offer = { .mmio_megabytes = ND_MMIO_MB },
	.opts = nd_opts,
	.nopts = ARRAY_SIZE(nd_opts),
	.probe = nd_probe,
	.remove = nd_remove,
	.on_opened = nd_opened,
	.on_packet = nd_packet,
	.on_writable = nd_writable,
	.on_close = nd_close,
	.cmds = nd_cmds,
	.ncmds = ARRAY_SIZE(nd_cmds),
};
