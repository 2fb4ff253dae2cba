/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the iommufd types arm-smmu-v3.h names. */
#ifndef _FUZZ_LINUX_IOMMUFD_H
#define _FUZZ_LINUX_IOMMUFD_H

#include <linux/types.h>

enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,
};

enum iommu_viommu_type {
	IOMMU_VIOMMU_TYPE_DEFAULT = 0,
};

struct iommu_user_data;
struct iommu_user_data_array;

struct iommufd_viommu {
	void *ictx;
};

#endif /* _FUZZ_LINUX_IOMMUFD_H */
