// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: the tracepoints' definitions (see trace.h).
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
