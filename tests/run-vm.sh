#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make run`: everything needed to try the drivers on a fresh Debian machine.
# Installs dependencies, fetches and unpacks a Debian kernel (6.1 unless
# SERIES=6.12), builds our modules for it and hvsim, then boots a VM on the
# simulated Hyper-V host as tests/qemu/demo.sh sets it up (a SCSI disk, a
# NIC on a TAP in the run's own network namespace, one device of every
# class; hv_vmbus, hv_storvsc and hv_netvsc loaded, the NIC up): a shell
# when stdin is a terminal, otherwise the demo's output.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=${SERIES:-6.1}
cd "$top"
tests/deps.sh
tests/kernels/fetch.sh "$series" >/dev/null
echo "# building modules for $series and hvsim"
tests/kernels/build.sh "$series" >/dev/null
make -s user
if [ -t 0 ] && [ -t 1 ]; then
	echo "# booting Debian $series on hvsim with the drivers loaded; leave with 'exit' (or Ctrl-A X)"
	exec tests/qemu/boot.sh --series "$series" --shell --scenario tests/qemu/demo.sh
fi
exec tests/qemu/boot.sh --series "$series" --demo
