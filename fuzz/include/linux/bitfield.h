/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: FIELD_PREP() and FIELD_GET() with the run-time semantics
 * of include/linux/bitfield.h. The value is cast to the type of the mask,
 * shifted and masked; FIELD_GET() returns the type of the mask. The mask
 * must be a non-zero constant, as in the kernel.
 */
#ifndef _FUZZ_LINUX_BITFIELD_H
#define _FUZZ_LINUX_BITFIELD_H

#include <linux/bits.h>
#include <asm/byteorder.h>

#define __bf_shf(x)	__builtin_ctzll(x)

#define __bf_check_mask(mask)						\
	_Static_assert(__builtin_constant_p(mask) && (mask) != 0,	\
		       "FIELD_*: mask must be a non-zero constant")

#define FIELD_PREP(mask, val)						\
	({								\
		__bf_check_mask(mask);					\
		((__typeof__(mask))(val) << __bf_shf(mask)) & (mask);	\
	})

#define FIELD_GET(mask, reg)						\
	({								\
		__bf_check_mask(mask);					\
		(__typeof__(mask))(((reg) & (mask)) >> __bf_shf(mask));	\
	})

/* For initialisers of static data, as in the kernel */
#define FIELD_PREP_CONST(mask, val)					\
	(((__typeof__(mask))(val) << __bf_shf(mask)) & (mask))

#define FIELD_MAX(mask)	((__typeof__(mask))((mask) >> __bf_shf(mask)))

#endif /* _FUZZ_LINUX_BITFIELD_H */
