/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMBus connection protocol as a sans-I/O state machine.
 *
 * Events go in (a host message arrived, a driver asked to open a channel),
 * actions come out (post this message, an offer arrived, that open
 * completed).  There are no hypercalls, locks, allocations or sleeps in here:
 * the kernel glue (connection.c) owns one struct lis_conn under a mutex,
 * feeds it events, and carries out the actions it queues.  KUnit drives the
 * same code with scripted hosts, byte for byte.
 *
 * Every event function appends zero or more actions to conn->act[]; the
 * caller handles act[0..nact) in order and then calls lis_conn_actions_done().
 */
#ifndef _LIS_CONN_H
#define _LIS_CONN_H

#include "shim.h"
#include "chan_msg.h"
#include "synic.h"

#define LIS_CONN_MAX_CHANNELS	256
#define LIS_CONN_MAX_GPADLS	512
#define LIS_CONN_MAX_ACTIONS	8

enum lis_conn_state {
	LIS_CONN_IDLE,		/* nothing sent yet */
	LIS_CONN_CONTACTING,	/* INITIATE_CONTACT sent, waiting */
	LIS_CONN_REQUESTING,	/* REQUESTOFFERS sent, offers arriving */
	LIS_CONN_READY,		/* ALLOFFERS_DELIVERED seen */
	LIS_CONN_UNLOADING,	/* UNLOAD sent */
	LIS_CONN_UNLOADED,	/* UNLOAD_RESPONSE seen: nothing more to do */
	LIS_CONN_FAILED,	/* no common version, or aborted */
};

enum lis_chan_state {
	LIS_CHAN_FREE = 0,	/* slot unused */
	LIS_CHAN_OFFERED,	/* offered, closed */
	LIS_CHAN_OPENING,	/* OPENCHANNEL sent, waiting for the result */
	LIS_CHAN_OPEN,
};

/**
 * struct lis_conn_chan - what the state machine knows of one channel
 * @relid: the host's id for the channel (0: slot free)
 * @state: enum lis_chan_state
 * @rescinded: the host withdrew the offer; nothing more is sent for it
 *	except RELID_RELEASED
 * @open_id: id of the OPENCHANNEL in flight (OPENING) or accepted (OPEN)
 */
struct lis_conn_chan {
	u32 relid;
	u8 state;
	bool rescinded;
	u32 open_id;
};

enum lis_gpadl_state {
	LIS_GPADL_FREE = 0,
	LIS_GPADL_CREATING,	/* header (+ bodies) sent */
	LIS_GPADL_CREATED,
	LIS_GPADL_TEARING,	/* GPADL_TEARDOWN sent */
};

/**
 * struct lis_conn_gpadl - a GPADL handle this guest handed out
 * @handle: the guest-chosen handle (0: slot free)
 * @relid: channel it was created for
 * @state: enum lis_gpadl_state
 */
struct lis_conn_gpadl {
	u32 handle;
	u32 relid;
	u8 state;
};

enum lis_conn_action_type {
	/* Post msg[0..len) to connection id conn_id. */
	LIS_ACT_POST,
	/*
	 * Connected at version; later messages go to conn_id (also in
	 * lis_conn.msg_conn_id).  A POST of REQUESTOFFERS follows.
	 */
	LIS_ACT_CONNECTED,
	/*
	 * No version in common (-EPROTONOSUPPORT), the host refused the
	 * connection (-ECONNREFUSED, host_status = its connection_state),
	 * or lis_conn_abort() (its err): status is a -errno.
	 */
	LIS_ACT_CONNECT_FAILED,
	/* A new channel relid: offer holds the validated message. */
	LIS_ACT_OFFER,
	/* ALLOFFERS_DELIVERED arrived: the initial device scan is complete. */
	LIS_ACT_ALL_OFFERS,
	/*
	 * The host withdrew relid; tear it down, then lis_conn_release().
	 * Its GPADLs still CREATING or TEARING may never be answered: fail
	 * those waits; lis_conn_gpadl_teardown() now frees any of its
	 * handles without asking the host.
	 */
	LIS_ACT_RESCIND,
	/*
	 * OPENCHANNEL for relid finished: status 0, -EIO (the host refused;
	 * host_status is its code) or -ENODEV (rescinded meanwhile).
	 */
	LIS_ACT_OPEN_RESULT,
	/* GPADL handle finished creating: status 0 or -EIO (host_status). */
	LIS_ACT_GPADL_CREATED,
	/* GPADL handle torn down (or dropped because the host dropped it). */
	LIS_ACT_GPADL_TORNDOWN,
	/* UNLOAD_RESPONSE arrived, or there was no one to say goodbye to. */
	LIS_ACT_UNLOADED,
	/*
	 * MODIFYCHANNEL_RESPONSE for relid (hosts send it from 5.3 on):
	 * status 0 or -EIO (host_status is its code).
	 */
	LIS_ACT_MODIFIED,
	/*
	 * The host sent something wrong; what says what, msgtype which
	 * message, relid/handle which object where known.  Logged, ignored.
	 */
	LIS_ACT_PROTOCOL_ERROR,
	/*
	 * A message of msgtype (for relid, where it has one) could not be
	 * posted and no other action reports it (CLOSECHANNEL,
	 * RELID_RELEASED): status is the -errno.  After a failed
	 * CLOSECHANNEL the host still has the channel open and may use
	 * its rings: they must never be freed.
	 */
	LIS_ACT_POST_FAILED,
};

/**
 * struct lis_conn_action - one thing the glue must do
 * @type: enum lis_conn_action_type
 * @conn_id: LIS_ACT_POST: destination connection id; LIS_ACT_CONNECTED:
 *	the message connection id for everything after INITIATE_CONTACT
 * @len: LIS_ACT_POST: bytes in @msg
 * @relid: channel concerned, where there is one
 * @handle: GPADL handle, for the GPADL actions
 * @status: 0 or a negative errno, for the *_RESULT/_CREATED/_FAILED,
 *	_TORNDOWN, MODIFIED and UNLOADED actions
 * @host_status: the raw status the host sent, for the log (OPEN_RESULT,
 *	GPADL_CREATED, CONNECT_FAILED, MODIFIED), 0 otherwise
 * @version: LIS_ACT_CONNECTED: negotiated version
 * @msgtype: LIS_ACT_PROTOCOL_ERROR: type of the offending message (0 if it
 *	was too short to have one)
 * @what: LIS_ACT_PROTOCOL_ERROR: a static string naming the fault
 * @msg: LIS_ACT_POST: the message, zero-filled beyond its fields
 * @offer: LIS_ACT_OFFER: the offer, validated
 */
struct lis_conn_action {
	u32 type;
	u32 conn_id;
	u32 len;
	u32 relid;
	u32 handle;
	s32 status;
	u32 host_status;
	u32 version;
	u32 msgtype;
	const char *what;
	union {
		u8 msg[LIS_HV_MSG_PAYLOAD];
		struct lis_chmsg_offer offer;
	};
};

/**
 * struct lis_conn_params - what the glue tells the state machine up front
 * @target_vcpu: VP index that receives channel messages
 * @interrupt_page: guest physical address for pre-5.0 hosts (unused by 2.4+
 *	hosts for signalling, but they expect a valid page)
 * @monitor_page1: guest physical address of monitor page 1
 * @monitor_page2: guest physical address of monitor page 2
 * @max_version: highest version to offer (0: the newest we know)
 */
struct lis_conn_params {
	u32 target_vcpu;
	u64 interrupt_page;
	u64 monitor_page1;
	u64 monitor_page2;
	u32 max_version;
};

/**
 * struct lis_conn - the connection state machine
 * @state: enum lis_conn_state
 * @params: as given to lis_conn_init()
 * @version_idx: index into lis_vmbus_versions[] of the version on offer
 * @version: negotiated version (valid from LIS_CONN_REQUESTING on)
 * @msg_conn_id: connection id for channel messages
 * @next_open_id: last open id handed out (never 0)
 * @next_gpadl: last GPADL handle handed out (never 0 once one was)
 * @chans: channels the host offered
 * @gpadls: GPADLs in use
 * @nact: actions queued
 * @overflow: an event wanted more than LIS_CONN_MAX_ACTIONS (a bug: the
 *	caller did not drain the queue); sticky
 * @act: the action queue
 */
struct lis_conn {
	u32 state;
	struct lis_conn_params params;
	u32 version_idx;
	u32 version;
	u32 msg_conn_id;
	u32 next_open_id;
	u32 next_gpadl;
	struct lis_conn_chan chans[LIS_CONN_MAX_CHANNELS];
	struct lis_conn_gpadl gpadls[LIS_CONN_MAX_GPADLS];
	unsigned int nact;
	bool overflow;
	struct lis_conn_action act[LIS_CONN_MAX_ACTIONS];
};

void lis_conn_init(struct lis_conn *c, const struct lis_conn_params *p);
int lis_conn_connect(struct lis_conn *c);
int lis_conn_receive(struct lis_conn *c, const void *msg, u32 len);
int lis_conn_open(struct lis_conn *c, u32 relid, u32 ring_gpadl,
		  u32 target_vp, u32 downstream_offset,
		  const void *user_data, u32 user_len);
int lis_conn_close(struct lis_conn *c, u32 relid);
int lis_conn_gpadl_begin(struct lis_conn *c, u32 relid, u32 npfns,
			 u32 *handle);
int lis_conn_gpadl_teardown(struct lis_conn *c, u32 handle);
int lis_conn_release(struct lis_conn *c, u32 relid);
int lis_conn_modify(struct lis_conn *c, u32 relid, u32 target_vp);
int lis_conn_unload(struct lis_conn *c);
void lis_conn_abort(struct lis_conn *c, int err);
void lis_conn_actions_done(struct lis_conn *c);
void lis_conn_post_failed(struct lis_conn *c, unsigned int idx, int err);
void lis_conn_msg_failed(struct lis_conn *c, const void *msg, u32 len,
			 int err);

/*
 * Posting: what an HvPostMessage status means, and how long to wait before
 * trying again after a transient one (at most LIS_CONN_POST_TRIES tries).
 */
#define LIS_CONN_POST_TRIES		100
#define LIS_CONN_POST_MAX_DELAY_US	100000
int lis_conn_post_errno(u32 hv_status, u32 msgtype);
u32 lis_conn_post_delay_us(unsigned int retry);

struct lis_conn_chan *lis_conn_find(struct lis_conn *c, u32 relid);
struct lis_conn_gpadl *lis_conn_find_gpadl(struct lis_conn *c, u32 handle);
const char *lis_conn_state_name(u32 state);

#endif /* _LIS_CONN_H */
