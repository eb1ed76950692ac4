// SPDX-License-Identifier: GPL-2.0-only
/*
 * Faults the Dynamic Memory host can put on the messages it sends, for
 * tests of the guest: every host message goes out through lis_dm_xmit().
 *
 *   drop   the next COUNT messages of a type are never sent (a version
 *          response or a capabilities response left unanswered, a request
 *          the guest never sees)
 *   dup    each is sent twice (a second request while one runs)
 *   delay  each is held for MS milliseconds, then sent
 *   pad    every message's size grows by N zero bytes (0-64): a host whose
 *          messages are longer than the fields a guest reads
 *
 * Written to the dm debugfs file as "fault TYPE drop|dup|delay [MS [COUNT]]",
 * "fault off" and "pad N"; Documentation/simulator.rst lists them.  Only
 * one fault is armed at a time, and only one delayed message is held: a
 * second one to delay while one is held goes out at once.
 *
 * Everything here runs with lis_sim.lock held.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dm_host.h"

/* The host looks at a held message at least this often. */
#define LIS_DM_FAULT_TICK	(HZ / 20)

static const char *const lis_dm_fault_kinds[] = {
	[LIS_DM_FAULT_NONE] = "off",
	[LIS_DM_FAULT_DROP] = "drop",
	[LIS_DM_FAULT_DUP] = "dup",
	[LIS_DM_FAULT_DELAY] = "delay",
};

/* The host's message types, by the names the fault command takes. */
static const struct {
	const char *name;
	u16 type;
} lis_dm_fault_types[] = {
	{ "version_response", LIS_DM_VERSION_RESPONSE },
	{ "caps_response", LIS_DM_CAPABILITIES_RESPONSE },
	{ "balloon", LIS_DM_BALLOON_REQUEST },
	{ "unballoon", LIS_DM_UNBALLOON_REQUEST },
	{ "hot_add", LIS_DM_MEM_HOT_ADD_REQUEST },
	{ "info", LIS_DM_INFO_MESSAGE },
};

static const char *lis_dm_fault_type_name(u16 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(lis_dm_fault_types); i++)
		if (lis_dm_fault_types[i].type == type)
			return lis_dm_fault_types[i].name;
	return "?";
}

static int lis_dm_raw_send(struct lis_sim_dm *dm, const void *msg, u32 len)
{
	return lis_sim_send(dm->ch, LIS_VMPKT_DATA_INBAND, 0, 0, msg, len);
}

/* The message with @pad zero bytes more, in the fault's scratch buffer. */
static const void *lis_dm_padded(struct lis_sim_dm *dm, const void *msg,
				 u32 *len)
{
	struct lis_dm_fault *f = &dm->fault;
	struct lis_dm_hdr hdr;
	u8 *buf = f->held + LIS_DM_MAX_MSG;

	if (!f->pad || *len + f->pad > LIS_DM_MAX_MSG)
		return msg;
	memcpy(buf, msg, *len);
	memset(buf + *len, 0, f->pad);
	*len += f->pad;
	memcpy(&hdr, buf, sizeof(hdr));
	hdr.size = *len;
	memcpy(buf, &hdr, sizeof(hdr));
	return buf;
}

/**
 * lis_dm_xmit() - send one host message, through the armed fault
 * @dm: the DM host, its channel open
 * @msg: the message, starting with its header
 * @len: its length
 *
 * Return: 0 (sent, dropped or held), or lis_sim_send()'s error (-EAGAIN:
 * the ring is full; nothing was sent or counted).
 */
int lis_dm_xmit(struct lis_sim_dm *dm, const void *msg, u32 len)
{
	struct lis_dm_fault *f = &dm->fault;
	struct lis_dm_hdr hdr;
	int ret;

	memcpy(&hdr, msg, sizeof(hdr));
	msg = lis_dm_padded(dm, msg, &len);
	if (f->kind == LIS_DM_FAULT_NONE || hdr.type != f->type ||
	    (f->kind == LIS_DM_FAULT_DELAY && f->held_len))
		return lis_dm_raw_send(dm, msg, len);

	switch (f->kind) {
	case LIS_DM_FAULT_DROP:
		ret = 0;
		break;
	case LIS_DM_FAULT_DUP:
		ret = lis_dm_raw_send(dm, msg, len);
		if (ret)
			return ret;
		if (lis_dm_raw_send(dm, msg, len))
			pr_warn_ratelimited("dm: fault: the duplicate %s did not fit the ring\n",
					    lis_dm_fault_type_name(hdr.type));
		else
			f->dup_sent = true;
		break;
	default:
		memcpy(f->held, msg, len);
		f->held_len = len;
		f->held_at_ns = ktime_get_ns() +
				(u64)f->delay_ms * NSEC_PER_MSEC;
		lis_sim_chan_kick(dm->ch, LIS_DM_FAULT_TICK);
		ret = 0;
		break;
	}
	pr_info("dm: fault: %s %s\n", lis_dm_fault_kinds[f->kind],
		lis_dm_fault_type_name(hdr.type));
	f->fired++;
	if (!--f->count)
		f->kind = LIS_DM_FAULT_NONE;
	return ret;
}

/**
 * lis_dm_fault_reset() - a channel opens or closes: nothing held
 * @dm: the DM host
 */
void lis_dm_fault_reset(struct lis_sim_dm *dm)
{
	dm->fault.held_len = 0;
	dm->fault.dup_sent = false;
}

/**
 * lis_dm_fault_run() - send a held message when its time has come
 * @dm: the DM host, its channel open
 */
void lis_dm_fault_run(struct lis_sim_dm *dm)
{
	struct lis_dm_fault *f = &dm->fault;
	int ret;

	if (!f->held_len)
		return;
	if (ktime_get_ns() < f->held_at_ns) {
		lis_sim_chan_kick(dm->ch, LIS_DM_FAULT_TICK);
		return;
	}
	ret = lis_dm_raw_send(dm, f->held, f->held_len);
	if (ret == -EAGAIN) {
		lis_sim_chan_kick(dm->ch, LIS_DM_FAULT_TICK);
		return;
	}
	if (ret)
		pr_warn_ratelimited("dm: fault: the delayed message was lost: %d\n",
				    ret);
	f->held_len = 0;
}

/**
 * lis_dm_fault_set() - the "fault" command
 * @dm: the DM host
 * @arg: "off" or "TYPE drop|dup|delay [MS [COUNT]]"
 *
 * Return: 0, or -EINVAL with a line saying why.
 */
int lis_dm_fault_set(struct lis_sim_dm *dm, const char *arg)
{
	struct lis_dm_fault *f = &dm->fault;
	char name[24], kind[8];
	unsigned int ms = 0, count = 1, i, n;
	int k;

	if (!strcmp(arg, "off")) {
		f->kind = LIS_DM_FAULT_NONE;
		return 0;
	}
	n = sscanf(arg, "%23s %7s %u %u", name, kind, &ms, &count);
	k = n >= 2 ? match_string(lis_dm_fault_kinds,
				  ARRAY_SIZE(lis_dm_fault_kinds), kind) : -1;
	for (i = 0; i < ARRAY_SIZE(lis_dm_fault_types); i++)
		if (n >= 2 && !strcmp(name, lis_dm_fault_types[i].name))
			break;
	if (k <= LIS_DM_FAULT_NONE || i == ARRAY_SIZE(lis_dm_fault_types) ||
	    (k == LIS_DM_FAULT_DELAY && (n < 3 || !ms || ms > 600000)) ||
	    (k != LIS_DM_FAULT_DELAY && n > 3) || !count) {
		pr_warn("dm: 'fault %s': needs TYPE drop|dup|delay [MS [COUNT]] (TYPE: version_response, caps_response, balloon, unballoon, hot_add, info; delay 1-600000 ms)\n",
			arg);
		return -EINVAL;
	}
	/* "TYPE drop|dup COUNT": the third number is the count. */
	if (k != LIS_DM_FAULT_DELAY && n == 3)
		count = ms;
	if (!count) {
		pr_warn("dm: 'fault %s': a count of 0\n", arg);
		return -EINVAL;
	}
	f->kind = k;
	f->type = lis_dm_fault_types[i].type;
	f->delay_ms = k == LIS_DM_FAULT_DELAY ? ms : 0;
	f->count = count;
	return 0;
}

/**
 * lis_dm_fault_show() - the fault's keys in the dm debugfs file
 * @m: the file
 * @dm: the DM host
 */
void lis_dm_fault_show(struct seq_file *m, const struct lis_sim_dm *dm)
{
	const struct lis_dm_fault *f = &dm->fault;

	if (f->kind == LIS_DM_FAULT_NONE)
		seq_puts(m, "fault=off\n");
	else
		seq_printf(m, "fault=%s %s %u %u\n",
			   lis_dm_fault_type_name(f->type),
			   lis_dm_fault_kinds[f->kind], f->delay_ms, f->count);
	seq_printf(m, "faults_fired=%llu\n", f->fired);
	seq_printf(m, "fault_held=%d\n", f->held_len != 0);
	seq_printf(m, "pad=%u\n", f->pad);
}

/**
 * lis_dm_fault_init() - the buffers for held and padded messages
 * @dm: the DM host
 *
 * Return: 0 or -ENOMEM.
 */
int lis_dm_fault_init(struct lis_sim_dm *dm)
{
	dm->fault.held = kzalloc(2 * LIS_DM_MAX_MSG, GFP_KERNEL);
	return dm->fault.held ? 0 : -ENOMEM;
}

/**
 * lis_dm_fault_exit() - free them
 * @dm: the DM host
 */
void lis_dm_fault_exit(struct lis_sim_dm *dm)
{
	kfree(dm->fault.held);
	dm->fault.held = NULL;
}
