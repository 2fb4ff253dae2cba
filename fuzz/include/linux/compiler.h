/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: WRITE_ONCE(). */
#ifndef _FUZZ_LINUX_COMPILER_H
#define _FUZZ_LINUX_COMPILER_H

#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#endif /* _FUZZ_LINUX_COMPILER_H */
