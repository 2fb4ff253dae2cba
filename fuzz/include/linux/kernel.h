/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: what the fuzz targets take from linux/kernel.h. */
#ifndef _FUZZ_LINUX_KERNEL_H
#define _FUZZ_LINUX_KERNEL_H

#include <stddef.h>

#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* _FUZZ_LINUX_KERNEL_H */
