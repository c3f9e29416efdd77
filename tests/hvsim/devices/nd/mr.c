// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory regions of the ND host's model: MR_CREATE on a PD, MR_REGISTER
 * with the region's frame list as external data (the one range of a
 * GPA-direct packet, nd.c), MR_DEREGISTER, MR_FREE (LIS vmbus_rdma.c,
 * hvnd_mr_register(); provider.c, hvnd_reg_user_mr()).
 *
 * A region is its virtual address (the iova work requests use), its
 * length and one guest frame per 4 KiB page from the iova's page on;
 * every frame must be guest RAM.  Its key is (slot + 1) << 8 with a
 * generation byte that always has bit 7 set, so it never equals mlx4's
 * receive-list terminator 0x100 and a stale key misses; the remote key
 * goes out big-endian, as Microsoft's guest reads it.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

#define MR_FLAGS	(ND_MR_FLAG_ALLOW_LOCAL_WRITE | \
			 ND_MR_FLAG_ALLOW_REMOTE_READ | \
			 ND_MR_FLAG_ALLOW_REMOTE_WRITE | \
			 ND_MR_FLAG_RDMA_READ_SINK | ND_MR_FLAG_DO_NOT_SECURE_VM)

static uint32_t mr_key(const struct nd_dev *nd, const struct nd_obj *o)
{
	return (uint32_t)(o - nd->objs + 1) << 8 | 0x80 | (o->gen & 0x7f);
}

void nd_mr_create(struct nd_req *r)
{
	struct nd_ioctl_mr_create m;
	struct nd_obj *pd, *o;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	pd = nd_obj_get(r->nd, m.in.handle, NDO_PD, r->file);
	if (!pd) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	o = nd_obj_new(r->nd, NDO_MR, r->file);
	if (!o) {
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	o->adapter_handle = pd->adapter_handle;
	o->mr.pd = pd;
	nd_obj_hold(pd);
	memset(&m, 0, sizeof(m));
	m.mr_handle = nd_obj_handle(r->nd, o);
	memcpy(r->buf, &m, sizeof(m));
	r->status = ND_STATUS_SUCCESS;
}

void nd_mr_register(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct nd_ioctl_mr_register m;
	struct gpa_pages g = { 0 };
	uint64_t n, off;
	struct nd_obj *o;
	uint64_t *pfns;
	uint32_t key;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	o = nd_obj_get(nd, m.in.mr_handle, NDO_MR, r->file);
	if (!o) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	off = m.in.target_addr % PAGE_SIZE;
	n = (off + m.in.cb_length + PAGE_SIZE - 1) / PAGE_SIZE;
	if (o->mr.registered || !r->ext || m.in.address != m.in.target_addr ||
	    !m.in.cb_length || m.in.cb_length > ND_MAX_TRANSFER ||
	    m.in.flags & ~MR_FLAGS ||
	    !(m.in.flags & ND_MR_FLAG_DO_NOT_SECURE_VM) ||
	    m.in.target_addr + m.in.cb_length < m.in.target_addr ||
	    n * 8 != r->ext_len) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	pfns = malloc(r->ext_len);
	if (!pfns) {
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	memcpy(pfns, r->ext, r->ext_len);
	g.pfns = pfns;
	g.npfns = (uint32_t)n;
	g.byte_offset = (uint32_t)off;
	g.byte_count = (uint32_t)m.in.cb_length;
	if (!gpa_pages_in_ram(chan_hvsim(nd->ch), &g, m.in.cb_length)) {
		free(pfns);
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	o->mr.registered = true;
	o->mr.flags = m.in.flags;
	o->mr.iova = m.in.target_addr;
	o->mr.length = m.in.cb_length;
	o->mr.pages = g;
	key = mr_key(nd, o);
	memset(&m, 0, sizeof(m));
	m.out.lkey = key;
	m.out.rkey = htobe32(key);
	memcpy(r->buf, &m, sizeof(m));
	r->status = ND_STATUS_SUCCESS;
}

static void mr_unregister(struct nd_obj *o)
{
	nd_range_free(&o->mr.pages);
	o->mr.registered = false;
}

void nd_mr_deregister(struct nd_req *r)
{
	struct nd_handle h;
	struct nd_obj *o;

	if (!nd_req_ok(r, sizeof(h)))
		return;
	memcpy(&h, r->buf, sizeof(h));
	o = nd_obj_get(r->nd, h.handle, NDO_MR, r->file);
	if (!o) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (!o->mr.registered) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	mr_unregister(o);
	r->status = ND_STATUS_SUCCESS;
}

void nd_mr_free(struct nd_dev *nd, struct nd_obj *o)
{
	(void)nd;
	if (o->mr.registered)
		mr_unregister(o);
	nd_obj_release(o->mr.pd);
}
