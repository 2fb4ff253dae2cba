/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for what arm-smmu-v3.h takes from linux/kernel.h and the
 * headers it pulls in: alignment, container_of, annotations, error
 * pointers, and declarations (never definitions) of the allocator and
 * locking calls that appear in its unused static inline functions.
 */
#ifndef _FUZZ_LINUX_KERNEL_H
#define _FUZZ_LINUX_KERNEL_H

#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/minmax.h>

/* Kconfig: nothing is enabled. */
#define IS_ENABLED(option)	0

/* Sparse and compiler annotations */
#define __iomem
#define __rcu
#define __counted_by(member)
#define SMP_CACHE_BYTES		64
#define ____cacheline_aligned_in_smp	__attribute__((__aligned__(SMP_CACHE_BYTES)))

/* Alignment, for powers of two, with the value in the type of x and a */
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__((x) + (a)))(a) - 1))
#define ALIGN(x, a)							\
	(((x) + ((__typeof__((x) + (a)))(a) - 1)) &			\
	 ~((__typeof__((x) + (a)))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)

#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Error numbers used by the header's stubs */
#define ENODEV		19
#define EOPNOTSUPP	95

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

/* Allocation and RCU, only referenced by unused inline functions */
#define GFP_KERNEL		0U
#define struct_size(p, member, n)					\
	(sizeof(*(p)) + sizeof((p)->member[0]) * (size_t)(n))
#define rcu_dereference_protected(p, c)	(p)

void *kzalloc(size_t size, gfp_t flags);
/* 7.3's flexible-array allocator: a statement expression like the kernel's */
#define kzalloc_flex(obj, member, n)					\
	((typeof(&(obj)))kzalloc(struct_size(&(obj), member, n), GFP_KERNEL))
void kfree(const void *ptr);

typedef struct {
	int lock;
} spinlock_t;

typedef struct {
	int lock;
} rwlock_t;

void rwlock_init(rwlock_t *lock);

/* Named in prototypes only */
struct resource;

/*
 * The entry writer (arm-smmu-v3-entry.c). A warning there is a bug in the
 * code that built the entry: a finding, so abort() for libFuzzer.
 */
#define static_assert(expr, ...)	_Static_assert(expr, #expr)
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))
#define dma_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define ffs(x)			__builtin_ffs(x)
#define WARN_ON_ONCE(cond)	({ if (cond) abort(); 0; })

#endif /* _FUZZ_LINUX_KERNEL_H */
