// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_network_direct: the module, the ND channel's handshake and the
 * binding to the RDMA NIC.
 *
 * The order is Microsoft's guest's (LIS provider.c, hvnd_probe()): open
 * the channel, INIT (protocol 1.0, the only one), INIT_RESOURCES (an MMIO
 * window of the offer's size, naturally aligned, where the host puts the
 * adapter's UAR pages), then BIND each IPv4 address of each Ethernet
 * interface with its MAC until the host accepts one: that NIC is the
 * RDMA one.  Only then is the ib_device registered, tied to that netdev.
 * An address added later (inetaddr notifier) is tried the same way; when
 * the netdev goes away, the ib_device lets go of it.
 *
 * The address WALinuxAgent writes to /dev/hvnd_rdma (addr.c) is tried
 * first; the driver finds the NIC without it, as Microsoft's has since
 * 2016.
 */
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include <hvlis/guids.h>

#include "nd.h"

u64 nd_adapter_id(struct nd_dev *nd)
{
	return (u64)nd->hdev->channel->offermsg.child_relid << 32 | 1;
}

static int nd_handshake(struct nd_dev *nd)
{
	struct hv_device *hdev = nd->hdev;
	struct ndv_packet_init init = {
		.packet_type = NDV_PACKET_TYPE_INIT,
		.protocol_version = NDV_PROTOCOL_VERSION_1,
	};
	struct ndv_pkt_init_resources res = {
		.hdr = {
			.packet_type = NDV_PKT_ID1_INIT_RESOURCES,
			.hdr_sz = sizeof(struct ndv_packet_hdr),
		},
	};
	resource_size_t size;
	u32 got = 0;
	int ret;

	ret = nd_request(nd, &init, sizeof(init), &init, sizeof(init), &got);
	if (ret)
		return ret;
	if (got < sizeof(init) || init.packet_type != NDV_PACKET_TYPE_INIT ||
	    init.protocol_version != NDV_PROTOCOL_VERSION_1) {
		dev_err(&hdev->device, "the host offers no ND protocol we speak (0x%x)\n",
			got >= sizeof(init) ? init.protocol_version : 0);
		return -EPROTO;
	}
	nd->version = init.protocol_version;

	size = (resource_size_t)hdev->channel->offermsg.offer.mmio_megabytes << 20;
	if (!size) {
		dev_err(&hdev->device, "the host offers no MMIO space for UAR pages\n");
		return -ENODEV;
	}
	ret = vmbus_allocate_mmio(&nd->mmio, hdev, 0, -1, size, size, false);
	if (ret) {
		dev_err(&hdev->device, "no %llu MiB of MMIO space (%d)\n",
			(unsigned long long)size >> 20, ret);
		return ret;
	}
	res.io_space_sz_mb = hdev->channel->offermsg.offer.mmio_megabytes;
	res.io_space_start = nd->mmio->start;
	ret = nd_request(nd, &res, sizeof(res), &res, sizeof(res), &got);
	if (!ret && (got < sizeof(res.hdr) || res.hdr.status)) {
		dev_err(&hdev->device, "the host refused the MMIO window (0x%x)\n",
			got >= sizeof(res.hdr) ? res.hdr.status : 0);
		ret = -EIO;
	}
	return ret;
}

/* BIND (or unbind) @ip and @mac: 0 when the host says this is the NIC */
static int nd_send_bind(struct nd_dev *nd, __be32 ip, const u8 *mac,
			bool unbind)
{
	struct ndv_pkt_bind m = {
		.hdr = {
			.packet_type = NDV_PACKET_TYPE(NDV_PKT_ID1_BIND,
				NDV_PACKET_OPTION_REQUIRES_PASSIVE),
			.hdr_sz = sizeof(m),
		},
		.unbind = unbind,
		.ip_address = { .family = ND_AF_INET, .addr = ip },
		.phys_addr = { .length = ETH_ALEN },
		/* what ADAPTER_OPEN names the adapter by, unique per guest */
		.guest_id = nd_adapter_id(nd),
	};
	u32 got = 0;
	int ret;

	memcpy(m.phys_addr.addr, mac, ETH_ALEN);
	ret = nd_request(nd, &m, sizeof(m), &m, sizeof(m), &got);
	if (ret)
		return ret;
	if (got < sizeof(m.hdr))
		return -EIO;
	return m.hdr.status ? -ENXIO : 0;
}

struct nd_candidate {
	int ifindex;
	__be32 ip;
	u8 mac[ETH_ALEN];
};

#define ND_MAX_CANDIDATES	16

/*
 * The agent's address first (its NIC the netdev with that MAC), then each
 * Ethernet interface's primary IPv4 addresses, up to @max
 */
static int nd_candidates(struct nd_candidate *c, int max)
{
	bool agent = !nd_addr_agent(&c[0].ip, c[0].mac);
	struct net_device *dev;
	int n = 0;

	rcu_read_lock();
	if (agent) {
		dev = dev_getbyhwaddr_rcu(&init_net, ARPHRD_ETHER, c[0].mac);
		if (dev) {
			c[0].ifindex = dev->ifindex;
			n++;
		}
	}
	for_each_netdev_rcu(&init_net, dev) {
		struct in_device *in = __in_dev_get_rcu(dev);
		const struct in_ifaddr *ifa;

		if (!in || dev->type != ARPHRD_ETHER ||
		    dev->addr_len != ETH_ALEN || (dev->flags & IFF_LOOPBACK))
			continue;
		in_dev_for_each_ifa_rcu(ifa, in) {
			if (ifa->ifa_flags & IFA_F_SECONDARY || n == max)
				continue;
			c[n].ifindex = dev->ifindex;
			c[n].ip = ifa->ifa_address;
			memcpy(c[n].mac, dev->dev_addr, ETH_ALEN);
			n++;
		}
	}
	rcu_read_unlock();
	return n;
}

/* try the addresses until the host accepts one, then register */
static void nd_bind_work(struct work_struct *work)
{
	struct nd_dev *nd = container_of(work, struct nd_dev, bind_work);
	struct nd_candidate *c;
	struct net_device *ndev;
	int n, i, ret;

	c = kcalloc(ND_MAX_CANDIDATES, sizeof(*c), GFP_KERNEL);
	if (!c)
		return;
	mutex_lock(&nd->bind_lock);
	if (nd->bound)
		goto out;
	n = nd_candidates(c, ND_MAX_CANDIDATES);
	for (i = 0; i < n; i++) {
		ret = nd_send_bind(nd, c[i].ip, c[i].mac, false);
		if (ret == -ENXIO)
			continue;	/* not the RDMA NIC */
		if (ret)
			goto out;
		break;
	}
	if (i == n)
		goto out;
	ndev = dev_get_by_index(&init_net, c[i].ifindex);
	if (!ndev) {
		nd_send_bind(nd, c[i].ip, c[i].mac, true);
		goto out;
	}
	nd->bound = true;
	nd->ifindex = c[i].ifindex;
	nd->ip = c[i].ip;
	memcpy(nd->mac, c[i].mac, ETH_ALEN);
	ret = nd_register(nd, ndev);
	if (ret) {
		dev_put(ndev);
		dev_err(&nd->hdev->device, "ib_device not registered (%d)\n", ret);
		nd_send_bind(nd, nd->ip, nd->mac, true);
		nd->bound = false;
		goto out;
	}
	nd->registered = true;
	dev_info(&nd->hdev->device, "%s bound to %s, %pI4\n",
		 dev_name(&nd->ibdev.dev), netdev_name(ndev), &nd->ip);
	dev_put(ndev);
out:
	mutex_unlock(&nd->bind_lock);
	kfree(c);
}

static int nd_inetaddr_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct nd_dev *nd = container_of(nb, struct nd_dev, inet_nb);

	if (event == NETDEV_UP && !READ_ONCE(nd->bound))
		schedule_work(&nd->bind_work);
	return NOTIFY_DONE;
}

/* the RDMA NIC goes: the ib_device must let go of it (device.c says so) */
static int nd_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct nd_dev *nd = container_of(nb, struct nd_dev, netdev_nb);
	struct net_device *ndev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER && READ_ONCE(nd->registered) &&
	    ndev->ifindex == READ_ONCE(nd->ifindex) &&
	    dev_net(ndev) == &init_net)
		ib_device_set_netdev(&nd->ibdev, NULL, 1);
	return NOTIFY_DONE;
}

static int nd_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct nd_dev *nd;
	int ret;

	nd = ib_alloc_device(nd_dev, ibdev);
	if (!nd)
		return -ENOMEM;
	nd->hdev = hdev;
	spin_lock_init(&nd->lock);
	INIT_LIST_HEAD(&nd->pending);
	mutex_init(&nd->bind_lock);
	INIT_WORK(&nd->bind_work, nd_bind_work);
	atomic_set(&nd->next_file, 0);
	xa_init_flags(&nd->qps, XA_FLAGS_LOCK_IRQ);
	mutex_init(&nd->uc_lock);
	INIT_LIST_HEAD(&nd->procs);
	xa_init_flags(&nd->irps, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_IRQ);
	INIT_LIST_HEAD(&nd->completes);
	INIT_WORK(&nd->complete_work, nd_complete_work);
	nd->wq = alloc_ordered_workqueue("hv_nd", 0);
	if (!nd->wq) {
		ret = -ENOMEM;
		goto err_free;
	}
	dev_set_drvdata(&hdev->device, nd);

	ret = vmbus_open(hdev->channel, ND_RING_SIZE, ND_RING_SIZE, NULL, 0,
			 nd_on_channel, nd);
	if (ret)
		goto err_free;
	ret = nd_handshake(nd);
	if (ret)
		goto err_close;
	nd->inet_nb.notifier_call = nd_inetaddr_event;
	nd->netdev_nb.notifier_call = nd_netdev_event;
	ret = register_netdevice_notifier(&nd->netdev_nb);
	if (ret)
		goto err_close;
	ret = register_inetaddr_notifier(&nd->inet_nb);
	if (ret)
		goto err_netdev;
	nd_addr_add(nd);
	schedule_work(&nd->bind_work);
	return 0;

err_netdev:
	unregister_netdevice_notifier(&nd->netdev_nb);
err_close:
	nd_transport_stop(nd);
	vmbus_close(hdev->channel);
	nd_transport_drain(nd);
	if (nd->mmio)
		vmbus_free_mmio(nd->mmio->start, resource_size(nd->mmio));
err_free:
	if (nd->wq)
		destroy_workqueue(nd->wq);
	ib_dealloc_device(&nd->ibdev);
	return ret;
}

static void nd_remove(struct hv_device *hdev)
{
	struct nd_dev *nd = dev_get_drvdata(&hdev->device);

	unregister_inetaddr_notifier(&nd->inet_nb);
	nd_addr_del(nd);
	cancel_work_sync(&nd->bind_work);
	mutex_lock(&nd->bind_lock);
	if (nd->registered) {
		/* user contexts are torn down here, their files closed */
		nd_unregister(nd);
		nd->registered = false;
	}
	if (nd->bound)
		nd_send_bind(nd, nd->ip, nd->mac, true);
	nd->bound = false;
	mutex_unlock(&nd->bind_lock);
	unregister_netdevice_notifier(&nd->netdev_nb);
	nd_transport_stop(nd);
	vmbus_close(hdev->channel);
	nd_transport_drain(nd);
	vmbus_free_mmio(nd->mmio->start, resource_size(nd->mmio));
	destroy_workqueue(nd->wq);
	ib_dealloc_device(&nd->ibdev);
}

static const struct hv_vmbus_device_id nd_id_table[] = {
	{ .guid = HV_ND_GUID },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, nd_id_table);

static struct hv_driver nd_drv = {
	.name = "hv_network_direct",
	.id_table = nd_id_table,
	.probe = nd_probe,
	.remove = nd_remove,
};

static int __init nd_init(void)
{
	int ret = nd_addr_init();

	if (ret)
		return ret;
	ret = vmbus_driver_register(&nd_drv);
	if (ret)
		nd_addr_exit();
	return ret;
}

static void __exit nd_exit(void)
{
	vmbus_driver_unregister(&nd_drv);
	nd_addr_exit();
}

module_init(nd_init);
module_exit(nd_exit);
MODULE_DESCRIPTION("Hyper-V NetworkDirect guest RDMA (mlx4 personality)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
