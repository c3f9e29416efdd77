// SPDX-License-Identifier: GPL-2.0-only
/* The one file that instantiates hv_netvsc's tracepoints (trace.h). */
#define CREATE_TRACE_POINTS
#include "trace.h"
