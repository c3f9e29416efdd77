// SPDX-License-Identifier: GPL-2.0-only
/*
 * lib/parse.h and lib/opts.h: every value parser on its edges, and the
 * declarative tables (types, ranges, alignment, indexed keys, "seen"
 * flags, errors) that --device, "offer" and the class options go through.
 */
#include <stddef.h>
#include <string.h>

#include "core/hvsim.h"
#include "lib/opts.h"
#include "lib/parse.h"
#include "tap.h"

static bool numbers(void)
{
	uint64_t v;

	CHECK(parse_u64("0", &v) && v == 0);
	CHECK(parse_u64("0x10", &v) && v == 16);
	CHECK(parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(!parse_u64("18446744073709551616", &v));
	CHECK(!parse_u64("", &v));
	CHECK(!parse_u64("-1", &v));
	CHECK(!parse_u64("12x", &v));
	CHECK(!parse_u64(" 1", &v));
	CHECK(parse_size("4K", &v) && v == 4096);
	CHECK(parse_size("2M", &v) && v == 2 << 20);
	CHECK(parse_size("1G", &v) && v == 1ULL << 30);
	CHECK(!parse_size("1T", &v));
	CHECK(!parse_size("K", &v));
	/* a suffix must not wrap */
	CHECK(!parse_size("0xffffffffffffffffK", &v));
	return true;
}

static bool words(void)
{
	unsigned int maj, min;
	uint8_t mac[6], wwn[8];
	char text[37];
	bool b;
	guid_t g;

	CHECK(parse_bool("on", &b) && b);
	CHECK(parse_bool("no", &b) && !b);
	CHECK(!parse_bool("maybe", &b));
	CHECK(parse_version("6.2", 255, &maj, &min) && maj == 6 && min == 2);
	CHECK(!parse_version("6.256", 255, &maj, &min));
	CHECK(!parse_version("6", 255, &maj, &min));
	CHECK(!parse_version("6.2.1", 255, &maj, &min));
	CHECK(parse_mac("00:15:5d:01:02:03", mac) && mac[2] == 0x5d &&
	      mac[5] == 3);
	/* a multicast address cannot be a NIC's own */
	CHECK(!parse_mac("01:15:5d:01:02:03", mac));
	CHECK(!parse_mac("00:15:5d:01:02", mac));
	CHECK(parse_wwn("5001438012345678", wwn) && wwn[0] == 0x50 &&
	      wwn[7] == 0x78);
	CHECK(!parse_wwn("50014380123456", wwn));
	/* fields 1-3 little-endian in memory, the rest in text order */
	CHECK(guid_parse("{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}", &g));
	CHECK_EQ(g.b[0], 0xd9);
	CHECK_EQ(g.b[4], 0xa1);
	CHECK_EQ(g.b[8], 0xb6);
	guid_fmt(&g, text);
	CHECK(!strcmp(text, "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f"));
	CHECK(!guid_parse("ba6163d9-04a1-4d29-b605-72e2ffb1dc7", &g));
	CHECK(!guid_parse("ba6163d9+04a1-4d29-b605-72e2ffb1dc7f", &g));
	return true;
}

struct lun {
	const char *path;
	bool ro;
	uint32_t bs;
};

struct conf {
	struct lun lun[4];
	uint8_t mac[6];
	uint16_t version;
	uint32_t maxxfer;
	uint32_t channels;
	bool mtu_seen;
	uint32_t mtu;
};

#define LUN_OPT(k, t, f, ...)						\
	{ k "#", t, offsetof(struct conf, lun[0].f), .count = 4,	\
	  .stride = sizeof(struct lun), __VA_ARGS__ }

static const struct opt_spec spec[] = {
	LUN_OPT("disk", OPT_STR, path, .help = "image of LUN N"),
	LUN_OPT("ro", OPT_BOOL, ro),
	LUN_OPT("bs", OPT_U32, bs, .min = 512, .max = 4096, .align = 512),
	{ "mac", OPT_MAC, offsetof(struct conf, mac) },
	{ "version", OPT_VERSION8, offsetof(struct conf, version),
	  .min = 0x0200, .max = 0x0602 },
	{ "maxxfer", OPT_SIZE, offsetof(struct conf, maxxfer), .min = 4096,
	  .align = 4096 },
	{ "channels", OPT_U32, offsetof(struct conf, channels), .max = 64 },
	{ "mtu", OPT_U32, offsetof(struct conf, mtu), .min = 68,
	  .max = 9000, .seen = OPT_SEEN(struct conf, mtu_seen) },
};

static int apply(struct conf *c, const char *key, const char *val,
		 char *err, size_t errlen)
{
	struct opt_kv kv = { key, val };

	return opts_apply(spec, ARRAY_SIZE(spec), c, &kv, 1,
			  "t", err, errlen);
}

static bool tables(void)
{
	struct conf c = { 0 };
	char err[128];

	CHECK(!apply(&c, "disk", "/a.img", err, sizeof(err)));
	CHECK(c.lun[0].path && !strcmp(c.lun[0].path, "/a.img"));
	CHECK(!apply(&c, "disk3", "/d.img", err, sizeof(err)));
	CHECK(c.lun[3].path && !strcmp(c.lun[3].path, "/d.img"));
	CHECK(apply(&c, "disk4", "/e.img", err, sizeof(err)));
	CHECK(strstr(err, "index goes up to 3"));
	CHECK(!apply(&c, "ro2", "on", err, sizeof(err)) && c.lun[2].ro);
	CHECK(!apply(&c, "bs1", "4096", err, sizeof(err)) && c.lun[1].bs == 4096);
	CHECK(apply(&c, "bs1", "1000", err, sizeof(err)));
	CHECK(apply(&c, "bs1", "8192", err, sizeof(err)));
	CHECK_EQ(c.lun[1].bs, 4096);
	CHECK(!apply(&c, "version", "6.2", err, sizeof(err)));
	CHECK_EQ(c.version, 0x0602);
	CHECK(apply(&c, "version", "6.3", err, sizeof(err)));
	CHECK(!apply(&c, "maxxfer", "2M", err, sizeof(err)));
	CHECK_EQ(c.maxxfer, 2 << 20);
	CHECK(apply(&c, "maxxfer", "6000", err, sizeof(err)));
	/* OPT_SIZE is 32 bits wide: 4G does not fit */
	CHECK(apply(&c, "maxxfer", "4G", err, sizeof(err)));
	CHECK(!apply(&c, "channels", "64", err, sizeof(err)));
	CHECK(apply(&c, "channels", "65", err, sizeof(err)));
	CHECK(strstr(err, "bad value '65' for channels"));
	CHECK(!c.mtu_seen);
	CHECK(!apply(&c, "mtu", "1500", err, sizeof(err)) && c.mtu_seen);
	CHECK(apply(&c, "mac", "ff:ff:ff:ff:ff:ff", err, sizeof(err)));
	CHECK(apply(&c, "mtux", "1", err, sizeof(err)));
	CHECK(strstr(err, "t: unknown option 'mtux'"));
	/* a bare key is an empty value: refused by every type */
	CHECK(apply(&c, "disk1", NULL, err, sizeof(err)));
	CHECK(apply(&c, "channels", NULL, err, sizeof(err)));
	CHECK(opts_knows(spec, ARRAY_SIZE(spec), "disk9"));
	CHECK(!opts_knows(spec, ARRAY_SIZE(spec), "dis"));
	return true;
}

struct lines {
	char text[16][128];
	unsigned int n;
};

static void collect(void *arg, const char *text)
{
	struct lines *l = arg;

	if (l->n < 16)
		snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", text);
}

static bool describe(void)
{
	struct lines l = { 0 };

	opts_describe(spec, ARRAY_SIZE(spec), collect, &l);
	CHECK_EQ(l.n, ARRAY_SIZE(spec));
	CHECK(!strcmp(l.text[0], "diskN=TEXT  image of LUN N"));
	CHECK(!strcmp(l.text[1], "roN=on|off"));
	CHECK(!strcmp(l.text[4], "version=MAJOR.MINOR"));
	return true;
}

int main(void)
{
	static const struct tap_test t[] = {
		{ "parse: numbers and sizes, edges and garbage", numbers },
		{ "parse: bool, version, MAC, WWN, GUID", words },
		{ "opts: types, ranges, alignment, indexes, seen, errors", tables },
		{ "opts: describe prints key=TYPE and help", describe },
	};

	return tap_run(t, ARRAY_SIZE(t));
}
