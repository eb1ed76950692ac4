/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every libFuzzer target in tests/fuzz/ shares: CHECK() for the
 * invariants, and a reader that consumes the fuzzer's input front to back,
 * and readers of little-endian fields in a buffer.
 *
 * The reader never fails: past the end of the input every number reads as
 * 0 and the rest is empty, so a short input is just a short program.
 * Multi-byte numbers are little-endian, read byte by byte in order.
 */
#ifndef _LIS_FUZZ_INPUT_H
#define _LIS_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n",\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* The part of the input not consumed yet. */
struct input {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t take8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t take16(struct input *in)
{
	uint16_t lo = take8(in);

	return lo | (uint16_t)take8(in) << 8;
}

static inline uint32_t take32(struct input *in)
{
	uint32_t lo = take16(in);

	return lo | (uint32_t)take16(in) << 16;
}

static inline uint64_t take64(struct input *in)
{
	uint64_t lo = take32(in);

	return lo | (uint64_t)take32(in) << 32;
}

/* Little-endian fields at byte offset @off of a buffer. */
static inline uint16_t get16(const uint8_t *b, uint32_t off)
{
	return b[off] | b[off + 1] << 8;
}

static inline uint32_t get32(const uint8_t *b, uint32_t off)
{
	return get16(b, off) | (uint32_t)get16(b, off + 2) << 16;
}

/*
 * Consume all that is left into a malloc()ed buffer of exactly that many
 * bytes (one byte for an empty rest, so that the pointer is real), so that
 * AddressSanitizer reports any access past its end.  *@len gets the length.
 */
static inline uint8_t *take_rest(struct input *in, size_t *len)
{
	uint8_t *buf = malloc(in->n ? in->n : 1);

	CHECK(buf);
	memcpy(buf, in->p, in->n);
	*len = in->n;
	in->p += in->n;
	in->n = 0;
	return buf;
}

#endif /* _LIS_FUZZ_INPUT_H */
