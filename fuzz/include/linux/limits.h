/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: what the fuzz targets take from linux/limits.h. */
#ifndef _FUZZ_LINUX_LIMITS_H
#define _FUZZ_LINUX_LIMITS_H

#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

#endif /* _FUZZ_LINUX_LIMITS_H */
