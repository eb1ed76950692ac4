/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_balloon tracepoints: one per status report, one per host request.
 *
 *   echo 1 > /sys/kernel/tracing/events/lis_balloon/enable
 *
 * Out of tree, define_trace.h finds this file through TRACE_INCLUDE_PATH,
 * relative to the module's top directory, which Kbuild puts on the
 * include path of trace.o (CFLAGS_drivers/balloon/trace.o).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lis_balloon

#if !defined(_LIS_BALLOON_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LIS_BALLOON_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(lis_balloon_status,
	TP_PROTO(u64 avail, u64 committed, u64 committed_as, u64 used,
		 u64 ballooned, u64 added, u64 onlined, bool pressure),
	TP_ARGS(avail, committed, committed_as, used, ballooned, added,
		onlined, pressure),
	TP_STRUCT__entry(
		__field(u64, avail)
		__field(u64, committed)
		__field(u64, committed_as)
		__field(u64, used)
		__field(u64, ballooned)
		__field(u64, added)
		__field(u64, onlined)
		__field(bool, pressure)
	),
	TP_fast_assign(
		__entry->avail = avail;
		__entry->committed = committed;
		__entry->committed_as = committed_as;
		__entry->used = used;
		__entry->ballooned = ballooned;
		__entry->added = added;
		__entry->onlined = onlined;
		__entry->pressure = pressure;
	),
	TP_printk("avail=%llu committed=%llu committed_as=%llu used=%llu ballooned=%llu added=%llu onlined=%llu pressure=%d",
		  __entry->avail, __entry->committed, __entry->committed_as,
		  __entry->used, __entry->ballooned, __entry->added,
		  __entry->onlined, __entry->pressure)
);

TRACE_EVENT(lis_balloon_request,
	TP_PROTO(u16 type, u64 asked, u64 done, int result),
	TP_ARGS(type, asked, done, result),
	TP_STRUCT__entry(
		__field(u16, type)
		__field(u64, asked)
		__field(u64, done)
		__field(int, result)
	),
	TP_fast_assign(
		__entry->type = type;
		__entry->asked = asked;
		__entry->done = done;
		__entry->result = result;
	),
	TP_printk("type=%u asked=%llu done=%llu result=%d",
		  __entry->type, __entry->asked, __entry->done,
		  __entry->result)
);

#endif /* _LIS_BALLOON_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH drivers/balloon
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
