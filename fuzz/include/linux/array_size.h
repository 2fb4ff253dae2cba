/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: ARRAY_SIZE(), from the kernel.h shim. */
#ifndef _FUZZ_LINUX_ARRAY_SIZE_H
#define _FUZZ_LINUX_ARRAY_SIZE_H

#include <linux/kernel.h>

#endif /* _FUZZ_LINUX_ARRAY_SIZE_H */
