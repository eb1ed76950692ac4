// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the VMBus ring buffer primitives.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iinclude <this file>
 *
 * The input picks a ring size (1 to 4 data pages), the initial header, and
 * then a script of operations on two views of the same memory: a writer
 * view and a reader view, like the guest and the host.  Some operations
 * play a hostile other side that scribbles on the shared header or data.
 * The ring is allocated with malloc() at exactly its size, so ASan reports
 * any access outside it.
 *
 * Checked after every step: indices and lengths stay in range, errors are
 * consistent, a broken ring stays broken and fails every call.  While the
 * ring was reset by its owner and nobody scribbled on it ("clean"), a
 * shadow queue of the packets written must match what the reader reads,
 * the ring must never break, and both signalling rules are checked exactly.
 *
 * Input layout (all little-endian, missing bytes read as 0):
 *   u8  pages - 1 (mod 4)
 *   u8  flags: bit0 reset_shared, bit1 sanitise the header indices
 *   u32 write_index, read_index, interrupt_mask, pending_send_sz,
 *       feature_bits, initial header values (ignored with bit0)
 *   u8  data fill byte
 *   then operations: u8 opcode followed by its arguments
 */
#include "../../drivers/vmbus/ring.c"

#include "fuzz_input.h"

#define MAX_OPS		4096
#define SHADOW_PKTS	4096	/* > size / 24, the most packets in flight */
#define SHADOW_BYTES	65536	/* > the largest data area */

/* Packets written but not yet read back, in the order they were written. */
struct shadow {
	u32 start[SHADOW_PKTS];	/* offset in bytes[] */
	u32 len[SHADOW_PKTS];	/* padded packet length, without trailer */
	u32 head_commit;	/* first packet not committed by the reader */
	u32 head_read;		/* first packet not skipped by the reader */
	u32 tail;		/* next packet to write */
	u32 bytes_tail;
	u8 bytes[SHADOW_BYTES];
};

static struct shadow sh;
static u8 src[1 << 17];
static u8 dst[1 << 17];
static u8 src_bounce[1 << 17];	/* the iterator's bounce buffer */

static void shadow_push(const struct lis_kvec *vec, unsigned int nvec)
{
	u32 slot = sh.tail % SHADOW_PKTS, len = 0, i, j;

	CHECK(sh.tail - sh.head_commit < SHADOW_PKTS);
	sh.start[slot] = sh.bytes_tail;
	for (i = 0; i < nvec; i++) {
		for (j = 0; j < vec[i].len; j++) {
			sh.bytes[sh.bytes_tail] = ((const u8 *)vec[i].base)[j];
			sh.bytes_tail = (sh.bytes_tail + 1) % SHADOW_BYTES;
			len++;
		}
	}
	for (; len % 8; len++) {
		sh.bytes[sh.bytes_tail] = 0;
		sh.bytes_tail = (sh.bytes_tail + 1) % SHADOW_BYTES;
	}
	sh.len[slot] = len;
	sh.tail++;
}

static u8 shadow_byte(u32 slot, u32 off)
{
	return sh.bytes[(sh.start[slot] + off) % SHADOW_BYTES];
}

/* Bytes written and not yet committed, trailers included. */
static u32 shadow_used(void)
{
	u32 i, used = 0;

	for (i = sh.head_commit; i != sh.tail; i++)
		used += sh.len[i % SHADOW_PKTS] + LIS_RING_TRAILER_SIZE;
	return used;
}

static u32 shadow_unread(void)
{
	u32 i, used = 0;

	for (i = sh.head_read; i != sh.tail; i++)
		used += sh.len[i % SHADOW_PKTS] + LIS_RING_TRAILER_SIZE;
	return used;
}

static void check_view(const struct lis_ring *ring, bool was_broken)
{
	if (was_broken)
		CHECK(ring->broken);
	if (ring->broken) {
		CHECK(ring->broken_field);
		return;
	}
	CHECK(ring->priv_read_index < ring->size);
	CHECK(IS_ALIGNED(ring->priv_read_index, 8));
	CHECK(ring->read_start < ring->size);
	CHECK(IS_ALIGNED(ring->read_start, 8));
	CHECK(IS_ALIGNED(ring->pkt_len, 8));
	CHECK(ring->pkt_len + LIS_RING_TRAILER_SIZE < ring->size);
}

/* A broken ring fails every call and changes nothing. */
static void check_broken_sticky(struct lis_ring *ring)
{
	struct lis_vmpacket_desc d;
	struct lis_ring copy = *ring;
	struct lis_kvec v = { .base = src, .len = 8 };
	bool sig = true;

	CHECK(lis_ring_peek(ring, &d) == -EIO);
	CHECK(lis_ring_copy_packet(ring, 0, dst, 8) == -EIO);
	CHECK(lis_ring_write(ring, &v, 1, &sig) == -EIO && !sig);
	sig = true;
	CHECK(lis_ring_write_inband(ring, 6, 0, 1, src, 8, &sig) == -EIO &&
	      !sig);
	CHECK(lis_ring_bytes_to_read(ring) == 0);
	CHECK(lis_ring_bytes_to_write(ring) == 0);
	CHECK(!lis_ring_unmask_interrupts(ring));
	sig = true;
	lis_ring_commit_read(ring, &sig);
	CHECK(!sig);
	lis_ring_skip(ring);
	CHECK(ring->broken && ring->broken_field == copy.broken_field);
	CHECK(ring->priv_read_index == copy.priv_read_index);
	CHECK(ring->read_start == copy.read_start);
}

/* Build a valid descriptor in @buf for a packet of @total bytes. */
static void make_desc(u8 *buf, u32 total, u16 off8, u64 id)
{
	struct lis_vmpacket_desc d = {
		.type = LIS_VMPKT_DATA_INBAND,
		.len8 = (total + 7) / 8,
		.offset8 = off8,
		.trans_id = id,
	};

	if (d.offset8 < 2)
		d.offset8 = 2;
	if (d.offset8 > d.len8)
		d.offset8 = d.len8;
	memcpy(buf, &d, sizeof(d));
}

struct fuzz {
	struct lis_ring wr, rd;
	void *mem;
	u32 bytes;
	bool clean;
};

/*
 * The in-place iterator shows the packet lis_ring_peek() just returned
 * (or fails the same way): the same descriptor and length, the packet
 * either where it lies (ASan checks it is within the ring) or, if it
 * wraps, copied into the bounce.
 */
static void check_iter(struct fuzz *f, int peeked,
		       const struct lis_vmpacket_desc *d)
{
	struct lis_ring_pkt pkt;
	int ret = lis_ring_iter_first(&f->rd, src_bounce, sizeof(src_bounce),
				      &pkt);
	u32 slot = sh.head_read % SHADOW_PKTS, i;

	CHECK(ret == peeked);
	if (ret) {
		CHECK(!pkt.raw && !pkt.data && f->rd.pkt_len == 0);
		return;
	}
	CHECK(!memcmp(&pkt.desc, d, sizeof(*d)));
	CHECK(pkt.raw_len == f->rd.pkt_len);
	CHECK(pkt.data == pkt.raw + (u32)d->offset8 * 8);
	CHECK(pkt.len == pkt.raw_len - (u32)d->offset8 * 8);
	CHECK(pkt.bounced == (f->rd.priv_read_index + pkt.raw_len >
			      f->rd.size));
	CHECK(pkt.bounced ? pkt.raw == src_bounce :
	      pkt.raw == f->rd.data + f->rd.priv_read_index);
	if (!f->clean)
		return;
	for (i = 0; i < pkt.raw_len; i++)
		CHECK(pkt.raw[i] == shadow_byte(slot, i));
}

static void op_peek(struct fuzz *f)
{
	struct lis_vmpacket_desc d;
	bool was = f->rd.broken;
	int ret = lis_ring_peek(&f->rd, &d);
	u32 slot = sh.head_read % SHADOW_PKTS, i;

	CHECK(ret == 0 || ret == -EAGAIN || ret == -EIO);
	CHECK(!was || ret == -EIO);
	check_iter(f, ret, &d);
	if (ret) {
		CHECK(f->rd.pkt_len == 0);
		if (f->clean)
			CHECK(ret == -EAGAIN && sh.head_read == sh.tail);
		return;
	}
	CHECK(d.len8 >= 2 && d.offset8 >= 2 && d.offset8 <= d.len8);
	CHECK(f->rd.pkt_len == (u32)d.len8 * 8);
	CHECK(f->rd.pkt_len + LIS_RING_TRAILER_SIZE <=
	      lis_ring_bytes_to_read(&f->rd));
	if (!f->clean)
		return;
	CHECK(sh.head_read != sh.tail);
	CHECK(f->rd.pkt_len == sh.len[slot]);
	CHECK(lis_ring_copy_packet(&f->rd, 0, dst, f->rd.pkt_len) == 0);
	for (i = 0; i < f->rd.pkt_len; i++)
		CHECK(dst[i] == shadow_byte(slot, i));
}

static void op_copy(struct fuzz *f, struct input *in)
{
	u32 off = take16(in), len = take16(in);
	u8 mode = take8(in);
	int ret;

	if (mode & 1)
		off = ~off;	/* near U32_MAX: overflow attempts */
	if (mode & 2)
		len = ~len;
	if (len > sizeof(dst))
		len = (mode & 4) ? len : sizeof(dst);
	ret = lis_ring_copy_packet(&f->rd, off, dst, len);
	CHECK(ret == 0 || ret == -EINVAL || ret == -EIO);
	if (ret == 0) {
		CHECK(f->rd.pkt_len && (u64)off + len <= f->rd.pkt_len);
		CHECK(len <= sizeof(dst));
	}
	if (f->rd.broken)
		CHECK(ret == -EIO);
}

static void op_skip(struct fuzz *f)
{
	u32 had = f->rd.pkt_len;

	lis_ring_skip(&f->rd);
	CHECK(f->rd.pkt_len == 0 || f->rd.broken);
	if (f->clean && had) {
		CHECK(sh.head_read != sh.tail);
		sh.head_read++;
	}
}

static void op_commit(struct fuzz *f)
{
	struct lis_ring_hdr *h = f->mem;
	u32 size = f->rd.size, w = h->write_index;
	u32 r_before = h->read_index, pending = h->pending_send_sz;
	bool feat = h->feature_bits & LIS_RING_FEAT_PENDING_SEND_SZ;
	bool sig = true, expect = false;

	lis_ring_commit_read(&f->rd, &sig);
	if (!f->clean) {
		CHECK(!sig || !f->rd.broken);
		return;
	}
	CHECK(!f->rd.broken);
	if (!f->rd.reader_synced) {
		CHECK(!sig);
		return;
	}
	CHECK(h->read_index == f->rd.priv_read_index);
	CHECK(f->rd.read_start == f->rd.priv_read_index);
	if (feat && pending && r_before != h->read_index) {
		u32 fb = size - lis_ring_dist(&f->rd, r_before, w);
		u32 fn = size - lis_ring_dist(&f->rd, h->read_index, w);

		expect = fb <= pending && fn > pending;
	}
	CHECK(sig == expect);
	sh.head_commit = sh.head_read;
}

static void op_write(struct fuzz *f, struct input *in)
{
	static const u32 big[] = { 0, 1, 7, 4088, 4096, 16376, 0x7fffffff,
				   0xffffffff };
	struct lis_ring_hdr *h = f->mem;
	struct lis_kvec vec[4];
	u8 mode = take8(in);
	unsigned int nvec = 1 + (mode & 3), i;
	bool valid_desc = mode & 4, sig = true, expect;
	u32 w = h->write_index, r = h->read_index, mask = h->interrupt_mask;
	u32 total = 0, free_before;
	u64 sum = 0;
	int ret;

	for (i = 0; i < nvec; i++) {
		u16 l = take16(in);

		vec[i].base = src + (take8(in) & 63);
		vec[i].len = (mode & 0x80) ? big[l & 7] : l & 0x3fff;
		if (vec[i].len > sizeof(src) - 64)
			vec[i].base = NULL; /* must be rejected before use */
		sum += vec[i].len;
	}
	if (sum <= 0xffffffffULL)
		total = sum;
	if (valid_desc) {
		if (vec[0].len < sizeof(struct lis_vmpacket_desc))
			vec[0].len = sizeof(struct lis_vmpacket_desc);
		if (!vec[0].base)
			vec[0].base = src;
		sum = 0;
		for (i = 0; i < nvec; i++)
			sum += vec[i].len;
		total = sum <= 0xffffffffULL ? sum : 0;
		make_desc((u8 *)vec[0].base, total > 0x7fff8 ? 16 : total,
			  take8(in), sum);
	}
	free_before = f->clean ? lis_ring_bytes_to_write(&f->wr) : 0;

	ret = lis_ring_write(&f->wr, vec, nvec, &sig);
	CHECK(ret == 0 || ret == -EAGAIN || ret == -EINVAL || ret == -EIO);
	if (ret)
		CHECK(!sig);
	if (f->wr.broken)
		CHECK(ret == -EIO);
	if (ret == 0) {
		CHECK(sum && sum < f->wr.size);
		CHECK(!f->wr.broken);
		CHECK(h->write_index < f->wr.size);
	}
	if (!f->clean)
		return;
	CHECK(ret != -EIO);
	if (ret == -EINVAL)
		CHECK(!sum || ALIGN(sum, 8) + 8 >= f->wr.size);
	if (ret == -EAGAIN) {
		CHECK(free_before <= ALIGN(total, 8) + 8);
		CHECK(h->write_index == w);
	}
	if (ret)
		return;
	CHECK(free_before > ALIGN(total, 8) + 8);
	expect = !mask && r == w;
	CHECK(sig == expect);
	if (!valid_desc || total > 0x7fff8) {
		f->clean = false;
		return;
	}
	shadow_push(vec, nvec);
	CHECK(f->wr.size - lis_ring_bytes_to_write(&f->wr) == shadow_used());
}

static void op_write_inband(struct fuzz *f, struct input *in)
{
	u32 len = take16(in);
	u8 mode = take8(in);
	u32 cut1 = take16(in), cut2 = take16(in);
	struct lis_vmpacket_desc out;
	struct lis_kvec pieces[3];
	bool sig = true;
	int ret;

	if (mode & 1)
		len |= (u32)take16(in) << 16;
	if (len > sizeof(src))
		len = (mode & 2) ? 0x7fff0 : sizeof(src);
	if (mode & 4)
		len = 0xffffffff;	/* len8 overflow: rejected unread */
	if (mode & 8) {
		ret = lis_ring_write_inband(&f->wr, LIS_VMPKT_DATA_INBAND,
					    mode, len, src, len, &sig);
	} else {
		/* The same payload in three pieces, some maybe empty. */
		cut1 = len && len <= sizeof(src) ? cut1 % (len + 1) : 0;
		cut2 = cut1 + (len - cut1 && len <= sizeof(src) ?
			       cut2 % (len - cut1 + 1) : 0);
		pieces[0] = (struct lis_kvec){ src, cut1 };
		pieces[1] = (struct lis_kvec){ src + cut1, cut2 - cut1 };
		pieces[2] = (struct lis_kvec){ src + cut2, len - cut2 };
		ret = lis_ring_write_inband_vec(&f->wr, pieces, 3,
						LIS_VMPKT_DATA_INBAND, mode,
						len, &out, &sig);
		if (ret == 0 || ret == -EAGAIN)
			CHECK(out.len8 == (16 + (u64)len + 7) / 8 &&
			      out.offset8 == 2 && out.trans_id == len);
	}
	CHECK(ret == 0 || ret == -EAGAIN || ret == -EINVAL || ret == -EIO);
	if (ret)
		CHECK(!sig);
	if (f->wr.broken)
		CHECK(ret == -EIO);
	if (ret == 0 && f->clean) {
		struct lis_vmpacket_desc d = {
			.type = LIS_VMPKT_DATA_INBAND,
			.offset8 = 2,
			.len8 = (16 + len + 7) / 8,
			.flags = mode,
			.trans_id = len,
		};
		struct lis_kvec vec[] = {
			{ .base = &d, .len = sizeof(d) },
			{ .base = src, .len = len },
		};

		shadow_push(vec, 2);
	}
}

static void op_poke_header(struct fuzz *f, struct input *in)
{
	struct lis_ring_hdr *h = f->mem;
	u8 which = take8(in);
	u32 v = take32(in);

	if (which & 0x80)
		v = (v % f->wr.size) & ~7U;
	switch (which & 7) {
	case 0:
		h->write_index = v;
		break;
	case 1:
		h->read_index = v;
		break;
	case 2:
		h->interrupt_mask = v;
		return;		/* harmless to the oracle */
	case 3:
		h->pending_send_sz = v;
		return;
	case 4:
		h->feature_bits = v;
		return;
	default:
		return;
	}
	f->clean = false;
}

static void op_poke_data(struct fuzz *f, struct input *in)
{
	u32 off = take16(in) % f->wr.size;
	u8 len = take8(in), i;

	for (i = 0; i < len; i++)
		f->wr.data[(off + i) % f->wr.size] = take8(in);
	if (len)
		f->clean = false;
}

static void op_reader_reinit(struct fuzz *f)
{
	CHECK(lis_ring_init(&f->rd, f->mem, f->bytes) == 0);
	CHECK(!f->rd.reader_synced);
	/* The new view starts at the committed read_index. */
	sh.head_read = sh.head_commit;
}

static void run_op(struct fuzz *f, struct input *in)
{
	bool wb = f->wr.broken, rb = f->rd.broken;
	u32 v;

	switch (take8(in) % 14) {
	case 0:
		op_peek(f);
		break;
	case 1:
		op_copy(f, in);
		break;
	case 2:
		op_skip(f);
		break;
	case 3:
		op_commit(f);
		break;
	case 4:
		op_write(f, in);
		break;
	case 5:
		op_write_inband(f, in);
		break;
	case 6:
		v = lis_ring_bytes_to_read(&f->rd);
		CHECK(v < f->rd.size && IS_ALIGNED(v, 8));
		if (f->clean)
			CHECK(v == shadow_unread());
		break;
	case 7:
		v = lis_ring_bytes_to_write(&f->wr);
		CHECK(v <= f->wr.size && IS_ALIGNED(v, 8));
		CHECK(!f->wr.broken || v == 0);
		if (f->clean)
			CHECK(v == f->wr.size - shadow_used());
		break;
	case 8:
		lis_ring_mask_interrupts(&f->rd);
		break;
	case 9:
		if (lis_ring_unmask_interrupts(&f->rd))
			CHECK(!f->rd.broken && lis_ring_bytes_to_read(&f->rd));
		else if (f->clean)
			CHECK(sh.head_read == sh.tail);
		break;
	case 10:
		lis_ring_set_pending_send(&f->wr, take32(in) % (f->wr.size * 2));
		break;
	case 11:
		op_poke_header(f, in);
		break;
	case 12:
		op_poke_data(f, in);
		break;
	case 13:
		op_reader_reinit(f);
		rb = false;
		break;
	}
	check_view(&f->wr, wb);
	check_view(&f->rd, rb);
	if (f->clean)
		CHECK(!f->wr.broken && !f->rd.broken);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	struct fuzz f = { 0 };
	struct lis_ring_hdr *h;
	u32 pages = 1 + take8(&in) % 4, i;
	u8 flags = take8(&in);
	u32 hv[5];

	if (!src[1])
		for (i = 0; i < sizeof(src); i++)
			src[i] = i * 131 + 7;

	f.bytes = (pages + 1) * LIS_HV_PAGE_SIZE;
	f.mem = malloc(f.bytes);
	CHECK(f.mem);
	h = f.mem;
	for (i = 0; i < 5; i++)
		hv[i] = take32(&in);
	memset(f.mem, take8(&in), f.bytes);
	if (flags & 2) {
		hv[0] = (hv[0] % (pages * LIS_HV_PAGE_SIZE)) & ~7U;
		hv[1] = (hv[1] % (pages * LIS_HV_PAGE_SIZE)) & ~7U;
	}
	h->write_index = hv[0];
	h->read_index = hv[1];
	h->interrupt_mask = hv[2];
	h->pending_send_sz = hv[3];
	h->feature_bits = hv[4];

	CHECK(lis_ring_init(&f.wr, f.mem, f.bytes) == 0);
	CHECK(lis_ring_init(&f.rd, f.mem, f.bytes) == 0);
	memset(&sh, 0, offsetof(struct shadow, bytes));
	if (flags & 1) {
		lis_ring_reset_shared(&f.wr);
		CHECK(h->write_index == 0 && h->read_index == 0);
		CHECK(h->feature_bits == LIS_RING_FEAT_PENDING_SEND_SZ);
		f.clean = true;
		/* The host-like view on the other end may set these. */
		h->interrupt_mask = hv[2] & 1;
		h->pending_send_sz = hv[3] % (f.bytes * 2);
	}

	for (i = 0; i < MAX_OPS && in.n; i++) {
		run_op(&f, &in);
		if (f.wr.broken)
			check_broken_sticky(&f.wr);
		if (f.rd.broken)
			check_broken_sticky(&f.rd);
	}
	free(f.mem);
	return 0;
}
