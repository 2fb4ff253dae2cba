/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: the IOMMU core types arm-smmu-v3.h embeds by value or
 * dereferences in its inline functions. Their contents do not matter.
 */
#ifndef _FUZZ_LINUX_IOMMU_H
#define _FUZZ_LINUX_IOMMU_H

#include <linux/types.h>

typedef unsigned int ioasid_t;
#define IOMMU_NO_PASID			0U

struct device;

struct mutex {
	int owner;
};

struct ida {
	void *xa;
};

struct rb_node {
	unsigned long parent_color;
	struct rb_node *left, *right;
};

struct rb_root {
	struct rb_node *node;
};

struct mmu_notifier {
	const void *ops;
};

struct iommu_device {
	struct device *dev;
};

struct iommu_domain {
	unsigned int type;
};

#define IOMMU_FWSPEC_PCI_RC_CANWBS	(1 << 3)

struct iommu_fwspec {
	u32 flags;
};

struct iommu_fwspec *dev_iommu_fwspec_get(struct device *dev);

#endif /* _FUZZ_LINUX_IOMMU_H */
