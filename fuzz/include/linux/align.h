/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: alignment for powers of two, in the type of x and a. */
#ifndef _FUZZ_LINUX_ALIGN_H
#define _FUZZ_LINUX_ALIGN_H

#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__((x) + (a)))(a) - 1))
#define ALIGN(x, a)							\
	(((x) + ((__typeof__((x) + (a)))(a) - 1)) &			\
	 ~((__typeof__((x) + (a)))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)

#endif /* _FUZZ_LINUX_ALIGN_H */
