// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the VMBus connection state machine (conn.c) and the
 * channel-message helpers (chan_msg.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iinclude <this file>
 *
 * The input is a program: a sequence of events, each an opcode byte and
 * its arguments.  Events are host messages (raw bytes of any length;
 * messages of a valid type and size with fuzzed fields; or the answer an
 * honest host would give to whatever is pending) and guest calls with
 * fuzzed arguments.  Arguments that name a channel or a GPADL usually pick
 * one the state machine knows, so the fuzzer reaches deep states quickly.
 *
 * Posts can be made to fail: an armed count of the next POSTs the events
 * queue fail (lis_conn_post_failed()) with a fuzzed error, as when the
 * hypervisor knows no such connection id or refuses the message.
 *
 * After every event the whole state is checked against invariants: the
 * action queue never overflows, every queued message is well formed and
 * zero beyond its length, the channel and GPADL tables are consistent, and
 * an event that failed changed nothing.
 */
#include "../../drivers/vmbus/chan_msg.c"
#include "../../drivers/vmbus/conn.c"

#include "fuzz_input.h"

/*
 * The checkers run after every event over every table slot: keep them out
 * of the coverage feedback, which they would only slow down and blur.
 */
#define NO_COVERAGE	__attribute__((no_sanitize("coverage")))

static struct lis_conn conn, snap;
static bool flooded;	/* one table-filling flood per input: they are slow */
static unsigned int fail_posts;	/* how many of the next POSTs fail */
static int fail_err;		/* with this error */
static u64 pfns[LIS_GPADL_MAX_PFNS + 2];

/* A relid: mostly one the table holds, sometimes anything. */
NO_COVERAGE static u32 pick_relid(struct input *in)
{
	u8 sel = take8(in);
	unsigned int i, n = 0;

	if (sel & 0x80)
		return sel & 0x40 ? take32(in) : (sel & 0x3f);
	for (i = 0; i < LIS_CONN_MAX_CHANNELS; i++)
		if (conn.chans[i].relid && n++ == sel % 8)
			return conn.chans[i].relid;
	for (i = 0; i < LIS_CONN_MAX_CHANNELS; i++)
		if (conn.chans[i].relid)
			return conn.chans[i].relid;
	return sel;
}

/* A GPADL handle: mostly one in use, sometimes anything. */
NO_COVERAGE static u32 pick_handle(struct input *in)
{
	u8 sel = take8(in);
	unsigned int i, n = 0;

	if (sel & 0x80)
		return sel & 0x40 ? take32(in) : (sel & 0x3f);
	for (i = 0; i < LIS_CONN_MAX_GPADLS; i++)
		if (conn.gpadls[i].handle && n++ == sel % 8)
			return conn.gpadls[i].handle;
	for (i = 0; i < LIS_CONN_MAX_GPADLS; i++)
		if (conn.gpadls[i].handle)
			return conn.gpadls[i].handle;
	return sel;
}

static const u32 host_types[] = {
	LIS_CHMSG_OFFER, LIS_CHMSG_RESCIND, LIS_CHMSG_ALLOFFERS_DELIVERED,
	LIS_CHMSG_OPENCHANNEL_RESULT, LIS_CHMSG_GPADL_CREATED,
	LIS_CHMSG_GPADL_TORNDOWN, LIS_CHMSG_VERSION_RESPONSE,
	LIS_CHMSG_UNLOAD_RESPONSE, LIS_CHMSG_MODIFYCHANNEL_RESPONSE,
	/* and what only the guest should send */
	LIS_CHMSG_OPENCHANNEL, LIS_CHMSG_INITIATE_CONTACT,
	LIS_CHMSG_GPADL_HEADER, LIS_CHMSG_UNLOAD, LIS_CHMSG_REQUESTOFFERS,
};

/*
 * A message of a chosen type with fuzzed fields, where the relid, handle
 * and open id usually name something the state machine knows.
 */
static u32 build_structured(struct input *in, u8 *b)
{
	u32 type = host_types[take8(in) % ARRAY_SIZE(host_types)];
	u32 len = lis_chmsg_min_size(type);
	u8 shape = take8(in);
	struct lis_conn_chan *ch;
	u32 i, relid;

	memset(b, 0, LIS_HV_MSG_PAYLOAD);
	for (i = 8; i < len; i++)
		b[i] = take8(in);
	memcpy(b, &type, 4);

	relid = pick_relid(in);
	switch (type) {
	case LIS_CHMSG_OFFER:
		memcpy(b + offsetof(struct lis_chmsg_offer, child_relid),
		       &relid, 4);
		break;
	case LIS_CHMSG_OPENCHANNEL_RESULT:
		ch = lis_conn_find(&conn, relid);
		memcpy(b + 8, &relid, 4);
		if (ch && (shape & 1))
			memcpy(b + 12, &ch->open_id, 4);
		break;
	case LIS_CHMSG_GPADL_CREATED:
	case LIS_CHMSG_GPADL_TORNDOWN:
		if (shape & 1) {
			u32 h = pick_handle(in);
			struct lis_conn_gpadl *g = lis_conn_find_gpadl(&conn, h);

			if (type == LIS_CHMSG_GPADL_TORNDOWN) {
				memcpy(b + 8, &h, 4);
				break;
			}
			if (g)
				relid = g->relid;
			memcpy(b + 8, &relid, 4);
			memcpy(b + 12, &h, 4);
		}
		break;
	case LIS_CHMSG_RESCIND:
		memcpy(b + 8, &relid, 4);
		break;
	}
	if (shape & 2)
		b[8] = shape & 4 ? 0 : b[8];	/* e.g. supported = 0 */
	/* Mostly the exact size; sometimes longer, sometimes truncated. */
	switch (shape >> 5) {
	case 0:
		return len ? len - 1 : 0;
	case 1:
		return min_t(u32, len + take8(in), LIS_HV_MSG_PAYLOAD + 1);
	default:
		return len;
	}
}

static u32 put_hdr(u8 *b, u32 type)
{
	memset(b, 0, LIS_HV_MSG_PAYLOAD);
	memcpy(b, &type, 4);
	return lis_chmsg_min_size(type);
}

/* What an honest host would send next, chosen among what is pending. */
static u32 build_answer(struct input *in, u8 *b)
{
	u8 sel = take8(in);
	u32 status = (sel & 0x80) ? take32(in) : 0;
	unsigned int i;
	u32 len;

	switch (conn.state) {
	case LIS_CONN_CONTACTING: {
		struct lis_chmsg_version_response *m = (void *)b;

		len = put_hdr(b, LIS_CHMSG_VERSION_RESPONSE);
		m->supported = !(sel & 1);
		m->connection_state = (sel & 0x40) ? sel >> 4 : 0;
		m->msg_conn_id = take8(in);
		return len;
	}
	case LIS_CONN_UNLOADING:
		if (sel & 1)
			return put_hdr(b, LIS_CHMSG_UNLOAD_RESPONSE);
		break;
	case LIS_CONN_REQUESTING:
	case LIS_CONN_READY:
		if ((sel & 7) == 0) {
			struct lis_chmsg_offer *m = (void *)b;

			len = put_hdr(b, LIS_CHMSG_OFFER);
			m->child_relid = 1 + take16(in) % LIS_MAX_RELID;
			return len;
		}
		if ((sel & 7) == 1)
			return put_hdr(b, LIS_CHMSG_ALLOFFERS_DELIVERED);
		if ((sel & 7) == 2) {
			struct lis_chmsg_rescind *m = (void *)b;

			len = put_hdr(b, LIS_CHMSG_RESCIND);
			m->child_relid = pick_relid(in);
			return len;
		}
		break;
	default:
		break;
	}

	for (i = 0; i < LIS_CONN_MAX_CHANNELS; i++) {
		struct lis_conn_chan *ch = &conn.chans[i];
		struct lis_chmsg_open_result *m = (void *)b;

		if (ch->state != LIS_CHAN_OPENING)
			continue;
		len = put_hdr(b, LIS_CHMSG_OPENCHANNEL_RESULT);
		m->child_relid = ch->relid;
		m->open_id = ch->open_id;
		m->status = status;
		return len;
	}
	for (i = 0; i < LIS_CONN_MAX_GPADLS; i++) {
		struct lis_conn_gpadl *g = &conn.gpadls[i];

		if (g->state == LIS_GPADL_CREATING) {
			struct lis_chmsg_gpadl_created *m = (void *)b;

			len = put_hdr(b, LIS_CHMSG_GPADL_CREATED);
			m->child_relid = g->relid;
			m->gpadl = g->handle;
			m->status = status;
			return len;
		}
		if (g->state == LIS_GPADL_TEARING) {
			struct lis_chmsg_gpadl_torndown *m = (void *)b;

			len = put_hdr(b, LIS_CHMSG_GPADL_TORNDOWN);
			m->gpadl = g->handle;
			return len;
		}
	}
	return put_hdr(b, LIS_CHMSG_MODIFYCHANNEL_RESPONSE);
}

/* Encode a whole GPADL and check every message and every frame. */
NO_COVERAGE static void check_gpadl_encoding(u32 npfns)
{
	u32 n = lis_gpadl_msg_count(npfns), i, j, len, type, seen = 0;
	u8 b[LIS_HV_MSG_PAYLOAD];

	if (!npfns || npfns > LIS_GPADL_MAX_PFNS) {
		CHECK(n == 0);
		CHECK(lis_gpadl_encode(1, 1, pfns, npfns, 0, b) == 0);
		return;
	}
	for (i = 0; i < npfns; i++)
		pfns[i] = 0x1000000000ULL ^ ((u64)i * 0x9e3779b1U);
	for (i = 0; i < n; i++) {
		const u64 *p;
		u32 count;

		len = lis_gpadl_encode(5, 77, pfns, npfns, i, b);
		CHECK(len >= 16 && len <= LIS_HV_MSG_PAYLOAD);
		CHECK(lis_chmsg_check(b, len, &type) == 0);
		if (i == 0) {
			struct lis_chmsg_gpadl_header *h = (void *)b;

			CHECK(type == LIS_CHMSG_GPADL_HEADER);
			CHECK(h->range_buflen == 8 + 8 * npfns);
			CHECK(h->rangecount == 1);
			CHECK(h->range.byte_count == npfns * 4096);
			CHECK(h->gpadl == 77 && h->child_relid == 5);
			p = h->range.pfn;
			count = (len - sizeof(*h)) / 8;
		} else {
			struct lis_chmsg_gpadl_body *bd = (void *)b;

			CHECK(type == LIS_CHMSG_GPADL_BODY);
			CHECK(bd->gpadl == 77 && bd->msgnumber == 0);
			p = bd->pfn;
			count = (len - sizeof(*bd)) / 8;
		}
		CHECK(count > 0);
		for (j = 0; j < count; j++, seen++) {
			u64 v;

			memcpy(&v, p + j, 8);
			CHECK(seen < npfns && v == pfns[seen]);
		}
		for (j = len; j < LIS_HV_MSG_PAYLOAD; j++)
			CHECK(b[j] == 0);
	}
	CHECK(seen == npfns);
	CHECK(lis_gpadl_encode(5, 77, pfns, npfns, n, b) == 0);
}

NO_COVERAGE static bool is_guest_type(u32 t)
{
	switch (t) {
	case LIS_CHMSG_REQUESTOFFERS:
	case LIS_CHMSG_OPENCHANNEL:
	case LIS_CHMSG_CLOSECHANNEL:
	case LIS_CHMSG_GPADL_TEARDOWN:
	case LIS_CHMSG_RELID_RELEASED:
	case LIS_CHMSG_INITIATE_CONTACT:
	case LIS_CHMSG_UNLOAD:
		return true;
	}
	return false;
}

NO_COVERAGE static void check_action(const struct lis_conn_action *a)
{
	unsigned int i;
	u32 t;

	CHECK(a->type <= LIS_ACT_POST_FAILED);
	switch (a->type) {
	case LIS_ACT_POST:
		CHECK(lis_chmsg_check(a->msg, a->len, &t) == 0);
		CHECK(is_guest_type(t));
		CHECK(a->len == lis_chmsg_min_size(t));
		for (i = a->len; i < LIS_HV_MSG_PAYLOAD; i++)
			CHECK(a->msg[i] == 0);
		if (t == LIS_CHMSG_INITIATE_CONTACT)
			CHECK(a->conn_id == LIS_CONNID_MESSAGE ||
			      a->conn_id == LIS_CONNID_CONTACT);
		else
			CHECK(a->conn_id == conn.msg_conn_id);
		break;
	case LIS_ACT_CONNECTED:
		CHECK(a->version == conn.version);
		CHECK(a->conn_id == conn.msg_conn_id);
		break;
	case LIS_ACT_CONNECT_FAILED:
		CHECK(a->status < 0);
		break;
	case LIS_ACT_OFFER:
		CHECK(a->relid == a->offer.child_relid);
		CHECK(a->relid >= 1 && a->relid <= LIS_MAX_RELID);
		break;
	case LIS_ACT_OPEN_RESULT:
		CHECK(a->status == 0 || a->status == -EIO ||
		      a->status == -ENODEV || a->status == fail_err);
		CHECK(a->relid);
		break;
	case LIS_ACT_GPADL_CREATED:
		CHECK(a->status == 0 || a->status == -EIO ||
		      a->status == fail_err);
		CHECK(a->handle && a->relid);
		break;
	case LIS_ACT_GPADL_TORNDOWN:
		CHECK(a->handle && a->relid);
		CHECK(a->status == 0 || a->status == fail_err);
		break;
	case LIS_ACT_POST_FAILED:
		CHECK(a->status < 0);
		CHECK(a->msgtype == LIS_CHMSG_CLOSECHANNEL ||
		      a->msgtype == LIS_CHMSG_RELID_RELEASED);
		break;
	case LIS_ACT_PROTOCOL_ERROR:
		CHECK(a->what && a->what[0]);
		break;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Linear in the table sizes (a bitmap of relids, a sorted copy of the
 * handles): this runs after every event, including table-filling floods.
 */
NO_COVERAGE static void check_invariants(void)
{
	static u8 relids[LIS_MAX_RELID + 1];
	static u32 handles[LIS_CONN_MAX_GPADLS];
	unsigned int i, n = 0;

	CHECK(!conn.overflow);
	CHECK(conn.nact <= LIS_CONN_MAX_ACTIONS);
	CHECK(conn.state <= LIS_CONN_FAILED);
	CHECK(strcmp(lis_conn_state_name(conn.state), "unknown") != 0);
	CHECK(conn.version_idx <= lis_vmbus_nversions);
	if (conn.state == LIS_CONN_REQUESTING || conn.state == LIS_CONN_READY)
		CHECK(conn.version == lis_vmbus_versions[conn.version_idx]);
	if (conn.state == LIS_CONN_CONTACTING)
		CHECK(conn.version_idx < lis_vmbus_nversions);

	memset(relids, 0, sizeof(relids));
	for (i = 0; i < LIS_CONN_MAX_CHANNELS; i++) {
		const struct lis_conn_chan *ch = &conn.chans[i];

		if (!ch->relid) {
			CHECK(!ch->state && !ch->rescinded && !ch->open_id);
			continue;
		}
		CHECK(ch->relid <= LIS_MAX_RELID);
		CHECK(!relids[ch->relid]);		/* unique */
		relids[ch->relid] = 1;
		CHECK(ch->state >= LIS_CHAN_OFFERED &&
		      ch->state <= LIS_CHAN_OPEN);
		CHECK(!!ch->open_id == (ch->state != LIS_CHAN_OFFERED));
		CHECK(!(ch->state == LIS_CHAN_OPENING && ch->rescinded));
	}
	for (i = 0; i < LIS_CONN_MAX_GPADLS; i++) {
		const struct lis_conn_gpadl *g = &conn.gpadls[i];

		if (!g->handle) {
			CHECK(!g->state && !g->relid);
			continue;
		}
		CHECK(g->state >= LIS_GPADL_CREATING &&
		      g->state <= LIS_GPADL_TEARING);
		CHECK(g->relid <= LIS_MAX_RELID && relids[g->relid]);
		handles[n++] = g->handle;
	}
	qsort(handles, n, sizeof(handles[0]), cmp_u32);
	for (i = 1; i < n; i++)
		CHECK(handles[i] != handles[i - 1]);	/* unique */
	for (i = 0; i < conn.nact; i++)
		check_action(&conn.act[i]);
}

/* The part of the state an event that failed must leave alone. */
NO_COVERAGE static bool unchanged(void)
{
	return !memcmp(&snap, &conn, offsetof(struct lis_conn, nact));
}

/* Check the state after an event that returned @ret, then drain. */
static void event_done(int ret)
{
	/* A failed event changes nothing but may report a protocol error. */
	if (ret) {
		CHECK(unchanged());
		CHECK(conn.nact <= 1);
		if (conn.nact)
			CHECK(conn.act[0].type == LIS_ACT_PROTOCOL_ERROR);
	}
	check_invariants();
	/* The armed failures hit the POSTs, and those they bring on. */
	for (;;) {
		unsigned int i;

		for (i = 0; i < conn.nact; i++)
			if (conn.act[i].type == LIS_ACT_POST)
				break;
		if (!fail_posts || i == conn.nact)
			break;
		fail_posts--;
		lis_conn_post_failed(&conn, i, fail_err);
		check_invariants();
	}
	lis_conn_actions_done(&conn);
	memcpy(&snap, &conn, offsetof(struct lis_conn, nact));
}

static void deliver(const u8 *msg, u32 len)
{
	event_done(lis_conn_receive(&conn, msg, len));
}

/* The type of the message queued as action @i, which must be a POST. */
static u32 posted(unsigned int i)
{
	CHECK(i < conn.nact && conn.act[i].type == LIS_ACT_POST);
	return conn.act[i].msg[0];
}

static void guest_open(struct input *in, bool null_user)
{
	u32 relid = pick_relid(in), handle = pick_handle(in);
	u32 len = take8(in) % 130;
	u8 user[128];
	int ret;

	memset(user, take8(in), sizeof(user));
	ret = lis_conn_open(&conn, relid, handle, take8(in), take8(in),
			    null_user ? NULL : user, len);
	if (!ret) {
		CHECK(conn.nact == 1 && posted(0) == LIS_CHMSG_OPENCHANNEL);
		CHECK(lis_conn_find(&conn, relid)->state == LIS_CHAN_OPENING);
		CHECK(!memcmp(((struct lis_chmsg_open *)conn.act[0].msg)->user_data,
			      user, len));
	}
	event_done(ret);
}

static void guest_gpadl(struct input *in, bool encode)
{
	static const u32 sizes[] = {
		0, 1, 26, 27, 54, 55, 4096, LIS_GPADL_MAX_PFNS,
		LIS_GPADL_MAX_PFNS + 1, 16384, 0xffffffff,
	};
	u32 relid = pick_relid(in), n = take8(in), h = 0;
	int ret;

	n = n < ARRAY_SIZE(sizes) ? sizes[n] : n * 7;
	ret = lis_conn_gpadl_begin(&conn, relid, n, &h);
	if (!ret) {
		CHECK(h && lis_conn_find_gpadl(&conn, h));
		CHECK(lis_conn_find_gpadl(&conn, h)->state ==
		      LIS_GPADL_CREATING);
		CHECK(!conn.nact);
	}
	event_done(ret);
	if (encode)
		check_gpadl_encoding(n);
}

static void guest_teardown(struct input *in)
{
	u32 h = pick_handle(in);
	int ret = lis_conn_gpadl_teardown(&conn, h);

	if (!ret) {
		CHECK(conn.nact == 1);
		if (conn.act[0].type == LIS_ACT_POST) {
			CHECK(posted(0) == LIS_CHMSG_GPADL_TEARDOWN);
			CHECK(lis_conn_find_gpadl(&conn, h)->state ==
			      LIS_GPADL_TEARING);
		} else {
			CHECK(conn.act[0].type == LIS_ACT_GPADL_TORNDOWN);
			CHECK(conn.act[0].handle == h);
			CHECK(!lis_conn_find_gpadl(&conn, h));
		}
	}
	event_done(ret);
}

static void guest_release(struct input *in)
{
	u32 relid = pick_relid(in);
	unsigned int i;
	int ret = lis_conn_release(&conn, relid);

	if (!ret) {
		CHECK(!lis_conn_find(&conn, relid));
		for (i = 0; i < LIS_CONN_MAX_GPADLS; i++)
			CHECK(!conn.gpadls[i].handle ||
			      conn.gpadls[i].relid != relid);
		CHECK(conn.nact <= 1);
		if (conn.nact)
			CHECK(posted(0) == LIS_CHMSG_RELID_RELEASED);
	}
	event_done(ret);
}

static void guest_unload(void)
{
	int ret = lis_conn_unload(&conn);

	if (!ret) {
		CHECK(conn.nact == 1);
		if (conn.state == LIS_CONN_UNLOADING)
			CHECK(posted(0) == LIS_CHMSG_UNLOAD);
		else
			CHECK(conn.state == LIS_CONN_UNLOADED &&
			      conn.act[0].type == LIS_ACT_UNLOADED);
	}
	event_done(ret);
}

/* Offer up to 256 channels in a row: fills the channel table. */
static void flood_offers(struct input *in)
{
	u32 n = take8(in) + 1, base = take16(in), i;
	u8 buf[LIS_HV_MSG_PAYLOAD];
	struct lis_chmsg_offer *m = (void *)buf;

	for (i = 0; i < n; i++) {
		put_hdr(buf, LIS_CHMSG_OFFER);
		m->child_relid = 1 + (base + i) % LIS_MAX_RELID;
		deliver(buf, sizeof(*m));
	}
}

/* Up to 512 GPADLs for one channel, maybe all created: fills the table. */
static void flood_gpadls(struct input *in, bool create)
{
	u32 relid = pick_relid(in), n = 2 * take8(in) + 2, i, h;
	u8 buf[LIS_HV_MSG_PAYLOAD];
	struct lis_chmsg_gpadl_created *m = (void *)buf;

	for (i = 0; i < n; i++) {
		int ret = lis_conn_gpadl_begin(&conn, relid, 1, &h);

		event_done(ret);
		if (ret || !create)
			continue;
		put_hdr(buf, LIS_CHMSG_GPADL_CREATED);
		m->child_relid = relid;
		m->gpadl = h;
		deliver(buf, sizeof(*m));
	}
}

static void reinit(struct input *in, u8 flags)
{
	struct lis_conn_params p = {
		.target_vcpu = take8(in),
		.interrupt_page = 0x1000,
		.monitor_page1 = 0x2000,
		.monitor_page2 = 0x3000,
	};

	if (flags & 1)
		p.max_version = take32(in);
	lis_conn_init(&conn, &p);
	if (flags & 2) {
		/* Start the id counters just short of wrapping. */
		conn.next_open_id = 0xffffffff - take8(in) % 4;
		conn.next_gpadl = 0xffffffff - take8(in) % 4;
	}
	event_done(0);
}

/*
 * One event: the low five bits of the opcode (modulo 18) choose it, the
 * top three bits are flags for it.
 */
static void step(struct input *in)
{
	u8 buf[LIS_HV_MSG_PAYLOAD + 16];
	u8 op = take8(in), flags = op >> 5;
	u32 len, i;
	int ret;

	switch ((op & 0x1f) % 18) {
	case 0:
		ret = lis_conn_connect(&conn);
		if (ret == -EPROTONOSUPPORT) {
			CHECK(conn.state == LIS_CONN_FAILED && !conn.nact);
			ret = 0;
		} else if (!ret) {
			CHECK(conn.nact == 1 &&
			      posted(0) == LIS_CHMSG_INITIATE_CONTACT);
		}
		event_done(ret);
		break;
	case 1:		/* raw bytes, any length up to 255 */
		len = take8(in);
		memset(buf, 0, sizeof(buf));
		for (i = 0; i < len; i++)
			buf[i] = take8(in);
		deliver(buf, len);
		break;
	case 2:
	case 3:
	case 4:
		len = build_structured(in, buf);
		deliver(buf, len);
		break;
	case 5:
	case 6:
	case 7:
	case 8:
		len = build_answer(in, buf);
		deliver(buf, len);
		break;
	case 9:
		guest_open(in, flags & 1);
		break;
	case 10:
		event_done(lis_conn_close(&conn, pick_relid(in)));
		break;
	case 11:
		guest_gpadl(in, flags & 1);
		break;
	case 12:
		guest_teardown(in);
		break;
	case 13:
		guest_release(in);
		break;
	case 14:
		if (flags & 2) {
			static const int errs[] = { -ENXIO, -EIO, -ENOBUFS };

			fail_posts = take8(in) % 12;
			fail_err = errs[take8(in) % 3];
		} else if (flags & 1) {
			lis_conn_abort(&conn, (int)take32(in));
			event_done(0);
		} else {
			guest_unload();
		}
		break;
	case 15:
		reinit(in, flags);
		break;
	case 16:
		if (!flooded)
			flood_offers(in);
		flooded = true;
		break;
	default:
		if (!flooded)
			flood_gpadls(in, flags & 1);
		flooded = true;
		break;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct lis_conn_params p = {
		.target_vcpu = 0,
		.interrupt_page = 0x1000,
		.monitor_page1 = 0x2000,
		.monitor_page2 = 0x3000,
	};
	struct input in = { .p = data, .n = size };

	lis_conn_init(&conn, &p);
	memcpy(&snap, &conn, offsetof(struct lis_conn, nact));
	flooded = false;
	fail_posts = 0;
	fail_err = 0;
	while (in.n)
		step(&in);
	return 0;
}
