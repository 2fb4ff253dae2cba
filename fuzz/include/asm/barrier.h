/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: dma_wmb() orders the entry writer's stores. */
#ifndef _FUZZ_ASM_BARRIER_H
#define _FUZZ_ASM_BARRIER_H

#define dma_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)

#endif /* _FUZZ_ASM_BARRIER_H */
