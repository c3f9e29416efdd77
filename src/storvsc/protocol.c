// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMSTOR control path: opening the channels, the initialization
 * exchange with the host, sub-channels and control requests.  The message
 * sequence is described in <hvlis/vstor.h>.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "storvsc.h"

/*
 * Serializes sub-channel offers and rescinds (VMBus work) with a device
 * going away: the callbacks find the device through its drvdata, which
 * is set and cleared under this lock.
 */
static DEFINE_MUTEX(storvsc_sc_lock);

/* Highest first; Linux 6.12 does not go below WIN8 either. */
static const u16 storvsc_versions[] = {
	VMSTOR_PROTO_VERSION_WIN10,
	VMSTOR_PROTO_VERSION_WIN8_1,
	VMSTOR_PROTO_VERSION_WIN8,
};

/* Wait for @done at most @timeout, and not at all for a host that is gone. */
static int storvsc_wait(struct storvsc_dev *sd, struct completion *done,
			unsigned long timeout)
{
	unsigned long end = jiffies + timeout;

	for (;;) {
		if (wait_for_completion_timeout(done, HZ))
			return 0;
		if (storvsc_is_dead(sd))
			return -ENODEV;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
	}
}

/*
 * Send @pkt on the primary channel and wait for its COMPLETE_IO, which
 * replaces @pkt.  Returns -EPROTO for an answer shorter than @min_resp_len
 * or of another operation; the caller judges pkt->status.
 */
int storvsc_ctl_exec(struct storvsc_dev *sd, struct vstor_packet *pkt,
		     u32 min_resp_len)
{
	unsigned long end = jiffies + STORVSC_TIMEOUT_SECS * HZ;
	unsigned long flags;
	u32 op = pkt->operation, len = 0;
	u64 id;
	int ret;

	mutex_lock(&sd->ctl_lock);
	spin_lock_irqsave(&sd->ctl_slock, flags);
	sd->ctl_seq = (sd->ctl_seq + 1) & ~STORVSC_ID_CTL;
	id = STORVSC_ID_CTL | sd->ctl_seq;
	sd->ctl_id = id;
	reinit_completion(&sd->ctl_done);
	spin_unlock_irqrestore(&sd->ctl_slock, flags);

	pkt->flags = REQUEST_COMPLETION_FLAG;
	pkt->status = 0;
	for (;;) {
		ret = vmbus_sendpacket(storvsc_primary(sd), pkt, sizeof(*pkt), id,
				       VM_PKT_DATA_INBAND,
				       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
		/* a ring full of commands drains as the host works */
		if (ret != -EAGAIN || time_after(jiffies, end))
			break;
		msleep(20);
	}
	if (!ret)
		ret = storvsc_wait(sd, &sd->ctl_done, STORVSC_TIMEOUT_SECS * HZ);

	spin_lock_irqsave(&sd->ctl_slock, flags);
	sd->ctl_id = 0;		/* an answer after this is dropped */
	if (!ret) {
		*pkt = sd->ctl_resp;
		len = sd->ctl_resp_len;
	}
	spin_unlock_irqrestore(&sd->ctl_slock, flags);
	mutex_unlock(&sd->ctl_lock);

	if (ret) {
		dev_err(&sd->hdev->device, "VMSTOR operation %u failed: %d\n",
			op, ret);
		return ret;
	}
	if (len < min_resp_len || pkt->operation != VSTOR_OPERATION_COMPLETE_IO) {
		dev_err(&sd->hdev->device,
			"bad answer to VMSTOR operation %u: operation %u, %u bytes\n",
			op, pkt->operation, len);
		return -EPROTO;
	}
	return 0;
}

/* Channel callback: an answer to a control request. */
void storvsc_ctl_complete(struct storvsc_dev *sd, u64 id,
			  const struct vstor_packet *resp, u32 len)
{
	unsigned long flags;
	bool ours;

	spin_lock_irqsave(&sd->ctl_slock, flags);
	ours = sd->ctl_id && id == sd->ctl_id;
	if (ours) {
		sd->ctl_resp = *resp;
		sd->ctl_resp_len = len;
		sd->ctl_id = 0;
		complete(&sd->ctl_done);
	}
	spin_unlock_irqrestore(&sd->ctl_slock, flags);
	if (!ours)
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "answer %#llx matches no control request\n", id);
}

/* A control request the host must carry out with status 0 */
static int storvsc_ctl_ok(struct storvsc_dev *sd, struct vstor_packet *pkt,
			  u32 min_resp_len)
{
	u32 op = pkt->operation;
	int ret;

	ret = storvsc_ctl_exec(sd, pkt, min_resp_len);
	if (!ret && pkt->status) {
		dev_err(&sd->hdev->device,
			"host refused VMSTOR operation %u: status %#x\n",
			op, pkt->status);
		ret = -EIO;
	}
	return ret;
}

static u64 storvsc_wwn(const u8 *b)
{
	__be64 v;

	memcpy(&v, b, sizeof(v));
	return be64_to_cpu(v);
}

/* Remember the active pair of FC port and node names. */
void storvsc_set_wwn(struct storvsc_dev *sd, const struct hv_fc_wwn_packet *wwn)
{
	bool primary = wwn->primary_active;

	WRITE_ONCE(sd->port_name, storvsc_wwn(primary ? wwn->primary_port_wwn :
					      wwn->secondary_port_wwn));
	WRITE_ONCE(sd->node_name, storvsc_wwn(primary ? wwn->primary_node_wwn :
					      wwn->secondary_node_wwn));
}

/* BEGIN_INITIALIZATION .. END_INITIALIZATION on the open primary */
static int storvsc_handshake(struct storvsc_dev *sd)
{
	const u32 hdr = VSTOR_PACKET_HEADER_SIZE;
	struct vstor_packet pkt;
	unsigned int i;
	int ret;

	memset(&pkt, 0, sizeof(pkt));
	pkt.operation = VSTOR_OPERATION_BEGIN_INITIALIZATION;
	ret = storvsc_ctl_ok(sd, &pkt, hdr);
	if (ret)
		return ret;

	for (i = 0; i < ARRAY_SIZE(storvsc_versions); i++) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.operation = VSTOR_OPERATION_QUERY_PROTOCOL_VERSION;
		pkt.version.major_minor = storvsc_versions[i];
		ret = storvsc_ctl_exec(sd, &pkt, hdr);
		if (ret)
			return ret;
		if (!pkt.status)
			break;
	}
	if (i == ARRAY_SIZE(storvsc_versions)) {
		dev_err(&sd->hdev->device,
			"host refused VMSTOR 6.2, 6.0 and 5.1 (Windows Server 2012 or later needed)\n");
		return -EPROTONOSUPPORT;
	}
	sd->proto = storvsc_versions[i];
	sd->sense_len = vstor_sense_buffer_size(sd->proto);

	memset(&pkt, 0, sizeof(pkt));
	pkt.operation = VSTOR_OPERATION_QUERY_PROPERTIES;
	ret = storvsc_ctl_ok(sd, &pkt,
			     hdr + sizeof(struct vmstorage_channel_properties));
	if (ret)
		return ret;
	sd->host_max_subch = pkt.storage_channel_properties.max_channel_cnt;
	sd->multi_channel = pkt.storage_channel_properties.flags &
			    STORAGE_CHANNEL_SUPPORTS_MULTI_CHANNEL;
	sd->max_xfer = pkt.storage_channel_properties.max_transfer_bytes;

	if (sd->cls == STORVSC_FC) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.operation = VSTOR_OPERATION_FCHBA_DATA;
		ret = storvsc_ctl_ok(sd, &pkt,
				     hdr + sizeof(struct hv_fc_wwn_packet));
		if (ret)
			return ret;
		storvsc_set_wwn(sd, &pkt.wwn_packet);
	}

	memset(&pkt, 0, sizeof(pkt));
	pkt.operation = VSTOR_OPERATION_END_INITIALIZATION;
	return storvsc_ctl_ok(sd, &pkt, hdr);
}

static int storvsc_open(struct storvsc_dev *sd, u16 idx,
			struct vmbus_channel *chan)
{
	/* OPENCHANNEL user data: channel properties, zeroed as Linux sends */
	struct vmstorage_channel_properties props = { };
	struct storvsc_chan *c = &sd->chans[idx];

	c->sd = sd;
	c->idx = idx;
	c->chan = chan;
	return vmbus_open(chan, sd->ring_size, sd->ring_size, &props,
			  sizeof(props), storvsc_on_channel, c);
}

static struct storvsc_dev *storvsc_of_channel(struct vmbus_channel *chan)
{
	struct device *dev = vmbus_chan_device(chan);

	lockdep_assert_held(&storvsc_sc_lock);
	return dev ? dev_get_drvdata(dev) : NULL;
}

/* VMBus: the host took a sub-channel back (it answers nothing more there). */
static void storvsc_sc_rescinded(struct vmbus_channel *sc)
{
	struct storvsc_dev *sd;
	unsigned int n;
	u16 i;

	mutex_lock(&storvsc_sc_lock);
	sd = storvsc_of_channel(sc);
	for (i = 1; sd && i < sd->nr_chans; i++) {
		if (sd->chans[i].chan != sc)
			continue;
		WRITE_ONCE(sd->chans[i].usable, false);
		/* its commands go out again, on another channel */
		n = READ_ONCE(sd->host_added) ?
			storvsc_fail_inflight(sd, i, DID_REQUEUE) : 0;
		storvsc_log(sd, STORVSC_LOG_WARN,
			    "sub-channel %u rescinded, %u commands requeued\n",
			    i, n);
	}
	mutex_unlock(&storvsc_sc_lock);
}

/* VMBus: the host offers a sub-channel we asked for; open it. */
static void storvsc_sc_created(struct vmbus_channel *sc)
{
	u16 idx = sc->offermsg.offer.sub_channel_index;
	struct storvsc_dev *sd;
	int ret;

	mutex_lock(&storvsc_sc_lock);
	sd = storvsc_of_channel(sc);
	if (!sd)
		goto out;
	if (!idx || idx >= sd->nr_chans || sd->chans[idx].chan) {
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "ignoring sub-channel %u with index %u: not asked for\n",
			    sc->offermsg.child_relid, idx);
		goto out;
	}
	sc->chn_rescind_callback = storvsc_sc_rescinded;
	ret = storvsc_open(sd, idx, sc);
	if (ret) {
		sd->chans[idx].chan = NULL;
		storvsc_log(sd, STORVSC_LOG_ERR,
			    "cannot open sub-channel %u: %d\n", idx, ret);
		goto out;
	}
	/* release: the channel's fields are set before I/O may pick it */
	smp_store_release(&sd->chans[idx].usable, true);
out:
	mutex_unlock(&storvsc_sc_lock);
}

/*
 * Ask for @want sub-channels.  The host answers, then offers them one by
 * one; storvsc_sc_created() opens each as it comes, while I/O already runs
 * on the channels that are open.
 */
static void storvsc_request_subchannels(struct storvsc_dev *sd,
					unsigned int want)
{
	struct vstor_packet pkt;
	int ret;

	want = min3(want, (unsigned int)sd->host_max_subch,
		    (unsigned int)STORVSC_MAX_CHANNELS - 1);
	if (!sd->multi_channel || !want)
		return;

	mutex_lock(&storvsc_sc_lock);
	sd->nr_chans = 1 + want;
	mutex_unlock(&storvsc_sc_lock);
	vmbus_set_sc_create_callback(storvsc_primary(sd), storvsc_sc_created);

	memset(&pkt, 0, sizeof(pkt));
	pkt.operation = VSTOR_OPERATION_CREATE_SUB_CHANNELS;
	pkt.sub_channel_count = want;
	ret = storvsc_ctl_ok(sd, &pkt, VSTOR_PACKET_HEADER_SIZE);
	if (ret) {
		/* carry on with the primary alone */
		mutex_lock(&storvsc_sc_lock);
		sd->nr_chans = 1;
		mutex_unlock(&storvsc_sc_lock);
		dev_warn(&sd->hdev->device,
			 "no sub-channels (%d); using one channel\n", ret);
	}
}

/*
 * Open the primary channel and initialize the protocol; then ask for up to
 * @want_subch sub-channels.  On failure the channel is closed again.
 */
int storvsc_connect(struct storvsc_dev *sd, unsigned int want_subch)
{
	int ret;

	mutex_lock(&storvsc_sc_lock);
	dev_set_drvdata(&sd->hdev->device, sd);
	sd->nr_chans = 1;
	mutex_unlock(&storvsc_sc_lock);

	ret = storvsc_open(sd, 0, storvsc_primary(sd));
	if (ret) {
		dev_err(&sd->hdev->device, "cannot open the channel: %d\n", ret);
		storvsc_stop_subchannels(sd);
		return ret;
	}
	/* release: the channel's fields are set before I/O may pick it */
	smp_store_release(&sd->chans[0].usable, true);

	ret = storvsc_handshake(sd);
	if (ret) {
		storvsc_stop_subchannels(sd);
		storvsc_disconnect(sd);
		return ret;
	}
	if (sd->cls != STORVSC_IDE)
		storvsc_request_subchannels(sd, want_subch);
	return 0;
}

/* No further sub-channel is opened or looked after for this device. */
void storvsc_stop_subchannels(struct storvsc_dev *sd)
{
	mutex_lock(&storvsc_sc_lock);
	vmbus_set_sc_create_callback(storvsc_primary(sd), NULL);
	dev_set_drvdata(&sd->hdev->device, NULL);
	mutex_unlock(&storvsc_sc_lock);
}

/* Close the primary, and with it every sub-channel we opened. */
void storvsc_disconnect(struct storvsc_dev *sd)
{
	u16 i;

	for (i = 0; i < sd->nr_chans; i++)
		WRITE_ONCE(sd->chans[i].usable, false);
	vmbus_close(storvsc_primary(sd));
}
