// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection: commands written to debugfs `faults` arm faults, and
 * the host consumes each one the next time it applies.
 *
 *   drop <msgtype>                 drop the next host message of that type
 *   delay <msgtype> <ms>           deliver the next one <ms> later
 *   refuse-open <relid>            refuse the next OPENCHANNEL of relid
 *   corrupt <relid> write_index    corrupt a host-written ring index or
 *   corrupt <relid> read_index     the next packet descriptor of relid,
 *   corrupt <relid> desc           once
 *   clear                          disarm everything
 *
 * <msgtype> is a name as the trace prints it (OPENCHANNEL_RESULT, any
 * case) or its number.  Reading `faults` lists what is armed, one command
 * per line.
 *
 * Context: everything here runs with lis_sim.lock held.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "core.h"

/* Longest delay a fault may ask for: beyond every guest timeout. */
#define LIS_SIM_MAX_DELAY_MS	600000

static const char * const lis_sim_chan_fault_names[] = {
	[LIS_SIM_FAULT_REFUSE_OPEN] = "refuse-open",
	[LIS_SIM_FAULT_CORRUPT_WRITE_INDEX] = "write_index",
	[LIS_SIM_FAULT_CORRUPT_READ_INDEX] = "read_index",
	[LIS_SIM_FAULT_CORRUPT_DESC] = "desc",
};

/* The message types a host sends: the only ones worth dropping. */
static bool lis_sim_host_sends(u32 type)
{
	switch (type) {
	case LIS_CHMSG_OFFER:
	case LIS_CHMSG_RESCIND:
	case LIS_CHMSG_ALLOFFERS_DELIVERED:
	case LIS_CHMSG_OPENCHANNEL_RESULT:
	case LIS_CHMSG_GPADL_CREATED:
	case LIS_CHMSG_GPADL_TORNDOWN:
	case LIS_CHMSG_VERSION_RESPONSE:
	case LIS_CHMSG_UNLOAD_RESPONSE:
	case LIS_CHMSG_MODIFYCHANNEL_RESPONSE:
		return true;
	default:
		return false;
	}
}

/**
 * lis_sim_fault_take_drop() - consume an armed drop fault
 * @sim: the simulator
 * @type: the host message type about to be sent
 *
 * Return: true if the message must be dropped.
 */
bool lis_sim_fault_take_drop(struct lis_sim *sim, u32 type)
{
	lockdep_assert_held(&sim->lock);
	if (type >= LIS_CHMSG_MAX || !sim->faults.drop[type])
		return false;
	sim->faults.drop[type]--;
	return true;
}

/**
 * lis_sim_fault_take_delay() - consume an armed delay fault
 * @sim: the simulator
 * @type: the host message type about to be sent
 *
 * Return: the delay in milliseconds, or 0.
 */
unsigned int lis_sim_fault_take_delay(struct lis_sim *sim, u32 type)
{
	unsigned int ms;

	lockdep_assert_held(&sim->lock);
	if (type >= LIS_CHMSG_MAX)
		return 0;
	ms = sim->faults.delay_ms[type];
	sim->faults.delay_ms[type] = 0;
	return ms;
}

static int lis_sim_chan_fault_find(struct lis_sim *sim, u32 relid, int kind)
{
	unsigned int i;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < LIS_SIM_MAX_CHAN_FAULTS; i++)
		if (sim->faults.chan[i].kind == kind &&
		    sim->faults.chan[i].relid == relid)
			return i;
	return -1;
}

/**
 * lis_sim_fault_chan_armed() - is a channel fault armed?
 * @sim: the simulator
 * @relid: the channel
 * @kind: enum lis_sim_chan_fault_kind
 *
 * Return: true if it is (it stays armed).
 */
bool lis_sim_fault_chan_armed(struct lis_sim *sim, u32 relid, int kind)
{
	return lis_sim_chan_fault_find(sim, relid, kind) >= 0;
}

/**
 * lis_sim_fault_take_chan() - consume a channel fault
 * @sim: the simulator
 * @relid: the channel
 * @kind: enum lis_sim_chan_fault_kind
 *
 * Return: true if it was armed (it is not any more).
 */
bool lis_sim_fault_take_chan(struct lis_sim *sim, u32 relid, int kind)
{
	int i = lis_sim_chan_fault_find(sim, relid, kind);

	if (i < 0)
		return false;
	sim->faults.chan[i].kind = LIS_SIM_FAULT_NONE;
	return true;
}

static int lis_sim_parse_msgtype(const char *s, u32 *type)
{
	u32 t;

	if (kstrtou32(s, 0, &t)) {
		for (t = 1; t < LIS_CHMSG_MAX; t++)
			if (!strcasecmp(s, lis_chmsg_name(t)))
				break;
	}
	if (!lis_sim_host_sends(t)) {
		pr_warn("faults: '%s' is not a message type the host sends\n",
			s);
		return -EINVAL;
	}
	*type = t;
	return 0;
}

static int lis_sim_parse_relid(const char *s, u32 *relid)
{
	if (kstrtou32(s, 0, relid) || !*relid || *relid > LIS_MAX_RELID) {
		pr_warn("faults: '%s' is not a relid (1 to %u)\n", s,
			LIS_MAX_RELID);
		return -EINVAL;
	}
	return 0;
}

static int lis_sim_arm_chan(struct lis_sim *sim, u32 relid, int kind)
{
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, relid);
	unsigned int i;

	/* Index corruption of an open channel happens at once. */
	if ((kind == LIS_SIM_FAULT_CORRUPT_WRITE_INDEX ||
	     kind == LIS_SIM_FAULT_CORRUPT_READ_INDEX) &&
	    ch && ch->state == LIS_SIM_CHAN_OPEN) {
		lis_sim_chan_corrupt(ch, kind);
		return 0;
	}
	for (i = 0; i < LIS_SIM_MAX_CHAN_FAULTS; i++) {
		if (sim->faults.chan[i].kind == LIS_SIM_FAULT_NONE) {
			sim->faults.chan[i].kind = kind;
			sim->faults.chan[i].relid = relid;
			return 0;
		}
	}
	pr_warn("faults: %u channel faults armed already\n",
		LIS_SIM_MAX_CHAN_FAULTS);
	return -ENOSPC;
}

static int lis_sim_fault_corrupt(struct lis_sim *sim, const char *relid_s,
				 const char *what)
{
	int kind;
	u32 relid;

	if (lis_sim_parse_relid(relid_s, &relid))
		return -EINVAL;
	if (!strcmp(what, "write_index")) {
		kind = LIS_SIM_FAULT_CORRUPT_WRITE_INDEX;
	} else if (!strcmp(what, "read_index")) {
		kind = LIS_SIM_FAULT_CORRUPT_READ_INDEX;
	} else if (!strcmp(what, "desc")) {
		kind = LIS_SIM_FAULT_CORRUPT_DESC;
	} else {
		pr_warn("faults: corrupt what? '%s' (write_index, read_index or desc)\n",
			what);
		return -EINVAL;
	}
	return lis_sim_arm_chan(sim, relid, kind);
}

/**
 * lis_sim_fault_command() - arm or clear faults
 * @sim: the simulator
 * @cmd: one command (see the top of this file); modified while parsed
 *
 * Return: 0, -EINVAL for a malformed command (logged), or -ENOSPC when too
 * many channel faults are armed.
 */
int lis_sim_fault_command(struct lis_sim *sim, char *cmd)
{
	char *argv[4];
	unsigned int argc = 0, ms;
	char *tok;
	u32 type, relid;

	lockdep_assert_held(&sim->lock);
	while ((tok = strsep(&cmd, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (argc == ARRAY_SIZE(argv))
			goto usage;
		argv[argc++] = tok;
	}
	if (!argc)
		goto usage;

	if (!strcmp(argv[0], "clear") && argc == 1) {
		memset(&sim->faults, 0, sizeof(sim->faults));
		return 0;
	}
	if (!strcmp(argv[0], "drop") && argc == 2) {
		if (lis_sim_parse_msgtype(argv[1], &type))
			return -EINVAL;
		sim->faults.drop[type]++;
		return 0;
	}
	if (!strcmp(argv[0], "delay") && argc == 3) {
		if (lis_sim_parse_msgtype(argv[1], &type))
			return -EINVAL;
		if (kstrtouint(argv[2], 0, &ms) || !ms ||
		    ms > LIS_SIM_MAX_DELAY_MS) {
			pr_warn("faults: delay '%s' is not 1 to %u ms\n",
				argv[2], LIS_SIM_MAX_DELAY_MS);
			return -EINVAL;
		}
		sim->faults.delay_ms[type] = ms;
		return 0;
	}
	if (!strcmp(argv[0], "refuse-open") && argc == 2) {
		if (lis_sim_parse_relid(argv[1], &relid))
			return -EINVAL;
		return lis_sim_arm_chan(sim, relid, LIS_SIM_FAULT_REFUSE_OPEN);
	}
	if (!strcmp(argv[0], "corrupt") && argc == 3)
		return lis_sim_fault_corrupt(sim, argv[1], argv[2]);

usage:
	pr_warn("faults: expected drop <msgtype> | delay <msgtype> <ms> | refuse-open <relid> | corrupt <relid> write_index|read_index|desc | clear\n");
	return -EINVAL;
}

/**
 * lis_sim_fault_show() - list armed faults, one command per line
 * @sim: the simulator
 * @m: where to print
 */
void lis_sim_fault_show(struct lis_sim *sim, struct seq_file *m)
{
	unsigned int i, n;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < LIS_CHMSG_MAX; i++) {
		for (n = 0; n < sim->faults.drop[i]; n++)
			seq_printf(m, "drop %s\n", lis_chmsg_name(i));
		if (sim->faults.delay_ms[i])
			seq_printf(m, "delay %s %u\n", lis_chmsg_name(i),
				   sim->faults.delay_ms[i]);
	}
	for (i = 0; i < LIS_SIM_MAX_CHAN_FAULTS; i++) {
		int kind = sim->faults.chan[i].kind;
		u32 relid = sim->faults.chan[i].relid;

		if (kind == LIS_SIM_FAULT_NONE)
			continue;
		if (kind == LIS_SIM_FAULT_REFUSE_OPEN)
			seq_printf(m, "refuse-open %u\n", relid);
		else
			seq_printf(m, "corrupt %u %s\n", relid,
				   lis_sim_chan_fault_names[kind]);
	}
}
