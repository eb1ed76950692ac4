// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus connection protocol as a sans-I/O state machine: version
 * negotiation, offers, rescinds, open and close, GPADL bookkeeping, unload.
 *
 * Pure code (see include/lis/shim.h): no allocation, locks or sleeping.
 * The same file is linked into lis_vmbus, compiled into the lis_conn KUnit
 * suite and into the userspace fuzzer tests/fuzz/fuzz_conn.c.
 */

#include "lis/conn.h"

/**
 * DOC: Theory of Operation
 *
 * struct lis_conn holds everything the guest must remember about its
 * conversation with the host, and nothing else: the connection state, the
 * negotiated version, and small tables of channels and GPADL handles.  Two
 * kinds of event change it:
 *
 * - lis_conn_receive(): the host posted a message;
 * - the lis_conn_*() calls: a driver, or the module itself, wants
 *   something (connect, open, close, share memory, unload...).
 *
 * Each event appends what must happen next to c->act[]: messages to post,
 * and results to hand to whoever is waiting (struct lis_conn_action).  The
 * caller carries them out in order, then calls lis_conn_actions_done().
 * One event queues at most two actions, so the queue never overflows as
 * long as the caller drains it after every event.
 *
 * Connection states::
 *
 *   IDLE --connect--> CONTACTING --VERSION_RESPONSE(yes)--> REQUESTING
 *                       |    ^                                  |
 *                       |    '--VERSION_RESPONSE(no), next      | ALLOFFERS_
 *                       |       version                         v DELIVERED
 *                       '--no version left / abort--> FAILED  READY
 *
 *   REQUESTING, READY --unload--> UNLOADING --UNLOAD_RESPONSE--> UNLOADED
 *
 * Channels: OFFERED --open--> OPENING --OPENCHANNEL_RESULT(0)--> OPEN
 * --close--> OFFERED.  A failed result goes back to OFFERED.  RESCIND may
 * come in any channel state: it marks the channel rescinded (an open in
 * flight fails with -ENODEV at once), after which nothing more is sent for
 * the channel until lis_conn_release() posts RELID_RELEASED and frees its
 * slot.
 *
 * GPADLs: the guest picks the handle (lis_conn_gpadl_begin(), CREATING) and
 * posts the lis_gpadl_encode() messages itself; GPADL_CREATED makes it
 * CREATED; lis_conn_gpadl_teardown() posts GPADL_TEARDOWN (TEARING) and
 * GPADL_TORNDOWN frees the handle.  Once the host has dropped the GPADL by
 * itself (the channel was rescinded, or the connection unloaded), teardown
 * frees the handle at once without asking the host.
 *
 * Posting can fail: the hypervisor may not know the connection id (a
 * host older than 5.0 has no id 4) or may refuse the message for good.
 * The glue retries the transient statuses itself (lis_conn_post_errno(),
 * lis_conn_post_delay_us()) and reports every post that still failed with
 * lis_conn_post_failed() (a queued POST) or lis_conn_msg_failed() (a
 * message it built itself: GPADL_HEADER and GPADL_BODY).  Then the
 * request the message belonged to ends at once, as if the host had
 * refused it: an INITIATE_CONTACT the hypervisor could not route steps
 * down to the next version (whose id may be 1), any other failed
 * INITIATE_CONTACT or REQUESTOFFERS fails the connection, an OPENCHANNEL
 * fails the open, and so on (see lis_conn_post_failed()).  Nobody waits
 * for an answer to a message the host never got.
 *
 * The host is not trusted.  Every message is checked by lis_chmsg_check()
 * before any field is read, and every message that does not fit the
 * current state (a duplicate offer, a result nobody asked for, a relid we
 * never saw) changes nothing and queues LIS_ACT_PROTOCOL_ERROR, whose
 * @what names the fault for the log.  A few messages can legitimately
 * cross the guest's own messages on the wire; those are dropped quietly
 * instead (see lis_conn_receive()).
 */

/* "short <TYPE>": the fault string for a truncated message of each type. */
#define LIS_SHORT(type)	\
	[LIS_CHMSG_##type] = "short " #type

static const char *const lis_conn_short[LIS_CHMSG_MAX] = {
	LIS_SHORT(OFFER),
	LIS_SHORT(RESCIND),
	LIS_SHORT(REQUESTOFFERS),
	LIS_SHORT(ALLOFFERS_DELIVERED),
	LIS_SHORT(OPENCHANNEL),
	LIS_SHORT(OPENCHANNEL_RESULT),
	LIS_SHORT(CLOSECHANNEL),
	LIS_SHORT(GPADL_HEADER),
	LIS_SHORT(GPADL_BODY),
	LIS_SHORT(GPADL_CREATED),
	LIS_SHORT(GPADL_TEARDOWN),
	LIS_SHORT(GPADL_TORNDOWN),
	LIS_SHORT(RELID_RELEASED),
	LIS_SHORT(INITIATE_CONTACT),
	LIS_SHORT(VERSION_RESPONSE),
	LIS_SHORT(UNLOAD),
	LIS_SHORT(UNLOAD_RESPONSE),
	LIS_SHORT(MODIFYCHANNEL),
	LIS_SHORT(MODIFYCHANNEL_RESPONSE),
};

/* Queue an action of @type, zeroed; NULL (and overflow set) if full. */
static struct lis_conn_action *conn_act(struct lis_conn *c, u32 type)
{
	struct lis_conn_action *a;

	if (c->nact >= LIS_CONN_MAX_ACTIONS) {
		c->overflow = true;
		return NULL;
	}
	a = &c->act[c->nact++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

/* Queue a POST of @len bytes of @msg to connection id @conn_id. */
static void conn_post(struct lis_conn *c, u32 conn_id, const void *msg,
		      u32 len)
{
	struct lis_conn_action *a = conn_act(c, LIS_ACT_POST);

	if (!a)
		return;
	a->conn_id = conn_id;
	a->len = len;
	memcpy(a->msg, msg, len);
}

/* Queue a host-to-guest result action. */
static void conn_result(struct lis_conn *c, u32 type, u32 relid, u32 handle,
			s32 status, u32 host_status)
{
	struct lis_conn_action *a = conn_act(c, type);

	if (!a)
		return;
	a->relid = relid;
	a->handle = handle;
	a->status = status;
	a->host_status = host_status;
}

/* Report a host protocol fault; the message is otherwise ignored. */
static int conn_fault(struct lis_conn *c, const char *what, u32 msgtype,
		      u32 relid, u32 handle)
{
	struct lis_conn_action *a = conn_act(c, LIS_ACT_PROTOCOL_ERROR);

	if (a) {
		a->what = what;
		a->msgtype = msgtype;
		a->relid = relid;
		a->handle = handle;
	}
	return -EPROTO;
}

/* Connected: channel messages may be posted. */
static bool conn_up(const struct lis_conn *c)
{
	return c->state == LIS_CONN_REQUESTING || c->state == LIS_CONN_READY;
}

/**
 * lis_conn_find() - look up a channel by relid
 * @c: the connection
 * @relid: the host's id for the channel
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: the channel's entry, or NULL if @relid is not offered (or 0).
 */
struct lis_conn_chan *lis_conn_find(struct lis_conn *c, u32 relid)
{
	unsigned int i;

	if (!relid)
		return NULL;
	for (i = 0; i < LIS_CONN_MAX_CHANNELS; i++)
		if (c->chans[i].relid == relid)
			return &c->chans[i];
	return NULL;
}
LIS_EXPORT(lis_conn_find);

/**
 * lis_conn_find_gpadl() - look up a GPADL by handle
 * @c: the connection
 * @handle: the guest-chosen handle
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: the GPADL's entry, or NULL if @handle is not in use (or 0).
 */
struct lis_conn_gpadl *lis_conn_find_gpadl(struct lis_conn *c, u32 handle)
{
	unsigned int i;

	if (!handle)
		return NULL;
	for (i = 0; i < LIS_CONN_MAX_GPADLS; i++)
		if (c->gpadls[i].handle == handle)
			return &c->gpadls[i];
	return NULL;
}
LIS_EXPORT(lis_conn_find_gpadl);

/**
 * lis_conn_state_name() - printable name of a connection state
 * @state: enum lis_conn_state
 *
 * Context: any.
 * Return: a static string such as "ready", or "unknown".
 */
const char *lis_conn_state_name(u32 state)
{
	static const char *const names[] = {
		[LIS_CONN_IDLE] = "idle",
		[LIS_CONN_CONTACTING] = "contacting",
		[LIS_CONN_REQUESTING] = "requesting",
		[LIS_CONN_READY] = "ready",
		[LIS_CONN_UNLOADING] = "unloading",
		[LIS_CONN_UNLOADED] = "unloaded",
		[LIS_CONN_FAILED] = "failed",
	};

	if (state >= ARRAY_SIZE(names))
		return "unknown";
	return names[state];
}
LIS_EXPORT(lis_conn_state_name);

/**
 * lis_conn_init() - reset a connection to IDLE
 * @c: the connection
 * @p: addresses and limits for INITIATE_CONTACT; copied
 *
 * Forgets everything, including queued actions.
 *
 * Context: any.
 */
void lis_conn_init(struct lis_conn *c, const struct lis_conn_params *p)
{
	memset(c, 0, sizeof(*c));
	c->params = *p;
	c->state = LIS_CONN_IDLE;
}
LIS_EXPORT(lis_conn_init);

/*
 * Select the first version at or after index @from that params.max_version
 * allows.  Return false if there is none.
 */
static bool conn_pick_version(struct lis_conn *c, u32 from)
{
	u32 cap = c->params.max_version;
	u32 i;

	for (i = from; i < lis_vmbus_nversions; i++) {
		if (!cap || lis_vmbus_versions[i] <= cap) {
			c->version_idx = i;
			return true;
		}
	}
	c->version_idx = lis_vmbus_nversions;
	return false;
}

/*
 * Post INITIATE_CONTACT for the version at c->version_idx.
 *
 * 6.0 hosts also accept a longer form (a client id GUID after these 40
 * bytes, feature flags in the upper half of the interrupt page field); the
 * 40-byte form asks for no optional features, and such a host's
 * VERSION_RESPONSE may carry 4 more bytes (its feature flags), which
 * lis_chmsg_check() lets through and we ignore.  (OpenVMM's vmbus_core.)
 */
static void conn_contact(struct lis_conn *c)
{
	u32 version = lis_vmbus_versions[c->version_idx];
	struct lis_chmsg_initiate_contact m;
	u32 conn_id;

	memset(&m, 0, sizeof(m));
	m.hdr.msgtype = LIS_CHMSG_INITIATE_CONTACT;
	m.version = version;
	m.target_vcpu = c->params.target_vcpu;
	if (version >= LIS_VMBUS_V5_0) {
		/* 5.0+: name the SINT; later messages go where the host says */
		m.msg_sint = LIS_VMBUS_SINT;
		conn_id = LIS_CONNID_CONTACT;
	} else {
		m.interrupt_page = c->params.interrupt_page;
		conn_id = LIS_CONNID_MESSAGE;
	}
	m.monitor_page1 = c->params.monitor_page1;
	m.monitor_page2 = c->params.monitor_page2;
	conn_post(c, conn_id, &m, sizeof(m));
	c->state = LIS_CONN_CONTACTING;
}

/**
 * lis_conn_connect() - start version negotiation
 * @c: the connection, IDLE or FAILED
 *
 * Queues a POST of INITIATE_CONTACT for the newest version not above
 * params.max_version.  The host's answers step down the version list;
 * the outcome is LIS_ACT_CONNECTED (followed by a POST of REQUESTOFFERS)
 * or LIS_ACT_CONNECT_FAILED.
 *
 * From FAILED this starts over: channels and GPADLs still recorded from
 * the earlier attempt are forgotten, so the caller must have dropped
 * whatever it built on them.
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -EBUSY if already connecting, connected or unloading;
 * -EPROTONOSUPPORT (state FAILED, no action) if params.max_version is
 * below every version we know.
 */
int lis_conn_connect(struct lis_conn *c)
{
	if (c->state != LIS_CONN_IDLE && c->state != LIS_CONN_FAILED)
		return -EBUSY;

	memset(c->chans, 0, sizeof(c->chans));
	memset(c->gpadls, 0, sizeof(c->gpadls));
	c->version = 0;
	c->msg_conn_id = 0;
	if (!conn_pick_version(c, 0)) {
		c->state = LIS_CONN_FAILED;
		return -EPROTONOSUPPORT;
	}
	conn_contact(c);
	return 0;
}
LIS_EXPORT(lis_conn_connect);

static int conn_on_version(struct lis_conn *c,
			   const struct lis_chmsg_version_response *m)
{
	struct lis_chmsg_hdr req;
	struct lis_conn_action *a;
	u32 version;

	if (c->state != LIS_CONN_CONTACTING)
		return conn_fault(c, "late or duplicate VERSION_RESPONSE",
				  LIS_CHMSG_VERSION_RESPONSE, 0, 0);

	version = lis_vmbus_versions[c->version_idx];
	if (!m->supported) {
		if (conn_pick_version(c, c->version_idx + 1)) {
			conn_contact(c);
			return 0;
		}
		c->state = LIS_CONN_FAILED;
		conn_result(c, LIS_ACT_CONNECT_FAILED, 0, 0, -EPROTONOSUPPORT,
			    0);
		return 0;
	}
	if (m->connection_state) {
		/* Supported, but the host could not set the connection up. */
		c->state = LIS_CONN_FAILED;
		conn_result(c, LIS_ACT_CONNECT_FAILED, 0, 0, -ECONNREFUSED,
			    m->connection_state);
		return 0;
	}

	c->version = version;
	c->msg_conn_id = version >= LIS_VMBUS_V5_0 ? m->msg_conn_id :
						     LIS_CONNID_MESSAGE;
	c->state = LIS_CONN_REQUESTING;
	a = conn_act(c, LIS_ACT_CONNECTED);
	if (a) {
		a->version = version;
		a->conn_id = c->msg_conn_id;
	}
	memset(&req, 0, sizeof(req));
	req.msgtype = LIS_CHMSG_REQUESTOFFERS;
	conn_post(c, c->msg_conn_id, &req, sizeof(req));
	return 0;
}

static int conn_on_offer(struct lis_conn *c, const struct lis_chmsg_offer *m)
{
	u32 relid = m->child_relid;
	struct lis_conn_chan *ch;
	struct lis_conn_action *a;

	/* An offer that crossed our UNLOAD: no new devices now. */
	if (c->state == LIS_CONN_UNLOADING)
		return 0;
	if (!conn_up(c))
		return conn_fault(c, "OFFER while not connected",
				  LIS_CHMSG_OFFER, relid, 0);
	if (!relid || relid > LIS_MAX_RELID)
		return conn_fault(c, "OFFER with relid out of range",
				  LIS_CHMSG_OFFER, relid, 0);
	if (lis_conn_find(c, relid))
		return conn_fault(c, "duplicate OFFER", LIS_CHMSG_OFFER,
				  relid, 0);
	for (ch = c->chans; ch < c->chans + LIS_CONN_MAX_CHANNELS; ch++)
		if (!ch->relid)
			break;
	if (ch == c->chans + LIS_CONN_MAX_CHANNELS)
		return conn_fault(c, "OFFER beyond the channel table",
				  LIS_CHMSG_OFFER, relid, 0);

	memset(ch, 0, sizeof(*ch));
	ch->relid = relid;
	ch->state = LIS_CHAN_OFFERED;
	a = conn_act(c, LIS_ACT_OFFER);
	if (a) {
		a->relid = relid;
		memcpy(&a->offer, m, sizeof(a->offer));
	}
	return 0;
}

static int conn_on_alloffers(struct lis_conn *c)
{
	switch (c->state) {
	case LIS_CONN_REQUESTING:
		c->state = LIS_CONN_READY;
		conn_act(c, LIS_ACT_ALL_OFFERS);
		return 0;
	case LIS_CONN_UNLOADING:
		return 0;
	case LIS_CONN_READY:
		return conn_fault(c, "duplicate ALLOFFERS_DELIVERED",
				  LIS_CHMSG_ALLOFFERS_DELIVERED, 0, 0);
	default:
		return conn_fault(c, "ALLOFFERS_DELIVERED while not connected",
				  LIS_CHMSG_ALLOFFERS_DELIVERED, 0, 0);
	}
}

static int conn_on_rescind(struct lis_conn *c,
			   const struct lis_chmsg_rescind *m)
{
	u32 relid = m->child_relid;
	struct lis_conn_chan *ch = lis_conn_find(c, relid);

	if (!ch)
		return conn_fault(c, "RESCIND of an unknown relid",
				  LIS_CHMSG_RESCIND, relid, 0);
	if (ch->rescinded)
		return conn_fault(c, "duplicate RESCIND", LIS_CHMSG_RESCIND,
				  relid, 0);

	ch->rescinded = true;
	if (ch->state == LIS_CHAN_OPENING) {
		/* The host will not answer that open now: fail it first. */
		ch->state = LIS_CHAN_OFFERED;
		ch->open_id = 0;
		conn_result(c, LIS_ACT_OPEN_RESULT, relid, 0, -ENODEV, 0);
	}
	conn_result(c, LIS_ACT_RESCIND, relid, 0, 0, 0);
	return 0;
}

static int conn_on_open_result(struct lis_conn *c,
			       const struct lis_chmsg_open_result *m)
{
	u32 relid = m->child_relid;
	struct lis_conn_chan *ch = lis_conn_find(c, relid);

	if (!ch)
		return conn_fault(c, "OPENCHANNEL_RESULT for an unknown relid",
				  LIS_CHMSG_OPENCHANNEL_RESULT, relid, 0);
	if (ch->state != LIS_CHAN_OPENING || ch->open_id != m->open_id) {
		/* The rescind already failed that open. */
		if (ch->rescinded)
			return 0;
		return conn_fault(c, "late or duplicate OPENCHANNEL_RESULT",
				  LIS_CHMSG_OPENCHANNEL_RESULT, relid, 0);
	}

	if (m->status == 0) {
		ch->state = LIS_CHAN_OPEN;
	} else {
		ch->state = LIS_CHAN_OFFERED;
		ch->open_id = 0;
	}
	conn_result(c, LIS_ACT_OPEN_RESULT, relid, 0, m->status ? -EIO : 0,
		    m->status);
	return 0;
}

static int conn_on_gpadl_created(struct lis_conn *c,
				 const struct lis_chmsg_gpadl_created *m)
{
	struct lis_conn_gpadl *g = lis_conn_find_gpadl(c, m->gpadl);

	if (!g || g->state != LIS_GPADL_CREATING ||
	    g->relid != m->child_relid)
		return conn_fault(c, "unexpected GPADL_CREATED",
				  LIS_CHMSG_GPADL_CREATED, m->child_relid,
				  m->gpadl);

	conn_result(c, LIS_ACT_GPADL_CREATED, g->relid, g->handle,
		    m->status ? -EIO : 0, m->status);
	if (m->status)
		memset(g, 0, sizeof(*g));
	else
		g->state = LIS_GPADL_CREATED;
	return 0;
}

static int conn_on_gpadl_torndown(struct lis_conn *c,
				  const struct lis_chmsg_gpadl_torndown *m)
{
	struct lis_conn_gpadl *g = lis_conn_find_gpadl(c, m->gpadl);

	/*
	 * A GPADL we did not tear down is still in use, usually as a ring:
	 * name its channel, whose host claims to have dropped its memory.
	 */
	if (!g || g->state != LIS_GPADL_TEARING)
		return conn_fault(c, "unexpected GPADL_TORNDOWN",
				  LIS_CHMSG_GPADL_TORNDOWN, g ? g->relid : 0,
				  m->gpadl);

	conn_result(c, LIS_ACT_GPADL_TORNDOWN, g->relid, g->handle, 0, 0);
	memset(g, 0, sizeof(*g));
	return 0;
}

static int conn_on_modify_response(struct lis_conn *c,
				   const struct lis_chmsg_modify_response *m)
{
	/* It can cross a rescind: no channel, nobody waiting. */
	if (!lis_conn_find(c, m->child_relid))
		return 0;
	conn_result(c, LIS_ACT_MODIFIED, m->child_relid, 0,
		    m->status ? -EIO : 0, m->status);
	return 0;
}

static int conn_on_unload_response(struct lis_conn *c)
{
	if (c->state != LIS_CONN_UNLOADING)
		return conn_fault(c, "unexpected UNLOAD_RESPONSE",
				  LIS_CHMSG_UNLOAD_RESPONSE, 0, 0);
	c->state = LIS_CONN_UNLOADED;
	conn_act(c, LIS_ACT_UNLOADED);
	return 0;
}

/* The fault string for a message lis_chmsg_check() found malformed. */
static const char *conn_malformed(u32 len, u32 type)
{
	if (len < sizeof(struct lis_chmsg_hdr))
		return "message shorter than its header";
	if (len > LIS_HV_MSG_PAYLOAD)
		return "message longer than 240 bytes";
	if (type < LIS_CHMSG_MAX && lis_conn_short[type])
		return lis_conn_short[type];
	return "short message";
}

/**
 * lis_conn_receive() - feed one message from the host
 * @c: the connection
 * @msg: the message payload, as the host posted it
 * @len: its length (the hypervisor message's payload size)
 *
 * Validates @msg, then acts on it according to the connection's state.
 * Anything malformed, unknown, meant for the host, or not fitting the
 * current state queues LIS_ACT_PROTOCOL_ERROR and changes nothing else.
 *
 * Dropped quietly instead, because they can cross the guest's own
 * messages: OFFER and ALLOFFERS_DELIVERED while UNLOADING (no new devices
 * during unload), an OPENCHANNEL_RESULT for a rescinded channel whose open
 * was already failed, and MODIFYCHANNEL_RESPONSE for a relid no longer
 * offered.
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0 if the message was taken (or dropped quietly); -EINVAL if it
 * is malformed; -EOPNOTSUPP if its type is unknown; -EPROTO if it does not
 * fit the current state or is a guest-to-host message.
 */
int lis_conn_receive(struct lis_conn *c, const void *msg, u32 len)
{
	u32 type;
	int ret;

	ret = lis_chmsg_check(msg, len, &type);
	if (ret == -EOPNOTSUPP) {
		conn_fault(c, "unknown message type", type, 0, 0);
		return ret;
	}
	if (ret) {
		conn_fault(c, conn_malformed(len, type), type, 0, 0);
		return ret;
	}

	switch (type) {
	case LIS_CHMSG_VERSION_RESPONSE:
		return conn_on_version(c, msg);
	case LIS_CHMSG_OFFER:
		return conn_on_offer(c, msg);
	case LIS_CHMSG_ALLOFFERS_DELIVERED:
		return conn_on_alloffers(c);
	case LIS_CHMSG_RESCIND:
		return conn_on_rescind(c, msg);
	case LIS_CHMSG_OPENCHANNEL_RESULT:
		return conn_on_open_result(c, msg);
	case LIS_CHMSG_GPADL_CREATED:
		return conn_on_gpadl_created(c, msg);
	case LIS_CHMSG_GPADL_TORNDOWN:
		return conn_on_gpadl_torndown(c, msg);
	case LIS_CHMSG_UNLOAD_RESPONSE:
		return conn_on_unload_response(c);
	case LIS_CHMSG_MODIFYCHANNEL_RESPONSE:
		return conn_on_modify_response(c, msg);
	default:
		return conn_fault(c, "guest-to-host message from the host",
				  type, 0, 0);
	}
}
LIS_EXPORT(lis_conn_receive);

/**
 * lis_conn_open() - ask the host to open an offered channel
 * @c: the connection
 * @relid: the channel
 * @ring_gpadl: CREATED GPADL of @relid holding both rings
 * @target_vp: VP index the host should signal for this channel
 * @downstream_offset: first page of the host-to-guest ring in the GPADL
 * @user_data: channel-specific open data (may be NULL if @user_len is 0)
 * @user_len: bytes of @user_data, at most 120; the rest is zeroed
 *
 * Queues a POST of OPENCHANNEL with a fresh open id; the channel is
 * OPENING until LIS_ACT_OPEN_RESULT reports the outcome.
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -EINVAL if @user_len is too long or @ring_gpadl is not a
 * CREATED GPADL of this channel; -ENOTCONN if not connected; -ENOENT if
 * @relid is not offered; -ENODEV if it was rescinded; -EBUSY if it is not
 * closed.
 */
int lis_conn_open(struct lis_conn *c, u32 relid, u32 ring_gpadl,
		  u32 target_vp, u32 downstream_offset,
		  const void *user_data, u32 user_len)
{
	struct lis_chmsg_open m;
	struct lis_conn_chan *ch;
	struct lis_conn_gpadl *g;

	if (user_len > sizeof(m.user_data) || (user_len && !user_data))
		return -EINVAL;
	if (!conn_up(c))
		return -ENOTCONN;
	ch = lis_conn_find(c, relid);
	if (!ch)
		return -ENOENT;
	if (ch->rescinded)
		return -ENODEV;
	if (ch->state != LIS_CHAN_OFFERED)
		return -EBUSY;
	g = lis_conn_find_gpadl(c, ring_gpadl);
	if (!g || g->relid != relid || g->state != LIS_GPADL_CREATED)
		return -EINVAL;

	if (!++c->next_open_id)
		++c->next_open_id;
	ch->open_id = c->next_open_id;
	ch->state = LIS_CHAN_OPENING;

	memset(&m, 0, sizeof(m));
	m.hdr.msgtype = LIS_CHMSG_OPENCHANNEL;
	m.child_relid = relid;
	m.open_id = ch->open_id;
	m.ring_gpadl = ring_gpadl;
	m.target_vp = target_vp;
	m.downstream_offset = downstream_offset;
	if (user_len)
		memcpy(m.user_data, user_data, user_len);
	conn_post(c, c->msg_conn_id, &m, sizeof(m));
	return 0;
}
LIS_EXPORT(lis_conn_open);

/**
 * lis_conn_close() - close an open channel
 * @c: the connection
 * @relid: the channel, OPEN
 *
 * The channel goes back to OFFERED at once (the host does not answer
 * CLOSECHANNEL).  The message is posted only while connected and if the
 * channel was not rescinded; otherwise there is no one to tell.  The
 * ring's GPADL stays until lis_conn_gpadl_teardown().
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -ENOENT if @relid is not offered; -EINVAL if it is not OPEN.
 */
int lis_conn_close(struct lis_conn *c, u32 relid)
{
	struct lis_conn_chan *ch = lis_conn_find(c, relid);
	struct lis_chmsg_close m;

	if (!ch)
		return -ENOENT;
	if (ch->state != LIS_CHAN_OPEN)
		return -EINVAL;

	ch->state = LIS_CHAN_OFFERED;
	ch->open_id = 0;
	if (ch->rescinded || !conn_up(c))
		return 0;
	memset(&m, 0, sizeof(m));
	m.hdr.msgtype = LIS_CHMSG_CLOSECHANNEL;
	m.child_relid = relid;
	conn_post(c, c->msg_conn_id, &m, sizeof(m));
	return 0;
}
LIS_EXPORT(lis_conn_close);

/**
 * lis_conn_modify() - ask the host to signal an open channel on another VP
 * @c: the connection
 * @relid: the channel, OPEN
 * @target_vp: the VP index the host should signal from now on
 *
 * Queues a POST of MODIFYCHANNEL.  Hosts answer (LIS_ACT_MODIFIED) only
 * from protocol 5.3 on; before that the change takes effect silently.
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -ENOTCONN if not connected; -EOPNOTSUPP before protocol 4.1;
 * -ENOENT if @relid is not offered; -ENODEV if it was rescinded; -EINVAL
 * if it is not OPEN.
 */
int lis_conn_modify(struct lis_conn *c, u32 relid, u32 target_vp)
{
	struct lis_conn_chan *ch;
	struct lis_chmsg_modify m;

	if (!conn_up(c))
		return -ENOTCONN;
	if (c->version < LIS_VMBUS_V4_1)
		return -EOPNOTSUPP;
	ch = lis_conn_find(c, relid);
	if (!ch)
		return -ENOENT;
	if (ch->rescinded)
		return -ENODEV;
	if (ch->state != LIS_CHAN_OPEN)
		return -EINVAL;

	memset(&m, 0, sizeof(m));
	m.hdr.msgtype = LIS_CHMSG_MODIFYCHANNEL;
	m.child_relid = relid;
	m.target_vp = target_vp;
	conn_post(c, c->msg_conn_id, &m, sizeof(m));
	return 0;
}
LIS_EXPORT(lis_conn_modify);

/* A handle not in use: the one after the last handed out, never 0. */
static u32 conn_new_handle(struct lis_conn *c)
{
	u32 h = c->next_gpadl;

	/* At most LIS_CONN_MAX_GPADLS - 1 others are in use: this ends. */
	do {
		if (!++h)
			h = 1;
	} while (lis_conn_find_gpadl(c, h));
	c->next_gpadl = h;
	return h;
}

/**
 * lis_conn_gpadl_begin() - reserve a GPADL handle for a channel
 * @c: the connection
 * @relid: the channel the memory is shared with
 * @npfns: frames in the GPADL
 * @handle: the new handle, on success
 *
 * Records the handle as CREATING and queues nothing: the caller posts the
 * lis_gpadl_encode() messages for it (to c->msg_conn_id) and then waits
 * for LIS_ACT_GPADL_CREATED.  A caller that gives up waiting must leave the
 * memory shared; the handle can be freed by lis_conn_gpadl_teardown() only
 * once the host has dropped it (channel rescinded, or connection unloaded).
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -ENOTCONN if not connected; -EINVAL if @npfns is 0; -E2BIG if
 * it is above LIS_GPADL_MAX_PFNS; -ENOENT if @relid is not offered;
 * -ENODEV if it was rescinded; -ENOSPC if LIS_CONN_MAX_GPADLS are in use.
 */
int lis_conn_gpadl_begin(struct lis_conn *c, u32 relid, u32 npfns,
			 u32 *handle)
{
	struct lis_conn_chan *ch;
	struct lis_conn_gpadl *g;

	if (!conn_up(c))
		return -ENOTCONN;
	if (!npfns)
		return -EINVAL;
	if (npfns > LIS_GPADL_MAX_PFNS)
		return -E2BIG;
	ch = lis_conn_find(c, relid);
	if (!ch)
		return -ENOENT;
	if (ch->rescinded)
		return -ENODEV;
	for (g = c->gpadls; g < c->gpadls + LIS_CONN_MAX_GPADLS; g++)
		if (!g->handle)
			break;
	if (g == c->gpadls + LIS_CONN_MAX_GPADLS)
		return -ENOSPC;

	g->handle = conn_new_handle(c);
	g->relid = relid;
	g->state = LIS_GPADL_CREATING;
	*handle = g->handle;
	return 0;
}
LIS_EXPORT(lis_conn_gpadl_begin);

/**
 * lis_conn_gpadl_teardown() - stop sharing a GPADL
 * @c: the connection
 * @handle: from lis_conn_gpadl_begin()
 *
 * While the host still holds the GPADL, a CREATED handle becomes TEARING
 * and GPADL_TEARDOWN is posted; LIS_ACT_GPADL_TORNDOWN follows when the
 * host confirms, and only then may the memory be reused.
 *
 * Once the host has dropped the GPADL by itself (its channel was rescinded,
 * or the connection is UNLOADED), nothing is posted: the handle is freed at
 * once, in any state, and LIS_ACT_GPADL_TORNDOWN is queued right away.
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -ENOENT if @handle is not in use; -EBUSY if the host still
 * owes an answer for it (CREATING or TEARING), or the connection is
 * UNLOADING (retry once it is UNLOADED); -ENOTCONN if the connection is
 * not up (IDLE, CONTACTING, FAILED).
 */
int lis_conn_gpadl_teardown(struct lis_conn *c, u32 handle)
{
	struct lis_conn_gpadl *g = lis_conn_find_gpadl(c, handle);
	struct lis_chmsg_gpadl_teardown m;
	struct lis_conn_chan *ch;

	if (!g)
		return -ENOENT;
	ch = lis_conn_find(c, g->relid);
	if ((ch && ch->rescinded) || c->state == LIS_CONN_UNLOADED) {
		conn_result(c, LIS_ACT_GPADL_TORNDOWN, g->relid, g->handle, 0,
			    0);
		memset(g, 0, sizeof(*g));
		return 0;
	}
	if (c->state == LIS_CONN_UNLOADING)
		return -EBUSY;
	if (!conn_up(c))
		return -ENOTCONN;
	if (g->state != LIS_GPADL_CREATED)
		return -EBUSY;

	g->state = LIS_GPADL_TEARING;
	memset(&m, 0, sizeof(m));
	m.hdr.msgtype = LIS_CHMSG_GPADL_TEARDOWN;
	m.child_relid = g->relid;
	m.gpadl = g->handle;
	conn_post(c, c->msg_conn_id, &m, sizeof(m));
	return 0;
}
LIS_EXPORT(lis_conn_gpadl_teardown);

/**
 * lis_conn_release() - let the host reuse a rescinded channel's relid
 * @c: the connection
 * @relid: the channel, rescinded
 *
 * Call once the channel's device is gone and its GPADLs are torn down.
 * Posts RELID_RELEASED (while connected) and frees the channel's slot,
 * together with any of its GPADL handles still recorded.  The host may
 * then offer the same relid again.
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -ENOENT if @relid is not offered; -EINVAL if it was not
 * rescinded.
 */
int lis_conn_release(struct lis_conn *c, u32 relid)
{
	struct lis_conn_chan *ch = lis_conn_find(c, relid);
	struct lis_chmsg_relid_released m;
	unsigned int i;

	if (!ch)
		return -ENOENT;
	if (!ch->rescinded)
		return -EINVAL;

	if (conn_up(c)) {
		memset(&m, 0, sizeof(m));
		m.hdr.msgtype = LIS_CHMSG_RELID_RELEASED;
		m.child_relid = relid;
		conn_post(c, c->msg_conn_id, &m, sizeof(m));
	}
	for (i = 0; i < LIS_CONN_MAX_GPADLS; i++)
		if (c->gpadls[i].handle && c->gpadls[i].relid == relid)
			memset(&c->gpadls[i], 0, sizeof(c->gpadls[i]));
	memset(ch, 0, sizeof(*ch));
	return 0;
}
LIS_EXPORT(lis_conn_release);

/**
 * lis_conn_unload() - say goodbye to the host
 * @c: the connection
 *
 * If the host accepted a version, queues a POST of UNLOAD and waits in
 * UNLOADING for UNLOAD_RESPONSE (LIS_ACT_UNLOADED).  If no version was
 * accepted (IDLE, CONTACTING, or FAILED before that), or the version is
 * 2.4, whose hosts do not support UNLOAD (Linux does not send it to them
 * either), the connection is UNLOADED at once: LIS_ACT_UNLOADED is queued
 * and nothing is posted.
 *
 * Context: any; the caller serialises all calls on @c.
 * Return: 0; -EALREADY if UNLOADING or UNLOADED.
 */
int lis_conn_unload(struct lis_conn *c)
{
	struct lis_chmsg_hdr m;

	if (c->state == LIS_CONN_UNLOADING || c->state == LIS_CONN_UNLOADED)
		return -EALREADY;

	if (c->version < LIS_VMBUS_V3_0) {
		c->state = LIS_CONN_UNLOADED;
		conn_act(c, LIS_ACT_UNLOADED);
		return 0;
	}
	memset(&m, 0, sizeof(m));
	m.msgtype = LIS_CHMSG_UNLOAD;
	conn_post(c, c->msg_conn_id, &m, sizeof(m));
	c->state = LIS_CONN_UNLOADING;
	return 0;
}
LIS_EXPORT(lis_conn_unload);

/**
 * lis_conn_abort() - give up connecting
 * @c: the connection
 * @err: why, a negative errno (e.g. -ETIMEDOUT); anything else becomes
 *	-ECONNABORTED
 *
 * While CONTACTING or REQUESTING, moves to FAILED and queues
 * LIS_ACT_CONNECT_FAILED with @err.  In any other state it does nothing,
 * so it is safe to call on every failure path.  Answers the host still
 * sends for the abandoned attempt are reported as protocol errors.
 *
 * Context: any; the caller serialises all calls on @c.
 */
void lis_conn_abort(struct lis_conn *c, int err)
{
	if (c->state != LIS_CONN_CONTACTING &&
	    c->state != LIS_CONN_REQUESTING)
		return;
	c->state = LIS_CONN_FAILED;
	conn_result(c, LIS_ACT_CONNECT_FAILED, 0, 0,
		    err < 0 ? err : -ECONNABORTED, 0);
}
LIS_EXPORT(lis_conn_abort);

/**
 * lis_conn_actions_done() - the caller has carried out every queued action
 * @c: the connection
 *
 * Empties the action queue.  @c->overflow stays set if it ever was.
 *
 * Context: any; the caller serialises all calls on @c.
 */
void lis_conn_actions_done(struct lis_conn *c)
{
	c->nact = 0;
}
LIS_EXPORT(lis_conn_actions_done);

/* A channel message of ours failed to post: end what it started. */
static void conn_msg_failed(struct lis_conn *c, const void *msg, u32 len,
			    int err)
{
	const struct lis_chmsg_open *open = msg;
	const struct lis_chmsg_gpadl_header *gh = msg;
	const struct lis_chmsg_gpadl_body *gb = msg;
	const struct lis_chmsg_gpadl_teardown *gt = msg;
	const struct lis_chmsg_relid_released *rel = msg;
	const struct lis_chmsg_modify *mod = msg;
	struct lis_conn_action *a;
	struct lis_conn_chan *ch;
	struct lis_conn_gpadl *g;
	u32 type;

	if (len < sizeof(struct lis_chmsg_hdr))
		return;
	type = ((const struct lis_chmsg_hdr *)msg)->msgtype;
	if (err >= 0)
		err = -EIO;

	switch (type) {
	case LIS_CHMSG_INITIATE_CONTACT:
		if (c->state != LIS_CONN_CONTACTING)
			return;
		/* No such connection id here: an older host, try older. */
		if (err == -ENXIO &&
		    conn_pick_version(c, c->version_idx + 1)) {
			conn_contact(c);
			return;
		}
		c->state = LIS_CONN_FAILED;
		conn_result(c, LIS_ACT_CONNECT_FAILED, 0, 0, err, 0);
		return;
	case LIS_CHMSG_REQUESTOFFERS:
		if (c->state != LIS_CONN_REQUESTING)
			return;
		c->state = LIS_CONN_FAILED;
		conn_result(c, LIS_ACT_CONNECT_FAILED, 0, 0, err, 0);
		return;
	case LIS_CHMSG_OPENCHANNEL:
		if (len < sizeof(*open))
			return;
		ch = lis_conn_find(c, open->child_relid);
		if (!ch || ch->state != LIS_CHAN_OPENING ||
		    ch->open_id != open->open_id)
			return;
		ch->state = LIS_CHAN_OFFERED;
		ch->open_id = 0;
		conn_result(c, LIS_ACT_OPEN_RESULT, ch->relid, 0, err, 0);
		return;
	case LIS_CHMSG_GPADL_HEADER:
	case LIS_CHMSG_GPADL_BODY:
		if (len < (type == LIS_CHMSG_GPADL_HEADER ?
			   offsetof(struct lis_chmsg_gpadl_header, range) :
			   offsetof(struct lis_chmsg_gpadl_body, pfn)))
			return;
		g = lis_conn_find_gpadl(c, type == LIS_CHMSG_GPADL_HEADER ?
					       gh->gpadl : gb->gpadl);
		if (!g || g->state != LIS_GPADL_CREATING)
			return;
		conn_result(c, LIS_ACT_GPADL_CREATED, g->relid, g->handle,
			    err, 0);
		/*
		 * A header that never arrived leaves the host nothing: the
		 * handle is free again.  After a lost body the host holds
		 * the header, and perhaps maps it: the handle stays
		 * CREATING until the host answers, rescinds or unloads.
		 */
		if (type == LIS_CHMSG_GPADL_HEADER)
			memset(g, 0, sizeof(*g));
		return;
	case LIS_CHMSG_GPADL_TEARDOWN:
		if (len < sizeof(*gt))
			return;
		g = lis_conn_find_gpadl(c, gt->gpadl);
		if (!g || g->state != LIS_GPADL_TEARING)
			return;
		/* The host still holds it: the memory stays shared. */
		g->state = LIS_GPADL_CREATED;
		conn_result(c, LIS_ACT_GPADL_TORNDOWN, g->relid, g->handle,
			    err, 0);
		return;
	case LIS_CHMSG_MODIFYCHANNEL:
		if (len < sizeof(*mod) || !lis_conn_find(c, mod->child_relid))
			return;
		conn_result(c, LIS_ACT_MODIFIED, mod->child_relid, 0, err, 0);
		return;
	case LIS_CHMSG_UNLOAD:
		if (c->state != LIS_CONN_UNLOADING)
			return;
		/* Nobody will answer: we are going anyway. */
		c->state = LIS_CONN_UNLOADED;
		conn_result(c, LIS_ACT_UNLOADED, 0, 0, err, 0);
		return;
	default:
		/* CLOSECHANNEL, RELID_RELEASED: nobody waits; say so. */
		a = conn_act(c, LIS_ACT_POST_FAILED);
		if (!a)
			return;
		a->msgtype = type;
		a->status = err;
		if (len >= sizeof(*rel))
			a->relid = rel->child_relid;
		return;
	}
}

/**
 * lis_conn_post_failed() - a queued POST could not be posted
 * @c: the connection
 * @idx: index in @c->act of the LIS_ACT_POST that failed
 * @err: why, a negative errno: -ENXIO if the hypervisor knows no such
 *	connection id (lis_conn_post_errno()), or what was left after the
 *	caller's retries of transient statuses
 *
 * The caller carried out act[0..@idx) and the POST at @idx failed.  Those
 * leave the queue, the actions after @idx move to its front (still to be
 * carried out, from act[0]), and the failure is applied, which may queue
 * more actions behind them:
 *
 * - INITIATE_CONTACT, -ENXIO: the next allowed version is contacted at
 *   once (from 4.1 down, at connection id 1), as Linux's vmbus_connect()
 *   does, since hosts before 5.0 have no connection id 4;
 * - INITIATE_CONTACT otherwise, or with no version left, and
 *   REQUESTOFFERS: FAILED, LIS_ACT_CONNECT_FAILED with @err;
 * - OPENCHANNEL: the channel is closed again, LIS_ACT_OPEN_RESULT(@err);
 * - GPADL_TEARDOWN: the GPADL is CREATED again (the host still holds it),
 *   LIS_ACT_GPADL_TORNDOWN(@err): its memory must stay shared;
 * - MODIFYCHANNEL: LIS_ACT_MODIFIED(@err);
 * - UNLOAD: UNLOADED, LIS_ACT_UNLOADED(@err);
 * - CLOSECHANNEL, RELID_RELEASED: LIS_ACT_POST_FAILED.
 *
 * Context: any; the caller serialises all calls on @c.
 */
void lis_conn_post_failed(struct lis_conn *c, unsigned int idx, int err)
{
	u8 msg[LIS_HV_MSG_PAYLOAD];
	u32 len;

	if (idx >= c->nact || c->act[idx].type != LIS_ACT_POST)
		return;
	len = c->act[idx].len;
	memcpy(msg, c->act[idx].msg, len);
	memmove(c->act, c->act + idx + 1,
		(c->nact - idx - 1) * sizeof(c->act[0]));
	c->nact -= idx + 1;
	conn_msg_failed(c, msg, len, err);
}
LIS_EXPORT(lis_conn_post_failed);

/**
 * lis_conn_msg_failed() - a message the caller built could not be posted
 * @c: the connection
 * @msg: the message (GPADL_HEADER or GPADL_BODY from lis_gpadl_encode())
 * @len: its length
 * @err: why, a negative errno
 *
 * For the messages the caller posts itself rather than through the
 * action queue.  A failed GPADL_HEADER frees its handle and queues
 * LIS_ACT_GPADL_CREATED(@err): nothing reached the host, the memory is the
 * guest's again.  A failed GPADL_BODY queues the same action, but the
 * handle stays CREATING: the host holds the header and may map what it
 * names, so the memory must stay shared.  Other messages are handled as
 * lis_conn_post_failed() handles them.
 *
 * Context: any; the caller serialises all calls on @c.
 */
void lis_conn_msg_failed(struct lis_conn *c, const void *msg, u32 len,
			 int err)
{
	conn_msg_failed(c, msg, min_t(u32, len, LIS_HV_MSG_PAYLOAD), err);
}
LIS_EXPORT(lis_conn_msg_failed);

/**
 * lis_conn_post_errno() - what an HvPostMessage status means for a message
 * @hv_status: the status (LIS_HV_STATUS_*), as a provider returned it
 * @msgtype: the channel message type that was posted
 *
 * Follows what hosts have been tested against (Linux's vmbus_post_msg()):
 * insufficient memory or buffers is transient, and so is an invalid
 * connection id on an ordinary message (the hypervisor answers it when
 * messages come too fast); on INITIATE_CONTACT an invalid connection id
 * means this host has no such id, so the caller must step down instead.
 *
 * Context: any.
 * Return: 0 on success; -EAGAIN: transient, try again after
 * lis_conn_post_delay_us(); -ENXIO: INITIATE_CONTACT to a connection id
 * the hypervisor does not know; -EIO: any other status, final.
 */
int lis_conn_post_errno(u32 hv_status, u32 msgtype)
{
	switch (hv_status) {
	case LIS_HV_STATUS_SUCCESS:
		return 0;
	case LIS_HV_STATUS_INVALID_CONNECTION_ID:
		if (msgtype == LIS_CHMSG_INITIATE_CONTACT)
			return -ENXIO;
		return -EAGAIN;
	case LIS_HV_STATUS_INSUFFICIENT_MEMORY:
	case LIS_HV_STATUS_INSUFFICIENT_BUFFERS:
		return -EAGAIN;
	default:
		return -EIO;
	}
}
LIS_EXPORT(lis_conn_post_errno);

/**
 * lis_conn_post_delay_us() - back-off before a post is tried again
 * @retry: 0 for the first retry, 1 for the second, ...
 *
 * Linux's schedule: 1 us, doubled at every retry; Linux lets a single
 * wait grow to about 2 s (about 3 minutes in all over 100 tries), while
 * this stops doubling at LIS_CONN_POST_MAX_DELAY_US, so that the
 * LIS_CONN_POST_TRIES tries end within about 8.5 s: well inside the 30 s
 * a request may take, and without holding the connection lock for
 * minutes.
 *
 * Context: any.
 * Return: microseconds to wait.
 */
u32 lis_conn_post_delay_us(unsigned int retry)
{
	if (retry >= 17)
		return LIS_CONN_POST_MAX_DELAY_US;
	return min_t(u32, 1U << retry, LIS_CONN_POST_MAX_DELAY_US);
}
LIS_EXPORT(lis_conn_post_delay_us);
