// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shutdown: the host asks for a power-off, a reboot or hibernation.
 * Versions: sd_versions[] of drivers/hv/hv_util.c.  Power-off and reboot
 * go through orderly_poweroff()/orderly_reboot() (user space's shutdown,
 * so file systems are unmounted cleanly) after the answer went out.  The
 * "force" bit changes nothing: Linux always shuts down by force, as
 * upstream says.
 *
 * Hibernation is refused (HV_E_FAIL): hv_vmbus cannot yet give its
 * channels back to the host and take them up again across an image, and
 * refuses to hibernate while connected, so promising it would leave the
 * host waiting for a hibernation that never comes.
 */
#include <linux/reboot.h>

#include "utils.h"

static const int sd_versions[] = {
	IC_VERSION(3, 2), IC_VERSION(3, 1), IC_VERSION(3, 0), IC_VERSION(1, 0)
};
static const int fw_versions[] = { UTIL_FW_VERSION, UTIL_WS2K8_FW_VERSION };

static void shutdown_poweroff(struct work_struct *work)
{
	orderly_poweroff(true);
}

static void shutdown_reboot(struct work_struct *work)
{
	orderly_reboot();
}

static DECLARE_WORK(poweroff_work, shutdown_poweroff);
static DECLARE_WORK(reboot_work, shutdown_reboot);

static u32 shutdown_request(struct util_dev *ud, u8 *msg, u32 len)
{
	struct shutdown_msg_data *sd = (void *)(msg + ICMSG_HDR);
	struct device *dev = &ud->hdev->device;

	if (len < ICMSG_HDR + sizeof(*sd)) {
		dev_err_ratelimited(dev, "Shutdown IC: %u bytes is too short\n",
				    len);
		return HV_E_FAIL;
	}
	switch (sd->flags & ~IC_SHUTDOWN_FLAG_FORCE) {
	case 0:
		dev_info(dev, "Shutdown request received - graceful shutdown initiated\n");
		ud->after_answer = &poweroff_work;
		return HV_S_OK;
	case IC_SHUTDOWN_FLAG_REBOOT:
		dev_info(dev, "Restart request received - graceful restart initiated\n");
		ud->after_answer = &reboot_work;
		return HV_S_OK;
	case IC_SHUTDOWN_FLAG_HIBERNATE:
		dev_info_ratelimited(dev, "Hibernation request refused: hv_vmbus cannot hibernate\n");
		return HV_E_FAIL;
	default:
		dev_err_ratelimited(dev, "Shutdown IC: invalid request flags 0x%x\n",
				    sd->flags);
		return HV_E_FAIL;
	}
}

static void shutdown_exit(struct util_dev *ud)
{
	/*
	 * A request the host made is carried out, not lost to an unbind;
	 * orderly_poweroff() only starts the power-off, so this is quick.
	 */
	flush_work(&poweroff_work);
	flush_work(&reboot_work);
}

const struct util_service util_shutdown = {
	.name = "Shutdown IC",
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.versions = sd_versions,
	.nversions = ARRAY_SIZE(sd_versions),
	.fw_versions = fw_versions,
	.nfw_versions = ARRAY_SIZE(fw_versions),
	.exit = shutdown_exit,
	.request = shutdown_request,
};
