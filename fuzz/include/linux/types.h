/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for the pKVM SMMUv3 emulation fuzzers: the kernel's integer
 * types.
 */
#ifndef _FUZZ_LINUX_TYPES_H
#define _FUZZ_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>

/* The kernel's widths (asm-generic/int-ll64.h): u64 is unsigned long long. */
typedef unsigned char		u8;
typedef unsigned short		u16;
typedef unsigned int		u32;
typedef unsigned long long	u64;
typedef signed char		s8;
typedef short			s16;
typedef int			s32;
typedef long long		s64;

typedef u8	__u8;
typedef u16	__u16;
typedef u32	__u32;
typedef u64	__u64;

/* Byte-order annotated types: plain integers without sparse. */
typedef u16	__le16;
typedef u32	__le32;
typedef u64	__le64;
typedef u16	__be16;
typedef u32	__be32;
typedef u64	__be64;

typedef u64	phys_addr_t;
typedef u64	dma_addr_t;

#endif /* _FUZZ_LINUX_TYPES_H */
