// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/hvnd_rdma: how WALinuxAgent names the RDMA NIC.  The agent writes
 * one line, exactly
 *	rdmaMacAddress="00:15:5D:33:FF:1D" rdmaIPv4Address="172.16.1.5"
 * (azurelinuxagent/pa/rdma/rdma.py, no newline), from the VM's shared
 * configuration, then gives that NIC the address.  Microsoft's guest
 * before 2016 waited for this line to BIND (LIS hvnd_addr.c, whose format
 * this parses); this driver finds the NIC itself (main.c), and takes the
 * line as the first address to try: the host accepts it even before the
 * interface has the address, and the NIC is the netdev with that MAC.
 * A line that does not parse is refused (-EINVAL).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "nd.h"

/* the agent's line is at most this long (LIS hvnd_addr.c) */
#define ND_ADDR_LINE_MAX	119

static DEFINE_MUTEX(nd_addr_lock);
static LIST_HEAD(nd_addr_devs);		/* struct nd_dev.addr_node */
static bool nd_addr_set;
static __be32 nd_addr_ip;
static u8 nd_addr_mac[ETH_ALEN];

/* the address the agent wrote, if any: 0 and *@ip, @mac set */
int nd_addr_agent(__be32 *ip, u8 *mac)
{
	int ret = -ENOENT;

	mutex_lock(&nd_addr_lock);
	if (nd_addr_set) {
		*ip = nd_addr_ip;
		memcpy(mac, nd_addr_mac, ETH_ALEN);
		ret = 0;
	}
	mutex_unlock(&nd_addr_lock);
	return ret;
}

void nd_addr_add(struct nd_dev *nd)
{
	mutex_lock(&nd_addr_lock);
	list_add(&nd->addr_node, &nd_addr_devs);
	mutex_unlock(&nd_addr_lock);
}

void nd_addr_del(struct nd_dev *nd)
{
	mutex_lock(&nd_addr_lock);
	list_del(&nd->addr_node);
	mutex_unlock(&nd_addr_lock);
}

static int nd_addr_parse(const char *line, __be32 *ip, u8 *mac)
{
	unsigned int m[ETH_ALEN], a[4];
	int i;

	if (sscanf(line,
		   "rdmaMacAddress=\"%x:%x:%x:%x:%x:%x\" rdmaIPv4Address=\"%u.%u.%u.%u\"",
		   &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &a[0], &a[1], &a[2], &a[3]) != 10)
		return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++) {
		if (m[i] > 0xff)
			return -EINVAL;
		mac[i] = m[i];
	}
	for (i = 0; i < 4; i++)
		if (a[i] > 0xff)
			return -EINVAL;
	*ip = htonl(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
	if (!is_valid_ether_addr(mac) || !*ip)
		return -EINVAL;
	return 0;
}

static ssize_t nd_addr_write(struct file *f, const char __user *buf,
			     size_t count, loff_t *pos)
{
	struct nd_dev *nd;
	u8 mac[ETH_ALEN];
	__be32 ip;
	char *line;
	int ret;

	if (count > ND_ADDR_LINE_MAX)
		return -EINVAL;
	line = memdup_user_nul(buf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	ret = nd_addr_parse(line, &ip, mac);
	kfree(line);
	if (ret)
		return ret;
	mutex_lock(&nd_addr_lock);
	nd_addr_set = true;
	nd_addr_ip = ip;
	memcpy(nd_addr_mac, mac, ETH_ALEN);
	/* a device not bound yet tries it now */
	list_for_each_entry(nd, &nd_addr_devs, addr_node)
		schedule_work(&nd->bind_work);
	mutex_unlock(&nd_addr_lock);
	pr_info("hv_network_direct: the agent names %pM, %pI4 as the RDMA NIC\n",
		mac, &ip);
	return count;
}

static const struct file_operations nd_addr_fops = {
	.owner = THIS_MODULE,
	.write = nd_addr_write,
	.llseek = noop_llseek,
};

static struct miscdevice nd_addr_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvnd_rdma",
	.fops = &nd_addr_fops,
	.mode = 0600,
};

int nd_addr_init(void)
{
	return misc_register(&nd_addr_misc);
}

void nd_addr_exit(void)
{
	misc_deregister(&nd_addr_misc);
}
