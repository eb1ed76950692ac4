/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_vss tracepoints (events/lis_vss/): every host operation as it
 * arrives and as it is answered, and every thaw the kernel does.
 *
 * Out of tree, define_trace.h finds this file through TRACE_INCLUDE_PATH
 * "." and the -I for this directory that Kbuild adds to stats.o, the one
 * file that defines CREATE_TRACE_POINTS.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lis_vss

#if !defined(_LIS_VSS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LIS_VSS_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(lis_vss_request,
	TP_PROTO(unsigned int op, u64 trans_id, bool to_daemon),
	TP_ARGS(op, trans_id, to_daemon),
	TP_STRUCT__entry(
		__field(unsigned int, op)
		__field(u64, trans_id)
		__field(bool, to_daemon)
	),
	TP_fast_assign(
		__entry->op = op;
		__entry->trans_id = trans_id;
		__entry->to_daemon = to_daemon;
	),
	TP_printk("op=%u trans_id=%llu to_daemon=%d", __entry->op,
		  __entry->trans_id, __entry->to_daemon)
);

TRACE_EVENT(lis_vss_answer,
	TP_PROTO(unsigned int op, u32 status, int why, u64 usec),
	TP_ARGS(op, status, why, usec),
	TP_STRUCT__entry(
		__field(unsigned int, op)
		__field(u32, status)
		__field(int, why)
		__field(u64, usec)
	),
	TP_fast_assign(
		__entry->op = op;
		__entry->status = status;
		__entry->why = why;
		__entry->usec = usec;
	),
	TP_printk("op=%u status=%#x why=%d usec=%llu", __entry->op,
		  __entry->status, __entry->why, __entry->usec)
);

TRACE_EVENT(lis_vss_thaw,
	TP_PROTO(unsigned int nr, bool automatic),
	TP_ARGS(nr, automatic),
	TP_STRUCT__entry(
		__field(unsigned int, nr)
		__field(bool, automatic)
	),
	TP_fast_assign(
		__entry->nr = nr;
		__entry->automatic = automatic;
	),
	TP_printk("thawed=%u automatic=%d", __entry->nr, __entry->automatic)
);

#endif /* _LIS_VSS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
