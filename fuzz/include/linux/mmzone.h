/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the page geometry of a 4K-page arm64 kernel. */
#ifndef _FUZZ_LINUX_MMZONE_H
#define _FUZZ_LINUX_MMZONE_H

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define MAX_PAGE_ORDER	10

#endif /* _FUZZ_LINUX_MMZONE_H */
