// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMBus ring buffer primitives.
 *
 * Pure code (see include/lis/shim.h): no allocation, locks or sleeping.
 * The same file is linked into lis_vmbus, compiled into the lis_ring KUnit
 * suite and into the userspace fuzzer tests/fuzz/fuzz_ring.c.
 */

#include "lis/ring.h"

/**
 * DOC: Theory of Operation
 *
 * A ring is a 4 KiB header page followed by a data area of @size bytes.
 * The writer appends packets at write_index and then publishes the new
 * write_index; the reader consumes packets from read_index and then
 * publishes the new read_index.  Both indices are byte offsets into the
 * data area, always 8-byte aligned.  read_index == write_index means
 * empty, so the writer never fills the ring completely: a packet goes in
 * only if the free space is strictly greater than the packet and its
 * trailer.
 *
 * Every packet is a 16-byte descriptor, the payload padded to 8 bytes
 * (len8 * 8 bytes in all) and an 8-byte trailer holding the index at which
 * the packet started, shifted left by 32.  Packets and descriptors may wrap
 * past the end of the data area; copies are split in two, so the data
 * pages need not be mapped twice.
 *
 * The other side of the ring may write anything into the shared pages at
 * any time.  Therefore:
 *
 * - every index is read from shared memory exactly once per use
 *   (READ_ONCE() into a local), checked to be below @size and 8-byte
 *   aligned, and only the checked local is used afterwards;
 * - a packet descriptor is copied out of the ring once by lis_ring_peek(),
 *   checked, and its length kept in lis_ring.pkt_len; later calls rely on
 *   that copy and never look at the descriptor in shared memory again;
 * - every copy is bounded by @size, so nothing outside the header and
 *   [data, data + size) is ever touched, whatever the shared pages hold.
 *
 * The first bad value marks the ring broken: lis_ring.broken is set,
 * lis_ring.broken_field names the field ("write_index", "read_index",
 * "desc.len8", "desc.offset8") and every later call fails with -EIO (or
 * returns 0 / false / nothing, for the calls that cannot fail).
 *
 * The reader keeps a private cursor, lis_ring.priv_read_index, so that it
 * can consume a batch of packets and release the space to the writer in
 * one lis_ring_commit_read().  That cursor must start where the shared
 * read_index is.  lis_ring_init() does not touch shared memory (it may not
 * be mapped yet, or not yet reset by its owner), so the reader view is
 * synchronised lazily: the first reader call (lis_ring_bytes_to_read(),
 * lis_ring_peek(), lis_ring_commit_read() or lis_ring_unmask_interrupts())
 * loads and checks the shared read_index and starts both priv_read_index
 * and read_start from it.  lis_ring_reset_shared() synchronises the view
 * it is called on directly (every index is then 0).  The writer keeps no
 * private state: each write loads write_index from the header.
 *
 * The in-place iterator (lis_ring_iter_first(), lis_ring_iter_next(),
 * lis_ring_iter_end()) is the same reader without the copy: each packet is
 * checked once by lis_ring_peek() and handed to the caller where it lies
 * in the data area.  Only a packet that runs past the end of the data
 * area is copied, whole, into a buffer the caller provides (a "bounce"),
 * so that the caller always sees one contiguous packet.  The iterator
 * consumes packets with the private cursor and publishes read_index once,
 * at the end, so a batch of packets costs one pending_send_sz check and
 * at most one signal to the writer.
 *
 * Signalling follows protocols.md: a writer signals only when the
 * interrupt mask is clear and the ring was empty before its write; a
 * reader signals only when the writer asked for pending_send_sz bytes and
 * the free space has just grown from at most that to more than that.
 */

static int lis_ring_fail(struct lis_ring *ring, const char *field)
{
	ring->broken = true;
	ring->broken_field = field;
	return -EIO;
}

static bool lis_ring_index_ok(const struct lis_ring *ring, u32 index)
{
	return index < ring->size && IS_ALIGNED(index, 8);
}

/* Load write_index once from shared memory and check it. */
static int lis_ring_load_write_index(struct lis_ring *ring, u32 *index)
{
	u32 val = READ_ONCE(ring->hdr->write_index);

	if (!lis_ring_index_ok(ring, val))
		return lis_ring_fail(ring, "write_index");
	*index = val;
	return 0;
}

/* Load read_index once from shared memory and check it. */
static int lis_ring_load_read_index(struct lis_ring *ring, u32 *index)
{
	u32 val = READ_ONCE(ring->hdr->read_index);

	if (!lis_ring_index_ok(ring, val))
		return lis_ring_fail(ring, "read_index");
	*index = val;
	return 0;
}

/* Bytes from @from forward to @to, both valid indices. */
static u32 lis_ring_dist(const struct lis_ring *ring, u32 from, u32 to)
{
	return to >= from ? to - from : ring->size - from + to;
}

/* @pos is a valid index and @len <= size: no overflow, result < size. */
static u32 lis_ring_advance(const struct lis_ring *ring, u32 pos, u32 len)
{
	pos += len;
	if (pos >= ring->size)
		pos -= ring->size;
	return pos;
}

/* Copy @len <= size bytes into the data area at @pos, wrapping at the end. */
static u32 lis_ring_copy_in(struct lis_ring *ring, u32 pos, const void *src,
			    u32 len)
{
	u32 first = min_t(u32, len, ring->size - pos);

	if (first)
		memcpy(ring->data + pos, src, first);
	if (len > first)
		memcpy(ring->data, (const u8 *)src + first, len - first);
	return lis_ring_advance(ring, pos, len);
}

/* Copy @len <= size bytes out of the data area at @pos, wrapping. */
static void lis_ring_copy_out(const struct lis_ring *ring, u32 pos, void *dst,
			      u32 len)
{
	u32 first = min_t(u32, len, ring->size - pos);

	if (first)
		memcpy(dst, ring->data + pos, first);
	if (len > first)
		memcpy((u8 *)dst + first, ring->data, len - first);
}

/*
 * Copy the descriptor at @pos out of the ring.  Both of its 8-byte halves
 * sit at 8-byte aligned indices, so a descriptor that wraps splits between
 * them; each half is loaded once, so the compiler cannot fetch a field
 * from shared memory again after it has been checked.
 */
static void lis_ring_load_desc(const struct lis_ring *ring, u32 pos,
			       struct lis_vmpacket_desc *desc)
{
	u64 half[2];

	half[0] = READ_ONCE(*(u64 *)(ring->data + pos));
	pos = lis_ring_advance(ring, pos, sizeof(u64));
	half[1] = READ_ONCE(*(u64 *)(ring->data + pos));
	memcpy(desc, half, sizeof(*desc));
}

/* Start the reader's private cursor from the shared read_index, once. */
static int lis_ring_sync_reader(struct lis_ring *ring)
{
	u32 r;
	int ret;

	if (likely(ring->reader_synced))
		return 0;
	ret = lis_ring_load_read_index(ring, &r);
	if (ret)
		return ret;
	ring->priv_read_index = r;
	ring->read_start = r;
	ring->reader_synced = true;
	return 0;
}

/* Reader view: bytes between the private cursor and write_index. */
static int lis_ring_avail(struct lis_ring *ring, u32 *avail)
{
	u32 w;
	int ret;

	ret = lis_ring_sync_reader(ring);
	if (ret)
		return ret;
	ret = lis_ring_load_write_index(ring, &w);
	if (ret)
		return ret;
	*avail = lis_ring_dist(ring, ring->priv_read_index, w);
	return 0;
}

/**
 * lis_ring_init() - set up one side's view of a ring
 * @ring: the view to initialise
 * @mem: the ring: a 4 KiB header page followed by the data area; at
 *	least 8-byte aligned (page-aligned in practice)
 * @bytes: size of @mem, header page included
 *
 * Fills in @ring's pointers and size and clears its private state.  Shared
 * memory is not touched: the owner of the ring clears the header with
 * lis_ring_reset_shared(), and a reader view picks up the shared read_index
 * on its first use (see "Theory of Operation" above).
 *
 * On failure @ring is left broken, so that a caller who ignores the error
 * gets -EIO from every later call rather than a wild pointer.
 *
 * Context: any context.  @ring must not be in use by anyone else.
 * Return: 0, or -EINVAL if @mem is NULL or not 8-byte aligned, or if
 * @bytes is not a multiple of 4 KiB between LIS_RING_MIN_BYTES and
 * LIS_RING_MAX_BYTES.
 */
int lis_ring_init(struct lis_ring *ring, void *mem, u32 bytes)
{
	memset(ring, 0, sizeof(*ring));
	if (!mem || !IS_ALIGNED((unsigned long)mem, 8) ||
	    bytes < LIS_RING_MIN_BYTES || bytes > LIS_RING_MAX_BYTES ||
	    !IS_ALIGNED(bytes, LIS_HV_PAGE_SIZE)) {
		lis_ring_fail(ring, "init");
		return -EINVAL;
	}
	ring->hdr = mem;
	ring->data = (u8 *)mem + LIS_HV_PAGE_SIZE;
	ring->size = bytes - LIS_HV_PAGE_SIZE;
	return 0;
}
LIS_EXPORT(lis_ring_init);

/**
 * lis_ring_reset_shared() - clear the shared header before sharing the ring
 * @ring: a view set up by lis_ring_init()
 *
 * The owner of the ring memory (the guest) calls this before it hands the
 * ring to the other side: the whole header page is cleared (indices,
 * interrupt mask, pending_send_sz, reserved space) and feature_bits
 * advertises LIS_RING_FEAT_PENDING_SEND_SZ.  @ring's reader state is
 * restarted at index 0; a broken @ring stays broken.
 *
 * Context: any context.  The other side must not have the ring yet, and
 * nobody may use @ring concurrently.
 */
void lis_ring_reset_shared(struct lis_ring *ring)
{
	if (ring->broken)
		return;
	memset(ring->hdr, 0, sizeof(*ring->hdr));
	ring->hdr->feature_bits = LIS_RING_FEAT_PENDING_SEND_SZ;
	ring->priv_read_index = 0;
	ring->read_start = 0;
	ring->pkt_len = 0;
	ring->bounce = NULL;
	ring->bounce_len = 0;
	ring->reader_synced = true;
}
LIS_EXPORT(lis_ring_reset_shared);

/**
 * lis_ring_bytes_to_read() - bytes the reader has not consumed yet
 * @ring: the reader's view
 *
 * Counts from the reader's private cursor, so packets skipped but not yet
 * committed do not count.
 *
 * Context: any context; the reader side of @ring (see struct lis_ring).
 * Return: bytes between the reader's cursor and write_index, or 0 if the
 * ring is (or is found to be) broken.
 */
u32 lis_ring_bytes_to_read(struct lis_ring *ring)
{
	u32 avail;

	if (ring->broken || lis_ring_avail(ring, &avail))
		return 0;
	return avail;
}
LIS_EXPORT(lis_ring_bytes_to_read);

/**
 * lis_ring_bytes_to_write() - free space as the writer sees it
 * @ring: the writer's view
 *
 * A packet of n bytes (descriptor and padding included) fits only if the
 * result is strictly greater than n + LIS_RING_TRAILER_SIZE.
 *
 * Context: any context; the writer side of @ring (see struct lis_ring).
 * Return: size minus the bytes between read_index and write_index, or 0 if
 * the ring is (or is found to be) broken.
 */
u32 lis_ring_bytes_to_write(struct lis_ring *ring)
{
	u32 w, r;

	if (ring->broken || lis_ring_load_write_index(ring, &w) ||
	    lis_ring_load_read_index(ring, &r))
		return 0;
	return ring->size - lis_ring_dist(ring, r, w);
}
LIS_EXPORT(lis_ring_bytes_to_write);

/*
 * Total length of @nvec pieces.  -EINVAL if it reaches the ring's size
 * (no packet that long can ever fit), checked as the sum grows so that it
 * cannot overflow.
 */
static int lis_ring_vec_len(const struct lis_ring *ring,
			    const struct lis_kvec *vec, unsigned int nvec,
			    u32 *len)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < nvec; i++) {
		sum += vec[i].len;
		if (sum >= ring->size)
			return -EINVAL;
	}
	*len = sum;
	return 0;
}

/*
 * The packet at @w when it and its trailer end before the data area does
 * (the common case): each piece goes straight to its place, the
 * descriptor and the trailer as plain stores rather than copies: under
 * TCG, lis_ring_copy_in()'s calls and wrap checks were a quarter of a
 * small packet's send (testing.rst).  Returns the index after the
 * trailer, below size.
 */
static u32 lis_ring_put_flat(struct lis_ring *ring, u32 w,
			     const struct lis_vmpacket_desc *desc,
			     const struct lis_kvec *vec, unsigned int nvec,
			     u32 padded)
{
	u8 *p = ring->data + w, *end = p + padded;
	unsigned int i;

	if (desc) {
		memcpy(p, desc, sizeof(*desc));
		p += sizeof(*desc);
	}
	for (i = 0; i < nvec; i++) {
		if (vec[i].len)
			memcpy(p, vec[i].base, vec[i].len);
		p += vec[i].len;
	}
	while (p < end)
		*p++ = 0;
	/* Trailer: the start index, little-endian like every Hyper-V guest. */
	*(u64 *)end = (u64)w << 32;
	return w + padded + LIS_RING_TRAILER_SIZE;
}

/* As lis_ring_put_flat(), for a packet that wraps: every piece split. */
static u32 lis_ring_put_wrapped(struct lis_ring *ring, u32 w,
				const struct lis_vmpacket_desc *desc,
				const struct lis_kvec *vec, unsigned int nvec,
				u32 total, u32 padded)
{
	static const u8 zeros[8];
	u32 pos = w;
	u64 trailer;
	unsigned int i;

	if (desc)
		pos = lis_ring_copy_in(ring, pos, desc, sizeof(*desc));
	for (i = 0; i < nvec; i++) {
		if (vec[i].len)
			pos = lis_ring_copy_in(ring, pos, vec[i].base,
					       vec[i].len);
	}
	pos = lis_ring_copy_in(ring, pos, zeros, padded - total);
	trailer = (u64)w << 32;
	return lis_ring_copy_in(ring, pos, &trailer, sizeof(trailer));
}

/*
 * The gather write behind lis_ring_write() and lis_ring_write_inband_vec():
 * @desc (may be NULL), then the @nvec pieces (@body bytes in all, already
 * summed and below size), zero padding to 8 bytes and the trailer; then
 * publish write_index and decide whether to signal.
 */
static int lis_ring_put(struct lis_ring *ring,
			const struct lis_vmpacket_desc *desc,
			const struct lis_kvec *vec, unsigned int nvec,
			u32 body, bool *signal)
{
	u32 w, r, pos, total, padded;
	int ret;

	total = (desc ? sizeof(*desc) : 0) + body;
	padded = ALIGN(total, 8);
	/* An empty ring has size bytes free: the packet must fit in less. */
	if (!total || padded + LIS_RING_TRAILER_SIZE >= ring->size)
		return -EINVAL;

	ret = lis_ring_load_write_index(ring, &w);
	if (ret)
		return ret;
	ret = lis_ring_load_read_index(ring, &r);
	if (ret)
		return ret;
	if (ring->size - lis_ring_dist(ring, r, w) <=
	    padded + LIS_RING_TRAILER_SIZE)
		return -EAGAIN;

	if (likely(ring->size - w > padded + LIS_RING_TRAILER_SIZE))
		pos = lis_ring_put_flat(ring, w, desc, vec, nvec, padded);
	else
		pos = lis_ring_put_wrapped(ring, w, desc, vec, nvec, total,
					   padded);

	/* The packet must be visible before the index that publishes it. */
	lis_wmb();
	WRITE_ONCE(ring->hdr->write_index, pos);

	/* Publish write_index before sampling the reader's state. */
	lis_mb();
	if (READ_ONCE(ring->hdr->interrupt_mask))
		return 0;
	/* Sample interrupt_mask before read_index. */
	lis_rmb();
	/* Only compared, never used as an offset: no check needed. */
	*signal = READ_ONCE(ring->hdr->read_index) == w;
	return 0;
}

/**
 * lis_ring_write() - append one packet, gathered from several pieces
 * @ring: the writer's view
 * @vec: the pieces, in order; the first usually holds the descriptor
 * @nvec: number of pieces
 * @signal: set to true if the reader must now be signalled, else false
 *
 * Copies the pieces into the ring, pads them with zeros to a multiple of
 * 8 bytes, appends the trailer and then publishes the new write_index.
 * The packet goes in only if the free space is strictly greater than the
 * padded length plus the trailer; otherwise nothing is written and the
 * caller may set pending_send_sz (lis_ring_set_pending_send()) and retry
 * when signalled.  For in-band packets use lis_ring_write_inband_vec(),
 * which builds the descriptor.
 *
 * @signal is true only if the reader's interrupt_mask was clear and the
 * ring was empty before this write (read_index still at the old
 * write_index), both read after the new write_index is published.
 *
 * Context: any context; the writer side of @ring: callers serialise
 * writers (see struct lis_ring).
 * Return: 0 on success; -EAGAIN if there is not enough room now;
 * -EINVAL if the packet is empty or could never fit in this ring; -EIO if
 * the ring is (or is found to be) broken.
 */
int lis_ring_write(struct lis_ring *ring, const struct lis_kvec *vec,
		   unsigned int nvec, bool *signal)
{
	u32 len;

	*signal = false;
	if (ring->broken)
		return -EIO;
	if (lis_ring_vec_len(ring, vec, nvec, &len))
		return -EINVAL;
	return lis_ring_put(ring, NULL, vec, nvec, len, signal);
}
LIS_EXPORT(lis_ring_write);

/**
 * lis_ring_inband_desc() - build the descriptor of an in-band packet
 * @desc: receives the descriptor
 * @type: packet type (LIS_VMPKT_*)
 * @flags: packet flags (LIS_VMPKT_F_*)
 * @trans_id: transaction id, echoed in the completion
 * @len: payload bytes that follow the descriptor
 *
 * The in-band layout: the data starts right after the 16-byte descriptor
 * (offset8 2) and len8 covers the descriptor and the payload rounded up to
 * 8 bytes, so the packet occupies len8 * 8 bytes of the ring plus the
 * trailer.  lis_ring_write_inband_vec() writes such a packet; this is for
 * callers that need the descriptor itself (a test host corrupting it).
 *
 * Context: any context.
 * Return: 0, or -EINVAL if the packet is too long for len8 (@desc is then
 * zeroed).
 */
int lis_ring_inband_desc(struct lis_vmpacket_desc *desc, u16 type, u16 flags,
			 u64 trans_id, u32 len)
{
	const u64 len8 = ((u64)sizeof(*desc) + len + 7) / 8;

	memset(desc, 0, sizeof(*desc));
	if (len8 > 0xffff)
		return -EINVAL;
	desc->type = type;
	desc->offset8 = sizeof(*desc) / 8;
	desc->len8 = (u16)len8;
	desc->flags = flags;
	desc->trans_id = trans_id;
	return 0;
}
LIS_EXPORT(lis_ring_inband_desc);

/**
 * lis_ring_write_inband_vec() - append one in-band packet, gathered
 * @ring: the writer's view
 * @vec: the payload, in pieces (any of them may be empty, none may be
 *	NULL with a non-zero length)
 * @nvec: number of pieces (0 for a packet that is only a descriptor)
 * @type: packet type (LIS_VMPKT_*)
 * @flags: packet flags (LIS_VMPKT_F_*)
 * @trans_id: transaction id, echoed in the completion
 * @desc: receives the descriptor as built (see lis_ring_inband_desc()),
 *	also when the ring is full; may be NULL
 * @signal: as for lis_ring_write()
 *
 * The one place that lays out an in-band packet: it builds the
 * descriptor, then copies it and the pieces straight into the ring (no
 * intermediate buffer, any number of pieces), zero padding and the
 * trailer, as lis_ring_write() does.  The packet occupies
 * @desc->len8 * 8 bytes of the ring plus LIS_RING_TRAILER_SIZE.
 *
 * Context: as for lis_ring_write().
 * Return: as for lis_ring_write(); -EINVAL also if the payload does not
 * fit in the descriptor's len8.
 */
int lis_ring_write_inband_vec(struct lis_ring *ring,
			      const struct lis_kvec *vec, unsigned int nvec,
			      u16 type, u16 flags, u64 trans_id,
			      struct lis_vmpacket_desc *desc, bool *signal)
{
	struct lis_vmpacket_desc d;
	u32 len;

	*signal = false;
	if (desc)
		memset(desc, 0, sizeof(*desc));
	if (ring->broken)
		return -EIO;
	if (lis_ring_vec_len(ring, vec, nvec, &len) ||
	    lis_ring_inband_desc(&d, type, flags, trans_id, len))
		return -EINVAL;
	if (desc)
		*desc = d;
	return lis_ring_put(ring, &d, vec, nvec, len, signal);
}
LIS_EXPORT(lis_ring_write_inband_vec);

/**
 * lis_ring_write_inband() - append one in-band packet
 * @ring: the writer's view
 * @type: packet type (LIS_VMPKT_*)
 * @flags: packet flags (LIS_VMPKT_F_*)
 * @trans_id: transaction id, echoed in the completion
 * @buf: payload
 * @len: bytes in @buf
 * @signal: as for lis_ring_write()
 *
 * lis_ring_write_inband_vec() with one piece.
 *
 * Context: as for lis_ring_write().
 * Return: as for lis_ring_write_inband_vec().
 */
int lis_ring_write_inband(struct lis_ring *ring, u16 type, u16 flags,
			  u64 trans_id, const void *buf, u32 len, bool *signal)
{
	const struct lis_kvec vec = { .base = buf, .len = len };

	return lis_ring_write_inband_vec(ring, &vec, 1, type, flags, trans_id,
					 NULL, signal);
}
LIS_EXPORT(lis_ring_write_inband);

/*
 * Test seam: the moment between setting pending_send_sz and rechecking the
 * free space, where a reader may drain the ring without having seen the
 * request.  The KUnit suite defines it to play that reader; elsewhere it
 * is nothing.
 */
#ifndef LIS_RING_SEND_WINDOW
#define LIS_RING_SEND_WINDOW(ring) ((void)(ring))
#endif

/**
 * lis_ring_send_inband_vec() - append an in-band packet or ask for room
 * @ring: the writer's view
 * @vec: the payload, in pieces (as for lis_ring_write_inband_vec())
 * @nvec: number of pieces
 * @type: packet type (LIS_VMPKT_*)
 * @flags: packet flags (LIS_VMPKT_F_*)
 * @trans_id: transaction id, echoed in the completion
 * @pkt_len: receives the bytes the packet occupies (without the trailer),
 *	also when it did not go in
 * @was_full: set to true if the ring had no room at first (also when the
 *	recheck then let the packet in), else false
 * @signal: as for lis_ring_write(), for whichever write put the packet in
 *
 * The whole writer's side of a full ring, in one place.  If the packet
 * does not fit, sets pending_send_sz to the packet plus its trailer so
 * that the reader signals once it would fit, then rechecks the free space:
 * the reader may have made room before it saw the request, and would then
 * never signal, so the packet is written after all if it fits now.  A
 * packet that goes in clears a request left from an earlier attempt.
 *
 * Context: as for lis_ring_write().
 * Return: as for lis_ring_write_inband_vec(); -EAGAIN means the request is
 * set and the reader will signal when there is room.
 */
int lis_ring_send_inband_vec(struct lis_ring *ring,
			     const struct lis_kvec *vec, unsigned int nvec,
			     u16 type, u16 flags, u64 trans_id, u32 *pkt_len,
			     bool *was_full, bool *signal)
{
	struct lis_vmpacket_desc desc;
	u32 need;
	int ret;

	ret = lis_ring_write_inband_vec(ring, vec, nvec, type, flags,
					trans_id, &desc, signal);
	*pkt_len = (u32)desc.len8 * 8;
	need = *pkt_len + LIS_RING_TRAILER_SIZE;
	*was_full = ret == -EAGAIN;
	if (ret == -EAGAIN) {
		lis_ring_set_pending_send(ring, need);
		LIS_RING_SEND_WINDOW(ring);
		if (lis_ring_bytes_to_write(ring) <= need)
			return -EAGAIN;
		ret = lis_ring_write_inband_vec(ring, vec, nvec, type, flags,
						trans_id, NULL, signal);
	}
	if (!ret && READ_ONCE(ring->hdr->pending_send_sz))
		lis_ring_set_pending_send(ring, 0);
	return ret;
}
LIS_EXPORT(lis_ring_send_inband_vec);

/**
 * lis_ring_peek() - look at the next packet without consuming it
 * @ring: the reader's view
 * @desc: receives a checked copy of the packet's descriptor
 *
 * Copies the descriptor at the reader's cursor out of the ring and checks
 * it: the packet is at least a descriptor long, its data offset lies
 * within it and past the descriptor, and the packet and its trailer are
 * all within the bytes the writer has published.  The packet length is
 * remembered in @ring->pkt_len for lis_ring_copy_packet() and
 * lis_ring_skip().  Calling it again without lis_ring_skip() returns the
 * same packet.
 *
 * Context: any context; the reader side of @ring: callers serialise
 * readers (see struct lis_ring).
 * Return: 0 if @desc holds the next packet; -EAGAIN if the ring is empty;
 * -EIO if the ring is (or is found to be) broken.
 */
int lis_ring_peek(struct lis_ring *ring, struct lis_vmpacket_desc *desc)
{
	struct lis_vmpacket_desc d;
	u32 avail, len;
	int ret;

	ring->pkt_len = 0;
	if (ring->broken)
		return -EIO;
	ret = lis_ring_avail(ring, &avail);
	if (ret)
		return ret;
	if (!avail)
		return -EAGAIN;
	/* Writers publish whole packets: a partial descriptor is a lie. */
	if (avail < sizeof(d))
		return lis_ring_fail(ring, "write_index");

	/* Read the packet only after the write_index that published it. */
	lis_rmb();
	lis_ring_load_desc(ring, ring->priv_read_index, &d);

	len = (u32)d.len8 * 8;
	if (len < sizeof(d))
		return lis_ring_fail(ring, "desc.len8");
	if ((u32)d.offset8 * 8 < sizeof(d) || d.offset8 > d.len8)
		return lis_ring_fail(ring, "desc.offset8");
	if (len + LIS_RING_TRAILER_SIZE > avail)
		return lis_ring_fail(ring, "desc.len8");

	ring->pkt_len = len;
	*desc = d;
	return 0;
}
LIS_EXPORT(lis_ring_peek);

/**
 * lis_ring_copy_packet() - copy bytes out of the peeked packet
 * @ring: the reader's view
 * @offset: where to start, in bytes from the start of the packet (the
 *	descriptor is at offset 0, the data at desc.offset8 * 8)
 * @buf: destination
 * @len: bytes to copy
 *
 * Bounds come from the descriptor checked by lis_ring_peek(), never from
 * shared memory.  The other side can still change the bytes themselves at
 * any time, so the caller must check what it copied before trusting it,
 * and must not copy the same field twice expecting the same value.
 *
 * Context: any context; the reader side of @ring, after a successful
 * lis_ring_peek() and before lis_ring_skip().
 * Return: 0 on success; -EINVAL if no packet is peeked or the range does
 * not lie within it; -EIO if the ring is broken.
 */
int lis_ring_copy_packet(struct lis_ring *ring, u32 offset, void *buf,
			 u32 len)
{
	if (ring->broken)
		return -EIO;
	if (!ring->pkt_len || offset > ring->pkt_len ||
	    len > ring->pkt_len - offset)
		return -EINVAL;
	if (len)
		lis_ring_copy_out(ring,
				  lis_ring_advance(ring, ring->priv_read_index,
						   offset),
				  buf, len);
	return 0;
}
LIS_EXPORT(lis_ring_copy_packet);

/**
 * lis_ring_skip() - consume the peeked packet
 * @ring: the reader's view
 *
 * Moves the reader's cursor past the packet and its trailer.  The space
 * goes back to the writer only at the next lis_ring_commit_read().  Does
 * nothing if no packet is peeked or the ring is broken.
 *
 * Context: any context; the reader side of @ring, after a successful
 * lis_ring_peek().
 */
void lis_ring_skip(struct lis_ring *ring)
{
	if (ring->broken || !ring->pkt_len)
		return;
	/* peek checked pkt_len + trailer <= available bytes < size. */
	ring->priv_read_index = lis_ring_advance(ring, ring->priv_read_index,
						 ring->pkt_len +
						 LIS_RING_TRAILER_SIZE);
	ring->pkt_len = 0;
}
LIS_EXPORT(lis_ring_skip);

/**
 * lis_ring_commit_read() - give the consumed packets' space to the writer
 * @ring: the reader's view
 * @signal: set to true if the writer must now be signalled, else false
 *
 * Publishes the reader's cursor as read_index.  If the ring advertises
 * LIS_RING_FEAT_PENDING_SEND_SZ and the writer has set pending_send_sz,
 * @signal is true when the free space was at most pending_send_sz before
 * this commit (since the last one) and is more than that now.  If the
 * writer has already refilled part of the released space, the free space
 * before the commit cannot be told apart and counts as 0: a spurious
 * signal is cheap, a lost one can stall the writer.
 *
 * Context: any context; the reader side of @ring (see struct lis_ring).
 */
void lis_ring_commit_read(struct lis_ring *ring, bool *signal)
{
	u32 released, pending, w, free_now, free_before;

	*signal = false;
	if (ring->broken || !ring->reader_synced ||
	    ring->priv_read_index == ring->read_start)
		return;

	/* Finish reading the packets before the writer may reuse them. */
	lis_mb();
	WRITE_ONCE(ring->hdr->read_index, ring->priv_read_index);
	released = lis_ring_dist(ring, ring->read_start,
				 ring->priv_read_index);
	ring->read_start = ring->priv_read_index;

	if (!(READ_ONCE(ring->hdr->feature_bits) &
	      LIS_RING_FEAT_PENDING_SEND_SZ))
		return;
	/*
	 * Publish read_index before sampling pending_send_sz: a writer that
	 * sets it and then rechecks the free space either sees our new
	 * read_index or is seen by us.
	 */
	lis_mb();
	pending = READ_ONCE(ring->hdr->pending_send_sz);
	if (!pending)
		return;
	/* Sample pending_send_sz before write_index. */
	lis_rmb();
	if (lis_ring_load_write_index(ring, &w))
		return;
	free_now = ring->size - lis_ring_dist(ring, ring->priv_read_index, w);
	free_before = free_now > released ? free_now - released : 0;
	*signal = free_before <= pending && free_now > pending;
}
LIS_EXPORT(lis_ring_commit_read);

/*
 * The packet at the reader's cursor, checked by lis_ring_peek(), as a
 * lis_ring_pkt: in place, or copied whole into the bounce buffer if it
 * runs past the end of the data area.
 */
static int lis_ring_iter_get(struct lis_ring *ring, struct lis_ring_pkt *pkt)
{
	u32 pos, off;
	int ret;

	memset(pkt, 0, sizeof(*pkt));
	ret = lis_ring_peek(ring, &pkt->desc);
	if (ret)
		return ret;
	/* peek checked offset8 <= len8 and the packet against the ring. */
	pkt->raw_len = ring->pkt_len;
	off = (u32)pkt->desc.offset8 * 8;
	pos = ring->priv_read_index;
	if (ring->size - pos >= pkt->raw_len) {
		pkt->raw = ring->data + pos;
	} else {
		if (!ring->bounce || ring->bounce_len < pkt->raw_len)
			return -ENOBUFS;
		lis_ring_copy_out(ring, pos, ring->bounce, pkt->raw_len);
		pkt->raw = ring->bounce;
		pkt->bounced = true;
	}
	pkt->data = pkt->raw + off;
	pkt->len = pkt->raw_len - off;
	return 0;
}

/**
 * lis_ring_iter_first() - see the next inbound packet where it lies
 * @ring: the reader's view
 * @bounce: buffer for a packet that wraps past the end of the ring, kept
 *	for the whole iteration (until lis_ring_iter_end()); may be NULL
 * @bounce_len: bytes at @bounce
 * @pkt: receives the packet
 *
 * Starts an iteration at the reader's cursor.  The descriptor is checked
 * once, as lis_ring_peek() checks it (length, data offset, the packet and
 * its trailer within the published bytes), and @pkt then points at the
 * packet in the ring: nothing is copied, unless the packet wraps, when it
 * is copied whole into @bounce.  The packet is not consumed:
 * lis_ring_iter_next() consumes it and moves on, lis_ring_iter_end()
 * gives the consumed packets' space back to the writer.
 *
 * Context: any context; the reader side of @ring: callers serialise
 * readers (see struct lis_ring).
 * Return: 0 if @pkt holds the next packet; -EAGAIN if the ring is empty;
 * -ENOBUFS if the packet wraps and @bounce is too small for it (it stays
 * in the ring, @pkt->desc and @pkt->raw_len describe it, and
 * lis_ring_iter_next() drops it); -EIO if the ring is (or is found to be)
 * broken.
 */
int lis_ring_iter_first(struct lis_ring *ring, void *bounce, u32 bounce_len,
			struct lis_ring_pkt *pkt)
{
	ring->bounce = bounce;
	ring->bounce_len = bounce ? bounce_len : 0;
	return lis_ring_iter_get(ring, pkt);
}
LIS_EXPORT(lis_ring_iter_first);

/**
 * lis_ring_iter_next() - consume the packet seen and see the next one
 * @ring: the reader's view
 * @pkt: receives the next packet
 *
 * Moves the reader's cursor past the packet lis_ring_iter_first() or the
 * last lis_ring_iter_next() returned (if any), then does what
 * lis_ring_iter_first() does, with the same bounce buffer.  Pointers into
 * the previous packet are no longer valid.  The space is not given back to
 * the writer until lis_ring_iter_end().
 *
 * Context: as for lis_ring_iter_first().
 * Return: as for lis_ring_iter_first().
 */
int lis_ring_iter_next(struct lis_ring *ring, struct lis_ring_pkt *pkt)
{
	lis_ring_skip(ring);
	return lis_ring_iter_get(ring, pkt);
}
LIS_EXPORT(lis_ring_iter_next);

/**
 * lis_ring_iter_end() - end an iteration, give the space back once
 * @ring: the reader's view
 * @signal: set to true if the writer must now be signalled, else false
 *
 * The packet seen last (if lis_ring_iter_next() did not consume it) stays
 * in the ring and is seen again by the next lis_ring_iter_first().  The
 * packets consumed are released with one lis_ring_commit_read(): one
 * read_index update and one pending_send_sz check for the whole batch, so
 * @signal is true at most once per iteration.  The bounce buffer is
 * forgotten.
 *
 * Context: as for lis_ring_iter_first().
 */
void lis_ring_iter_end(struct lis_ring *ring, bool *signal)
{
	ring->pkt_len = 0;
	ring->bounce = NULL;
	ring->bounce_len = 0;
	lis_ring_commit_read(ring, signal);
}
LIS_EXPORT(lis_ring_iter_end);

/**
 * lis_ring_mask_interrupts() - ask the writer not to signal for a while
 * @ring: the reader's view
 *
 * Start of a batched read: set interrupt_mask, drain the ring with
 * lis_ring_peek() / lis_ring_skip(), then call lis_ring_unmask_interrupts()
 * and drain again while it returns true.  Does nothing on a broken ring.
 *
 * Context: any context; the reader side of @ring.
 */
void lis_ring_mask_interrupts(struct lis_ring *ring)
{
	if (ring->broken)
		return;
	WRITE_ONCE(ring->hdr->interrupt_mask, 1);
	lis_mb();
}
LIS_EXPORT(lis_ring_mask_interrupts);

/**
 * lis_ring_unmask_interrupts() - let the writer signal again
 * @ring: the reader's view
 *
 * Clears interrupt_mask, then (after a full barrier) looks at the ring
 * once more: a packet written while the mask was set raised no signal, so
 * the caller must drain it now.
 *
 * Context: any context; the reader side of @ring.
 * Return: true if there are bytes left to read and the caller must drain
 * again; false if the ring is empty or broken (check @ring->broken).
 */
bool lis_ring_unmask_interrupts(struct lis_ring *ring)
{
	if (ring->broken)
		return false;
	WRITE_ONCE(ring->hdr->interrupt_mask, 0);
	/* Clear the mask before sampling write_index. */
	lis_mb();
	return lis_ring_bytes_to_read(ring) != 0;
}
LIS_EXPORT(lis_ring_unmask_interrupts);

/**
 * lis_ring_set_pending_send() - ask to be signalled when there is room
 * @ring: the writer's view (the caller's outbound ring)
 * @bytes: free space wanted (the packet plus its trailer), or 0 to clear
 *
 * After setting a non-zero value the writer must recheck
 * lis_ring_bytes_to_write() before it waits: the reader may have made
 * room just before it saw the request.  Does nothing on a broken ring.
 *
 * Context: any context; the writer side of @ring.
 */
void lis_ring_set_pending_send(struct lis_ring *ring, u32 bytes)
{
	if (ring->broken)
		return;
	WRITE_ONCE(ring->hdr->pending_send_sz, bytes);
	/* Publish the request before the caller rechecks read_index. */
	lis_mb();
}
LIS_EXPORT(lis_ring_set_pending_send);
