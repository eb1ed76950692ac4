/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compile lis's pure protocol code into a KUnit suite module.
 *
 * A suite includes this header, then the pure .c files it tests, then
 * "pure_end.h".  The pure code is built without exports (LIS_NO_EXPORT),
 * so the suite needs nothing from lis_vmbus.ko, and its memcpy() and
 * memset() calls go through explicit KASAN checks.
 *
 * Why the checks: KASAN does not see inside memcpy() and memset()
 * everywhere.  On x86 with GCC older than 13 the compiler cannot emit the
 * checked __asan_mem*() calls, and GENERIC_ENTRY keeps the plain ones
 * unchecked, so a copy past the end of a buffer would go unreported.
 * Plain loads and stores (READ_ONCE()/WRITE_ONCE() included) are
 * instrumented by the compiler anyway.
 */
#ifndef _LIS_KUNIT_PURE_H
#define _LIS_KUNIT_PURE_H

#include <linux/kasan-checks.h>
#include <linux/string.h>

static inline void *lis_test_memcpy(void *dst, const void *src, size_t len)
{
	kasan_check_read(src, len);
	kasan_check_write(dst, len);
	return memcpy(dst, src, len);
}

static inline void *lis_test_memset(void *dst, int c, size_t len)
{
	kasan_check_write(dst, len);
	return memset(dst, c, len);
}

#endif /* _LIS_KUNIT_PURE_H */

/* Outside the guard: pure_end.h undoes these after each use. */
#define LIS_NO_EXPORT
#undef memcpy
#undef memset
#define memcpy lis_test_memcpy
#define memset lis_test_memset
