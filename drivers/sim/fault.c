// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection: commands written to debugfs `faults` arm faults, and
 * the host consumes each one the next time it applies.
 *
 *   drop <msgtype>                 drop the next host message of that type
 *   dup <msgtype>                  send the next one twice
 *   delay <msgtype> <ms>           deliver the next one <ms> later
 *   reorder <msgtype>              hold the next one back and send it
 *                                  right after the host's following
 *                                  message (or after 500 ms if none)
 *   refuse-open <relid>            refuse the next OPENCHANNEL of relid
 *   corrupt <relid> write_index    corrupt a host-written ring index or
 *   corrupt <relid> read_index     the next packet descriptor of relid,
 *   corrupt <relid> desc           once
 *   rescind-at <relid> <step>      rescind relid at that step of its next
 *                                  open or close (enum lis_sim_step)
 *   chaos <seed> <permille> [<kinds>]
 *                                  from now on, each host message or
 *                                  packet suffers a random fault with that
 *                                  probability; kinds is a comma list of
 *                                  drop,dup,delay,reorder,index,desc
 *                                  (default all)
 *   post-fail <status> <count> [<msgtype>]
 *                                  the next <count> guest posts (of that
 *                                  channel message type, or any) fail in
 *                                  the hypervisor with HvPostMessage
 *                                  status <status> (e.g. 19: insufficient
 *                                  buffers, transient; 5: invalid
 *                                  parameter, final); count 0 disarms
 *   chaos off                      stop the random faults
 *   clear                          disarm every one-shot fault (and send
 *                                  a held-back message now)
 *
 * The module parameter faults= arms the same commands, separated by ';',
 * before the guest connects (the debugfs file comes too late for the
 * connection's own messages): faults="dup VERSION_RESPONSE;reorder OFFER".
 *
 * <msgtype> is a name as the trace prints it (OPENCHANNEL_RESULT, any
 * case) or its number.  Reading `faults` lists what is armed, one command
 * per line, then chaos mode's counters ("chaos: ...") once chaos mode
 * has been on since lis_sim loaded.
 *
 * Chaos mode is deterministic for a seed: its own xorshift64* generator
 * decides, in the host's one thread, so the same seed and the same guest
 * behaviour give the same faults.
 *
 * Context: everything here runs with lis_sim.lock held.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

static char *faults;
module_param(faults, charp, 0444);
MODULE_PARM_DESC(faults,
		 "Faults armed before the guest connects: debugfs 'faults' commands separated by ';', e.g. \"dup VERSION_RESPONSE;reorder OFFER\"");

/* Longest delay a fault may ask for: beyond every guest timeout. */
#define LIS_SIM_MAX_DELAY_MS	600000

static const char * const lis_sim_chan_fault_names[] = {
	[LIS_SIM_FAULT_REFUSE_OPEN] = "refuse-open",
	[LIS_SIM_FAULT_CORRUPT_WRITE_INDEX] = "write_index",
	[LIS_SIM_FAULT_CORRUPT_READ_INDEX] = "read_index",
	[LIS_SIM_FAULT_CORRUPT_DESC] = "desc",
	[LIS_SIM_FAULT_CORRUPT_PAYLOAD] = "payload",
	[LIS_SIM_FAULT_RESCIND_AT] = "rescind-at",
};

static const char * const lis_sim_step_names[LIS_SIM_NR_STEPS] = {
	[LIS_SIM_STEP_GPADL_HEADER] = "gpadl-header",
	[LIS_SIM_STEP_GPADL_BODY] = "gpadl-body",
	[LIS_SIM_STEP_GPADL_CREATED] = "gpadl-created",
	[LIS_SIM_STEP_OPEN] = "open",
	[LIS_SIM_STEP_OPEN_RESULT] = "open-result",
	[LIS_SIM_STEP_CLOSE] = "close",
	[LIS_SIM_STEP_GPADL_TEARDOWN] = "gpadl-teardown",
	[LIS_SIM_STEP_GPADL_TORNDOWN] = "gpadl-torndown",
};

static const char * const lis_sim_chaos_names[LIS_SIM_CHAOS_NR] = {
	[LIS_SIM_CHAOS_DROP] = "drop",
	[LIS_SIM_CHAOS_DUP] = "dup",
	[LIS_SIM_CHAOS_DELAY] = "delay",
	[LIS_SIM_CHAOS_REORDER] = "reorder",
	[LIS_SIM_CHAOS_INDEX] = "index",
	[LIS_SIM_CHAOS_DESC] = "desc",
};

/* Longest delay chaos mode gives a message. */
#define LIS_SIM_CHAOS_MAX_DELAY_MS	500

/**
 * lis_sim_step_name() - printable name of a rescind-at step
 * @step: enum lis_sim_step
 *
 * Return: a static string, as `rescind-at` takes it.
 */
const char *lis_sim_step_name(int step)
{
	if (step < 0 || step >= LIS_SIM_NR_STEPS)
		return "?";
	return lis_sim_step_names[step];
}

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

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static u64 lis_sim_chaos_next(struct lis_sim_chaos *c)
{
	u64 x = c->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/*
 * Roll the dice for one message or packet: return an enabled kind of
 * @mask, chosen uniformly, or -1 for no fault.
 */
static int lis_sim_chaos_roll(struct lis_sim_chaos *c, u32 mask)
{
	int kinds[LIS_SIM_CHAOS_NR];
	unsigned int n = 0, i;

	mask &= c->kinds;
	if (!c->on || !mask)
		return -1;
	if ((lis_sim_chaos_next(c) >> 32) % 1000 >= c->permille)
		return -1;
	for (i = 0; i < LIS_SIM_CHAOS_NR; i++)
		if (mask & BIT(i))
			kinds[n++] = i;
	i = kinds[(lis_sim_chaos_next(c) >> 32) % n];
	c->done[i]++;
	return i;
}

/* Consume one armed count of @arr[@type]. */
static bool lis_sim_take(u32 *arr, u32 type)
{
	if (!arr[type])
		return false;
	arr[type]--;
	return true;
}

/**
 * lis_sim_fault_msg() - what happens to a host message about to be sent
 * @sim: the simulator
 * @type: its type
 * @ms: LIS_SIM_MSG_DELAY: the delay in milliseconds
 *
 * Consumes an armed one-shot fault for @type if there is one; otherwise
 * chaos mode, if on, may pick a fault.
 *
 * Return: enum lis_sim_msg_fate.
 */
int lis_sim_fault_msg(struct lis_sim *sim, u32 type, unsigned int *ms)
{
	struct lis_sim_faults *f = &sim->faults;
	struct lis_sim_chaos *c = &sim->chaos;

	lockdep_assert_held(&sim->lock);
	if (type < LIS_CHMSG_MAX) {
		if (lis_sim_take(f->drop, type))
			return LIS_SIM_MSG_DROP;
		if (lis_sim_take(f->dup, type))
			return LIS_SIM_MSG_DUP;
		if (lis_sim_take(f->reorder, type))
			return LIS_SIM_MSG_REORDER;
		if (f->delay_ms[type]) {
			*ms = f->delay_ms[type];
			f->delay_ms[type] = 0;
			return LIS_SIM_MSG_DELAY;
		}
	}
	if (!c->on)
		return LIS_SIM_MSG_SEND;
	c->msgs++;
	switch (lis_sim_chaos_roll(c, LIS_SIM_CHAOS_MSG_KINDS)) {
	case LIS_SIM_CHAOS_DROP:
		return LIS_SIM_MSG_DROP;
	case LIS_SIM_CHAOS_DUP:
		return LIS_SIM_MSG_DUP;
	case LIS_SIM_CHAOS_REORDER:
		return LIS_SIM_MSG_REORDER;
	case LIS_SIM_CHAOS_DELAY:
		*ms = 1 + (lis_sim_chaos_next(c) >> 32) %
			  LIS_SIM_CHAOS_MAX_DELAY_MS;
		return LIS_SIM_MSG_DELAY;
	default:
		return LIS_SIM_MSG_SEND;
	}
}

/**
 * lis_sim_fault_packet() - chaos mode's fault for a host packet
 * @sim: the simulator
 * @relid: the channel it is for
 *
 * One-shot descriptor faults are handled by the sender (device.c).
 *
 * Return: LIS_SIM_FAULT_NONE, LIS_SIM_FAULT_CORRUPT_DESC (write it with a
 * bad descriptor), or LIS_SIM_FAULT_CORRUPT_WRITE_INDEX or
 * LIS_SIM_FAULT_CORRUPT_READ_INDEX (corrupt that index after writing it).
 */
int lis_sim_fault_packet(struct lis_sim *sim, u32 relid)
{
	struct lis_sim_chaos *c = &sim->chaos;

	lockdep_assert_held(&sim->lock);
	if (!c->on)
		return LIS_SIM_FAULT_NONE;
	c->pkts++;
	switch (lis_sim_chaos_roll(c, LIS_SIM_CHAOS_PKT_KINDS)) {
	case LIS_SIM_CHAOS_DESC:
		return LIS_SIM_FAULT_CORRUPT_DESC;
	case LIS_SIM_CHAOS_INDEX:
		return lis_sim_chaos_next(c) & BIT_ULL(40) ?
			LIS_SIM_FAULT_CORRUPT_READ_INDEX :
			LIS_SIM_FAULT_CORRUPT_WRITE_INDEX;
	default:
		return LIS_SIM_FAULT_NONE;
	}
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
 * lis_sim_fault_chan_arg() - the argument of an armed channel fault
 * @sim: the simulator
 * @relid: the channel
 * @kind: enum lis_sim_chan_fault_kind
 *
 * Return: its argument (the step or offset it was armed with; it stays
 * armed), or -1 if no such fault is armed.
 */
int lis_sim_fault_chan_arg(struct lis_sim *sim, u32 relid, int kind)
{
	int i = lis_sim_chan_fault_find(sim, relid, kind);

	return i < 0 ? -1 : sim->faults.chan[i].step;
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

/**
 * lis_sim_fault_take_rescind() - consume a rescind-at fault
 * @sim: the simulator
 * @relid: the channel
 * @step: enum lis_sim_step the host is at
 *
 * Return: true if relid must be rescinded now.
 */
bool lis_sim_fault_take_rescind(struct lis_sim *sim, u32 relid, int step)
{
	unsigned int i;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < LIS_SIM_MAX_CHAN_FAULTS; i++) {
		if (sim->faults.chan[i].kind == LIS_SIM_FAULT_RESCIND_AT &&
		    sim->faults.chan[i].relid == relid &&
		    sim->faults.chan[i].step == step) {
			sim->faults.chan[i].kind = LIS_SIM_FAULT_NONE;
			return true;
		}
	}
	return false;
}

/* A channel message type by name or number; LIS_CHMSG_MAX if none. */
static u32 lis_sim_msgtype(const char *s)
{
	u32 t;

	if (!kstrtou32(s, 0, &t))
		return t < LIS_CHMSG_MAX ? t : LIS_CHMSG_MAX;
	for (t = 1; t < LIS_CHMSG_MAX; t++)
		if (!strcasecmp(s, lis_chmsg_name(t)))
			break;
	return t;
}

static int lis_sim_parse_msgtype(const char *s, u32 *type)
{
	u32 t = lis_sim_msgtype(s);

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

static int lis_sim_arm_chan(struct lis_sim *sim, u32 relid, int kind,
			    int step)
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
			sim->faults.chan[i].step = step;
			return 0;
		}
	}
	pr_warn("faults: %u channel faults armed already\n",
		LIS_SIM_MAX_CHAN_FAULTS);
	return -ENOSPC;
}

/* The longest packet data a payload fault can reach: a ring's size. */
#define LIS_SIM_MAX_PAYLOAD_OFFSET	(LIS_RING_MAX_BYTES - 1)

static int lis_sim_fault_corrupt(struct lis_sim *sim, const char *relid_s,
				 const char *what, const char *offset_s)
{
	unsigned int offset;
	int kind;
	u32 relid;

	if (lis_sim_parse_relid(relid_s, &relid))
		return -EINVAL;
	if (!strcmp(what, "payload")) {
		if (!offset_s || kstrtouint(offset_s, 0, &offset) ||
		    offset > LIS_SIM_MAX_PAYLOAD_OFFSET) {
			pr_warn("faults: corrupt payload: want the data byte to flip, 0 to %u\n",
				LIS_SIM_MAX_PAYLOAD_OFFSET);
			return -EINVAL;
		}
		return lis_sim_arm_chan(sim, relid,
					LIS_SIM_FAULT_CORRUPT_PAYLOAD, offset);
	}
	if (offset_s) {
		pr_warn("faults: corrupt %s takes no offset\n", what);
		return -EINVAL;
	}
	if (!strcmp(what, "write_index")) {
		kind = LIS_SIM_FAULT_CORRUPT_WRITE_INDEX;
	} else if (!strcmp(what, "read_index")) {
		kind = LIS_SIM_FAULT_CORRUPT_READ_INDEX;
	} else if (!strcmp(what, "desc")) {
		kind = LIS_SIM_FAULT_CORRUPT_DESC;
	} else {
		pr_warn("faults: corrupt what? '%s' (write_index, read_index, desc or payload)\n",
			what);
		return -EINVAL;
	}
	return lis_sim_arm_chan(sim, relid, kind, 0);
}

static int lis_sim_fault_rescind_at(struct lis_sim *sim, const char *relid_s,
				    const char *step_s)
{
	u32 relid;
	int step;

	if (lis_sim_parse_relid(relid_s, &relid))
		return -EINVAL;
	for (step = 0; step < LIS_SIM_NR_STEPS; step++)
		if (!strcmp(step_s, lis_sim_step_names[step]))
			return lis_sim_arm_chan(sim, relid,
						LIS_SIM_FAULT_RESCIND_AT, step);
	pr_warn("faults: rescind-at: unknown step '%s' (gpadl-header, gpadl-body, gpadl-created, open, open-result, close, gpadl-teardown, gpadl-torndown)\n",
		step_s);
	return -EINVAL;
}

/* "drop,dup,..." into a mask of enum lis_sim_chaos_kind bits. */
static int lis_sim_parse_kinds(char *s, u32 *kinds)
{
	char *tok;
	int i;

	*kinds = 0;
	while ((tok = strsep(&s, ",")) != NULL) {
		if (!*tok)
			continue;
		if (!strcmp(tok, "all")) {
			*kinds |= LIS_SIM_CHAOS_ALL;
			continue;
		}
		i = match_string(lis_sim_chaos_names, LIS_SIM_CHAOS_NR, tok);
		if (i < 0) {
			pr_warn("faults: chaos: unknown kind '%s' (drop, dup, delay, reorder, index, desc, all)\n",
				tok);
			return -EINVAL;
		}
		*kinds |= BIT(i);
	}
	return *kinds ? 0 : -EINVAL;
}

static int lis_sim_fault_chaos(struct lis_sim *sim, char **argv,
			       unsigned int argc)
{
	struct lis_sim_chaos *c = &sim->chaos;
	u32 permille, kinds = LIS_SIM_CHAOS_ALL;
	u64 seed;

	if (argc == 2 && !strcmp(argv[1], "off")) {
		if (c->on)
			pr_info("chaos off after %llu messages, %llu packets\n",
				c->msgs, c->pkts);
		c->on = false;
		return 0;
	}
	if (argc < 3 || argc > 4)
		return -EINVAL;
	if (kstrtou64(argv[1], 0, &seed) || kstrtou32(argv[2], 0, &permille) ||
	    permille > 1000) {
		pr_warn("faults: chaos: want <seed> <permille 0-1000> [kinds]\n");
		return -EINVAL;
	}
	if (argc == 4 && lis_sim_parse_kinds(argv[3], &kinds))
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->seed = seed;
	/* xorshift must not start at 0. */
	c->state = seed ^ 0x9e3779b97f4a7c15ULL;
	if (!c->state)
		c->state = 1;
	c->permille = permille;
	c->kinds = kinds;
	c->on = true;
	pr_info("chaos on: seed %llu, %u permille, kinds %#x\n", seed,
		permille, kinds);
	return 0;
}

/* "post-fail <status> <count> [<msgtype>]" */
static int lis_sim_fault_post(struct lis_sim *sim, char **argv,
			      unsigned int argc)
{
	struct lis_sim_post_fault f = { .any = argc == 3 };
	u32 status, count;

	if (kstrtou32(argv[1], 0, &status) || !status || status > 0xffff) {
		pr_warn("faults: post-fail: '%s' is not a hypercall status (1 to 65535)\n",
			argv[1]);
		return -EINVAL;
	}
	if (kstrtou32(argv[2], 0, &count) || count > 1000000) {
		pr_warn("faults: post-fail: '%s' is not a count (0 to 1000000)\n",
			argv[2]);
		return -EINVAL;
	}
	if (argc == 4) {
		/* Any type: these are the guest's messages. */
		f.msgtype = lis_sim_msgtype(argv[3]);
		if (f.msgtype == LIS_CHMSG_MAX || !f.msgtype) {
			pr_warn("faults: post-fail: '%s' is not a channel message type\n",
				argv[3]);
			return -EINVAL;
		}
	}
	f.status = status;
	f.count = count;
	spin_lock_irq(&sim->in_lock);
	sim->post_fault = f;
	spin_unlock_irq(&sim->in_lock);
	return 0;
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
		spin_lock_irq(&sim->in_lock);
		memset(&sim->post_fault, 0, sizeof(sim->post_fault));
		spin_unlock_irq(&sim->in_lock);
		lis_sim_held_flush(sim);
		return 0;
	}
	if (!strcmp(argv[0], "post-fail") && (argc == 3 || argc == 4))
		return lis_sim_fault_post(sim, argv, argc);
	if (!strcmp(argv[0], "drop") && argc == 2) {
		if (lis_sim_parse_msgtype(argv[1], &type))
			return -EINVAL;
		sim->faults.drop[type]++;
		return 0;
	}
	if (!strcmp(argv[0], "dup") && argc == 2) {
		if (lis_sim_parse_msgtype(argv[1], &type))
			return -EINVAL;
		sim->faults.dup[type]++;
		return 0;
	}
	if (!strcmp(argv[0], "reorder") && argc == 2) {
		if (lis_sim_parse_msgtype(argv[1], &type))
			return -EINVAL;
		sim->faults.reorder[type]++;
		return 0;
	}
	if (!strcmp(argv[0], "rescind-at") && argc == 3)
		return lis_sim_fault_rescind_at(sim, argv[1], argv[2]);
	if (!strcmp(argv[0], "chaos")) {
		if (!lis_sim_fault_chaos(sim, argv, argc))
			return 0;
		goto usage;
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
		return lis_sim_arm_chan(sim, relid, LIS_SIM_FAULT_REFUSE_OPEN,
					0);
	}
	if (!strcmp(argv[0], "corrupt") && (argc == 3 || argc == 4))
		return lis_sim_fault_corrupt(sim, argv[1], argv[2],
					     argc == 4 ? argv[3] : NULL);

usage:
	pr_warn("faults: expected drop|dup|reorder <msgtype> | delay <msgtype> <ms> | refuse-open <relid> | corrupt <relid> write_index|read_index|desc | corrupt <relid> payload <offset> | rescind-at <relid> <step> | post-fail <status> <count> [msgtype] | chaos <seed> <permille> [kinds] | chaos off | clear\n");
	return -EINVAL;
}

/**
 * lis_sim_fault_load() - arm the faults the faults= parameter names
 * @sim: the simulator, not attached to lis_vmbus yet
 *
 * Context: process; takes lis_sim.lock.
 * Return: 0; -ENOMEM; or -EINVAL when a command is refused (logged, with
 * the parameter's name and the command's number).
 */
int lis_sim_fault_load(struct lis_sim *sim)
{
	char *buf, *cur, *cmd;
	unsigned int n = 0;
	int ret = 0;

	if (!faults || !*faults)
		return 0;
	buf = kstrdup(faults, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while (!ret && (cmd = strsep(&cur, ";")) != NULL) {
		cmd = strim(cmd);
		if (!*cmd)
			continue;
		n++;
		mutex_lock(&sim->lock);
		ret = lis_sim_fault_command(sim, cmd);
		mutex_unlock(&sim->lock);
	}
	if (ret)
		pr_err("faults=\"%s\": command %u refused (see above)\n",
		       faults, n);
	kfree(buf);
	return ret;
}

/* The chaos line: settings, then what it did so far. */
static void lis_sim_chaos_show(struct lis_sim *sim, struct seq_file *m)
{
	struct lis_sim_chaos *c = &sim->chaos;
	unsigned int i;

	if (c->on) {
		seq_printf(m, "chaos %llu %u ", c->seed, c->permille);
		for (i = 0; i < LIS_SIM_CHAOS_NR; i++)
			if (c->kinds & BIT(i))
				seq_printf(m, "%s%s", lis_sim_chaos_names[i],
					   c->kinds >> (i + 1) ? "," : "\n");
	}
	/* Never used since lis_sim loaded: nothing to say. */
	if (!c->on && !c->msgs && !c->pkts)
		return;
	seq_printf(m, "chaos: %s seed=%llu permille=%u messages=%llu packets=%llu",
		   c->on ? "on" : "off", c->seed, c->permille, c->msgs,
		   c->pkts);
	for (i = 0; i < LIS_SIM_CHAOS_NR; i++)
		seq_printf(m, " %s=%llu", lis_sim_chaos_names[i], c->done[i]);
	seq_putc(m, '\n');
}

/**
 * lis_sim_fault_show() - list armed faults, one command per line
 * @sim: the simulator
 * @m: where to print
 */
void lis_sim_fault_show(struct lis_sim *sim, struct seq_file *m)
{
	struct lis_sim_post_fault pf;
	unsigned int i, n;

	lockdep_assert_held(&sim->lock);
	spin_lock_irq(&sim->in_lock);
	pf = sim->post_fault;
	spin_unlock_irq(&sim->in_lock);
	if (pf.count && pf.any)
		seq_printf(m, "post-fail %u %u\n", pf.status, pf.count);
	else if (pf.count)
		seq_printf(m, "post-fail %u %u %s\n", pf.status, pf.count,
			   lis_chmsg_name(pf.msgtype));
	for (i = 0; i < LIS_CHMSG_MAX; i++) {
		for (n = 0; n < sim->faults.drop[i]; n++)
			seq_printf(m, "drop %s\n", lis_chmsg_name(i));
		for (n = 0; n < sim->faults.dup[i]; n++)
			seq_printf(m, "dup %s\n", lis_chmsg_name(i));
		for (n = 0; n < sim->faults.reorder[i]; n++)
			seq_printf(m, "reorder %s\n", lis_chmsg_name(i));
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
		else if (kind == LIS_SIM_FAULT_CORRUPT_PAYLOAD)
			seq_printf(m, "corrupt %u payload %d\n", relid,
				   sim->faults.chan[i].step);
		else if (kind == LIS_SIM_FAULT_RESCIND_AT)
			seq_printf(m, "rescind-at %u %s\n", relid,
				   lis_sim_step_name(sim->faults.chan[i].step));
		else
			seq_printf(m, "corrupt %u %s\n", relid,
				   lis_sim_chan_fault_names[kind]);
	}
	lis_sim_chaos_show(sim, m);
}
