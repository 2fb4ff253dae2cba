// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the fuzz targets: realistic SMMUs (QEMU, MMU-600,
 * MMU-700, a stage-2-only one) and what the Linux arm-smmu-v3 driver writes
 * to them (STEs, commands, queue and stream table registers, built with the
 * driver's own definitions), plus what a hostile host might write.
 *
 * Usage: gen_corpus DIR -- writes DIR/<target>/<name> for every target,
 * replacing files of the same name. See scripts/fuzz.sh (FUZZ_SEEDS=1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/kernel.h>

#include "arm-smmu-v3-pkvm.h"

struct buf {
	u8	data[4096];
	size_t	len;
};

static const char *out_dir;

static void put(struct buf *b, u64 val, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes && b->len < sizeof(b->data); i++)
		b->data[b->len++] = val >> (8 * i);
}

static void save(const char *target, const char *name, const struct buf *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* SMMUs: ID registers, IIDR and the hypervisor's stage-2 configuration */
struct hw {
	const char	*name;
	u32		idr[6];
	u32		iidr;
	u32		sid_bits;	/* What the hypervisor will derive */
	u32		ssid_bits;
};

#define IIDR(prod, var, rev)						\
	(FIELD_PREP_CONST(IIDR_PRODUCTID, prod) | FIELD_PREP_CONST(IIDR_VARIANT, var) | \
	 FIELD_PREP_CONST(IIDR_REVISION, rev) |				\
	 FIELD_PREP_CONST(IIDR_IMPLEMENTER, IIDR_IMPLEMENTER_ARM))

#define IDR0_BASE	(IDR0_S1P | IDR0_S2P | IDR0_COHACC |		\
			 FIELD_PREP_CONST(IDR0_TTF, IDR0_TTF_AARCH64) |	\
			 FIELD_PREP_CONST(IDR0_ST_LVL, IDR0_ST_LVL_2LVL))
#define IDR0_RICH	(IDR0_BASE | IDR0_ASID16 | IDR0_VMID16 | IDR0_CD2L |	\
			 IDR0_ATS | IDR0_PRI | IDR0_MSI | IDR0_SEV | IDR0_HYP |	\
			 FIELD_PREP_CONST(IDR0_HTTU, IDR0_HTTU_ACCESS_DIRTY) | BIT(5))
#define IDR1(sid, ssid, cmdq, evtq)					\
	(FIELD_PREP_CONST(IDR1_SIDSIZE, sid) | FIELD_PREP_CONST(IDR1_SSIDSIZE, ssid) | \
	 FIELD_PREP_CONST(IDR1_CMDQS, cmdq) | FIELD_PREP_CONST(IDR1_EVTQS, evtq))
#define IDR5_ALL_GRANS	(IDR5_GRAN4K | IDR5_GRAN16K | IDR5_GRAN64K)

static const struct hw hws[] = {
	{ "qemu",
	  { IDR0_BASE | IDR0_ASID16 | IDR0_VMID16 |
	    FIELD_PREP_CONST(IDR0_TTENDIAN, IDR0_TTENDIAN_LE) |
	    FIELD_PREP_CONST(IDR0_STALL_MODEL, 1) | BIT(26),
	    IDR1(16, 0, 19, 19), 0, IDR3_RIL | FIELD_PREP_CONST(IDR3_BBM, 2), 0,
	    FIELD_PREP_CONST(IDR5_OAS, IDR5_OAS_44_BIT) | IDR5_ALL_GRANS },
	  0, 16, 0 },
	{ "mmu600-r0p0",
	  { IDR0_RICH | FIELD_PREP_CONST(IDR0_STALL_MODEL, IDR0_STALL_MODEL_STALL),
	    IDR1(32, 20, 19, 19) | FIELD_PREP_CONST(IDR1_PRIQS, 19) | IDR1_ATTR_TYPES_OVR,
	    0x3f, 0, 0x12345678,
	    FIELD_PREP_CONST(IDR5_OAS, IDR5_OAS_48_BIT) | IDR5_GRAN4K | IDR5_GRAN64K |
	    FIELD_PREP_CONST(IDR5_VAX, IDR5_VAX_52_BIT) | FIELD_PREP_CONST(IDR5_STALL_MAX, 32) },
	  IIDR(IIDR_PRODUCTID_ARM_MMU_600, 0, 0), 16, 20 },
	{ "mmu600-r2p0",
	  { IDR0_RICH, IDR1(24, 16, 19, 19), 0, IDR3_RIL, 0,
	    FIELD_PREP_CONST(IDR5_OAS, IDR5_OAS_48_BIT) | IDR5_ALL_GRANS },
	  IIDR(IIDR_PRODUCTID_ARM_MMU_600, 2, 0), 16, 16 },
	{ "mmu700-r0p1",
	  { IDR0_RICH, IDR1(16, 20, 19, 19), 0, IDR3_RIL | IDR3_FWB, 0,
	    FIELD_PREP_CONST(IDR5_OAS, IDR5_OAS_52_BIT) | IDR5_ALL_GRANS },
	  IIDR(IIDR_PRODUCTID_ARM_MMU_700, 0, 1), 16, 20 },
	{ "mmu700-r1p1",
	  { IDR0_RICH, IDR1(20, 20, 12, 10), 0, IDR3_RIL, 0,
	    FIELD_PREP_CONST(IDR5_OAS, IDR5_OAS_48_BIT) | IDR5_GRAN4K },
	  IIDR(IIDR_PRODUCTID_ARM_MMU_700, 1, 1), 16, 20 },
	{ "s2only",
	  { IDR0_S2P | IDR0_COHACC | FIELD_PREP_CONST(IDR0_TTF, IDR0_TTF_AARCH64) |
	    FIELD_PREP_CONST(IDR0_ST_LVL, IDR0_ST_LVL_2LVL),
	    IDR1(8, 0, 8, 7), 0, 0, 0, FIELD_PREP_CONST(IDR5_OAS, IDR5_OAS_40_BIT) | IDR5_GRAN4K },
	  0, 8, 0 },
	{ "all-ones", { ~0U, ~0U, ~0U, ~0U, ~0U, ~0U }, ~0U, 16, 31 },
};

static const struct hw *hw_named(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hws); i++) {
		if (!strcmp(hws[i].name, name))
			return &hws[i];
	}
	abort();
}

static void put_hw(struct buf *b, const struct hw *hw)
{
	/* An io-pgtable stage 2: 48-bit IPA, 4K granule, WBWA, inner shareable */
	u32 vtcr = 16 | 2 << 6 | 1 << 8 | 1 << 10 | 3 << 12 | 0 << 14 | 5 << 16;
	int i;

	b->len = 0;
	for (i = 0; i < 6; i++)
		put(b, hw->idr[i], 4);
	put(b, hw->iidr, 4);
	put(b, vtcr, 4);
	put(b, 0x881234000ULL, 8);
}

/* STEs as arm-smmu-v3.c builds them */
static void put_ste(struct buf *b, u64 dw0, u64 dw1, u8 fill)
{
	put(b, dw0, 8);
	put(b, dw1, 8);
	put(b, fill, 1);
}

static u64 ste0_s1(u64 cdtab, u32 fmt, u32 cdmax)
{
	return STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) |
	       FIELD_PREP(STRTAB_STE_0_S1FMT, fmt) | (cdtab & STRTAB_STE_0_S1CTXPTR_MASK) |
	       FIELD_PREP(STRTAB_STE_0_S1CDMAX, cdmax);
}

static u64 ste1_s1(u32 s1dss, bool stalld, bool ats)
{
	return FIELD_PREP(STRTAB_STE_1_S1DSS, s1dss) |
	       FIELD_PREP(STRTAB_STE_1_S1CIR, STRTAB_STE_1_S1C_CACHE_WBRA) |
	       FIELD_PREP(STRTAB_STE_1_S1COR, STRTAB_STE_1_S1C_CACHE_WBRA) |
	       FIELD_PREP(STRTAB_STE_1_S1CSH, ARM_SMMU_SH_ISH) |
	       (stalld ? STRTAB_STE_1_S1STALLD : 0) |
	       FIELD_PREP(STRTAB_STE_1_EATS, ats ? STRTAB_STE_1_EATS_TRANS : 0) |
	       FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_NSEL1);
}

#define STE0_CFG(cfg)	(STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, cfg))
#define SHCFG_INCOMING	FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING)

static void gen_ste(void)
{
	struct buf b;
	size_t i;
	u32 cfg;

	for (i = 0; i < ARRAY_SIZE(hws); i++) {
		const struct hw *hw = &hws[i];
		char name[64];

		/* What a Linux host writes */
		put_hw(&b, hw);
		put_ste(&b, ste0_s1(0x80001000, STRTAB_STE_0_S1FMT_LINEAR, 0),
			ste1_s1(STRTAB_STE_1_S1DSS_SSID0, false, false), 0);
		put_ste(&b, ste0_s1(0x80042000, STRTAB_STE_0_S1FMT_64K_L2, hw->ssid_bits),
			ste1_s1(STRTAB_STE_1_S1DSS_BYPASS, true, false) | SHCFG_INCOMING, 0);
		put_ste(&b, ste0_s1(0x80003000, STRTAB_STE_0_S1FMT_LINEAR,
				    hw->ssid_bits < 6 ? hw->ssid_bits : 6),
			ste1_s1(STRTAB_STE_1_S1DSS_SSID0, false, true), 0);
		put_ste(&b, STE0_CFG(STRTAB_STE_0_CFG_BYPASS), SHCFG_INCOMING, 0);
		put_ste(&b, STE0_CFG(STRTAB_STE_0_CFG_ABORT), 0, 0);
		put_ste(&b, 0, 0, 0);
		snprintf(name, sizeof(name), "linux-%s", hw->name);
		save("ste", name, &b);

		/* What a hostile host might write */
		put_hw(&b, hw);
		put_ste(&b, STE0_CFG(STRTAB_STE_0_CFG_S2_TRANS),
			SHCFG_INCOMING | FIELD_PREP(STRTAB_STE_1_EATS, 1), 0x42);
		put_ste(&b, STE0_CFG(STRTAB_STE_0_CFG_NESTED) | ste0_s1(0x1000, 0, 0),
			ste1_s1(0, false, false), 0xff);
		for (cfg = 1; cfg < 4; cfg++)
			put_ste(&b, STE0_CFG(cfg), 0, 0);
		put_ste(&b, ste0_s1(0x2000, 3, 0), ste1_s1(0, false, false), 0);
		put_ste(&b, ste0_s1(0x2000, 1, hw->ssid_bits + 1), ste1_s1(0, false, false), 0);
		put_ste(&b, ste0_s1(0x2000, 0, 0),
			FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_EL2), 0);
		put_ste(&b, ste0_s1(0x2000, 0, 0),
			ste1_s1(0, false, true) | STRTAB_STE_1_MEV | GENMASK_ULL(16, 13) |
			GENMASK_ULL(63, 46), 0x81);
		put_ste(&b, STE0_CFG(STRTAB_STE_0_CFG_BYPASS) | GENMASK_ULL(63, 4),
			~0ULL & ~STRTAB_STE_1_STRW, 0);
		put_ste(&b, ~0ULL, ~0ULL, 0xff);
		put_ste(&b, ~STRTAB_STE_0_V, ~0ULL, 0);
		snprintf(name, sizeof(name), "hostile-%s", hw->name);
		save("ste", name, &b);
	}

	/*
	 * Regressions: stage 1 on an SMMU whose stage 1 the hypervisor hides
	 * (none, or nesting broken by errata) must not become nested.
	 */
	put_hw(&b, hw_named("s2only"));
	put_ste(&b, ste0_s1(0x80001000, 0, 0), ste1_s1(0, false, false), 0);
	save("ste", "regress-s1-without-s1p", &b);
	put_hw(&b, hw_named("mmu600-r0p0"));
	put_ste(&b, ste0_s1(0x80001000, 0, 0), ste1_s1(0, false, false), 0);
	save("ste", "regress-s1-nesting-broken", &b);
}

/* Commands as arm-smmu-v3.c builds them */
static void put_cmd(struct buf *b, struct arm_smmu_cmd cmd)
{
	put(b, cmd.data[0], 8);
	put(b, cmd.data[1], 8);
}

static struct arm_smmu_cmd cmd_raw(u64 dw0, u64 dw1)
{
	return (struct arm_smmu_cmd) { .data = { dw0, dw1 } };
}

static struct arm_smmu_cmd tlbi_range(u8 op, u16 asid, u64 iova, u32 num,
				      u32 scale, u32 ttl, u32 tg, bool leaf)
{
	struct arm_smmu_cmd cmd = arm_smmu_make_cmd_tlbi(op, asid, 0);

	cmd.data[0] |= FIELD_PREP(CMDQ_TLBI_0_NUM, num) |
		       FIELD_PREP(CMDQ_TLBI_0_SCALE, scale);
	cmd.data[1] = (iova & CMDQ_TLBI_1_VA_MASK) | FIELD_PREP(CMDQ_TLBI_1_LEAF, leaf) |
		      FIELD_PREP(CMDQ_TLBI_1_TTL, ttl) | FIELD_PREP(CMDQ_TLBI_1_TG, tg);
	return cmd;
}

static struct arm_smmu_cmd cfgi_range(u32 sid, u32 range)
{
	struct arm_smmu_cmd cmd = arm_smmu_make_cmd_op(CMDQ_OP_CFGI_ALL);

	cmd.data[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, sid);
	cmd.data[1] |= FIELD_PREP(CMDQ_CFGI_1_RANGE, range);
	return cmd;
}

static struct arm_smmu_cmd sync_msi(u32 cs, u64 addr, u32 data)
{
	struct arm_smmu_cmd cmd = arm_smmu_make_cmd_sync(cs, addr);

	cmd.data[0] |= FIELD_PREP(CMDQ_SYNC_0_MSIDATA, data);
	return cmd;
}

/* ATC_INV of every address of a StreamID, without a PASID */
static struct arm_smmu_cmd atc_inv_all(u32 sid)
{
	struct arm_smmu_cmd cmd = arm_smmu_make_cmd_op(CMDQ_OP_ATC_INV);

	cmd.data[0] |= FIELD_PREP(CMDQ_ATC_0_SID, sid);
	cmd.data[1] |= FIELD_PREP(CMDQ_ATC_1_SIZE, ATC_INV_SIZE_ALL);
	return cmd;
}

static void gen_cmd(void)
{
	struct buf b;
	size_t i;
	u32 op, n, lim;

	for (i = 0; i < ARRAY_SIZE(hws); i++) {
		const struct hw *hw = &hws[i];
		char name[64];

		lim = 1U << hw->sid_bits;

		/* A Linux host: probe, attach, map/unmap, SVA, teardown */
		put_hw(&b, hw);
		put_cmd(&b, arm_smmu_make_cmd_cfgi_all());
		put_cmd(&b, arm_smmu_make_cmd_op(CMDQ_OP_TLBI_NSNH_ALL));
		put_cmd(&b, arm_smmu_make_cmd_op(CMDQ_OP_TLBI_EL2_ALL));
		put_cmd(&b, arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_SEV, 0));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_ste(8, true));
		put_cmd(&b, arm_smmu_make_cmd_prefetch_cfg(8));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_cd(8, 0, true));
		put_cmd(&b, arm_smmu_make_cmd_op(CMDQ_OP_CFGI_CD_ALL));
		put_cmd(&b, arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_NH_ASID, 1, 0));
		put_cmd(&b, tlbi_range(CMDQ_OP_TLBI_NH_VA, 1, 0xffff80001000ULL, 0, 0, 0, 0, true));
		put_cmd(&b, tlbi_range(CMDQ_OP_TLBI_NH_VA, 2, 0x40000000, 31, 1, 3, 1, false));
		put_cmd(&b, tlbi_range(CMDQ_OP_TLBI_NH_VAA, 0, 0x7f0000, 3, 0, 2, 1, true));
		put_cmd(&b, arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_NH_ALL, 0, 0));
		put_cmd(&b, sync_msi(CMDQ_SYNC_0_CS_IRQ, 0x8000040, 0xdead));
		put_cmd(&b, atc_inv_all(8));
		put_cmd(&b, arm_smmu_make_cmd_pri_resp(8, 1, true, 3, PRI_RESP_SUCC));
		put_cmd(&b, arm_smmu_make_cmd_resume(8, 7, CMDQ_RESUME_0_RESP_RETRY));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_ste(lim - 1, false));
		put_cmd(&b, arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0));
		snprintf(name, sizeof(name), "linux-%s", hw->name);
		save("cmd", name, &b);

		/* A hostile host: other VMIDs, stage 2, bounds */
		put_hw(&b, hw);
		put_cmd(&b, arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_S12_VMALL, 0, 1));
		put_cmd(&b, arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_S12_VMALL, 0, 5));
		put_cmd(&b, cmd_raw(CMDQ_OP_TLBI_S2_IPA | FIELD_PREP(CMDQ_TLBI_0_VMID, 1),
				    0x80000000));
		put_cmd(&b, arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_NH_ASID, 0xffff, 0xffff));
		put_cmd(&b, cmd_raw(CMDQ_OP_TLBI_NH_VA | ~CMDQ_0_OP, ~0ULL));
		put_cmd(&b, cmd_raw(CMDQ_OP_TLBI_NH_ALL | ~CMDQ_0_OP, ~0ULL));
		put_cmd(&b, cmd_raw(CMDQ_OP_TLBI_NSNH_ALL | ~CMDQ_0_OP, ~0ULL));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_ste(lim, true));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_ste(~0U, true));
		put_cmd(&b, cfgi_range(lim - 1, 0));
		put_cmd(&b, cfgi_range(lim, 3));
		put_cmd(&b, cfgi_range(lim - 5, 30));
		put_cmd(&b, cfgi_range(~0U, 31));
		put_cmd(&b, cfgi_range(0x1234, hw->sid_bits - 1));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_cd(lim, 0, true));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_cd(0, 1U << hw->ssid_bits, true));
		put_cmd(&b, arm_smmu_make_cmd_cfgi_cd(lim - 1, (1U << hw->ssid_bits) - 1, false));
		put_cmd(&b, cmd_raw(CMDQ_OP_CFGI_CD_ALL | ~CMDQ_0_OP, ~0ULL));
		put_cmd(&b, cmd_raw(CMDQ_OP_CFGI_CD | ~CMDQ_0_OP, ~0ULL));
		put_cmd(&b, sync_msi(3, ~0ULL, ~0U));
		put_cmd(&b, cmd_raw(CMDQ_OP_CMD_SYNC | ~CMDQ_0_OP, ~0ULL));
		snprintf(name, sizeof(name), "hostile-%s", hw->name);
		save("cmd", name, &b);
	}

	/* Every opcode, 16 per input, with plausible fields */
	for (op = 0; op < 256; op += 16) {
		char name[64];

		put_hw(&b, hw_named("qemu"));
		for (n = 0; n < 16; n++) {
			put_cmd(&b, cmd_raw((op + n) | FIELD_PREP(CMDQ_CFGI_0_SID, 3) |
					    FIELD_PREP(CMDQ_TLBI_0_NUM, 1) |
					    FIELD_PREP(CMDQ_CFGI_0_SSID, 0),
					    0x1000 | CMDQ_CFGI_1_LEAF));
		}
		snprintf(name, sizeof(name), "opcodes-%02x", op);
		save("cmd", name, &b);
	}
}

static void gen_regs(void)
{
	static const u32 offs[] = {
		ARM_SMMU_IDR0, ARM_SMMU_IDR1, 0x8, ARM_SMMU_IDR3, 0x10, ARM_SMMU_IDR5,
		ARM_SMMU_IIDR, ARM_SMMU_AIDR, ARM_SMMU_CR0, ARM_SMMU_GBPA, 0x3, 0x5,
		0x200, 0xfd0, SZ_64K, SZ_64K + ARM_SMMU_IDR0, ~0U,
	};
	struct buf b;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(hws); i++) {
		char name[64];

		put_hw(&b, &hws[i]);
		for (j = 0; j < ARRAY_SIZE(offs); j++)
			put(&b, offs[j], 4);
		/* Errata decisions over neighbouring IIDRs */
		put(&b, hws[i].iidr ^ FIELD_PREP(IIDR_VARIANT, 1), 4);
		put(&b, hws[i].iidr ^ FIELD_PREP(IIDR_REVISION, 1), 4);
		put(&b, IIDR(IIDR_PRODUCTID_ARM_MMU_700, 1, 0), 4);
		put(&b, IIDR(IIDR_PRODUCTID_ARM_MMU_L1, 0, 0), 4);
		put(&b, FIELD_PREP(IIDR_PRODUCTID, IIDR_PRODUCTID_ARM_MMU_600), 4);
		snprintf(name, sizeof(name), "%s", hws[i].name);
		save("regs", name, &b);
	}
}

static void put_write(struct buf *b, u32 off, unsigned int size, u64 val)
{
	static const unsigned int sizes[] = { 4, 8, 1, 2 };
	unsigned int code = 0;

	while (sizes[code] != size)
		code++;
	put(b, (off & 0x1ff) | (off >= SZ_64K ? BIT(15) : 0), 2);
	put(b, code, 1);
	put(b, val, 8);
}

/* Host register writes, in the order a driver makes them, then hostile ones */
static void gen_reg_writes(void)
{
	const u32 on = CR0_SMMUEN | CR0_CMDQEN | CR0_EVTQEN;
	struct buf b;

	put_hw(&b, hw_named("qemu"));
	put(&b, GERROR_CMDQ_ERR, 4);
	put(&b, CMDQ_ERR_CERROR_ILL_IDX, 1);
	put_write(&b, ARM_SMMU_STRTAB_BASE, 8, ~0ULL);
	put_write(&b, ARM_SMMU_STRTAB_BASE_CFG, 4, ~0ULL);
	put_write(&b, ARM_SMMU_CMDQ_BASE, 4, ~0ULL);
	put_write(&b, ARM_SMMU_CMDQ_BASE + 4, 4, ~0ULL);
	put_write(&b, ARM_SMMU_EVTQ_BASE, 8, 0x4000000aULL);
	put_write(&b, ARM_SMMU_CR1, 4, ~0ULL);
	put_write(&b, ARM_SMMU_CR2, 4, ~0ULL);
	put_write(&b, ARM_SMMU_CR0, 4, on);
	/* Locked now */
	put_write(&b, ARM_SMMU_STRTAB_BASE, 8, 0x1000);
	put_write(&b, ARM_SMMU_STRTAB_BASE + 4, 4, 0);
	put_write(&b, ARM_SMMU_STRTAB_BASE_CFG, 4, 0);
	put_write(&b, ARM_SMMU_CMDQ_BASE, 8, 0);
	put_write(&b, ARM_SMMU_CMDQ_CONS, 4, 7);
	put_write(&b, SZ_64K + ARM_SMMU_EVTQ_PROD, 4, ~0ULL);
	put_write(&b, SZ_64K + ARM_SMMU_EVTQ_CONS, 4, ~0ULL);
	put_write(&b, ARM_SMMU_CMDQ_PROD, 4, ~0ULL);
	put_write(&b, ARM_SMMU_GBPA, 4, GBPA_ABORT);
	put_write(&b, ARM_SMMU_GBPA, 4, ~0ULL);
	put_write(&b, ARM_SMMU_IRQ_CTRL, 4, ~0ULL);
	put_write(&b, ARM_SMMU_GERROR, 4, 0);
	put_write(&b, ARM_SMMU_GERRORN, 4, 0);
	put_write(&b, ARM_SMMU_GERRORN, 4, ~0ULL);
	put_write(&b, ARM_SMMU_GERROR_IRQ_CFG0, 8, ~0ULL);
	put_write(&b, ARM_SMMU_EVTQ_IRQ_CFG2, 4, ~0ULL);
	/* Refused: sizes, halves of 32-bit registers, holes */
	put_write(&b, ARM_SMMU_CR0, 2, 0);
	put_write(&b, ARM_SMMU_CMDQ_PROD, 8, 0);
	put_write(&b, ARM_SMMU_CMDQ_BASE + 4, 8, 0);
	put_write(&b, 0x30, 4, ~0ULL);
	put_write(&b, 0xc0, 8, ~0ULL);
	put_write(&b, ARM_SMMU_CR0ACK, 4, 0);
	put_write(&b, ARM_SMMU_CR0, 4, 0);
	save("regs", "writes", &b);
}

static void put_queue(struct buf *b, u64 base, u8 sel, u8 ent)
{
	b->len = 0;
	put(b, base, 8);
	put(b, sel, 1);
	put(b, ent, 1);
}

static void put_ptrs(struct buf *b, u32 shift)
{
	u32 n = 1U << shift;

	put(b, 0, 4);		/* empty */
	put(b, 0, 4);
	put(b, n, 4);		/* full */
	put(b, 0, 4);
	put(b, 5, 4);		/* a few entries */
	put(b, 3, 4);
	put(b, n | 2, 4);	/* wrapped */
	put(b, n - 2, 4);
	put(b, 3, 4);		/* invalid: prod behind cons */
	put(b, 5, 4);
	put(b, Q_OVERFLOW_FLAG | 7, 4);
	put(b, CMDQ_CONS_ERR | 1, 4);
	put(b, ~0U, 4);
	put(b, 0, 4);
}

static void gen_queue(void)
{
	struct buf b;
	u32 shift;

	/* Linux's queues: CMDQ_BASE and EVTQ_BASE as arm_smmu_init_one_queue() */
	for (shift = 7; shift <= 19; shift += 3) {
		char name[64];

		put_queue(&b, Q_BASE_RWA | (0x8a0000000ULL & Q_BASE_ADDR_MASK) |
			  FIELD_PREP(Q_BASE_LOG2SIZE, shift), 0, 0);
		put_ptrs(&b, shift < 12 ? shift : 12);
		snprintf(name, sizeof(name), "linux-cmdq-%u", shift);
		save("queue", name, &b);

		put_queue(&b, Q_BASE_RWA | (0x8a0100000ULL & Q_BASE_ADDR_MASK) |
			  FIELD_PREP(Q_BASE_LOG2SIZE, shift), 1, 1);
		put_ptrs(&b, shift < 10 ? shift : 10);
		snprintf(name, sizeof(name), "linux-evtq-%u", shift);
		save("queue", name, &b);
	}

	/* Misaligned, at the top of the physical address space, all ones */
	put_queue(&b, 0x8a0000fe0ULL | FIELD_PREP(Q_BASE_LOG2SIZE, 12), 0, 0);
	put_ptrs(&b, 12);
	save("queue", "misaligned", &b);
	put_queue(&b, (Q_BASE_ADDR_MASK & ~0x1fULL) | FIELD_PREP(Q_BASE_LOG2SIZE, 31),
		  0x9f, 0x86);
	put_ptrs(&b, 19);
	save("queue", "top-of-pa", &b);
	put_queue(&b, ~0ULL, 0xff, 0xff);
	put_ptrs(&b, 31);
	save("queue", "all-ones", &b);
	put_queue(&b, 0, 0x80, 0x80);
	put_ptrs(&b, 0);
	save("queue", "zero", &b);
}

static void put_strtab(struct buf *b, const struct hw *hw, u64 base, u32 fmt,
		       u32 split, u32 log2size)
{
	put_hw(b, hw);
	put(b, base, 8);
	put(b, FIELD_PREP(STRTAB_BASE_CFG_FMT, fmt) | FIELD_PREP(STRTAB_BASE_CFG_SPLIT, split) |
	    FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, log2size), 4);
}

static void put_sid(struct buf *b, u32 sid, u64 l1desc)
{
	put(b, sid, 4);
	put(b, l1desc, 8);
}

#define L1DESC(l2, span)	(((l2) & STRTAB_L1_DESC_L2PTR_MASK) |	\
				 FIELD_PREP(STRTAB_L1_DESC_SPAN, span))

static void gen_strtab(void)
{
	const u64 l1 = 0x8b0000000ULL, l2 = 0x8b0100000ULL;
	const u32 fmt2 = STRTAB_BASE_CFG_FMT_2LVL;
	struct buf b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hws); i++) {
		const struct hw *hw = &hws[i];
		u32 top = (1U << hw->sid_bits) - 1;
		char name[64];

		/* Linux: 2-level, split 8, a level-2 table per 256 StreamIDs */
		put_strtab(&b, hw, STRTAB_BASE_RA | l1, fmt2, STRTAB_SPLIT, hw->sid_bits);
		put_sid(&b, 0, L1DESC(l2, STRTAB_SPLIT + 1));
		put_sid(&b, 255, L1DESC(l2, STRTAB_SPLIT + 1));
		put_sid(&b, 256, L1DESC(l2 + SZ_16K, STRTAB_SPLIT + 1));
		put_sid(&b, top, L1DESC(l2 + SZ_32K, STRTAB_SPLIT + 1));
		put_sid(&b, top + 1, L1DESC(l2, STRTAB_SPLIT + 1));
		put_sid(&b, 0x10, 0);
		snprintf(name, sizeof(name), "linux-2lvl-%s", hw->name);
		save("strtab", name, &b);

		/* Linux: linear */
		put_strtab(&b, hw, l1, 0, 0, hw->sid_bits);
		put_sid(&b, 0, 0);
		put_sid(&b, top, 0);
		put_sid(&b, top + 1, 0);
		snprintf(name, sizeof(name), "linux-linear-%s", hw->name);
		save("strtab", name, &b);
	}

	/* Other splits, short and reserved spans, reserved split and format */
	put_strtab(&b, hw_named("qemu"), l1, fmt2, 6, 16);
	put_sid(&b, 0x41, L1DESC(l2, 7));
	put_sid(&b, 0x7f, L1DESC(l2, 3));
	put_sid(&b, 0x42, L1DESC(l2, 8));
	save("strtab", "split6", &b);
	put_strtab(&b, hw_named("qemu"), l1, fmt2, 10, 12);
	put_sid(&b, 0x3ff, L1DESC(l2, 11));
	put_sid(&b, 0x400, L1DESC(l2, 11));
	put_sid(&b, 0x3ff, L1DESC(l2, 12));
	save("strtab", "split10", &b);
	put_strtab(&b, hw_named("qemu"), l1, fmt2, 7, 16);
	put_sid(&b, 1, L1DESC(l2, 8));
	save("strtab", "split7", &b);
	put_strtab(&b, hw_named("qemu"), l1, 3, 8, 16);
	put_sid(&b, 1, L1DESC(l2, 9));
	save("strtab", "fmt3", &b);
	put_strtab(&b, hw_named("qemu"), l1, fmt2, 8, 4);
	put_sid(&b, 15, L1DESC(l2, 9));
	put_sid(&b, 16, L1DESC(l2, 9));
	save("strtab", "2lvl-smaller-than-split", &b);

	/* At the top of the physical address space, all ones */
	put_strtab(&b, hw_named("mmu600-r0p0"), STRTAB_BASE_ADDR_MASK, 0, 0, 63);
	put_sid(&b, 0xffff, ~0ULL);
	save("strtab", "top-of-pa-linear", &b);
	put_strtab(&b, hw_named("mmu600-r0p0"), STRTAB_BASE_ADDR_MASK, fmt2, 10, 63);
	put_sid(&b, 0xffff, L1DESC(~0ULL, 11));
	save("strtab", "top-of-pa-2lvl", &b);
	put_strtab(&b, hw_named("all-ones"), ~0ULL, fmt2, 31, 63);
	put_sid(&b, ~0U, ~0ULL);
	save("strtab", "all-ones", &b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0755) && errno != EEXIST) {
		perror(out_dir);
		return 1;
	}
	gen_ste();
	gen_cmd();
	gen_regs();
	gen_reg_writes();
	gen_queue();
	gen_strtab();
	return 0;
}
