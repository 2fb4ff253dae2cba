/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the kernel's static_assert(), message optional. */
#ifndef _FUZZ_LINUX_BUILD_BUG_H
#define _FUZZ_LINUX_BUILD_BUG_H

#define static_assert(expr, ...)	_Static_assert(expr, #expr)

#endif /* _FUZZ_LINUX_BUILD_BUG_H */
