/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte-level little-endian accessors for KUnit suites that build and read
 * wire messages by explicit offsets, independently of the structs the code
 * under test uses (so a wrong struct layout cannot hide in both).
 */
#ifndef _LIS_KUNIT_WIRE_H
#define _LIS_KUNIT_WIRE_H

#include <linux/types.h>

static inline void put16(u8 *b, u32 off, u16 v)
{
	b[off] = v;
	b[off + 1] = v >> 8;
}

static inline void put32(u8 *b, u32 off, u32 v)
{
	put16(b, off, v);
	put16(b, off + 2, v >> 16);
}

static inline void put64(u8 *b, u32 off, u64 v)
{
	put32(b, off, v);
	put32(b, off + 4, v >> 32);
}

static inline u16 get16(const u8 *b, u32 off)
{
	return b[off] | b[off + 1] << 8;
}

static inline u32 get32(const u8 *b, u32 off)
{
	return get16(b, off) | (u32)get16(b, off + 2) << 16;
}

static inline u64 get64(const u8 *b, u32 off)
{
	return get32(b, off) | (u64)get32(b, off + 4) << 32;
}

#endif /* _LIS_KUNIT_WIRE_H */
