/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: min()/max() and friends, evaluating each argument once.
 * The kernel's type checks are left to the kernel build; the values are
 * the same.
 */
#ifndef _FUZZ_LINUX_MINMAX_H
#define _FUZZ_LINUX_MINMAX_H

#define __fuzz_paste2(a, b)	a##b
#define __fuzz_paste(a, b)	__fuzz_paste2(a, b)
#define __fuzz_id(p)		__fuzz_paste(__fuzz_##p, __COUNTER__)

#define __fuzz_cmp_once(op, x, y, ux, uy)				\
	({								\
		__auto_type ux = (x);					\
		__auto_type uy = (y);					\
		ux op uy ? ux : uy;					\
	})
#define __fuzz_cmp(op, x, y)						\
	__fuzz_cmp_once(op, x, y, __fuzz_id(x_), __fuzz_id(y_))

#define min(x, y)		__fuzz_cmp(<, x, y)
#define max(x, y)		__fuzz_cmp(>, x, y)
#define min_t(type, x, y)	__fuzz_cmp(<, (type)(x), (type)(y))
#define max_t(type, x, y)	__fuzz_cmp(>, (type)(x), (type)(y))
#define min3(x, y, z)		min(min(x, y), z)
#define max3(x, y, z)		max(max(x, y), z)

#endif /* _FUZZ_LINUX_MINMAX_H */
