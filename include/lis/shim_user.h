/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace half of shim.h: the kernel idioms lis's pure protocol code
 * uses, for the fuzzers and other userspace builds of the same files.
 * Included only by shim.h, only outside the kernel.
 *
 * scripts/checkpatch.sh skips this one file: it is userspace code whose job
 * is to define what kernel style forbids defining (typedefs for u8..u64,
 * volatile accessors, attribute spellings).
 */
#ifndef _LIS_SHIM_USER_H
#define _LIS_SHIM_USER_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef struct {
	u8 b[16];
} guid_t;

#define GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)		\
((guid_t){{ (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff,	\
	   ((a) >> 24) & 0xff, (b) & 0xff, ((b) >> 8) & 0xff,		\
	   (c) & 0xff, ((c) >> 8) & 0xff,				\
	   (d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) }})

static inline bool guid_equal(const guid_t *a, const guid_t *b)
{
	return memcmp(a, b, sizeof(guid_t)) == 0;
}

#ifndef __packed
#define __packed __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((aligned(x)))
#endif
#ifndef __always_unused
#define __always_unused __attribute__((unused))
#endif
#ifndef fallthrough
#define fallthrough __attribute__((fallthrough))
#endif

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

#define lis_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define lis_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define lis_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define likely(x)	__builtin_expect(!!(x), 1)
#define static_assert(e, ...)	_Static_assert(e, #e)
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

#define __same_type(a, b)	__builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#define LIS_EXPORT(sym) static_assert(__same_type(sym, sym))

#endif /* _LIS_SHIM_USER_H */
