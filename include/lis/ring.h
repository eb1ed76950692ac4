/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus ring buffers: wire layout and the primitives drivers build on.
 *
 * Pure code (see shim.h): the same ring.c runs in lis_vmbus, in KUnit and in
 * the userspace fuzzers.  One struct lis_ring is one side's view of one
 * direction of a channel: the guest writes its outbound ring and reads its
 * inbound ring; the simulated host holds the mirror-image views of the same
 * memory.
 *
 * The other side owns half of every ring header.  Every index and every
 * packet descriptor read from shared memory is validated before it is used;
 * a bad value marks the ring broken (lis_ring.broken, with the name of the
 * offending field), and every later call fails with -EIO.  Nothing here ever
 * reads or writes outside [data, data + size).
 */
#ifndef _LIS_RING_H
#define _LIS_RING_H

#include "shim.h"

/* Shared ring header: the first 4 KiB page of every ring. */
struct lis_ring_hdr {
	u32 write_index;	/* byte offset into data: owned by the writer */
	u32 read_index;		/* byte offset into data: owned by the reader */
	u32 interrupt_mask;	/* set by the reader: "don't signal me" */
	u32 pending_send_sz;	/* set by the writer: "signal me at this much room" */
	u32 reserved1[12];
	u32 feature_bits;	/* offset 64; bit 0: pending_send_sz supported */
	u8 reserved2[LIS_HV_PAGE_SIZE - 68];
} __packed;

static_assert(sizeof(struct lis_ring_hdr) == LIS_HV_PAGE_SIZE);

#define LIS_RING_FEAT_PENDING_SEND_SZ	BIT(0)

/* VMBus packet descriptor, 16 bytes, at the start of every packet. */
struct lis_vmpacket_desc {
	u16 type;
	u16 offset8;	/* data offset from packet start, in 8-byte units */
	u16 len8;	/* whole packet length, in 8-byte units */
	u16 flags;
	u64 trans_id;
} __packed;

static_assert(sizeof(struct lis_vmpacket_desc) == 16);

/* Packet types */
#define LIS_VMPKT_SYNCH			1
#define LIS_VMPKT_DATA_INBAND		6
#define LIS_VMPKT_DATA_XFER_PAGES	7
#define LIS_VMPKT_DATA_GPADL		8
#define LIS_VMPKT_DATA_GPA_DIRECT	9
#define LIS_VMPKT_COMP			11

#define LIS_VMPKT_F_COMPLETION_REQUESTED	BIT(0)

/* Every packet is followed by this 8-byte trailer: (u64)start_index << 32. */
#define LIS_RING_TRAILER_SIZE	8

/* The smallest and largest ring a channel may use (header page included). */
#define LIS_RING_MIN_BYTES	(2 * LIS_HV_PAGE_SIZE)
#define LIS_RING_MAX_BYTES	(64U << 20)

/**
 * struct lis_ring - one side's view of one ring
 * @hdr: shared header page
 * @data: shared data area, @size bytes, right after the header page
 * @size: bytes in the data area (a multiple of 8, at least 4 KiB)
 * @priv_read_index: reader's cursor; packets before it are consumed but not
 *	yet released to the writer (lis_ring_commit_read() releases them)
 * @read_start: reader's read_index when the current batch began, for the
 *	pending_send_sz signalling rule
 * @pkt_len: validated length of the packet lis_ring_peek() returned (0: none);
 *	later calls use this copy, never the descriptor in shared memory again
 * @bounce: the caller's buffer for a packet that wraps, set by
 *	lis_ring_iter_first() for the rest of the iteration (may be NULL)
 * @bounce_len: bytes at @bounce
 * @reader_synced: @priv_read_index and @read_start hold the shared
 *	read_index: set by the reader's first call (or lis_ring_reset_shared()),
 *	since lis_ring_init() does not touch shared memory
 * @broken: set on the first invalid value read from shared memory
 * @broken_field: names the invalid field ("write_index", "desc.len8", ...)
 *
 * Concurrency: lis_ring has no lock.  At most one writer and one reader may
 * use a ring at a time; callers serialise writers among themselves and
 * readers among themselves.  A writer and a reader may run concurrently
 * (they are the two sides of the ring).
 */
struct lis_ring {
	struct lis_ring_hdr *hdr;
	u8 *data;
	u32 size;
	u32 priv_read_index;
	u32 read_start;
	u32 pkt_len;
	void *bounce;
	u32 bounce_len;
	bool reader_synced;
	bool broken;
	const char *broken_field;
};

/**
 * struct lis_kvec - one piece of a gather write
 * @base: bytes to copy
 * @len: number of bytes
 */
struct lis_kvec {
	const void *base;
	u32 len;
};

int lis_ring_init(struct lis_ring *ring, void *mem, u32 bytes);
void lis_ring_reset_shared(struct lis_ring *ring);

u32 lis_ring_bytes_to_read(struct lis_ring *ring);
u32 lis_ring_bytes_to_write(struct lis_ring *ring);

int lis_ring_write(struct lis_ring *ring, const struct lis_kvec *vec,
		   unsigned int nvec, bool *signal);
int lis_ring_inband_desc(struct lis_vmpacket_desc *desc, u16 type, u16 flags,
			 u64 trans_id, u32 len);
int lis_ring_write_inband_vec(struct lis_ring *ring,
			      const struct lis_kvec *vec, unsigned int nvec,
			      u16 type, u16 flags, u64 trans_id,
			      struct lis_vmpacket_desc *desc, bool *signal);
int lis_ring_send_inband_vec(struct lis_ring *ring,
			     const struct lis_kvec *vec, unsigned int nvec,
			     u16 type, u16 flags, u64 trans_id, u32 *pkt_len,
			     bool *was_full, bool *signal);
int lis_ring_write_inband(struct lis_ring *ring, u16 type, u16 flags,
			  u64 trans_id, const void *buf, u32 len, bool *signal);

int lis_ring_peek(struct lis_ring *ring, struct lis_vmpacket_desc *desc);
int lis_ring_copy_packet(struct lis_ring *ring, u32 offset, void *buf,
			 u32 len);
void lis_ring_skip(struct lis_ring *ring);
void lis_ring_commit_read(struct lis_ring *ring, bool *signal);

/**
 * struct lis_ring_pkt - one inbound packet, seen where it lies
 * @desc: checked copy of the packet's descriptor
 * @raw: the whole packet, descriptor first: in the ring itself, or in the
 *	bounce buffer if the packet wraps past the end of the ring
 * @raw_len: bytes at @raw (@desc.len8 * 8)
 * @data: the packet's data, from @desc.offset8 * 8 on
 * @len: bytes at @data (the 8-byte padding included)
 * @bounced: the packet wrapped and @raw is the bounce buffer
 *
 * Filled in by lis_ring_iter_first() and lis_ring_iter_next().  Valid
 * until the next call on the ring.  @desc is the reader's own copy;
 * @raw and @data point into memory the other side can write at any time
 * (unless @bounced): read every field once, into a local, and check the
 * local before using it.
 */
struct lis_ring_pkt {
	struct lis_vmpacket_desc desc;
	const u8 *raw;
	u32 raw_len;
	const u8 *data;
	u32 len;
	bool bounced;
};

int lis_ring_iter_first(struct lis_ring *ring, void *bounce, u32 bounce_len,
			struct lis_ring_pkt *pkt);
int lis_ring_iter_next(struct lis_ring *ring, struct lis_ring_pkt *pkt);
void lis_ring_iter_end(struct lis_ring *ring, bool *signal);

void lis_ring_mask_interrupts(struct lis_ring *ring);
bool lis_ring_unmask_interrupts(struct lis_ring *ring);

void lis_ring_set_pending_send(struct lis_ring *ring, u32 bytes);

#endif /* _LIS_RING_H */
