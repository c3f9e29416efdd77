/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device classes with a host model, one line each: VSP_CLASS(name)
 * names the struct vsp_ops vsp_<name>_ops that devices/<folder>/ defines,
 * and <name> is the class's short name in hvlis/guids.h.  This list feeds
 * --device/"offer", the control commands and "help"; a class of
 * guids.h that is not here is offered by devices/stub/.
 */
VSP_CLASS(echo)		/* devices/echo: hvsim's own test device */
VSP_CLASS(ide)		/* devices/storage: synthetic IDE controller */
VSP_CLASS(scsi)		/* devices/storage: synthetic SCSI controller */
VSP_CLASS(fc)		/* devices/storage: synthetic Fibre Channel */
VSP_CLASS(net)		/* devices/net: synthetic NIC */
VSP_CLASS(shutdown)	/* devices/ic: shutdown IC */
VSP_CLASS(timesync)	/* devices/ic: time synchronization IC */
VSP_CLASS(heartbeat)	/* devices/ic: heartbeat IC */
VSP_CLASS(kvp)		/* devices/ic: key-value pair exchange IC */
VSP_CLASS(vss)		/* devices/ic: backup (VSS) IC */
VSP_CLASS(fcopy)	/* devices/ic: file copy IC (guest services) */
VSP_CLASS(balloon)	/* devices/dm: Dynamic Memory */
VSP_CLASS(nd)		/* devices/nd: NetworkDirect (guest RDMA) */
