// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_ring": the VMBus ring buffer primitives.
 *
 * ring.c is compiled into this module, so the suite needs nothing from
 * lis_vmbus.  Each test sets up two views of one ring, a writer ("guest")
 * and a reader ("host"), over memory allocated with kmalloc() at exactly
 * the ring's size: with KASAN, any access outside the ring is reported.
 * (Sizes are 8 KiB, a slab object with a KASAN redzone, or 12 KiB, a
 * page allocation with a redzone in its last 4 KiB.)
 */
#include "pure.h"

/* The reader that drains the ring inside lis_ring_send_inband_vec(). */
struct lis_ring;
static void ring_test_send_window(struct lis_ring *ring);
#define LIS_RING_SEND_WINDOW(ring) ring_test_send_window(ring)

#include "../../drivers/vmbus/ring.c"
#include "pure_end.h"

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#define RING_8K		(2 * LIS_HV_PAGE_SIZE)
#define RING_12K	(3 * LIS_HV_PAGE_SIZE)
#define FILL		0x5a

struct ring_pair {
	u8 *mem;
	u32 bytes;
	u32 size;
	struct lis_ring w;	/* writer view */
	struct lis_ring r;	/* reader view, synchronised lazily */
};

static struct ring_pair *pair_new(struct kunit *test, u32 bytes)
{
	struct ring_pair *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->bytes = bytes;
	p->size = bytes - LIS_HV_PAGE_SIZE;
	p->mem = kunit_kmalloc(test, bytes, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->mem);
	memset(p->mem, FILL, bytes);
	KUNIT_ASSERT_EQ(test, lis_ring_init(&p->w, p->mem, bytes), 0);
	KUNIT_ASSERT_EQ(test, lis_ring_init(&p->r, p->mem, bytes), 0);
	lis_ring_reset_shared(&p->w);
	return p;
}

static struct lis_ring_hdr *hdr(struct ring_pair *p)
{
	return (struct lis_ring_hdr *)p->mem;
}

static u8 *data(struct ring_pair *p)
{
	return p->mem + LIS_HV_PAGE_SIZE;
}

/* Move an empty ring to @pos; only before the reader's first call. */
static void pair_seek(struct kunit *test, struct ring_pair *p, u32 pos)
{
	KUNIT_ASSERT_FALSE(test, p->r.reader_synced);
	hdr(p)->write_index = pos;
	hdr(p)->read_index = pos;
}

static void pattern(u8 *buf, u32 len, u32 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = seed + i * 7;
}

/* Write an in-band packet of @len pattern bytes; returns the error. */
static int put(struct kunit *test, struct ring_pair *p, u32 len, u32 seed,
	       bool *signal)
{
	u8 *buf = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pattern(buf, len, seed);
	ret = lis_ring_write_inband(&p->w, LIS_VMPKT_DATA_INBAND,
				    LIS_VMPKT_F_COMPLETION_REQUESTED, seed,
				    buf, len, signal);
	kunit_kfree(test, buf);
	return ret;
}

/* Read back the packet put() wrote, check it, and skip it. */
static void get(struct kunit *test, struct ring_pair *p, u32 len, u32 seed)
{
	struct lis_vmpacket_desc d;
	u8 *want, *buf;

	want = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	buf = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	pattern(want, len, seed);

	KUNIT_ASSERT_EQ(test, lis_ring_peek(&p->r, &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, LIS_VMPKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, d.flags, LIS_VMPKT_F_COMPLETION_REQUESTED);
	KUNIT_EXPECT_EQ(test, d.offset8, 2);
	KUNIT_EXPECT_EQ(test, d.len8, (16 + len + 7) / 8);
	KUNIT_EXPECT_EQ(test, d.trans_id, (u64)seed);
	KUNIT_EXPECT_EQ(test, p->r.pkt_len, (u32)d.len8 * 8);
	KUNIT_ASSERT_EQ(test, lis_ring_copy_packet(&p->r, 16, buf, len), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, want, len);
	lis_ring_skip(&p->r);
	KUNIT_EXPECT_EQ(test, p->r.pkt_len, 0);
	kunit_kfree(test, want);
	kunit_kfree(test, buf);
}

static u32 packet_bytes(u32 len)
{
	return ALIGN(16 + len, 8) + LIS_RING_TRAILER_SIZE;
}

/* The trailer of the packet that started at @start, @plen bytes long. */
static u64 trailer_at(struct ring_pair *p, u32 start, u32 plen)
{
	u32 pos = (start + plen) % p->size;
	u64 t;

	memcpy(&t, data(p) + pos, sizeof(t));
	return t;
}

/* A broken ring fails every call and does not recover. */
static void expect_dead(struct kunit *test, struct lis_ring *ring,
			const char *field)
{
	struct lis_vmpacket_desc d;
	struct lis_kvec v = { .base = &d, .len = sizeof(d) };
	bool sig = true;
	u8 buf[8];

	KUNIT_EXPECT_TRUE(test, ring->broken);
	KUNIT_EXPECT_STREQ(test, ring->broken_field, field);
	KUNIT_EXPECT_EQ(test, lis_ring_peek(ring, &d), -EIO);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(ring, 0, buf, 8), -EIO);
	KUNIT_EXPECT_EQ(test, lis_ring_write(ring, &v, 1, &sig), -EIO);
	KUNIT_EXPECT_FALSE(test, sig);
	sig = true;
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband(ring, 6, 0, 0, buf, 8,
						    &sig), -EIO);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_read(ring), 0);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(ring), 0);
	KUNIT_EXPECT_FALSE(test, lis_ring_unmask_interrupts(ring));
	sig = true;
	lis_ring_commit_read(ring, &sig);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_TRUE(test, ring->broken);
	KUNIT_EXPECT_STREQ(test, ring->broken_field, field);
}

/* --- lis_ring_init() ---------------------------------------------------- */

struct init_case {
	const char *name;
	u32 bytes;
	int ret;
};

static const struct init_case init_cases[] = {
	{ "zero", 0, -EINVAL },
	{ "header_only", LIS_HV_PAGE_SIZE, -EINVAL },
	{ "below_min", RING_8K - 8, -EINVAL },
	{ "min", LIS_RING_MIN_BYTES, 0 },
	{ "not_page_multiple", RING_8K + 8, -EINVAL },
	{ "three_pages", RING_12K, 0 },
	{ "max", LIS_RING_MAX_BYTES, 0 },
	{ "above_max", LIS_RING_MAX_BYTES + LIS_HV_PAGE_SIZE, -EINVAL },
	{ "u32_max_page", 0xfffff000U, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(init, init_cases, name);

static void lis_ring_init_test(struct kunit *test)
{
	const struct init_case *c = test->param_value;
	/* lis_ring_init() never touches memory: this stands in for all. */
	static u64 dummy[2 * LIS_HV_PAGE_SIZE / 8];
	struct lis_ring ring;

	memset(&ring, 0xa5, sizeof(ring));
	KUNIT_ASSERT_EQ(test, lis_ring_init(&ring, dummy, c->bytes), c->ret);
	if (c->ret) {
		expect_dead(test, &ring, "init");
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, (void *)ring.hdr, (void *)dummy);
	KUNIT_EXPECT_PTR_EQ(test, (void *)ring.data,
			    (void *)((u8 *)dummy + LIS_HV_PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, ring.size, c->bytes - LIS_HV_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ring.priv_read_index, 0);
	KUNIT_EXPECT_EQ(test, ring.read_start, 0);
	KUNIT_EXPECT_EQ(test, ring.pkt_len, 0);
	KUNIT_EXPECT_FALSE(test, ring.reader_synced);
	KUNIT_EXPECT_FALSE(test, ring.broken);
	KUNIT_EXPECT_NULL(test, ring.broken_field);
}

static void lis_ring_init_bad_mem_test(struct kunit *test)
{
	static u64 mem[RING_8K / 8 + 1];
	struct lis_ring ring;

	KUNIT_EXPECT_EQ(test, lis_ring_init(&ring, NULL, RING_8K), -EINVAL);
	expect_dead(test, &ring, "init");
	KUNIT_EXPECT_EQ(test, lis_ring_init(&ring, (u8 *)mem + 4, RING_8K),
			-EINVAL);
	expect_dead(test, &ring, "init");
	KUNIT_EXPECT_EQ(test, lis_ring_init(&ring, mem + 1, RING_8K), 0);
}

/* --- lis_ring_reset_shared() -------------------------------------------- */

static void lis_ring_reset_shared_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	struct lis_ring_hdr *h = hdr(p);

	memset(h, 0xff, sizeof(*h));
	lis_ring_reset_shared(&p->w);
	KUNIT_EXPECT_EQ(test, h->write_index, 0);
	KUNIT_EXPECT_EQ(test, h->read_index, 0);
	KUNIT_EXPECT_EQ(test, h->interrupt_mask, 0);
	KUNIT_EXPECT_EQ(test, h->pending_send_sz, 0);
	KUNIT_EXPECT_EQ(test, h->feature_bits, LIS_RING_FEAT_PENDING_SEND_SZ);
	KUNIT_EXPECT_TRUE(test, p->w.reader_synced);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), p->size);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_read(&p->r), 0);
	/* Data area untouched. */
	KUNIT_EXPECT_EQ(test, data(p)[0], FILL);
	KUNIT_EXPECT_EQ(test, data(p)[p->size - 1], FILL);
}

/* --- round trips -------------------------------------------------------- */

static const u32 round_trip_lens[] = {
	0, 1, 7, 8, 9, 15, 16, 17, 100, 511, 1000, 2048, 4064,
};

static void round_trip_desc(const u32 *len, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "len_%u", *len);
}

KUNIT_ARRAY_PARAM(round_trip, round_trip_lens, round_trip_desc);

/* Enough packets to wrap an 8 KiB ring several times, one at a time. */
static void lis_ring_round_trip_test(struct kunit *test)
{
	u32 len = *(const u32 *)test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	u32 plen = packet_bytes(len), i, start;
	struct lis_vmpacket_desc d;
	bool sig, rsig;

	for (i = 0; i < 3 * p->size / plen + 3; i++) {
		start = hdr(p)->write_index;
		KUNIT_ASSERT_EQ(test, put(test, p, len, i, &sig), 0);
		KUNIT_EXPECT_TRUE(test, sig);	/* empty before, unmasked */
		KUNIT_EXPECT_EQ(test, hdr(p)->write_index,
				(start + plen) % p->size);
		KUNIT_EXPECT_EQ(test, trailer_at(p, start, plen - 8),
				(u64)start << 32);
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_read(&p->r), plen);
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w),
				p->size - plen);
		get(test, p, len, i);
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_read(&p->r), 0);
		/* Not committed yet: the writer still sees the packet. */
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w),
				p->size - plen);
		lis_ring_commit_read(&p->r, &rsig);
		KUNIT_EXPECT_FALSE(test, rsig);
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), p->size);
		KUNIT_EXPECT_EQ(test, lis_ring_peek(&p->r, &d), -EAGAIN);
	}
	KUNIT_EXPECT_FALSE(test, p->w.broken);
	KUNIT_EXPECT_FALSE(test, p->r.broken);
}

/* Several packets in flight, read back in a batch, on a 12 KiB ring. */
static void lis_ring_many_in_flight_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_12K);
	u32 round, n, i, seed = 0, rseed;
	bool sig;

	for (round = 0; round < 40; round++) {
		rseed = seed;
		for (n = 0; ; n++) {
			int ret = put(test, p, (seed * 37) % 700, seed, &sig);

			if (ret == -EAGAIN)
				break;
			KUNIT_ASSERT_EQ(test, ret, 0);
			KUNIT_EXPECT_EQ(test, sig, n == 0);
			seed++;
		}
		KUNIT_ASSERT_GT(test, n, 0);
		for (i = 0; i < n; i++, rseed++)
			get(test, p, (rseed * 37) % 700, rseed);
		lis_ring_commit_read(&p->r, &sig);
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), p->size);
	}
}

/* --- wrap-around -------------------------------------------------------- */

struct wrap_case {
	const char *name;
	u32 bytes;	/* ring size */
	u32 back;	/* start this many bytes before the end of data */
	u32 len;	/* payload bytes */
};

static const struct wrap_case wrap_cases[] = {
	{ "payload_split", RING_8K, 24, 40 },
	{ "payload_split_12k", RING_12K, 24, 40 },
	{ "payload_split_odd_len", RING_8K, 32, 37 },
	{ "payload_split_short", RING_8K, 24, 9 },
	{ "descriptor_split", RING_8K, 8, 40 },
	{ "descriptor_split_12k", RING_12K, 8, 1000 },
	{ "descriptor_only_split", RING_8K, 8, 0 },
	{ "trailer_at_last_slot", RING_8K, 24, 0 },
	{ "packet_ends_at_end", RING_8K, 32, 16 },
};

KUNIT_ARRAY_PARAM_DESC(wrap, wrap_cases, name);

static void lis_ring_wrap_test(struct kunit *test)
{
	const struct wrap_case *c = test->param_value;
	struct ring_pair *p = pair_new(test, c->bytes);
	u32 start = p->size - c->back, plen = packet_bytes(c->len);
	bool sig;

	pair_seek(test, p, start);
	KUNIT_ASSERT_EQ(test, put(test, p, c->len, 3, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index, (start + plen) % p->size);
	KUNIT_EXPECT_EQ(test, trailer_at(p, start, plen - 8),
			(u64)start << 32);
	/* Nothing past the packet was written. */
	KUNIT_EXPECT_EQ(test, data(p)[(start + plen) % p->size], FILL);
	KUNIT_EXPECT_EQ(test, data(p)[start - 1], FILL);
	get(test, p, c->len, 3);
	lis_ring_commit_read(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, hdr(p)->write_index);
	KUNIT_EXPECT_FALSE(test, p->r.broken);
}

/* --- space accounting --------------------------------------------------- */

static void lis_ring_exact_fit_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	u8 *snap = kunit_kmalloc(test, p->bytes, GFP_KERNEL);
	struct lis_vmpacket_desc d;
	u32 free, w;
	bool sig;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	/* A 1000-byte packet (984 payload + descriptor) plus trailer. */
	KUNIT_ASSERT_EQ(test, put(test, p, 984, 1, &sig), 0);
	free = lis_ring_bytes_to_write(&p->w);
	KUNIT_ASSERT_EQ(test, free, p->size - 1008);

	/* Packet + trailer == free: rejected, nothing written. */
	w = hdr(p)->write_index;
	memcpy(snap, p->mem, p->bytes);
	KUNIT_EXPECT_EQ(test, put(test, p, free - 8 - 16, 2, &sig), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index, w);
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);

	/* One 8-byte unit less: fits, leaving exactly 8 bytes free. */
	KUNIT_EXPECT_EQ(test, put(test, p, free - 16 - 16, 2, &sig), 0);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), 8);

	/* Even an empty packet needs 16 + 8 < free. */
	memcpy(snap, p->mem, p->bytes);
	KUNIT_EXPECT_EQ(test, put(test, p, 0, 3, &sig), -EAGAIN);
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);

	get(test, p, 984, 1);
	get(test, p, free - 16 - 16, 2);
	KUNIT_EXPECT_EQ(test, lis_ring_peek(&p->r, &d), -EAGAIN);
}

static void lis_ring_full_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_12K);
	u8 *snap = kunit_kmalloc(test, p->bytes, GFP_KERNEL);
	u32 n, i, plen = packet_bytes(48);
	bool sig;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	for (n = 0; (ret = put(test, p, 48, n, &sig)) == 0; n++)
		;
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
	/* Free space must stay strictly greater than what is written. */
	KUNIT_EXPECT_EQ(test, n, (p->size - 1) / plen);
	KUNIT_EXPECT_LE(test, lis_ring_bytes_to_write(&p->w), plen);

	memcpy(snap, p->mem, p->bytes);
	KUNIT_EXPECT_EQ(test, put(test, p, 48, 99, &sig), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);

	for (i = 0; i < n; i++)
		get(test, p, 48, i);
	lis_ring_commit_read(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), p->size);
	KUNIT_EXPECT_EQ(test, put(test, p, 48, 0, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
}

static void lis_ring_write_einval_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	u8 buf[16] = {};
	struct lis_kvec empty[] = { { buf, 0 }, { NULL, 0 } };
	struct lis_kvec huge[] = { { NULL, 0xffffffff }, { NULL, 0xffffffff } };
	struct lis_kvec big[] = { { buf, 16 }, { NULL, p->size - 24 } };
	bool sig = true;

	KUNIT_EXPECT_EQ(test, lis_ring_write(&p->w, empty, 0, &sig), -EINVAL);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, lis_ring_write(&p->w, empty, 2, &sig), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_ring_write(&p->w, huge, 2, &sig), -EINVAL);
	/* size - 8 bytes + trailer == size: can never fit. */
	KUNIT_EXPECT_EQ(test, lis_ring_write(&p->w, big, 2, &sig), -EINVAL);
	/* len8 would not fit in 16 bits. */
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband(&p->w, 6, 0, 0, NULL,
						    0xffffffff, &sig),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband(&p->w, 6, 0, 0, NULL,
						    0x7fff0, &sig), -EINVAL);
	/* The largest packet an empty ring takes: size - 16 bytes. */
	big[1].base = kunit_kzalloc(test, p->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big[1].base);
	big[1].len = p->size - 32;
	KUNIT_EXPECT_EQ(test, lis_ring_write(&p->w, big, 2, &sig), 0);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), 8);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index, p->size - 8);
	KUNIT_EXPECT_FALSE(test, p->w.broken);
}

/* --- gather writes ------------------------------------------------------ */

static const u32 gather_starts[] = { 0, 64, 4096 - 8, 4096 - 16, 4096 - 24 };

static void gather_desc(const u32 *back, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "start_%u", *back);
}

KUNIT_ARRAY_PARAM(gather, gather_starts, gather_desc);

static void lis_ring_gather_test(struct kunit *test)
{
	u32 start = *(const u32 *)test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	static const u8 a[3] = { 1, 2, 3 }, b[5] = { 4, 5, 6, 7, 8 };
	static const u8 c[7] = { 9, 10, 11, 12, 13, 14, 15 };
	struct lis_vmpacket_desc d = {
		.type = LIS_VMPKT_DATA_INBAND, .offset8 = 2,
		.len8 = (16 + 15 + 7) / 8, .trans_id = 0x1122334455667788ULL,
	};
	const struct lis_kvec vec[] = {
		{ &d, sizeof(d) }, { a, 3 }, { b, 5 }, { NULL, 0 }, { c, 7 },
	};
	u8 want[32], got[32];
	u32 i;
	bool sig;

	memcpy(want, &d, 16);
	for (i = 0; i < 15; i++)
		want[16 + i] = i + 1;
	want[31] = 0;	/* padding */

	pair_seek(test, p, start);
	KUNIT_ASSERT_EQ(test, lis_ring_write(&p->w, vec, ARRAY_SIZE(vec),
					     &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
	for (i = 0; i < 32; i++)
		got[i] = data(p)[(start + i) % p->size];
	KUNIT_EXPECT_MEMEQ(test, got, want, 32);
	KUNIT_EXPECT_EQ(test, trailer_at(p, start, 32), (u64)start << 32);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index, (start + 40) % p->size);

	KUNIT_ASSERT_EQ(test, lis_ring_peek(&p->r, &d), 0);
	KUNIT_EXPECT_EQ(test, p->r.pkt_len, 32);
	KUNIT_ASSERT_EQ(test, lis_ring_copy_packet(&p->r, 0, got, 32), 0);
	KUNIT_EXPECT_MEMEQ(test, got, want, 32);
}

/* --- in-band gather writes (lis_ring_write_inband_vec) ----------------- */

/*
 * Payload pieces 3, 0, 20, 0 and 10 bytes long: 33 bytes after the
 * descriptor, padded to 56, then the trailer.  Relative to the packet's
 * start, piece 2 covers bytes 19-38 and piece 4 bytes 39-48.
 */
#define IV_PAYLOAD	33
#define IV_PKT		56

static void iv_pieces(u8 *payload, struct lis_kvec *vec)
{
	static const u32 lens[] = { 3, 0, 20, 0, 10 };
	u32 i, off = 0;

	for (i = 0; i < IV_PAYLOAD; i++)
		payload[i] = 0xa0 + i;
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		vec[i].base = lens[i] ? payload + off : NULL;
		vec[i].len = lens[i];
		off += lens[i];
	}
}

/* Where the data area ends, relative to the packet's start (size - x). */
static const u32 iv_wrap_at[] = {
	IV_PKT + 8,	/* no wrap: the trailer ends at the end */
	8,		/* inside the descriptor */
	16,		/* between the descriptor and the payload */
	24,		/* inside piece 2 */
	40,		/* inside piece 4 */
	48,		/* inside the padding */
	56,		/* between the padding and the trailer */
};

static void iv_wrap_desc(const u32 *at, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "wrap_at_byte_%u", *at);
}

KUNIT_ARRAY_PARAM(iv_wrap, iv_wrap_at, iv_wrap_desc);

static void lis_ring_inband_vec_wrap_test(struct kunit *test)
{
	u32 at = *(const u32 *)test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	u32 start = p->size - at;
	struct lis_vmpacket_desc d, out;
	struct lis_kvec vec[5];
	u8 payload[IV_PAYLOAD], want[IV_PKT] = {}, got[IV_PKT];
	u32 i;
	bool sig;

	iv_pieces(payload, vec);
	d = (struct lis_vmpacket_desc){
		.type = LIS_VMPKT_DATA_INBAND, .offset8 = 2, .len8 = IV_PKT / 8,
		.flags = LIS_VMPKT_F_COMPLETION_REQUESTED,
		.trans_id = 0x1122334455667788ULL,
	};
	memcpy(want, &d, sizeof(d));
	memcpy(want + 16, payload, IV_PAYLOAD);

	pair_seek(test, p, start);
	KUNIT_ASSERT_EQ(test, lis_ring_write_inband_vec(&p->w, vec, 5,
			LIS_VMPKT_DATA_INBAND, LIS_VMPKT_F_COMPLETION_REQUESTED,
			0x1122334455667788ULL, &out, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
	KUNIT_EXPECT_MEMEQ(test, &out, &d, sizeof(d));
	for (i = 0; i < IV_PKT; i++)
		got[i] = data(p)[(start + i) % p->size];
	KUNIT_EXPECT_MEMEQ(test, got, want, IV_PKT);
	KUNIT_EXPECT_EQ(test, trailer_at(p, start, IV_PKT), (u64)start << 32);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index,
			(start + IV_PKT + 8) % p->size);
	/* Nothing past the trailer was touched. */
	KUNIT_EXPECT_EQ(test, data(p)[(start + IV_PKT + 8) % p->size], FILL);

	KUNIT_ASSERT_EQ(test, lis_ring_peek(&p->r, &out), 0);
	KUNIT_EXPECT_MEMEQ(test, &out, &d, sizeof(d));
	KUNIT_ASSERT_EQ(test, lis_ring_copy_packet(&p->r, 16, got, IV_PAYLOAD),
			0);
	KUNIT_EXPECT_MEMEQ(test, got, payload, IV_PAYLOAD);
}

static void lis_ring_inband_vec_fit_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	u8 *snap = kunit_kmalloc(test, p->bytes, GFP_KERNEL);
	u8 *big = kunit_kzalloc(test, p->size, GFP_KERNEL);
	struct lis_kvec vec[3];
	struct lis_vmpacket_desc out;
	u32 free, w;
	bool sig;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_EQ(test, put(test, p, 984, 1, &sig), 0);
	free = lis_ring_bytes_to_write(&p->w);

	/* Descriptor + pieces + trailer == free: refused, nothing written. */
	vec[0] = (struct lis_kvec){ big, 100 };
	vec[1] = (struct lis_kvec){ NULL, 0 };
	vec[2] = (struct lis_kvec){ big + 100, free - 8 - 16 - 100 };
	w = hdr(p)->write_index;
	memcpy(snap, p->mem, p->bytes);
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband_vec(&p->w, vec, 3, 6, 0, 7,
							&out, &sig), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, sig);
	/* The caller still learns how long the packet is (pending_send_sz). */
	KUNIT_EXPECT_EQ(test, (u32)out.len8 * 8, free - 8);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index, w);
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);

	/* One 8-byte unit less fits exactly, leaving 8 bytes free. */
	vec[2].len -= 8;
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband_vec(&p->w, vec, 3, 6, 0, 7,
							&out, &sig), 0);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), 8);

	/* Full: even a descriptor-only packet is refused, unchanged. */
	memcpy(snap, p->mem, p->bytes);
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband_vec(&p->w, NULL, 0, 6, 0, 8,
							NULL, &sig), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);

	get(test, p, 984, 1);
	KUNIT_ASSERT_EQ(test, lis_ring_peek(&p->r, &out), 0);
	KUNIT_EXPECT_EQ(test, p->r.pkt_len, free - 16);
	KUNIT_EXPECT_EQ(test, out.trans_id, 7);
}

static void lis_ring_inband_vec_empty_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	const struct lis_kvec zero[] = { { NULL, 0 }, { NULL, 0 } };
	const struct lis_kvec huge[] = { { NULL, 0xffffffff },
					 { NULL, 0xffffffff } };
	struct lis_vmpacket_desc out;
	bool sig = true;

	/* No pieces, or only empty ones: a descriptor-only packet. */
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband_vec(&p->w, NULL, 0,
			LIS_VMPKT_COMP, 0, 1, &out, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
	KUNIT_EXPECT_EQ(test, out.len8, 2);
	KUNIT_EXPECT_EQ(test, out.offset8, 2);
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband_vec(&p->w, zero, 2,
			LIS_VMPKT_COMP, 0, 2, &out, &sig), 0);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index, 48);
	KUNIT_ASSERT_EQ(test, lis_ring_peek(&p->r, &out), 0);
	KUNIT_EXPECT_EQ(test, out.type, LIS_VMPKT_COMP);
	KUNIT_EXPECT_EQ(test, p->r.pkt_len, 16);
	lis_ring_skip(&p->r);
	KUNIT_ASSERT_EQ(test, lis_ring_peek(&p->r, &out), 0);
	KUNIT_EXPECT_EQ(test, out.trans_id, 2);

	/* Lengths that can never fit: -EINVAL, @desc zeroed, ring intact. */
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband_vec(&p->w, huge, 2, 6, 0, 3,
							&out, &sig), -EINVAL);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, out.len8, 0);
	KUNIT_EXPECT_EQ(test, lis_ring_inband_desc(&out, 6, 0, 3, 0x7fff0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lis_ring_inband_desc(&out, 6, 0, 3, 0x7ffe8), 0);
	KUNIT_EXPECT_EQ(test, out.len8, 0xffff);
	KUNIT_EXPECT_EQ(test, hdr(p)->write_index, 48);
	KUNIT_EXPECT_FALSE(test, p->w.broken);

	/* A broken ring: -EIO, nothing written. */
	hdr(p)->write_index = p->size;
	KUNIT_EXPECT_EQ(test, lis_ring_write_inband_vec(&p->w, NULL, 0, 6, 0, 4,
							&out, &sig), -EIO);
	KUNIT_EXPECT_TRUE(test, p->w.broken);
}

/* --- lis_ring_copy_packet() bounds -------------------------------------- */

static void lis_ring_copy_bounds_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	struct lis_vmpacket_desc d;
	u8 buf[64];
	bool sig;

	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 0, buf, 1), -EINVAL);
	KUNIT_ASSERT_EQ(test, put(test, p, 20, 1, &sig), 0);
	KUNIT_ASSERT_EQ(test, lis_ring_peek(&p->r, &d), 0);
	KUNIT_ASSERT_EQ(test, p->r.pkt_len, 40);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 0, buf, 40), 0);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 40, buf, 0), 0);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 39, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 0, buf, 41), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 39, buf, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 41, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 0xffffffff, buf, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 8, buf, 0xfffffffc),
			-EINVAL);
	lis_ring_skip(&p->r);
	KUNIT_EXPECT_EQ(test, lis_ring_copy_packet(&p->r, 0, buf, 1), -EINVAL);
	KUNIT_EXPECT_FALSE(test, p->r.broken);
}

/* --- signalling --------------------------------------------------------- */

static void lis_ring_write_signal_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	bool sig;

	KUNIT_ASSERT_EQ(test, put(test, p, 8, 0, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);		/* empty -> non-empty */
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 1, &sig), 0);
	KUNIT_EXPECT_FALSE(test, sig);		/* was non-empty */

	get(test, p, 8, 0);			/* consumed, not committed */
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 2, &sig), 0);
	KUNIT_EXPECT_FALSE(test, sig);
	get(test, p, 8, 1);
	get(test, p, 8, 2);
	lis_ring_commit_read(&p->r, &sig);
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 3, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);		/* empty again */

	get(test, p, 8, 3);
	lis_ring_commit_read(&p->r, &sig);
	lis_ring_mask_interrupts(&p->r);
	KUNIT_EXPECT_EQ(test, hdr(p)->interrupt_mask, 1);
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 4, &sig), 0);
	KUNIT_EXPECT_FALSE(test, sig);		/* reader is masked */
}

static void lis_ring_batched_read_test(struct kunit *test)
{
	struct lis_vmpacket_desc d;
	struct ring_pair *p = pair_new(test, RING_8K);
	bool sig;

	KUNIT_ASSERT_EQ(test, put(test, p, 8, 0, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);

	/* Reader's interrupt handler: mask, drain. */
	lis_ring_mask_interrupts(&p->r);
	get(test, p, 8, 0);
	KUNIT_EXPECT_EQ(test, lis_ring_peek(&p->r, &d), -EAGAIN);
	lis_ring_commit_read(&p->r, &sig);

	/* A packet arrives while masked: no signal... */
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 1, &sig), 0);
	KUNIT_EXPECT_FALSE(test, sig);
	/* ...so unmask reports it and the reader drains again. */
	KUNIT_EXPECT_TRUE(test, lis_ring_unmask_interrupts(&p->r));
	KUNIT_EXPECT_EQ(test, hdr(p)->interrupt_mask, 0);
	get(test, p, 8, 1);
	lis_ring_commit_read(&p->r, &sig);
	KUNIT_EXPECT_FALSE(test, lis_ring_unmask_interrupts(&p->r));

	KUNIT_ASSERT_EQ(test, put(test, p, 8, 2, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
}

struct pending_case {
	const char *name;
	bool feature;
	u32 pending;
	u32 per_commit;		/* packets read before each commit */
	bool sig[3];		/* after each of three commits */
};

/*
 * The ring (4096 data bytes) holds seven 520-byte packets: 456 bytes free.
 * Each packet read frees 520 more.
 */
static const struct pending_case pending_cases[] = {
	{ "crossing_signals_once", true, 600, 1, { true, false, false } },
	{ "crosses_on_third_commit", true, 1500, 1, { false, false, true } },
	{ "batch_crossing", true, 1000, 2, { true, false, false } },
	{ "already_above", true, 400, 1, { false, false, false } },
	{ "exactly_at_is_not_above", true, 976, 1, { false, true, false } },
	{ "feature_off", false, 600, 1, { false, false, false } },
	{ "pending_zero", true, 0, 1, { false, false, false } },
};

KUNIT_ARRAY_PARAM_DESC(pending, pending_cases, name);

static void lis_ring_pending_send_test(struct kunit *test)
{
	const struct pending_case *c = test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	u32 i, j, seed = 0;
	bool sig;

	if (!c->feature)
		hdr(p)->feature_bits = 0;
	for (i = 0; i < 7; i++)
		KUNIT_ASSERT_EQ(test, put(test, p, 496, i, &sig), 0);
	KUNIT_ASSERT_EQ(test, lis_ring_bytes_to_write(&p->w), 456);
	/* The writer wants room for one more and says so. */
	KUNIT_ASSERT_EQ(test, put(test, p, 496, 7, &sig), -EAGAIN);
	lis_ring_set_pending_send(&p->w, c->pending);
	KUNIT_EXPECT_EQ(test, hdr(p)->pending_send_sz, c->pending);

	for (i = 0; i < 3; i++) {
		for (j = 0; j < c->per_commit; j++)
			get(test, p, 496, seed++);
		sig = !c->sig[i];
		lis_ring_commit_read(&p->r, &sig);
		KUNIT_EXPECT_EQ_MSG(test, sig, c->sig[i], "commit %u", i);
	}
	/* Nothing consumed: nothing released, no signal. */
	lis_ring_commit_read(&p->r, &sig);
	KUNIT_EXPECT_FALSE(test, sig);
	lis_ring_set_pending_send(&p->w, 0);
	KUNIT_EXPECT_EQ(test, hdr(p)->pending_send_sz, 0);
}

/* --- the writer's side of a full ring (lis_ring_send_inband_vec) ------- */

/*
 * The reader that runs between the writer's request for room and its
 * recheck: it drains @drain packets and releases them without having seen
 * pending_send_sz, so it would never signal the writer.
 */
static struct {
	struct kunit *test;
	struct ring_pair *p;
	u32 drain;
	u32 seed;
	u32 seen_pending;
} send_window;

static void ring_test_send_window(struct lis_ring *ring)
{
	struct kunit *test = send_window.test;
	struct ring_pair *p = send_window.p;
	bool sig;
	u32 i;

	if (!p || ring != &p->w)
		return;
	send_window.seen_pending = hdr(p)->pending_send_sz;
	for (i = 0; i < send_window.drain; i++)
		get(test, p, 496, send_window.seed++);
	lis_ring_commit_read(&p->r, &sig);
}

struct send_case {
	const char *name;
	u32 drain;		/* packets the reader takes in the window */
	bool masked;		/* the reader has interrupts masked */
	int ret;
	bool sig;
};

/* Seven 496-byte packets fill the 8 KiB ring (456 bytes free); 520 each. */
static const struct send_case send_cases[] = {
	{ "no_room_request_stays", 0, false, -EAGAIN, false },
	{ "drained_in_window_signals", 7, false, 0, true },
	{ "drained_in_window_masked", 7, true, 0, false },
	{ "room_behind_unread_packets", 1, false, 0, false },
};

KUNIT_ARRAY_PARAM_DESC(send, send_cases, name);

static void lis_ring_send_window_test(struct kunit *test)
{
	const struct send_case *c = test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	u8 payload[496];
	struct lis_kvec v = { .base = payload, .len = sizeof(payload) };
	bool sig = !c->sig, full = false;
	u32 i, pkt = 0;
	int ret;

	for (i = 0; i < 7; i++)
		KUNIT_ASSERT_EQ(test, put(test, p, 496, i, &sig), 0);
	hdr(p)->interrupt_mask = c->masked;
	pattern(payload, sizeof(payload), 7);
	send_window.test = test;
	send_window.p = p;
	send_window.drain = c->drain;
	send_window.seed = 0;
	sig = !c->sig;
	ret = lis_ring_send_inband_vec(&p->w, &v, 1, LIS_VMPKT_DATA_INBAND,
				       LIS_VMPKT_F_COMPLETION_REQUESTED, 7,
				       &pkt, &full, &sig);
	send_window.p = NULL;

	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, sig, c->sig);
	KUNIT_EXPECT_TRUE(test, full);
	KUNIT_EXPECT_EQ(test, pkt, 512);
	/* The request was made before the recheck... */
	KUNIT_EXPECT_EQ(test, send_window.seen_pending, 520);
	if (ret) {
		/* ...and stays while the packet is out. */
		KUNIT_EXPECT_EQ(test, hdr(p)->pending_send_sz, 520);
		return;
	}
	/* ...and is withdrawn once the packet is in; it reads back whole. */
	KUNIT_EXPECT_EQ(test, hdr(p)->pending_send_sz, 0);
	for (i = c->drain; i < 7; i++)
		get(test, p, 496, i);
	get(test, p, 496, 7);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_read(&p->r), 0);
}

/* A packet that fits at once withdraws a request left by an earlier one. */
static void lis_ring_send_clears_pending_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	struct lis_kvec v = { .base = "ping", .len = 4 };
	bool sig = false, full = true;
	u32 pkt = 0;

	lis_ring_set_pending_send(&p->w, 600);
	KUNIT_EXPECT_EQ(test, lis_ring_send_inband_vec(&p->w, &v, 1,
						       LIS_VMPKT_DATA_INBAND,
						       0, 1, &pkt, &full,
						       &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
	KUNIT_EXPECT_FALSE(test, full);
	KUNIT_EXPECT_EQ(test, pkt, 24);
	KUNIT_EXPECT_EQ(test, hdr(p)->pending_send_sz, 0);
}

/* --- lazy reader synchronisation ---------------------------------------- */

static void lis_ring_reader_sync_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	bool sig;

	pair_seek(test, p, 1024);
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 0, &sig), 0);
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 1, &sig), 0);
	KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_read(&p->r), 2 * 32);
	KUNIT_EXPECT_TRUE(test, p->r.reader_synced);
	KUNIT_EXPECT_EQ(test, p->r.priv_read_index, 1024);
	get(test, p, 8, 0);
	lis_ring_commit_read(&p->r, &sig);
	get(test, p, 8, 1);

	/* A new reader view restarts at the committed index. */
	KUNIT_ASSERT_EQ(test, lis_ring_init(&p->r, p->mem, p->bytes), 0);
	lis_ring_commit_read(&p->r, &sig);	/* unsynced: a no-op */
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, 1024 + 32);
	get(test, p, 8, 1);
	lis_ring_commit_read(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, hdr(p)->write_index);
}

/* --- the in-place iterator ---------------------------------------------- */

/* Check that @pkt is the packet put(test, p, len, seed) wrote. */
static void expect_pkt(struct kunit *test, const struct lis_ring_pkt *pkt,
		       u32 len, u32 seed)
{
	u8 *want = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, want);
	pattern(want, len, seed);
	KUNIT_EXPECT_EQ(test, pkt->desc.type, LIS_VMPKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, pkt->desc.trans_id, (u64)seed);
	KUNIT_EXPECT_EQ(test, pkt->raw_len, ALIGN(16 + len, 8));
	KUNIT_EXPECT_EQ(test, pkt->len, ALIGN(len, 8));
	KUNIT_ASSERT_NOT_NULL(test, pkt->raw);
	KUNIT_EXPECT_PTR_EQ(test, pkt->data, pkt->raw + 16);
	KUNIT_EXPECT_MEMEQ(test, pkt->raw, &pkt->desc, sizeof(pkt->desc));
	KUNIT_EXPECT_MEMEQ(test, pkt->data, want, len);
	kunit_kfree(test, want);
}

static void lis_ring_iter_in_place_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	struct lis_ring_pkt pkt;
	u32 i, pos = 0;
	bool sig;

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, put(test, p, 40 + i, i, &sig), 0);
	for (i = 0; i < 3; i++) {
		if (!i)
			KUNIT_ASSERT_EQ(test, lis_ring_iter_first(&p->r, NULL,
								  0, &pkt), 0);
		else
			KUNIT_ASSERT_EQ(test, lis_ring_iter_next(&p->r, &pkt),
					0);
		/* Seen where it lies: no copy. */
		KUNIT_EXPECT_PTR_EQ(test, pkt.raw, (const u8 *)data(p) + pos);
		KUNIT_EXPECT_FALSE(test, pkt.bounced);
		expect_pkt(test, &pkt, 40 + i, i);
		pos += packet_bytes(40 + i);
		/* Nothing is given back before the end. */
		KUNIT_EXPECT_EQ(test, hdr(p)->read_index, 0);
	}
	KUNIT_EXPECT_EQ(test, lis_ring_iter_next(&p->r, &pkt), -EAGAIN);
	KUNIT_EXPECT_NULL(test, pkt.raw);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, 0);
	sig = true;
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, pos);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, hdr(p)->write_index);
	KUNIT_EXPECT_FALSE(test, p->r.broken);
}

struct iter_wrap_case {
	const char *name;
	u32 back;		/* packet starts this many bytes before the end */
	bool bounced;
};

/* A 100-byte payload: a 120-byte packet and its trailer, 4 KiB of data. */
static const struct iter_wrap_case iter_wrap_cases[] = {
	{ "before_end", 128, false },
	{ "trailer_wraps", 120, false },
	{ "payload_wraps", 64, true },
	{ "data_starts_at_0", 16, true },
	{ "descriptor_wraps", 8, true },
};

KUNIT_ARRAY_PARAM_DESC(iter_wrap, iter_wrap_cases, name);

static void lis_ring_iter_wrap_test(struct kunit *test)
{
	const struct iter_wrap_case *c = test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	u8 *bounce = kunit_kmalloc(test, 120, GFP_KERNEL);
	u32 start = p->size - c->back;
	struct lis_ring_pkt pkt;
	bool sig;

	KUNIT_ASSERT_NOT_NULL(test, bounce);
	pair_seek(test, p, start);
	KUNIT_ASSERT_EQ(test, put(test, p, 100, 9, &sig), 0);
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 10, &sig), 0);

	KUNIT_ASSERT_EQ(test, lis_ring_iter_first(&p->r, bounce, 120, &pkt),
			0);
	KUNIT_EXPECT_EQ(test, pkt.bounced, c->bounced);
	KUNIT_EXPECT_PTR_EQ(test, pkt.raw, c->bounced ? (const u8 *)bounce :
			    (const u8 *)data(p) + start);
	expect_pkt(test, &pkt, 100, 9);
	/* The bounce is kept for the rest of the iteration. */
	KUNIT_ASSERT_EQ(test, lis_ring_iter_next(&p->r, &pkt), 0);
	KUNIT_EXPECT_FALSE(test, pkt.bounced);
	expect_pkt(test, &pkt, 8, 10);
	KUNIT_EXPECT_EQ(test, lis_ring_iter_next(&p->r, &pkt), -EAGAIN);
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, hdr(p)->write_index);
	KUNIT_EXPECT_FALSE(test, p->r.broken);
}

static void lis_ring_iter_bounce_too_small_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	u8 *bounce = kunit_kmalloc(test, 121, GFP_KERNEL);
	u32 start = p->size - 64;
	struct lis_ring_pkt pkt;
	bool sig;

	KUNIT_ASSERT_NOT_NULL(test, bounce);
	memset(bounce, FILL, 121);
	pair_seek(test, p, start);
	KUNIT_ASSERT_EQ(test, put(test, p, 100, 4, &sig), 0);
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 5, &sig), 0);

	/* No bounce, or one a byte short: the packet is described, stays. */
	KUNIT_EXPECT_EQ(test, lis_ring_iter_first(&p->r, NULL, 0, &pkt),
			-ENOBUFS);
	KUNIT_EXPECT_EQ(test, pkt.raw_len, 120);
	KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, 4);
	KUNIT_EXPECT_NULL(test, pkt.raw);
	KUNIT_EXPECT_NULL(test, pkt.data);
	KUNIT_EXPECT_EQ(test, lis_ring_iter_first(&p->r, bounce, 119, &pkt),
			-ENOBUFS);
	/* Nothing was copied into the short buffer. */
	KUNIT_EXPECT_EQ(test, bounce[0], FILL);
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, start);
	KUNIT_EXPECT_FALSE(test, p->r.broken);

	/* With room it comes through... */
	KUNIT_ASSERT_EQ(test, lis_ring_iter_first(&p->r, bounce, 120, &pkt),
			0);
	expect_pkt(test, &pkt, 100, 4);
	KUNIT_EXPECT_EQ(test, bounce[120], FILL);
	lis_ring_iter_end(&p->r, &sig);

	/* ...and next after -ENOBUFS drops it. */
	KUNIT_EXPECT_EQ(test, lis_ring_iter_first(&p->r, NULL, 0, &pkt),
			-ENOBUFS);
	KUNIT_ASSERT_EQ(test, lis_ring_iter_next(&p->r, &pkt), 0);
	expect_pkt(test, &pkt, 8, 5);
	KUNIT_EXPECT_EQ(test, lis_ring_iter_next(&p->r, &pkt), -EAGAIN);
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, hdr(p)->write_index);
}

static void lis_ring_iter_empty_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	u8 *snap = kunit_kmalloc(test, p->bytes, GFP_KERNEL);
	struct lis_ring_pkt pkt;
	bool sig = true;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	memcpy(snap, p->mem, p->bytes);
	KUNIT_EXPECT_EQ(test, lis_ring_iter_first(&p->r, NULL, 0, &pkt),
			-EAGAIN);
	KUNIT_EXPECT_NULL(test, pkt.raw);
	KUNIT_EXPECT_EQ(test, pkt.raw_len, 0);
	KUNIT_EXPECT_EQ(test, lis_ring_iter_next(&p->r, &pkt), -EAGAIN);
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_FALSE(test, sig);
	/* An empty iteration writes nothing to shared memory. */
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);
	KUNIT_EXPECT_FALSE(test, p->r.broken);
}

static void lis_ring_iter_end_without_next_test(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, RING_8K);
	struct lis_ring_pkt pkt;
	bool sig;

	KUNIT_ASSERT_EQ(test, put(test, p, 24, 1, &sig), 0);
	KUNIT_ASSERT_EQ(test, put(test, p, 24, 2, &sig), 0);

	/* Seen but not consumed: it stays, and nothing is published. */
	KUNIT_ASSERT_EQ(test, lis_ring_iter_first(&p->r, NULL, 0, &pkt), 0);
	expect_pkt(test, &pkt, 24, 1);
	sig = true;
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, 0);
	KUNIT_ASSERT_EQ(test, lis_ring_iter_first(&p->r, NULL, 0, &pkt), 0);
	expect_pkt(test, &pkt, 24, 1);

	/* Consume the first; the second, seen last, stays. */
	KUNIT_ASSERT_EQ(test, lis_ring_iter_next(&p->r, &pkt), 0);
	expect_pkt(test, &pkt, 24, 2);
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, packet_bytes(24));
	/* Next without first: nothing current, so nothing is consumed. */
	KUNIT_ASSERT_EQ(test, lis_ring_iter_next(&p->r, &pkt), 0);
	expect_pkt(test, &pkt, 24, 2);
	KUNIT_EXPECT_EQ(test, lis_ring_iter_next(&p->r, &pkt), -EAGAIN);
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, hdr(p)->write_index);
}

struct iter_batch_case {
	const char *name;
	u32 pending;
	u32 per_end;		/* packets consumed per iteration */
	u32 signals;		/* signals in the whole drain */
};

/*
 * Seven 520-byte packets fill the 4 KiB ring to 456 bytes free (as in
 * lis_ring_pending_send_test); the writer wants @pending bytes.
 */
static const struct iter_batch_case iter_batch_cases[] = {
	{ "one_batch_one_signal", 600, 7, 1 },
	{ "one_batch_far_crossing", 3000, 7, 1 },
	{ "batches_of_two", 1000, 2, 1 },
	{ "no_pending_no_signal", 0, 7, 0 },
};

KUNIT_ARRAY_PARAM_DESC(iter_batch, iter_batch_cases, name);

static void lis_ring_iter_batch_signal_test(struct kunit *test)
{
	const struct iter_batch_case *c = test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	u32 i, seen = 0, signals = 0, ends = 0, r0;
	struct lis_ring_pkt pkt;
	bool sig;
	int ret;

	for (i = 0; i < 7; i++)
		KUNIT_ASSERT_EQ(test, put(test, p, 496, i, &sig), 0);
	KUNIT_ASSERT_EQ(test, put(test, p, 496, 7, &sig), -EAGAIN);
	lis_ring_set_pending_send(&p->w, c->pending);

	lis_ring_mask_interrupts(&p->r);
	while (seen < 7) {
		r0 = hdr(p)->read_index;
		ret = lis_ring_iter_first(&p->r, NULL, 0, &pkt);
		for (i = 0; !ret && i < c->per_end; i++) {
			expect_pkt(test, &pkt, 496, seen++);
			/* The index moves only at the end of the batch. */
			KUNIT_EXPECT_EQ(test, hdr(p)->read_index, r0);
			ret = lis_ring_iter_next(&p->r, &pkt);
		}
		lis_ring_iter_end(&p->r, &sig);
		signals += sig;
		KUNIT_ASSERT_LT(test, ++ends, 8U);
	}
	KUNIT_EXPECT_EQ(test, signals, c->signals);
	KUNIT_EXPECT_EQ(test, ends, DIV_ROUND_UP(7, c->per_end));
	KUNIT_EXPECT_EQ(test, hdr(p)->read_index, hdr(p)->write_index);

	/* A packet that comes while masked raises no signal... */
	KUNIT_ASSERT_EQ(test, put(test, p, 8, 8, &sig), 0);
	KUNIT_EXPECT_FALSE(test, sig);
	/* ...so unmasking finds it, and the reader drains again. */
	KUNIT_EXPECT_TRUE(test, lis_ring_unmask_interrupts(&p->r));
	KUNIT_ASSERT_EQ(test, lis_ring_iter_first(&p->r, NULL, 0, &pkt), 0);
	expect_pkt(test, &pkt, 8, 8);
	KUNIT_EXPECT_EQ(test, lis_ring_iter_next(&p->r, &pkt), -EAGAIN);
	lis_ring_iter_end(&p->r, &sig);
	KUNIT_EXPECT_FALSE(test, lis_ring_unmask_interrupts(&p->r));
}

/* --- hostile shared memory ---------------------------------------------- */

enum corrupt_op { OP_PEEK, OP_BYTES_TO_READ, OP_WRITE, OP_BYTES_TO_WRITE,
		  OP_COMMIT, OP_UNMASK, OP_ITER };

struct corrupt_case {
	const char *name;
	u32 start;		/* ring position of the test packet */
	int hdr_field;		/* -1: none, else u32 index into the header */
	u32 hdr_value;		/* hdr_value + start if rel is set */
	bool rel;
	int desc_field;		/* -1: none, else u16 index into the desc */
	u16 desc_value;
	enum corrupt_op op;
	const char *field;
};

#define W_IDX 0
#define R_IDX 1
#define D_OFF8 1
#define D_LEN8 2
#define SZ 4096		/* data bytes of an 8 KiB ring */

static const struct corrupt_case corrupt_cases[] = {
	{ "write_index_eq_size", 0, W_IDX, SZ, false, -1, 0,
	  OP_PEEK, "write_index" },
	{ "write_index_huge", 0, W_IDX, 0xfffffff8, false, -1, 0,
	  OP_PEEK, "write_index" },
	{ "write_index_unaligned", 0, W_IDX, 36, false, -1, 0,
	  OP_PEEK, "write_index" },
	{ "write_index_bad_bytes_to_read", 0, W_IDX, SZ + 8, false, -1, 0,
	  OP_BYTES_TO_READ, "write_index" },
	{ "write_index_bad_unmask", 0, W_IDX, 4, false, -1, 0,
	  OP_UNMASK, "write_index" },
	{ "write_index_bad_commit", 0, W_IDX, SZ * 2, false, -1, 0,
	  OP_COMMIT, "write_index" },
	{ "own_write_index_bad_on_write", 0, W_IDX, 1, false, -1, 0,
	  OP_WRITE, "write_index" },
	{ "read_index_eq_size_on_write", 0, R_IDX, SZ, false, -1, 0,
	  OP_WRITE, "read_index" },
	{ "read_index_unaligned_on_write", 0, R_IDX, 12, false, -1, 0,
	  OP_WRITE, "read_index" },
	{ "read_index_bad_bytes_to_write", 0, R_IDX, ~0U, false, -1, 0,
	  OP_BYTES_TO_WRITE, "read_index" },
	{ "read_index_bad_on_reader_sync", 0, R_IDX, SZ + 16, false, -1, 0,
	  OP_PEEK, "read_index" },
	{ "fewer_bytes_than_descriptor", 0, W_IDX, 8, true, -1, 0,
	  OP_PEEK, "write_index" },
	{ "fewer_bytes_than_descriptor_wrapped", SZ - 8, W_IDX, 0, false,
	  -1, 0, OP_PEEK, "write_index" },
	{ "len8_zero", 0, -1, 0, false, D_LEN8, 0, OP_PEEK, "desc.len8" },
	{ "len8_one", 0, -1, 0, false, D_LEN8, 1, OP_PEEK, "desc.len8" },
	{ "len8_one_past_avail", 0, -1, 0, false, D_LEN8, 5,
	  OP_PEEK, "desc.len8" },
	{ "len8_max", 0, -1, 0, false, D_LEN8, 0xffff, OP_PEEK, "desc.len8" },
	{ "len8_max_split_desc", SZ - 8, -1, 0, false, D_LEN8, 0xffff,
	  OP_PEEK, "desc.len8" },
	{ "len8_too_big_at_end", SZ - 40, -1, 0, false, D_LEN8, 6,
	  OP_PEEK, "desc.len8" },
	{ "offset8_zero", 0, -1, 0, false, D_OFF8, 0, OP_PEEK,
	  "desc.offset8" },
	{ "offset8_one", 0, -1, 0, false, D_OFF8, 1, OP_PEEK,
	  "desc.offset8" },
	{ "offset8_past_len8", 0, -1, 0, false, D_OFF8, 5, OP_PEEK,
	  "desc.offset8" },
	{ "offset8_max_split_desc", SZ - 8, -1, 0, false, D_OFF8, 0xffff,
	  OP_PEEK, "desc.offset8" },
	{ "iter_write_index_unaligned", 0, W_IDX, 36, false, -1, 0,
	  OP_ITER, "write_index" },
	{ "iter_fewer_bytes_than_descriptor", 0, W_IDX, 8, true, -1, 0,
	  OP_ITER, "write_index" },
	{ "iter_len8_one", 0, -1, 0, false, D_LEN8, 1, OP_ITER, "desc.len8" },
	{ "iter_len8_past_avail", 0, -1, 0, false, D_LEN8, 5,
	  OP_ITER, "desc.len8" },
	{ "iter_len8_max_split_desc", SZ - 8, -1, 0, false, D_LEN8, 0xffff,
	  OP_ITER, "desc.len8" },
	{ "iter_len8_too_big_at_end", SZ - 40, -1, 0, false, D_LEN8, 6,
	  OP_ITER, "desc.len8" },
	{ "iter_offset8_one", 0, -1, 0, false, D_OFF8, 1, OP_ITER,
	  "desc.offset8" },
	{ "iter_offset8_past_len8", 0, -1, 0, false, D_OFF8, 5, OP_ITER,
	  "desc.offset8" },
	{ "iter_offset8_past_len8_wrapped", SZ - 8, -1, 0, false, D_OFF8, 5,
	  OP_ITER, "desc.offset8" },
};

KUNIT_ARRAY_PARAM_DESC(corrupt, corrupt_cases, name);

/*
 * A 16-byte in-band packet (len8 = 4, 32 bytes + trailer) at c->start,
 * then one corruption, then one call that must find it.
 */
static void lis_ring_corrupt_test(struct kunit *test)
{
	const struct corrupt_case *c = test->param_value;
	struct ring_pair *p = pair_new(test, RING_8K);
	struct lis_ring *victim = &p->r;
	struct lis_vmpacket_desc d;
	u8 *snap = kunit_kmalloc(test, p->bytes, GFP_KERNEL);
	bool sig = true;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	KUNIT_ASSERT_EQ(test, p->size, SZ);
	pair_seek(test, p, c->start);
	KUNIT_ASSERT_EQ(test, put(test, p, 16, 5, &sig), 0);

	if (c->op == OP_COMMIT) {
		/* Consume it; the writer waits for room. */
		lis_ring_set_pending_send(&p->w, 100);
		get(test, p, 16, 5);
	}
	if (c->hdr_field >= 0)
		((u32 *)p->mem)[c->hdr_field] =
			c->rel ? c->start + c->hdr_value : c->hdr_value;
	if (c->desc_field >= 0) {
		u32 pos = (c->start + 2 * c->desc_field) % SZ;

		data(p)[pos] = c->desc_value & 0xff;
		data(p)[(pos + 1) % SZ] = c->desc_value >> 8;
	}
	memcpy(snap, p->mem, p->bytes);

	switch (c->op) {
	case OP_PEEK:
		ret = lis_ring_peek(&p->r, &d);
		KUNIT_EXPECT_EQ(test, ret, -EIO);
		break;
	case OP_BYTES_TO_READ:
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_read(&p->r), 0);
		break;
	case OP_WRITE:
		victim = &p->w;
		KUNIT_EXPECT_EQ(test, put(test, p, 8, 6, &sig), -EIO);
		KUNIT_EXPECT_FALSE(test, sig);
		break;
	case OP_BYTES_TO_WRITE:
		victim = &p->w;
		KUNIT_EXPECT_EQ(test, lis_ring_bytes_to_write(&p->w), 0);
		break;
	case OP_COMMIT:
		lis_ring_commit_read(&p->r, &sig);
		KUNIT_EXPECT_FALSE(test, sig);
		/* The read index was published before the bad value. */
		snap[4] = p->mem[4];
		snap[5] = p->mem[5];
		break;
	case OP_UNMASK:
		KUNIT_EXPECT_FALSE(test, lis_ring_unmask_interrupts(&p->r));
		snap[8] = 0;	/* interrupt_mask was cleared */
		break;
	case OP_ITER: {
		struct lis_ring_pkt pkt;
		u8 bounce[64];

		ret = lis_ring_iter_first(&p->r, bounce, sizeof(bounce), &pkt);
		KUNIT_EXPECT_EQ(test, ret, -EIO);
		KUNIT_EXPECT_NULL(test, pkt.raw);
		KUNIT_EXPECT_EQ(test, lis_ring_iter_next(&p->r, &pkt), -EIO);
		lis_ring_iter_end(&p->r, &sig);
		KUNIT_EXPECT_FALSE(test, sig);
		break;
	}
	}
	/* Nothing was written to shared memory on the way to -EIO. */
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);
	expect_dead(test, victim, c->field);

	/* lis_ring_reset_shared() does nothing on a broken ring... */
	lis_ring_reset_shared(victim);
	KUNIT_EXPECT_MEMEQ(test, p->mem, snap, p->bytes);
	/* ...and repairing the shared memory does not revive it. */
	memset(hdr(p), 0, sizeof(struct lis_ring_hdr));
	expect_dead(test, victim, c->field);
}

static struct kunit_case lis_ring_cases[] = {
	KUNIT_CASE_PARAM(lis_ring_init_test, init_gen_params),
	KUNIT_CASE(lis_ring_init_bad_mem_test),
	KUNIT_CASE(lis_ring_reset_shared_test),
	KUNIT_CASE_PARAM(lis_ring_round_trip_test, round_trip_gen_params),
	KUNIT_CASE(lis_ring_many_in_flight_test),
	KUNIT_CASE_PARAM(lis_ring_wrap_test, wrap_gen_params),
	KUNIT_CASE(lis_ring_exact_fit_test),
	KUNIT_CASE(lis_ring_full_test),
	KUNIT_CASE(lis_ring_write_einval_test),
	KUNIT_CASE_PARAM(lis_ring_gather_test, gather_gen_params),
	KUNIT_CASE_PARAM(lis_ring_inband_vec_wrap_test, iv_wrap_gen_params),
	KUNIT_CASE(lis_ring_inband_vec_fit_test),
	KUNIT_CASE(lis_ring_inband_vec_empty_test),
	KUNIT_CASE(lis_ring_copy_bounds_test),
	KUNIT_CASE(lis_ring_write_signal_test),
	KUNIT_CASE(lis_ring_batched_read_test),
	KUNIT_CASE_PARAM(lis_ring_pending_send_test, pending_gen_params),
	KUNIT_CASE_PARAM(lis_ring_send_window_test, send_gen_params),
	KUNIT_CASE(lis_ring_send_clears_pending_test),
	KUNIT_CASE(lis_ring_reader_sync_test),
	KUNIT_CASE_PARAM(lis_ring_corrupt_test, corrupt_gen_params),
	KUNIT_CASE(lis_ring_iter_in_place_test),
	KUNIT_CASE_PARAM(lis_ring_iter_wrap_test, iter_wrap_gen_params),
	KUNIT_CASE(lis_ring_iter_bounce_too_small_test),
	KUNIT_CASE(lis_ring_iter_empty_test),
	KUNIT_CASE(lis_ring_iter_end_without_next_test),
	KUNIT_CASE_PARAM(lis_ring_iter_batch_signal_test,
			 iter_batch_gen_params),
	{}
};

static struct kunit_suite lis_ring_suite = {
	.name = "lis_ring",
	.test_cases = lis_ring_cases,
};

kunit_test_suite(lis_ring_suite);

MODULE_DESCRIPTION("KUnit tests for the lis VMBus ring buffer");
MODULE_LICENSE("GPL");
