// SPDX-License-Identifier: GPL-2.0-only
/*
 * Completion queues of the ND host's mlx4 model: CQ_CREATE and CQ_FREE.
 *
 * The guest names three pieces of its memory (LIS vmbus_rdma.c,
 * hvnd_create_cq(); mx_abi.h): the CQE buffer (queue_depth entries of 32
 * bytes, a power of two), the 8-byte doorbell record (consumer index, arm
 * word) and a 4-byte arm sequence word, each as a mapping (user address
 * and length) and, in the extended data, as a GPA range at the same index.
 * Every range is checked (its length is the mapping's, its pages are
 * guest RAM, at most ND_MAX_RANGE_PFNS of them) before anything is kept.
 *
 * A new CQ's entries are filled with 0xcc, as mlx4 firmware requires of
 * a CQ buffer (drivers/net/ethernet/mellanox/mlx4/cq.c, Linux 6.12): the
 * owner bit set, so libmlx4, which zeroed the buffer, sees no completion
 * until the adapter writes one.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/nd/nd.h"

/*
 * Field @i of the extended data: a GPA range of exactly @want bytes.
 * 0 and the pages in @out (malloc'ed pfns), or -1.
 */
int nd_ext_range(struct nd_req *r, uint32_t count, uint32_t i,
		     uint32_t want, struct gpa_pages *out)
{
	struct ndv_pkt_field f;
	struct nd_gpa_range g;
	uint32_t hdr = sizeof(struct ndv_ext_data) + count * sizeof(f);
	uint64_t *pfns, n;

	memcpy(&f, r->ext + sizeof(struct ndv_ext_data) + i * sizeof(f),
	       sizeof(f));
	if (f.offset % 8 || f.offset < hdr || f.size < sizeof(g) ||
	    (uint64_t)f.offset + f.size > r->ext_len)
		return -1;
	memcpy(&g, r->ext + f.offset, sizeof(g));
	if (g.byte_count != want || !want || g.byte_offset >= PAGE_SIZE)
		return -1;
	n = ((uint64_t)g.byte_offset + want + PAGE_SIZE - 1) / PAGE_SIZE;
	if (n > ND_MAX_RANGE_PFNS || sizeof(g) + n * 8 > f.size)
		return -1;
	pfns = malloc(n * sizeof(uint64_t));
	if (!pfns)
		return -1;
	memcpy(pfns, r->ext + f.offset + sizeof(g), n * sizeof(uint64_t));
	out->pfns = pfns;
	out->npfns = (uint32_t)n;
	out->byte_offset = g.byte_offset;
	out->byte_count = want;
	if (!gpa_pages_in_ram(chan_hvsim(r->nd->ch), out, want)) {
		nd_range_free(out);
		return -1;
	}
	return 0;
}

/* the extended data holds @count fields */
bool nd_ext_count_ok(const struct nd_req *r, uint32_t count)
{
	struct ndv_ext_data e;

	if (r->ext_len < sizeof(e) + count * sizeof(struct ndv_pkt_field))
		return false;
	memcpy(&e, r->ext, sizeof(e));
	return e.count == count;
}

void nd_range_free(struct gpa_pages *g)
{
	free((void *)g->pfns);
	memset(g, 0, sizeof(*g));
}

void nd_cq_free(struct nd_obj *o)
{
	nd_range_free(&o->cq.buf);
	nd_range_free(&o->cq.db);
	nd_range_free(&o->cq.arm);
}

void nd_cq_create(struct nd_req *r)
{
	struct nd_dev *nd = r->nd;
	struct nd_ioctl_create_cq m;
	static const uint8_t fill[256] = {
		[0 ... 255] = 0xcc,
	};
	struct nd_obj tmp = { 0 }, *o;
	const struct nd_mapping *map;
	uint32_t depth;

	if (!nd_req_ok(r, sizeof(m)))
		return;
	memcpy(&m, r->buf, sizeof(m));
	depth = m.in.queue_depth;
	map = m.req.mappings;
	if (m.in.ce_mapping_cnt != ND_MLX4_CQ_MAPPINGS ||
	    m.in.cb_mapping_offset != sizeof(m.in) ||
	    depth < 2 || depth > ND_MAX_CQE + 1 || depth & (depth - 1) ||
	    map[ND_MLX4_CQ_BUF].map_type != ND_MAP_MEMORY ||
	    map[ND_MLX4_CQ_BUF].mem.cb_length != depth * ND_CQE_SIZE ||
	    map[ND_MLX4_CQ_DB].map_type != ND_MAP_MEMORY_COALLESCE ||
	    map[ND_MLX4_CQ_DB].mem.cb_length != 8 ||
	    map[ND_MLX4_CQ_ARM_SN].map_type != ND_MAP_MEMORY ||
	    map[ND_MLX4_CQ_ARM_SN].mem.cb_length != 4 ||
	    !nd_ext_count_ok(r, ND_MLX4_CQ_MAPPINGS)) {
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	if (!nd_obj_get(nd, m.in.adapter_handle, NDO_ADAPTER, r->file)) {
		r->status = ND_STATUS_INVALID_HANDLE;
		return;
	}
	if (nd_ext_range(r, 3, ND_MLX4_CQ_BUF, depth * ND_CQE_SIZE, &tmp.cq.buf) ||
	    nd_ext_range(r, 3, ND_MLX4_CQ_DB, 8, &tmp.cq.db) ||
	    nd_ext_range(r, 3, ND_MLX4_CQ_ARM_SN, 4, &tmp.cq.arm)) {
		nd_cq_free(&tmp);
		r->status = ND_STATUS_INVALID_PARAMETER;
		return;
	}
	o = nd_obj_new(nd, NDO_CQ, r->file);
	if (!o) {
		nd_cq_free(&tmp);
		r->status = ND_STATUS_INSUFFICIENT_RESOURCES;
		return;
	}
	o->cq = tmp.cq;
	o->adapter_handle = m.in.adapter_handle;
	o->cq.nent = depth;
	o->cq.cqn = nd->next_cqn++ & 0xffffff;
	for (uint64_t off = 0, len; off < (uint64_t)depth * ND_CQE_SIZE;
	     off += len) {
		len = (uint64_t)depth * ND_CQE_SIZE - off;
		if (len > sizeof(fill))
			len = sizeof(fill);
		gpa_pages_write(chan_hvsim(nd->ch), &o->cq.buf, off, fill, len);
	}

	memset(&m, 0, sizeof(m));
	m.out.handle = nd_obj_handle(nd, o);
	m.out.ce_mapping_results = ND_MLX4_CQ_MAPPINGS;
	m.out.cb_mapping_results_offset = sizeof(m.in);
	m.resp.cqn = o->cq.cqn;
	m.resp.cqe = depth - 1;
	memcpy(r->buf, &m, sizeof(m));
	r->status = ND_STATUS_SUCCESS;
}
