// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_echo_test: the guest side of hvsim's echo device (tests only).  It
 * drives the VMBus channel API the way class drivers do and checks what
 * comes back.  The echo VSP returns every in-band packet unchanged (same
 * trans_id), answers a GPA-direct packet with a checksum of the pages it
 * names, and offers sub-channels on a "SUBCHAN" request.
 *
 * sysfs, on the vmbus device:
 *   echo_run     write "packets min max channels": send that many packets
 *                (sizes min..max bytes) spread over that many channels and
 *                check every echo arrives in order and intact
 *   echo_gpadl   write "bytes": create and tear down a GPADL of that size,
 *                and check a GPA-direct checksum of its first pages
 *   echo_mmio    write "bytes": take two ranges of that size from the
 *                host's MMIO space (vmbus_allocate_mmio), check they are
 *                distinct and writable, give them back
 *   echo_result  the outcome of the last run
 *   memcpy_kbps  memcpy bandwidth (kB/s) of this guest, measured on read, for
 *                benchmarks that report echo throughput beside it
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <hvlis/guids.h>
#include <hvlis/vmbus.h>

static uint ring_size = 128 * 1024;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Ring buffer size per direction in bytes");

#define ECHO_MAX_CHANNELS	16
#define ECHO_TIMEOUT		(300 * HZ)

struct echo_chan {
	struct echo_dev *ed;
	struct vmbus_channel *chan;
	unsigned int idx;
	u64 sent;
	u64 next_expected;
	atomic64_t received;
	u8 *rxbuf;
};

struct echo_dev {
	struct hv_device *hdev;
	struct mutex lock;		/* one run at a time */
	struct echo_chan ch[ECHO_MAX_CHANNELS];
	unsigned int nr_ch;
	unsigned int want_subchannels;
	struct completion sc_done;
	/* current run */
	u32 min, max;
	atomic_t errors;
	char first_error[128];
	wait_queue_head_t wq;
	u64 gpa_sum;			/* reply to a GPA-direct packet */
	bool gpa_sum_valid;
	char result[256];
};

/* The size of packet @seq: a fixed pseudo-random pick in [min, max]. */
static u32 echo_size(struct echo_dev *ed, u64 seq)
{
	u64 h = seq * 0x9e3779b97f4a7c15ULL;

	return ed->min + (u32)((h >> 32) % (ed->max - ed->min + 1));
}

static u8 echo_byte(u64 seq, u32 i)
{
	return (u8)(seq * 31 + i * 7 + (seq >> 8));
}

static __printf(2, 3) void echo_fail(struct echo_dev *ed, const char *fmt, ...)
{
	va_list ap;

	if (atomic_inc_return(&ed->errors) != 1)
		return;
	va_start(ap, fmt);
	vsnprintf(ed->first_error, sizeof(ed->first_error), fmt, ap);
	va_end(ap);
}

static u64 fnv1a(u64 h, const u8 *p, size_t len)
{
	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV1A_INIT	0xcbf29ce484222325ULL

static void echo_check(struct echo_chan *ec, const struct vmbus_pkt *pkt)
{
	struct echo_dev *ed = ec->ed;
	u64 seq = pkt->trans_id & GENMASK_ULL(47, 0);
	u32 idx = pkt->trans_id >> 48, len, i;
	const u8 *d = pkt->data;

	if (idx != ec->idx) {
		echo_fail(ed, "channel %u: echo of channel %u", ec->idx, idx);
		return;
	}
	if (seq != ec->next_expected) {
		echo_fail(ed, "channel %u: got packet %llu, expected %llu",
			  ec->idx, seq, ec->next_expected);
		ec->next_expected = seq;
	}
	ec->next_expected++;
	len = echo_size(ed, seq);
	if (pkt->datalen != ALIGN(len, 8)) {
		echo_fail(ed, "packet %llu: %u bytes back for %u", seq,
			  pkt->datalen, len);
		return;
	}
	/* copy once: the host may scribble on the ring while we look */
	memcpy(ec->rxbuf, d, pkt->datalen);
	for (i = 0; i < pkt->datalen; i++) {
		u8 want = i < len ? echo_byte(seq, i) : 0;

		if (ec->rxbuf[i] != want) {
			echo_fail(ed, "packet %llu byte %u: %#x, expected %#x",
				  seq, i, ec->rxbuf[i], want);
			return;
		}
	}
}

static void echo_callback(void *ctx)
{
	struct echo_chan *ec = ctx;
	struct echo_dev *ed = ec->ed;
	struct vmbus_pkt pkt;

	for_each_vmbus_pkt(ec->chan, &pkt) {
		if (pkt.type != VM_PKT_DATA_INBAND) {
			echo_fail(ed, "packet type %u", pkt.type);
			continue;
		}
		if (pkt.trans_id == U64_MAX) {	/* GPA-direct checksum */
			if (pkt.datalen >= sizeof(u64)) {
				memcpy(&ed->gpa_sum, pkt.data, sizeof(u64));
				WRITE_ONCE(ed->gpa_sum_valid, true);
			}
		} else if (pkt.trans_id == U64_MAX - 1) {
			/* the SUBCHAN request came back */
		} else {
			echo_check(ec, &pkt);
		}
		atomic64_inc(&ec->received);
	}
	vmbus_pkt_iter_close(ec->chan);
	wake_up(&ed->wq);
}

static int echo_open(struct echo_dev *ed, struct vmbus_channel *chan)
{
	struct echo_chan *ec;
	int ret;

	if (ed->nr_ch >= ECHO_MAX_CHANNELS)
		return -ENOSPC;
	ec = &ed->ch[ed->nr_ch];
	ec->ed = ed;
	ec->chan = chan;
	ec->idx = ed->nr_ch;
	ec->rxbuf = kvmalloc(ring_size, GFP_KERNEL);
	if (!ec->rxbuf)
		return -ENOMEM;
	ret = vmbus_open(chan, ring_size, ring_size, NULL, 0, echo_callback, ec);
	if (ret) {
		kvfree(ec->rxbuf);
		return ret;
	}
	ed->nr_ch++;
	return 0;
}

static void echo_sc_created(struct vmbus_channel *sc)
{
	struct echo_dev *ed = dev_get_drvdata(vmbus_chan_device(sc));

	if (echo_open(ed, sc))
		dev_err(&ed->hdev->device, "cannot open sub-channel %u\n",
			sc->offermsg.child_relid);
	if (ed->nr_ch >= ed->want_subchannels + 1)
		complete(&ed->sc_done);
}

/* Send, retrying while the ring is full; the host drains it. */
static int echo_send(struct echo_chan *ec, const void *buf, u32 len, u64 id)
{
	unsigned long end = jiffies + ECHO_TIMEOUT;
	int ret;

	for (;;) {
		ret = vmbus_sendpacket(ec->chan, buf, len, id, VM_PKT_DATA_INBAND,
				       0);
		if (ret != -EAGAIN)
			return ret;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		usleep_range(20, 100);
	}
}

static int echo_request_subchannels(struct echo_dev *ed, unsigned int n)
{
	u8 req[16] = "SUBCHAN";
	u32 count = n;

	if (ed->nr_ch >= n + 1)
		return 0;
	memcpy(req + 8, &count, sizeof(count));
	ed->want_subchannels = n;
	reinit_completion(&ed->sc_done);
	if (echo_send(&ed->ch[0], req, sizeof(req), U64_MAX - 1))
		return -EIO;
	if (!wait_for_completion_timeout(&ed->sc_done, 30 * HZ))
		return -ETIMEDOUT;
	return 0;
}

struct echo_sender {
	struct echo_chan *ec;
	u64 count;
	u8 *buf;
	int ret;
	struct completion done;
};

static int echo_sender_fn(void *arg)
{
	struct echo_sender *s = arg;
	struct echo_chan *ec = s->ec;
	u64 seq;
	u32 len, i;

	for (seq = 0; seq < s->count && !atomic_read(&ec->ed->errors); seq++) {
		len = echo_size(ec->ed, seq);
		for (i = 0; i < len; i++)
			s->buf[i] = echo_byte(seq, i);
		s->ret = echo_send(ec, s->buf, len, (u64)ec->idx << 48 | seq);
		if (s->ret)
			break;
		ec->sent++;
		/* a ring that never fills never sleeps: no soft lockup */
		cond_resched();
	}
	complete(&s->done);
	return 0;
}

static bool echo_all_back(struct echo_dev *ed, unsigned int nch)
{
	unsigned int i;

	for (i = 0; i < nch; i++)
		if (atomic64_read(&ed->ch[i].received) < ed->ch[i].sent)
			return false;
	return true;
}

static int echo_run(struct echo_dev *ed, u64 packets, u32 min, u32 max,
		    unsigned int nch)
{
	struct echo_sender *snd;
	u64 bytes = 0, seq, start, usecs;
	unsigned int i;
	int ret = 0;

	if (!nch || nch > ECHO_MAX_CHANNELS || !min || min > max ||
	    max > ring_size / 2)
		return -EINVAL;
	ret = echo_request_subchannels(ed, nch - 1);
	if (ret)
		return ret;
	ed->min = min;
	ed->max = max;
	atomic_set(&ed->errors, 0);
	for (i = 0; i < nch; i++) {
		ed->ch[i].sent = 0;
		ed->ch[i].next_expected = 0;
		atomic64_set(&ed->ch[i].received, 0);
	}
	snd = kcalloc(nch, sizeof(*snd), GFP_KERNEL);
	if (!snd)
		return -ENOMEM;

	start = ktime_get_ns();
	for (i = 0; i < nch; i++) {
		struct task_struct *t;

		snd[i].ec = &ed->ch[i];
		snd[i].count = div_u64(packets + nch - 1 - i, nch);
		init_completion(&snd[i].done);
		snd[i].buf = kvmalloc(max, GFP_KERNEL);
		t = snd[i].buf ? kthread_run(echo_sender_fn, &snd[i],
					     "echo_send/%u", i) : ERR_PTR(-ENOMEM);
		if (IS_ERR(t)) {
			snd[i].ret = PTR_ERR(t);
			complete(&snd[i].done);
		}
	}
	for (i = 0; i < nch; i++) {
		wait_for_completion(&snd[i].done);
		if (snd[i].ret && !ret)
			ret = snd[i].ret;
		kvfree(snd[i].buf);
	}
	if (!ret && !wait_event_timeout(ed->wq, echo_all_back(ed, nch) ||
					atomic_read(&ed->errors), ECHO_TIMEOUT))
		ret = -ETIMEDOUT;
	usecs = div_u64(ktime_get_ns() - start, 1000) ?: 1;

	for (i = 0; i < nch; i++)
		for (seq = 0; seq < ed->ch[i].sent; seq++)
			bytes += echo_size(ed, seq);
	if (atomic_read(&ed->errors))
		snprintf(ed->result, sizeof(ed->result), "fail errors=%d first: %s\n",
			 atomic_read(&ed->errors), ed->first_error);
	else if (ret)
		snprintf(ed->result, sizeof(ed->result), "fail error %d\n", ret);
	else
		snprintf(ed->result, sizeof(ed->result),
			 "ok packets=%llu bytes=%llu channels=%u usecs=%llu pps=%llu kbps=%llu\n",
			 packets, bytes, nch, usecs,
			 div64_u64(packets * USEC_PER_SEC, usecs),
			 div64_u64(bytes * 1000, usecs));
	kfree(snd);
	return ret ?: (atomic_read(&ed->errors) ? -EIO : 0);
}

/*
 * GPADL of @size bytes: create it, send a GPA-direct packet over its first
 * pages and compare the host's checksum with ours, tear it down.
 */
static int echo_gpadl(struct echo_dev *ed, u32 size)
{
	struct echo_chan *ec = &ed->ch[0];
	struct vmbus_gpadl gpadl = { };
	struct hv_page_buffer pb[MAX_PAGE_BUFFER_COUNT];
	u32 npages = min_t(u32, size >> PAGE_SHIFT, MAX_PAGE_BUFFER_COUNT), i;
	u64 sum = FNV1A_INIT;
	u8 *buf;
	int ret;

	if (!size || size & ~PAGE_MASK)
		return -EINVAL;
	buf = vzalloc(size);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < size; i++)
		buf[i] = (u8)(i * 13 + (i >> 12));
	ret = vmbus_establish_gpadl(ec->chan, buf, size, &gpadl);
	if (ret) {
		snprintf(ed->result, sizeof(ed->result),
			 "fail gpadl of %u bytes: %d\n", size, ret);
		goto out;
	}
	for (i = 0; i < npages; i++) {
		pb[i].pfn = vmalloc_to_pfn(buf + i * PAGE_SIZE);
		pb[i].offset = 0;
		pb[i].len = PAGE_SIZE;
		sum = fnv1a(sum, buf + i * PAGE_SIZE, PAGE_SIZE);
	}
	WRITE_ONCE(ed->gpa_sum_valid, false);
	ret = vmbus_sendpacket_pagebuffer(ec->chan, pb, npages, NULL, 0, U64_MAX);
	if (!ret && !wait_event_timeout(ed->wq, READ_ONCE(ed->gpa_sum_valid),
					30 * HZ))
		ret = -ETIMEDOUT;
	if (!ret && ed->gpa_sum != sum)
		ret = -EIO;
	snprintf(ed->result, sizeof(ed->result),
		 "%s gpadl=%u pages=%u direct_pages=%u host_sum=%llx our_sum=%llx\n",
		 ret ? "fail" : "ok", size, size >> PAGE_SHIFT, npages,
		 ed->gpa_sum, sum);
	i = vmbus_teardown_gpadl(ec->chan, &gpadl);
	if (!ret)
		ret = i;
out:
	vfree(buf);
	return ret;
}

static ssize_t echo_run_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct echo_dev *ed = dev_get_drvdata(dev);
	unsigned long long packets;
	u32 min, max, nch;
	int ret;

	if (sscanf(buf, "%llu %u %u %u", &packets, &min, &max, &nch) != 4)
		return -EINVAL;
	mutex_lock(&ed->lock);
	ret = echo_run(ed, packets, min, max, nch);
	if (ret && !ed->result[0])
		snprintf(ed->result, sizeof(ed->result), "fail %d\n", ret);
	mutex_unlock(&ed->lock);
	return ret ?: count;
}
static DEVICE_ATTR_WO(echo_run);

static ssize_t echo_gpadl_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct echo_dev *ed = dev_get_drvdata(dev);
	u32 size;
	int ret;

	if (kstrtou32(buf, 0, &size))
		return -EINVAL;
	mutex_lock(&ed->lock);
	ret = echo_gpadl(ed, size);
	mutex_unlock(&ed->lock);
	return ret ?: count;
}
static DEVICE_ATTR_WO(echo_gpadl);

static int echo_mmio(struct echo_dev *ed, u32 size)
{
	struct resource *r[2] = { };
	void __iomem *p;
	int i, ret = 0;

	for (i = 0; i < 2 && !ret; i++)
		ret = vmbus_allocate_mmio(&r[i], ed->hdev, 0, -1, size, size,
					  false);
	if (!ret && (r[0]->start <= r[1]->end && r[1]->start <= r[0]->end))
		ret = -EEXIST;
	if (!ret) {
		/* device memory: what we write must read back */
		p = ioremap(r[1]->start, size);
		if (!p) {
			ret = -ENOMEM;
		} else {
			iowrite32(0x48765369, p + size - 4);
			if (ioread32(p + size - 4) != 0x48765369)
				ret = -EIO;
			iounmap(p);
		}
	}
	snprintf(ed->result, sizeof(ed->result), "%s mmio %pR %pR\n",
		 ret ? "fail" : "ok", r[0], r[1]);
	for (i = 0; i < 2; i++)
		if (r[i])
			vmbus_free_mmio(r[i]->start, size);
	return ret;
}

static ssize_t echo_mmio_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct echo_dev *ed = dev_get_drvdata(dev);
	u32 size;
	int ret;

	if (kstrtou32(buf, 0, &size) || !size || !is_power_of_2(size))
		return -EINVAL;
	mutex_lock(&ed->lock);
	ret = echo_mmio(ed, size);
	mutex_unlock(&ed->lock);
	return ret ?: count;
}
static DEVICE_ATTR_WO(echo_mmio);

static ssize_t echo_result_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct echo_dev *ed = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s", ed->result);
}
static DEVICE_ATTR_RO(echo_result);

/* Copy 16 MiB buffers 16 times: what "fast" means on this machine. */
static ssize_t memcpy_kbps_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	const size_t len = 16 << 20;
	u64 start, usecs;
	void *a, *b;
	int i;

	a = vmalloc(len);
	b = vmalloc(len);
	if (!a || !b) {
		vfree(a);
		vfree(b);
		return -ENOMEM;
	}
	memset(a, 0x5a, len);
	memset(b, 0, len);
	start = ktime_get_ns();
	for (i = 0; i < 16; i++)
		memcpy(i & 1 ? a : b, i & 1 ? b : a, len);
	usecs = div_u64(ktime_get_ns() - start, 1000) ?: 1;
	vfree(a);
	vfree(b);
	return sysfs_emit(buf, "%llu\n", div64_u64(16ULL * len * 1000, usecs));
}
static DEVICE_ATTR_RO(memcpy_kbps);

static struct attribute *echo_attrs[] = {
	&dev_attr_memcpy_kbps.attr,
	&dev_attr_echo_run.attr,
	&dev_attr_echo_gpadl.attr,
	&dev_attr_echo_mmio.attr,
	&dev_attr_echo_result.attr,
	NULL,
};

static const struct attribute_group echo_group = {
	.attrs = echo_attrs,
};

static int echo_probe(struct hv_device *hdev,
		      const struct hv_vmbus_device_id *id)
{
	struct echo_dev *ed;
	int ret;

	if (ring_size < 2 * PAGE_SIZE || !PAGE_ALIGNED(ring_size))
		return -EINVAL;
	ed = devm_kzalloc(&hdev->device, sizeof(*ed), GFP_KERNEL);
	if (!ed)
		return -ENOMEM;
	ed->hdev = hdev;
	mutex_init(&ed->lock);
	init_waitqueue_head(&ed->wq);
	init_completion(&ed->sc_done);
	dev_set_drvdata(&hdev->device, ed);
	vmbus_set_sc_create_callback(hdev->channel, echo_sc_created);
	ret = echo_open(ed, hdev->channel);
	if (ret)
		return ret;
	ret = sysfs_create_group(&hdev->device.kobj, &echo_group);
	if (ret)
		vmbus_close(hdev->channel);
	return ret;
}

static void echo_remove(struct hv_device *hdev)
{
	struct echo_dev *ed = dev_get_drvdata(&hdev->device);
	unsigned int i;

	sysfs_remove_group(&hdev->device.kobj, &echo_group);
	vmbus_close(hdev->channel);
	for (i = 0; i < ed->nr_ch; i++)
		kvfree(ed->ch[i].rxbuf);
}

static const struct hv_vmbus_device_id echo_id_table[] = {
	{ .guid = HVSIM_ECHO_GUID },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, echo_id_table);

static struct hv_driver echo_driver = {
	.name = "hv_echo_test",
	.id_table = echo_id_table,
	.probe = echo_probe,
	.remove = echo_remove,
};

static int __init echo_init(void)
{
	return vmbus_driver_register(&echo_driver);
}

static void __exit echo_exit(void)
{
	vmbus_driver_unregister(&echo_driver);
}

module_init(echo_init);
module_exit(echo_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("Test driver for hvsim's echo device");
