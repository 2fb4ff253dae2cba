/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the fuzz targets of the pKVM SMMUv3 emulation decisions
 * (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-pkvm-emul.c).
 *
 * Every target reads its input with fuzz_get(): little-endian integers,
 * zero once the input is used up. Most inputs start with a hardware
 * description (FUZZ_HW_BYTES), turned by fuzz_hw() into the struct
 * arm_smmu_pkvm_hw the hypervisor driver builds for such an SMMU, with the
 * emulation's own arm_smmu_pkvm_probe_hw() (the stage-2 dwords as
 * smmu_init_s2() in arch/arm64/kvm/hyp/nvhe/iommu/arm-smmu-v3.c builds
 * them), then host-controlled data.
 *
 * The properties are checked with CHECK(), which prints the violation and
 * the input's decoded context, then abort()s so that libFuzzer records the
 * input. Field positions and opcodes the checks rely on are written out
 * below from the SMMUv3 architecture, not taken from arm-smmu-v3.h, so
 * that a wrong definition there is caught too.
 *
 * FUZZ_SELFTEST_BREAK=n builds a target that corrupts one output on
 * purpose (see each target), to show that the checks can fail.
 */
#ifndef _FUZZ_COMMON_H
#define _FUZZ_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include "arm-smmu-v3-pkvm.h"

#ifndef FUZZ_SELFTEST_BREAK
#define FUZZ_SELFTEST_BREAK	0
#endif

/* SMMUv3 architecture: STE */
#define SPEC_STE0_V		BIT_ULL(0)
#define SPEC_STE0_CFG		GENMASK_ULL(3, 1)
#define SPEC_STE0_S1FMT		GENMASK_ULL(5, 4)
#define SPEC_STE0_S1CTXPTR	GENMASK_ULL(51, 6)
#define SPEC_STE0_S1CDMAX	GENMASK_ULL(63, 59)
#define SPEC_STE1_S1DSS		GENMASK_ULL(1, 0)
#define SPEC_STE1_S1CIR		GENMASK_ULL(3, 2)
#define SPEC_STE1_S1COR		GENMASK_ULL(5, 4)
#define SPEC_STE1_S1CSH		GENMASK_ULL(7, 6)
#define SPEC_STE1_CONT		GENMASK_ULL(16, 13)
#define SPEC_STE1_MEV		BIT_ULL(19)
#define SPEC_STE1_S1STALLD	BIT_ULL(27)
#define SPEC_STE1_EATS		GENMASK_ULL(29, 28)
#define SPEC_STE1_STRW		GENMASK_ULL(31, 30)
#define SPEC_STE1_SHCFG		GENMASK_ULL(45, 44)

#define SPEC_CFG_ABORT		0
#define SPEC_CFG_BYPASS		4
#define SPEC_CFG_S1		5
#define SPEC_CFG_S2		6
#define SPEC_CFG_NESTED		7
#define SPEC_S1FMT_RESERVED	3
#define SPEC_STRW_NSEL1		0
#define SPEC_SHCFG_INCOMING	1

/* Stage-1 fields of a host STE that may reach the SMMU (nested) */
#define SPEC_STE0_HOST_S1	(SPEC_STE0_S1FMT | SPEC_STE0_S1CTXPTR |	\
				 SPEC_STE0_S1CDMAX)
#define SPEC_STE1_HOST_S1	(SPEC_STE1_S1DSS | SPEC_STE1_S1CIR |	\
				 SPEC_STE1_S1COR | SPEC_STE1_S1CSH)

/* SMMUv3 architecture: stage-2 STE fields (dword 2) */
#define SPEC_STE2_S2VMID	GENMASK_ULL(15, 0)
#define SPEC_STE2_S2T0SZ	GENMASK_ULL(37, 32)
#define SPEC_STE2_S2SL0		GENMASK_ULL(39, 38)
#define SPEC_STE2_S2IR0		GENMASK_ULL(41, 40)
#define SPEC_STE2_S2OR0		GENMASK_ULL(43, 42)
#define SPEC_STE2_S2SH0		GENMASK_ULL(45, 44)
#define SPEC_STE2_S2TG		GENMASK_ULL(47, 46)
#define SPEC_STE2_S2PS		GENMASK_ULL(50, 48)
#define SPEC_STE2_S2AA64	BIT_ULL(51)
#define SPEC_STE2_S2PTW		BIT_ULL(54)
#define SPEC_STE2_S2R		BIT_ULL(58)
#define SPEC_STE3_S2TTB		GENMASK_ULL(51, 4)

/* SMMUv3 architecture: commands */
#define SPEC_CMD0_OP		GENMASK_ULL(7, 0)
#define SPEC_CMD0_SSID		GENMASK_ULL(31, 12)
#define SPEC_CMD0_SID		GENMASK_ULL(63, 32)
#define SPEC_CMD1_LEAF		BIT_ULL(0)
#define SPEC_CMD1_RANGE		GENMASK_ULL(4, 0)
#define SPEC_TLBI0_NUM		GENMASK_ULL(16, 12)
#define SPEC_TLBI0_SCALE	GENMASK_ULL(24, 20)
#define SPEC_TLBI0_VMID		GENMASK_ULL(47, 32)
#define SPEC_TLBI0_ASID		GENMASK_ULL(63, 48)
#define SPEC_TLBI1_TTL		GENMASK_ULL(9, 8)
#define SPEC_TLBI1_TG		GENMASK_ULL(11, 10)
#define SPEC_TLBI1_ADDR		GENMASK_ULL(63, 12)
#define SPEC_SYNC0_CS		GENMASK_ULL(13, 12)
#define SPEC_SYNC0_MSH		GENMASK_ULL(23, 22)
#define SPEC_SYNC0_MSIATTR	GENMASK_ULL(27, 24)
#define SPEC_SYNC0_MSIDATA	GENMASK_ULL(63, 32)
#define SPEC_SYNC1_MSIADDR	GENMASK_ULL(51, 2)
#define SPEC_SYNC_CS_NONE	0

#define SPEC_OP_PREFETCH_CONFIG	0x01
#define SPEC_OP_PREFETCH_ADDR	0x02
#define SPEC_OP_CFGI_STE	0x03
#define SPEC_OP_CFGI_STE_RANGE	0x04
#define SPEC_OP_CFGI_CD		0x05
#define SPEC_OP_CFGI_CD_ALL	0x06
#define SPEC_OP_TLBI_NH_ALL	0x10
#define SPEC_OP_TLBI_NH_ASID	0x11
#define SPEC_OP_TLBI_NH_VA	0x12
#define SPEC_OP_TLBI_NH_VAA	0x13
#define SPEC_OP_TLBI_S12_VMALL	0x28
#define SPEC_OP_TLBI_NSNH_ALL	0x30
#define SPEC_OP_CMD_SYNC	0x46

/* SMMUv3 architecture: ID registers */
#define SPEC_IDR0		0x00
#define SPEC_IDR1		0x04
#define SPEC_IDR2		0x08
#define SPEC_IDR3		0x0c
#define SPEC_IDR4		0x10
#define SPEC_IDR5		0x14
#define SPEC_IIDR		0x18

#define SPEC_IDR0_S2P		BIT(0)
#define SPEC_IDR0_S1P		BIT(1)
#define SPEC_IDR0_TTF		GENMASK(3, 2)
#define SPEC_IDR0_TTF_AARCH64	2
#define SPEC_IDR0_COHACC	BIT(4)
#define SPEC_IDR0_ASID16	BIT(12)
#define SPEC_IDR0_CD2L		BIT(19)
#define SPEC_IDR0_TTENDIAN	GENMASK(22, 21)
#define SPEC_IDR0_STALL_MODEL	GENMASK(25, 24)
#define SPEC_IDR0_STALL_NONE	1
#define SPEC_IDR0_ST_LEVEL	GENMASK(28, 27)
#define SPEC_IDR0_ST_LEVEL_2LVL	1

#define SPEC_IDR1_SIDSIZE	GENMASK(5, 0)
#define SPEC_IDR1_SSIDSIZE	GENMASK(10, 6)
#define SPEC_IDR1_PRIQS		GENMASK(15, 11)
#define SPEC_IDR1_EVTQS		GENMASK(20, 16)
#define SPEC_IDR1_CMDQS		GENMASK(25, 21)
#define SPEC_IDR1_REL		BIT(28)
#define SPEC_IDR1_QUEUES_PRESET	BIT(29)
#define SPEC_IDR1_TABLES_PRESET	BIT(30)
#define SPEC_IDR1_ECMDQ		BIT(31)

#define SPEC_IDR3_RIL		BIT(10)
#define SPEC_IDR3_BBML		GENMASK(12, 11)

#define SPEC_IDR5_OAS		GENMASK(2, 0)
#define SPEC_IDR5_GRAN4K	BIT(4)
#define SPEC_IDR5_GRAN16K	BIT(5)
#define SPEC_IDR5_GRAN64K	BIT(6)
#define SPEC_IDR5_VAX		GENMASK(11, 10)

#define SPEC_IIDR_IMPLEMENTER	GENMASK(11, 0)
#define SPEC_IIDR_REVISION	GENMASK(15, 12)
#define SPEC_IIDR_VARIANT	GENMASK(19, 16)
#define SPEC_IIDR_PRODUCTID	GENMASK(31, 20)
#define SPEC_IIDR_ARM		0x43b
#define SPEC_IIDR_MMU_600	0x483
#define SPEC_IIDR_MMU_700	0x487

/* SMMUv3 architecture: queue and stream table registers */
#define SPEC_Q_BASE_ADDR	GENMASK_ULL(51, 5)
#define SPEC_Q_BASE_LOG2SIZE	GENMASK_ULL(4, 0)
#define SPEC_STRTAB_BASE_ADDR	GENMASK_ULL(51, 6)
#define SPEC_STRTAB_CFG_LOG2SIZE	GENMASK(5, 0)
#define SPEC_STRTAB_CFG_SPLIT	GENMASK(10, 6)
#define SPEC_STRTAB_CFG_FMT	GENMASK(17, 16)
#define SPEC_STRTAB_FMT_2LVL	1
#define SPEC_L1_DESC_SPAN	GENMASK_ULL(4, 0)
#define SPEC_L1_DESC_L2PTR	GENMASK_ULL(51, 6)
#define SPEC_PA_LIMIT		BIT_ULL(52)
#define SPEC_STE_SIZE		64ULL

/* Bytes of hardware description at the start of most inputs */
#define FUZZ_HW_BYTES		(7 * 4 + 4 + 8)

struct fuzz_in {
	const u8	*data;
	size_t		size;
};

static inline u64 fuzz_get(struct fuzz_in *in, unsigned int bytes)
{
	u64 val = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->size; i++, in->data++, in->size--)
		val |= (u64)*in->data << (8 * i);
	return val;
}

/*
 * Built with standalone.c (FUZZ_STANDALONE) instead of libFuzzer, a
 * violation ends the input, not the process: the coverage run goes on.
 */
#ifdef FUZZ_STANDALONE
extern jmp_buf fuzz_recover;
#endif

/* What the target was looking at, printed with a violation */
static void (*fuzz_dump_ctx)(void);
static const struct arm_smmu_pkvm_hw *fuzz_cur_hw;

static void fuzz_dump_hw(const struct arm_smmu_pkvm_hw *hw)
{
	fprintf(stderr,
		"  hw: idr0 %#010x idr1 %#010x idr2 %#010x idr3 %#010x idr4 %#010x idr5 %#010x\n"
		"      iidr %#010x sid_bits %u ssid_bits %u\n"
		"      s2_dw2 %#018llx s2_dw3 %#018llx\n",
		hw->idr[0], hw->idr[1], hw->idr[2], hw->idr[3], hw->idr[4],
		hw->idr[5], hw->iidr, hw->sid_bits, hw->ssid_bits,
		hw->s2_dw2, hw->s2_dw3);
}

static void __attribute__((noreturn, format(printf, 4, 5)))
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\nFUZZ PROPERTY VIOLATION: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  check: %s\n  at %s:%d\n", cond, file, line);
	if (fuzz_cur_hw)
		fuzz_dump_hw(fuzz_cur_hw);
	if (fuzz_dump_ctx)
		fuzz_dump_ctx();
	fflush(stderr);
#ifdef FUZZ_STANDALONE
	longjmp(fuzz_recover, 1);
#else
	abort();
#endif
}

#define CHECK(cond, ...)						\
	do {								\
		if (__builtin_expect(!(cond), 0))			\
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

/* Field extraction on plain u64 values, for the checks */
static inline u64 spec_get(u64 val, u64 mask)
{
	return (val & mask) >> __builtin_ctzll(mask);
}

static inline u64 spec_prep(u64 mask, u64 val)
{
	return (val << __builtin_ctzll(mask)) & mask;
}

/* The Arm errata for which Linux and the hypervisor give up on nesting */
static inline bool spec_nesting_broken(u32 iidr)
{
	u32 variant = spec_get(iidr, SPEC_IIDR_VARIANT);
	u32 revision = spec_get(iidr, SPEC_IIDR_REVISION);

	if (spec_get(iidr, SPEC_IIDR_IMPLEMENTER) != SPEC_IIDR_ARM)
		return false;
	if (spec_get(iidr, SPEC_IIDR_PRODUCTID) == SPEC_IIDR_MMU_600)
		return variant < 2;
	if (spec_get(iidr, SPEC_IIDR_PRODUCTID) == SPEC_IIDR_MMU_700)
		return variant < 1 || revision < 1;
	return false;
}

/*
 * The hardware description as the hypervisor driver derives it: ID
 * registers made acceptable (coherent, stage 2 with AArch64 tables, 2-level
 * stream tables, at least 8 StreamID bits, no preset tables or queues, no
 * ECMDQ, queues of at least 256 commands and 128 events, 4K granule), which
 * arm_smmu_pkvm_probe_hw() must then accept, deriving the StreamID and
 * SubstreamID sizes and clearing S1P where nesting is broken as the
 * architecture and the Arm errata list say; and stage-2 dwords as
 * smmu_init_s2() builds them from an io-pgtable configuration. Everything
 * else is arbitrary.
 *
 * Input: idr0..idr5, iidr (u32 each), vtcr fields (u32), vttbr (u64).
 */
static inline void fuzz_hw(struct fuzz_in *in, struct arm_smmu_pkvm_hw *hw)
{
	u32 vtcr, sidsize, idr0;
	enum arm_smmu_pkvm_refusal why;
	u64 vttbr;
	int i;

	memset(hw, 0, sizeof(*hw));
	for (i = 0; i < 6; i++)
		hw->idr[i] = fuzz_get(in, 4);
	hw->iidr = fuzz_get(in, 4);
	vtcr = fuzz_get(in, 4);
	vttbr = fuzz_get(in, 8);

	hw->idr[0] |= SPEC_IDR0_COHACC | SPEC_IDR0_S2P |
		      spec_prep(SPEC_IDR0_TTF, SPEC_IDR0_TTF_AARCH64);
	hw->idr[0] &= ~SPEC_IDR0_ST_LEVEL;
	/* Stalls configurable (0b00) or absent (0b01); forced ones are refused */
	if (spec_get(hw->idr[0], SPEC_IDR0_STALL_MODEL) > SPEC_IDR0_STALL_NONE)
		hw->idr[0] &= ~spec_prep(SPEC_IDR0_STALL_MODEL, 2);
	hw->idr[0] |= spec_prep(SPEC_IDR0_ST_LEVEL, SPEC_IDR0_ST_LEVEL_2LVL);

	hw->idr[1] &= ~(SPEC_IDR1_TABLES_PRESET | SPEC_IDR1_QUEUES_PRESET |
			SPEC_IDR1_ECMDQ);
	sidsize = spec_get(hw->idr[1], SPEC_IDR1_SIDSIZE);
	if (sidsize < 8)
		hw->idr[1] |= spec_prep(SPEC_IDR1_SIDSIZE, sidsize + 8);
	if (spec_get(hw->idr[1], SPEC_IDR1_CMDQS) < ARM_SMMU_PKVM_CMDQ_SHIFT)
		hw->idr[1] = (hw->idr[1] & ~SPEC_IDR1_CMDQS) |
			     spec_prep(SPEC_IDR1_CMDQS, ARM_SMMU_PKVM_CMDQ_SHIFT);
	if (spec_get(hw->idr[1], SPEC_IDR1_EVTQS) < ARM_SMMU_PKVM_EVTQ_SHIFT)
		hw->idr[1] = (hw->idr[1] & ~SPEC_IDR1_EVTQS) |
			     spec_prep(SPEC_IDR1_EVTQS, ARM_SMMU_PKVM_EVTQ_SHIFT);
	hw->idr[5] |= SPEC_IDR5_GRAN4K;

	/* The hypervisor's own verdict, checked against the architecture */
	idr0 = hw->idr[0];
	why = arm_smmu_pkvm_probe_hw(hw);
	CHECK(why == ARM_SMMU_PKVM_ACCEPTED,
	      "probe_hw refuses (%d) an SMMU the hypervisor can drive", why);
	sidsize = spec_get(hw->idr[1], SPEC_IDR1_SIDSIZE);
	CHECK(hw->sid_bits == (sidsize < ARM_SMMU_PKVM_MAX_SID_BITS ?
			       sidsize : ARM_SMMU_PKVM_MAX_SID_BITS),
	      "probe_hw: %u StreamID bits for IDR1.SIDSIZE %u", hw->sid_bits,
	      sidsize);
	CHECK(hw->ssid_bits == spec_get(hw->idr[1], SPEC_IDR1_SSIDSIZE),
	      "probe_hw: %u SubstreamID bits for IDR1.SSIDSIZE %u",
	      hw->ssid_bits, (u32)spec_get(hw->idr[1], SPEC_IDR1_SSIDSIZE));
	CHECK(arm_smmu_pkvm_nesting_broken(hw->iidr) ==
	      spec_nesting_broken(hw->iidr),
	      "nesting_broken(%#x) disagrees with the Arm errata list", hw->iidr);
	if (spec_nesting_broken(hw->iidr))
		idr0 &= ~SPEC_IDR0_S1P;
	CHECK(hw->idr[0] == idr0,
	      "probe_hw: IDR0 %#x, expected %#x (S1P cleared only where nesting is broken)",
	      hw->idr[0], idr0);

	hw->s2_dw2 = spec_prep(SPEC_STE2_S2VMID, ARM_SMMU_PKVM_VMID) |
		     spec_prep(SPEC_STE2_S2T0SZ, vtcr) |
		     spec_prep(SPEC_STE2_S2SL0, vtcr >> 6) |
		     spec_prep(SPEC_STE2_S2IR0, vtcr >> 8) |
		     spec_prep(SPEC_STE2_S2OR0, vtcr >> 10) |
		     spec_prep(SPEC_STE2_S2SH0, vtcr >> 12) |
		     spec_prep(SPEC_STE2_S2TG, vtcr >> 14) |
		     spec_prep(SPEC_STE2_S2PS, vtcr >> 16) |
		     SPEC_STE2_S2AA64 | SPEC_STE2_S2PTW | SPEC_STE2_S2R;
	hw->s2_dw3 = vttbr & SPEC_STE3_S2TTB;
	fuzz_cur_hw = hw;
}

#endif /* _FUZZ_COMMON_H */
