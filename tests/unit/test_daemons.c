// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space unit tests of the daemons' parts that need no device: the
 * KVP pool file format and its sharing with another writer, the KVP
 * request handler (as the kernel hands requests over), SET_IP_INFO's
 * checks and files, os-release parsing, the file-copy name checks and
 * message sequence, and the VSS mountinfo filter.  Everything happens in
 * a temporary directory; no helper program runs.  Prints TAP.
 *
 * The daemon sources are compiled in (tests/unit/run.sh builds each test
 * from one file).
 */
#define _GNU_SOURCE
#include "../../src/daemons/common.c"
#include "../../src/daemons/helper.c"
#include "../../src/daemons/kvp_pool.c"
#include "../../src/daemons/kvp_osinfo.c"
#include "../../src/daemons/kvp_ip.c"
#include "../../src/daemons/kvp_msg.c"
#include "../../src/daemons/fcopy.c"
#include "../../src/daemons/vss_msg.c"
#include "../../src/daemons/vss_freeze.c"

#include <ftw.h>

#include "tap.h"

static char tmp[64];
static struct kvp_ctx ctx;
static struct hv_kvp_msg msg;

static void put(const char *path, const void *data, size_t len, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		perror(path);
	close(fd);
}

static void rec(struct kvp_record *r, const char *k, const char *v)
{
	memset(r, 0, sizeof(*r));
	str_copy(r->key, sizeof(r->key), k);
	str_copy(r->value, sizeof(r->value), v);
}

/* a request as the kernel hands it over: sizes count the NUL */
static unsigned int kvp(int op, int pool, const char *key, const char *value)
{
	struct hv_kvp_exchg_msg_value *d = &msg.body.kvp_set.data;

	memset(&msg, 0, sizeof(msg));
	msg.kvp_hdr.operation = op;
	msg.kvp_hdr.pool = pool;
	if (op == KVP_OP_DELETE) {
		str_copy((char *)msg.body.kvp_delete.key, sizeof(msg.body.kvp_delete.key), key);
		msg.body.kvp_delete.key_size = strlen(key) + 1;
	} else if (op == KVP_OP_GET || op == KVP_OP_SET) {
		str_copy((char *)d->key, sizeof(d->key), key);
		d->key_size = strlen(key) + 1;
		d->value_type = REG_SZ;
		d->value_size = op == KVP_OP_GET ? HV_KVP_EXCHANGE_MAX_VALUE_SIZE :
			strlen(value) + 1;
		if (value)
			str_copy((char *)d->value, sizeof(d->value), value);
	}
	return kvp_handle(&ctx, &msg);
}

static unsigned int kvp_enum(int pool, __u32 index)
{
	memset(&msg, 0, sizeof(msg));
	msg.kvp_hdr.operation = KVP_OP_ENUMERATE;
	msg.kvp_hdr.pool = pool;
	msg.body.kvp_enum_data.index = index;
	return kvp_handle(&ctx, &msg);
}

static bool test_pool_format(void)
{
	struct kvp_record r[2];
	struct kvp_pool p = { 0 };
	char k[512], v[2048];
	char buf[2 * KVP_RECORD_SIZE + 7];

	rec(&r[0], "One", "1");
	rec(&r[1], "Two", "two");
	memcpy(buf, r, sizeof(r));
	memset(buf + sizeof(r), 'x', 7);	/* a partial record: ignored */
	CHECK(!kvp_pool_parse(&p, buf, sizeof(buf)));
	CHECK_EQ(p.n, 2);
	CHECK_EQ(kvp_pool_find(&p, "Two"), 1);
	CHECK_EQ(kvp_pool_find(&p, "Tw"), -1);
	CHECK(!kvp_pool_set(&p, "One", "uno"));
	CHECK(!kvp_pool_set(&p, "Three", "3"));
	CHECK_EQ(p.n, 3);
	kvp_pool_get(&p, 0, k, v);
	CHECK(!strcmp(k, "One") && !strcmp(v, "uno"));
	/* NUL-padded: nothing of "1" or the old bytes after "uno" */
	CHECK(!memchr(p.rec[0].value + 4, '1', sizeof(p.rec[0].value) - 4));
	CHECK(kvp_pool_delete(&p, "One"));
	CHECK(!kvp_pool_delete(&p, "One"));
	kvp_pool_get(&p, 0, k, v);
	CHECK(!strcmp(k, "Two"));
	/* a record without NULs comes out terminated */
	memset(&p.rec[1], 'z', sizeof(p.rec[1]));
	kvp_pool_get(&p, 1, k, v);
	CHECK_EQ(strlen(k), 511);
	CHECK_EQ(strlen(v), 2047);
	kvp_pool_free(&p);
	return true;
}

static bool test_pool_file_shared(void)
{
	struct kvp_record r;
	struct stat st;
	char path[256];

	snprintf(path, sizeof(path), "%s/pools/.kvp_pool_1", tmp);
	CHECK_EQ(kvp(KVP_OP_SET, 1, "Mine", "from the host"), HV_S_OK);
	CHECK(!stat(path, &st));
	CHECK_EQ(st.st_size, KVP_RECORD_SIZE);
	CHECK_EQ(st.st_mode & 0777, 0644);
	/* another writer appends, as cloud-init does */
	rec(&r, "CloudInit", "provisioning");
	put(path, &r, sizeof(r), O_APPEND);
	CHECK_EQ(kvp(KVP_OP_GET, 1, "CloudInit", NULL), HV_S_OK);
	CHECK(!strcmp((char *)msg.body.kvp_get.data.value, "provisioning"));
	CHECK_EQ(msg.body.kvp_get.data.value_size, 13);
	CHECK_EQ(kvp_enum(1, 1), HV_S_OK);
	CHECK(!strcmp((char *)msg.body.kvp_enum_data.data.key, "CloudInit"));
	CHECK_EQ(kvp_enum(1, 2), HV_S_CONT);
	/* our delete keeps their record */
	CHECK_EQ(kvp(KVP_OP_DELETE, 1, "Mine", NULL), HV_S_OK);
	CHECK_EQ(kvp(KVP_OP_DELETE, 1, "Mine", NULL), HV_S_CONT);
	CHECK_EQ(kvp(KVP_OP_GET, 1, "Mine", NULL), HV_S_CONT);
	CHECK(!stat(path, &st));
	CHECK_EQ(st.st_size, KVP_RECORD_SIZE);
	CHECK_EQ(kvp(KVP_OP_GET, 1, "CloudInit", NULL), HV_S_OK);
	return true;
}

static bool test_kvp_bad_requests(void)
{
	CHECK_EQ(kvp(KVP_OP_SET, 5, "K", "v"), HV_E_FAIL);
	CHECK_EQ(kvp(KVP_OP_COUNT, 0, "K", "v"), HV_E_FAIL);
	CHECK_EQ(kvp(KVP_OP_SET, 0, "", "v"), HV_E_FAIL);
	/* (the answer's status overwrote the header: set it again) */
	kvp(KVP_OP_GET, 0, "K", NULL);
	msg.kvp_hdr.operation = KVP_OP_GET;
	msg.kvp_hdr.pool = 0;
	memset(&msg.body.kvp_get.data.key, 'k', HV_KVP_EXCHANGE_MAX_KEY_SIZE);
	CHECK_EQ((unsigned int)kvp_handle(&ctx, &msg), HV_E_FAIL);	/* no NUL */
	kvp(KVP_OP_SET, 0, "K", "v");
	msg.kvp_hdr.operation = KVP_OP_SET;
	msg.kvp_hdr.pool = 0;
	msg.body.kvp_set.data.key_size = 4096;
	CHECK_EQ((unsigned int)kvp_handle(&ctx, &msg), HV_E_FAIL);
	return true;
}

static bool test_guest_info(void)
{
	static const char *const names[] = {
		"FullyQualifiedDomainName", "IntegrationServicesVersion",
		"NetworkAddressIPv4", "NetworkAddressIPv6", "OSBuildNumber",
		"OSName", "OSMajorVersion", "OSMinorVersion", "OSVersion",
		"ProcessorArchitecture"
	};
	struct utsname u;
	unsigned int i;

	uname(&u);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK_EQ(kvp_enum(KVP_POOL_AUTO, i), HV_S_OK);
		CHECK(!strcmp((char *)msg.body.kvp_enum_data.data.key, names[i]));
	}
	CHECK_EQ(kvp_enum(KVP_POOL_AUTO, 10), HV_S_CONT);
	CHECK_EQ(kvp_enum(KVP_POOL_AUTO, 0xffffffff), HV_S_CONT);
	kvp_enum(KVP_POOL_AUTO, KVP_OS_BUILD);
	CHECK(!strcmp((char *)msg.body.kvp_enum_data.data.value, u.release));
	kvp_enum(KVP_POOL_AUTO, KVP_IC_VERSION);
	CHECK(!strcmp((char *)msg.body.kvp_enum_data.data.value, "3.1"));
	kvp_enum(KVP_POOL_AUTO, KVP_FQDN);
	CHECK(!strcmp((char *)msg.body.kvp_enum_data.data.value, "guest.test"));
	return true;
}

static bool test_os_release(void)
{
	static const char text[] =
		"# NAME=Comment\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n"
		"NAME=\"Debian GNU/Linux\"\nVERSION_ID='12'\nNAME2=x\n"
		"ESC=a\\\"b";
	char name[64] = "none", ver[8] = "none";
	struct kvp_osinfo info = { 0 };

	osinfo_parse_os_release(text, sizeof(text) - 1, name, sizeof(name), ver,
				sizeof(ver));
	CHECK(!strcmp(name, "Debian GNU/Linux"));
	CHECK(!strcmp(ver, "12"));
	osinfo_parse_os_release("VERSION_ID=\"1.2\\\"3\\\\4\"", 22, name,
				sizeof(name), ver, sizeof(ver));
	CHECK(!strcmp(ver, "1.2\"3\\4"));
	osinfo_parse_old_release("Old Linux\n7\n3\nextra\n", 20, &info);
	CHECK(!strcmp(info.os_name, "Old Linux") && !strcmp(info.os_major, "7") &&
	      !strcmp(info.os_minor, "3"));
	return true;
}

static unsigned int set_ip(const char *adapter, const char *ip, const char *sn,
		  const char *gw, const char *dns, int dhcp)
{
	struct hv_kvp_ipaddr_value *v = &msg.body.kvp_ip_val;

	memset(&msg, 0, sizeof(msg));
	msg.kvp_hdr.operation = KVP_OP_SET_IP_INFO;
	str_copy(IPV_STR(v, adapter_id), IPV_SIZE(adapter_id), adapter);
	str_copy(IPV_STR(v, ip_addr), IPV_SIZE(ip_addr), ip);
	str_copy(IPV_STR(v, sub_net), IPV_SIZE(sub_net), sn);
	str_copy(IPV_STR(v, gate_way), IPV_SIZE(gate_way), gw);
	str_copy(IPV_STR(v, dns_addr), IPV_SIZE(dns_addr), dns);
	v->dhcp_enabled = dhcp;
	return kvp_handle(&ctx, &msg);
}

static bool read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n >= 0;
}

static bool test_set_ip_info(void)
{
	static const char *const hostile[] = {
		"10.0.0.5\nGATEWAY=1.2.3.4", "$(reboot)", "10.0.0.5;`id`",
		"10.0.0.5\"", "10.0.0.5\\", "fe80::1%eth0", "10.0.0.256",
	};
	static const char want_ifcfg[] =
		"HWADDR=00:15:5D:00:00:01\nDEVICE=eth0\nBOOTPROTO=none\n"
		"IPADDR0=10.0.0.5\n"
		"IPV6ADDR=fd00:0000:0000:0000:0000:0000:0000:0005\n"
		"IPADDR1=10.0.1.5\n"
		"NETMASK0=255.255.255.0\nIPV6NETMASK=64\nNETMASK1=255.255.0.0\n"
		"GATEWAY=10.0.0.1\n"
		"IPV6_DEFAULTGW=fd00:0000:0000:0000:0000:0000:0000:0001\n"
		"DNS1=8.8.8.8\nDNS2=2001:4860:0000:0000:0000:0000:0000:8888\n";
	char path[256], buf[4096];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/cfg/ifcfg-eth0", tmp);
	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		CHECK_EQ(set_ip("{f8615163-0000-1000-2000-000000000001}", hostile[i],
				"255.255.255.0", "", "", 0), HV_INVALIDARG);
		CHECK_EQ(set_ip("{f8615163-0000-1000-2000-000000000001}", "10.0.0.5",
				"255.255.255.0", hostile[i], "", 0), HV_INVALIDARG);
		CHECK_EQ(set_ip("{f8615163-0000-1000-2000-000000000001}", "10.0.0.5",
				"255.255.255.0", "", hostile[i], 0), HV_INVALIDARG);
	}
	/* a non-contiguous mask, a v4 address with a v6 subnet, one missing */
	CHECK_EQ(set_ip("00:15:5D:00:00:01", "10.0.0.5", "255.0.255.0", "", "", 0),
		 HV_INVALIDARG);
	CHECK_EQ(set_ip("00:15:5D:00:00:01", "10.0.0.5", "64", "", "", 0), HV_INVALIDARG);
	CHECK_EQ(set_ip("00:15:5D:00:00:01", "10.0.0.5;10.0.0.6", "24", "", "", 0),
		 HV_INVALIDARG);
	CHECK(access(path, F_OK));	/* nothing written */
	CHECK_EQ(set_ip("{f8615163-0000-1000-2000-00000000ffff}", "10.0.0.5", "24",
			"", "", 0), HV_GUID_NOTFOUND);
	CHECK_EQ(set_ip("{F8615163-0000-1000-2000-000000000001}",
			"10.0.0.5; fd00::5;10.0.1.5", "255.255.255.0;64;16",
			"10.0.0.1;fd00::1", "8.8.8.8;2001:4860::8888", 0), HV_S_OK);
	CHECK(read_file(path, buf, sizeof(buf)));
	if (strcmp(buf, want_ifcfg))
		printf("#   got:\n%s", buf);
	CHECK(!strcmp(buf, want_ifcfg));
	snprintf(path, sizeof(path), "%s/cfg/eth0.nmconnection", tmp);
	CHECK(read_file(path, buf, sizeof(buf)));
	CHECK(strstr(buf, "[ipv4]\naddress1=10.0.0.5/24\naddress2=10.0.1.5/16\n"
		      "method=manual\ngateway=10.0.0.1\ndns=8.8.8.8;\n"));
	CHECK(strstr(buf, "[ipv6]\naddress1=fd00::5/64\nmethod=manual\n"));
	CHECK_EQ(set_ip("00-15-5d-00-00-01", "", "", "", "", 1), HV_S_OK);
	snprintf(path, sizeof(path), "%s/cfg/ifcfg-eth0", tmp);
	CHECK(read_file(path, buf, sizeof(buf)));
	CHECK(strstr(buf, "BOOTPROTO=dhcp\n"));
	return true;
}

static bool test_get_ip_info(void)
{
	struct hv_kvp_ipaddr_value *v = &msg.body.kvp_ip_val;

	memset(&msg, 0, sizeof(msg));
	msg.kvp_hdr.operation = KVP_OP_GET_IP_INFO;
	str_copy(IPV_STR(v, adapter_id), IPV_SIZE(adapter_id), "00:15:5D:00:00:99");
	CHECK_EQ((unsigned int)kvp_handle(&ctx, &msg), HV_E_FAIL);
	memset(&msg, 0, sizeof(msg));
	msg.kvp_hdr.operation = KVP_OP_GET_IP_INFO;
	str_copy(IPV_STR(v, adapter_id), IPV_SIZE(adapter_id), "00:15:5D:00:00:01");
	/* the fake eth0 is not a real interface: no addresses, success */
	CHECK_EQ((unsigned int)kvp_handle(&ctx, &msg), HV_S_OK);
	CHECK(!strcmp(IPV_STR(v, adapter_id), "00:15:5D:00:00:01"));
	return true;
}

static bool test_names(void)
{
	unsigned char mac[6];
	char g[37];

	CHECK(mac_parse("00:15:5d:0A:ff:01", mac) && mac[3] == 0x0a && mac[4] == 0xff);
	CHECK(mac_parse("00-15-5D-0A-FF-01", mac));
	CHECK(!mac_parse("00:15-5D:0A:FF:01", mac));
	CHECK(!mac_parse("00:15:5D:0A:FF", mac));
	CHECK(!mac_parse("00:15:5D:0A:FF:01:02", mac));
	CHECK(guid_norm("{F8615163-DF3E-46C5-913F-F2D2F965ED0E}", g) &&
	      !strcmp(g, "f8615163-df3e-46c5-913f-f2d2f965ed0e"));
	CHECK(!guid_norm("{F8615163-DF3E-46C5-913F-F2D2F965ED0E", g));
	CHECK(ifname_ok("eth0") && ifname_ok("enP1s2.100") && ifname_ok("br-lan"));
	CHECK(!ifname_ok("") && !ifname_ok("-x") && !ifname_ok("a b") &&
	      !ifname_ok("a$b") && !ifname_ok("a/b") && !ifname_ok("sixteen-chars-xx"));
	return true;
}

static bool test_fcopy_names(void)
{
	CHECK(fcopy_name_ok("file.txt") && fcopy_name_ok("..."));
	CHECK(!fcopy_name_ok("") && !fcopy_name_ok(".") && !fcopy_name_ok("..") &&
	      !fcopy_name_ok("a/b") && !fcopy_name_ok("a\nb"));
	CHECK(fcopy_path_ok("/") && fcopy_path_ok("/tmp/") && fcopy_path_ok("/a//b/.") &&
	      fcopy_path_ok("/a/..b"));
	CHECK(!fcopy_path_ok("") && !fcopy_path_ok("tmp") && !fcopy_path_ok("/a/../b") &&
	      !fcopy_path_ok("/..") && !fcopy_path_ok("/a/..") && !fcopy_path_ok("/a\tb"));
	return true;
}

static union {
	struct hv_fcopy_hdr hdr;
	struct hv_start_fcopy start;
	struct hv_do_fcopy data;
} fm;

static unsigned int fc_start(struct fcopy *c, const char *path, const char *name, int flags)
{
	memset(&fm, 0, sizeof(fm));
	fm.hdr.operation = START_FILE_COPY;
	str_copy((char *)fm.start.file_name, sizeof(fm.start.file_name), name);
	str_copy((char *)fm.start.path_name, sizeof(fm.start.path_name), path);
	fm.start.copy_flags = flags;
	return fcopy_handle(c, &fm, sizeof(fm.start));
}

static unsigned int fc_write(struct fcopy *c, __u64 off, const char *data, __u32 size)
{
	memset(&fm, 0, sizeof(fm));
	fm.hdr.operation = WRITE_TO_FILE;
	fm.data.offset = off;
	fm.data.size = size;
	memcpy(fm.data.data, data, strlen(data));
	return fcopy_handle(c, &fm, sizeof(fm.data));
}

static unsigned int fc_op(struct fcopy *c, int op)
{
	memset(&fm, 0, sizeof(fm));
	fm.hdr.operation = op;
	return fcopy_handle(c, &fm, sizeof(fm.hdr));
}

static int count_temps(const char *dir)
{
	struct dirent *d;
	int n = 0;
	DIR *dp = opendir(dir);

	while (dp && (d = readdir(dp)))
		n += strstr(d->d_name, ".hv_fcopy.") != NULL;
	if (dp)
		closedir(dp);
	return n;
}

static bool test_fcopy(void)
{
	char root[256], path[512], buf[64];
	struct fcopy c;

	snprintf(root, sizeof(root), "%s/fcopy", tmp);
	mkdir(root, 0755);
	fcopy_init(&c, root);
	CHECK_EQ(fc_start(&c, "/new/dir", "f.txt", 0), HV_E_FAIL);	/* no path */
	CHECK_EQ(fc_start(&c, "/new/dir", "f.txt", CREATE_PATH), HV_S_OK);
	CHECK_EQ(fc_write(&c, 0, "hello ", 6), HV_S_OK);
	CHECK_EQ(fc_write(&c, 6, "world", 5), HV_S_OK);
	CHECK_EQ(fc_write(&c, 0, "x", DATA_FRAGMENT + 1), HV_E_FAIL);
	snprintf(path, sizeof(path), "%s/new/dir/f.txt", root);
	CHECK(access(path, F_OK));	/* not there before COMPLETE */
	CHECK_EQ(fc_op(&c, COMPLETE_FCOPY), HV_S_OK);
	CHECK(read_file(path, buf, sizeof(buf)) && !strcmp(buf, "hello world"));
	CHECK_EQ(fc_start(&c, "/new/dir", "f.txt", 0), HV_ERROR_ALREADY_EXISTS);
	CHECK_EQ(fc_start(&c, "/new/dir", "f.txt", OVER_WRITE), HV_S_OK);
	CHECK_EQ(fc_write(&c, 0, "new", 3), HV_S_OK);
	CHECK_EQ(fc_op(&c, CANCEL_FCOPY), HV_S_OK);
	CHECK(read_file(path, buf, sizeof(buf)) && !strcmp(buf, "hello world"));
	snprintf(path, sizeof(path), "%s/new/dir", root);
	CHECK_EQ(count_temps(path), 0);
	CHECK_EQ(fc_start(&c, "/new/dir", "f.txt", OVER_WRITE), HV_S_OK);
	CHECK_EQ(fc_write(&c, 0, "new", 3), HV_S_OK);
	CHECK_EQ(fc_op(&c, COMPLETE_FCOPY), HV_S_OK);
	snprintf(path, sizeof(path), "%s/new/dir/f.txt", root);
	CHECK(read_file(path, buf, sizeof(buf)) && !strcmp(buf, "new"));
	/* a symlink as the name is replaced, never written through */
	snprintf(path, sizeof(path), "%s/new/dir/link", root);
	CHECK(!symlink("/etc/passwd", path));
	CHECK_EQ(fc_start(&c, "/new/dir", "link", 0), HV_ERROR_ALREADY_EXISTS);
	CHECK_EQ(fc_start(&c, "/new/dir", "link", OVER_WRITE), HV_S_OK);
	CHECK_EQ(fc_write(&c, 0, "data", 4), HV_S_OK);
	CHECK_EQ(fc_op(&c, COMPLETE_FCOPY), HV_S_OK);
	CHECK(read_file(path, buf, sizeof(buf)) && !strcmp(buf, "data"));
	CHECK_EQ(fc_start(&c, "/new/../etc", "x", CREATE_PATH), HV_E_FAIL);
	CHECK_EQ(fc_start(&c, "/new", "../x", CREATE_PATH), HV_E_FAIL);
	CHECK_EQ(fc_op(&c, COMPLETE_FCOPY), HV_E_FAIL);	/* nothing under way */
	CHECK_EQ(fc_write(&c, 0, "x", 1), HV_E_FAIL);
	CHECK_EQ(fc_op(&c, 9), HV_E_FAIL);
	CHECK_EQ((unsigned int)fcopy_handle(&c, &fm, 3), HV_E_FAIL);
	/* a START without its NUL */
	fc_start(&c, "/new", "a", 0);
	memset(fm.start.file_name, 'a', sizeof(fm.start.file_name));
	CHECK_EQ((unsigned int)fcopy_handle(&c, &fm, sizeof(fm.start)), HV_E_FAIL);
	fcopy_cancel(&c);
	return true;
}

static bool test_mountinfo(void)
{
	char l1[] = "29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n";
	char l2[] = "40 29 0:35 / /mnt/with\\040space rw,noatime - btrfs /dev/sdb1 rw";
	char l3[] = "41 29 0:36 / /proc rw - proc none rw";
	char l4[] = "42 29 8:2 / /boot ro - ext4 /dev/sda2 rw";
	char l5[] = "43 29 8:3 / /efi rw - vfat /dev/sda3 rw";
	char l6[] = "44 29 0:40 / /nfs rw - nfs4 srv:/x rw";
	char l7[] = "45 29 8:4 / /x rw - ext4 /dev/sda4 ro";
	char bad[] = "45 29 8:4 / /x rw ext4 /dev/sda4 ro";
	struct mnt_entry e;

	CHECK(mountinfo_parse(l1, &e) && mnt_freezable(&e));
	CHECK(e.major == 8 && e.minor == 1 && !strcmp(e.mount_point, "/"));
	CHECK(mountinfo_parse(l2, &e) && mnt_freezable(&e));
	CHECK(!strcmp(e.mount_point, "/mnt/with space") && e.major == 0);
	CHECK(mountinfo_parse(l3, &e) && !mnt_freezable(&e));
	CHECK(mountinfo_parse(l4, &e) && !mnt_freezable(&e));
	CHECK(mountinfo_parse(l5, &e) && !mnt_freezable(&e));
	CHECK(mountinfo_parse(l6, &e) && !mnt_freezable(&e));
	CHECK(mountinfo_parse(l7, &e) && !mnt_freezable(&e));
	CHECK(!mountinfo_parse(bad, &e));
	return true;
}

static int vss_calls;

static int fake_op(void *p)
{
	(void)p;
	vss_calls++;
	return 0;
}

static bool test_vss_msg(void)
{
	static const struct vss_backend b = { fake_op, fake_op, NULL };
	struct hv_vss_msg m = { 0 };

	m.vss_hdr.operation = VSS_OP_FREEZE;
	CHECK_EQ((unsigned int)vss_handle(&b, &m, sizeof(m)), HV_S_OK);
	CHECK_EQ(m.error, 0);
	m.vss_hdr.operation = VSS_OP_THAW;
	CHECK_EQ((unsigned int)vss_handle(&b, &m, sizeof(m)), HV_S_OK);
	m.vss_hdr.operation = VSS_OP_HOT_BACKUP;
	CHECK_EQ((unsigned int)vss_handle(&b, &m, sizeof(m)), HV_S_OK);
	CHECK_EQ(vss_calls, 2);
	m.vss_hdr.operation = VSS_OP_AUTO_RECOVER;
	CHECK_EQ((unsigned int)vss_handle(&b, &m, sizeof(m)), HV_E_FAIL);
	CHECK_EQ((unsigned int)m.error, HV_E_FAIL);
	m.vss_hdr.operation = VSS_OP_FREEZE;
	CHECK_EQ((unsigned int)vss_handle(&b, &m, 4), HV_E_FAIL);
	CHECK_EQ(vss_calls, 2);
	return true;
}

static int rm_one(const char *p, const struct stat *s, int t, struct FTW *f)
{
	(void)s;
	(void)t;
	(void)f;
	return remove(p);
}

int main(void)
{
	static const struct tap_test tests[] = {
		{ "KVP pool records: parse, set, delete, terminated strings", test_pool_format },
		{ "KVP pool file: 0644, shared with an appending writer", test_pool_file_shared },
		{ "KVP bad requests fail and change nothing", test_kvp_bad_requests },
		{ "KVP pool 2: upstream's keys by index, HV_S_CONT past the end",
		  test_guest_info },
		{ "os-release and old release files as upstream parses them", test_os_release },
		{ "SET_IP_INFO: hostile values refused, ifcfg/keyfile as upstream",
		  test_set_ip_info },
		{ "GET_IP_INFO: by MAC, unknown adapter fails", test_get_ip_info },
		{ "MAC, GUID and interface name checks", test_names },
		{ "fcopy name and path checks", test_fcopy_names },
		{ "fcopy: temp file and rename, cancel, exists, overwrite, symlink",
		  test_fcopy },
		{ "VSS mountinfo: parse and freezable filter", test_mountinfo },
		{ "VSS requests with a fake backend", test_vss_msg },
	};
	char p[512];
	int ret;

	log_quiet();
	snprintf(tmp, sizeof(tmp), "/tmp/hv_daemons_test.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	snprintf(p, sizeof(p), "%s/net", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/net/eth0", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/net/eth0/address", tmp);
	put(p, "00:15:5d:00:00:01\n", 18, O_TRUNC);
	snprintf(p, sizeof(p), "%s/net/eth0/device", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/net/eth0/device/device_id", tmp);
	put(p, "{f8615163-0000-1000-2000-000000000001}\n", 39, O_TRUNC);
	snprintf(p, sizeof(p), "%s/net", tmp);
	ctx.ip.net_dir = strdup(p);
	ctx.ip.proc_net = "/proc/net";
	snprintf(p, sizeof(p), "%s/cfg", tmp);
	ctx.ip.config_dir = strdup(p);
	osinfo_read(&ctx.info, "/etc");
	str_copy(ctx.info.fqdn, sizeof(ctx.info.fqdn), "guest.test");
	str_copy(ctx.info.ic_version, sizeof(ctx.info.ic_version), "3.1");
	snprintf(p, sizeof(p), "%s/pools", tmp);
	if (kvp_ctx_init(&ctx, p))
		return 1;
	ret = tap_run(tests, ARRAY_SIZE(tests));
	kvp_ctx_free(&ctx);
	free((char *)ctx.ip.net_dir);
	free((char *)ctx.ip.config_dir);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}
