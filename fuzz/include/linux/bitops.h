/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: ffs(). */
#ifndef _FUZZ_LINUX_BITOPS_H
#define _FUZZ_LINUX_BITOPS_H

#define ffs(x)			__builtin_ffs(x)

#endif /* _FUZZ_LINUX_BITOPS_H */
