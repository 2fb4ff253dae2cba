// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the registers the host sees. The ID registers
 * (arm_smmu_pkvm_host_reg), the nesting errata
 * (arm_smmu_pkvm_nesting_broken) and which SMMUs the hypervisor accepts
 * (arm_smmu_pkvm_probe_hw), with its output address size
 * (arm_smmu_pkvm_oas_bits); then the rules of host register writes and
 * reads (arm_smmu_pkvm_reg_write, arm_smmu_pkvm_reg_read,
 * arm_smmu_pkvm_mode).
 *
 * Input: hardware (FUZZ_HW_BYTES), then register offsets (u32 each), which
 * are also read as raw ID registers (IDR0-IDR5, IIDR) for
 * arm_smmu_pkvm_probe_hw(). Every byte offset below 0x200 is checked too,
 * whatever the input.
 *
 * Then the host's register writes (arm_smmu_pkvm_reg_write): the same bytes
 * after the hardware, read again as accesses of 11 bytes each (offset u16,
 * with bit 15 for page 1; size u8; value u64) applied in turn to one
 * register file, whose GERROR (u32) and CMDQ_CONS.ERR (u8) come first. After each, no
 * register holds a bit the architecture or the emulation makes RES0, the
 * registers a state locks did not change, GERROR never does, a refused
 * access changed nothing, at most one register changed (two when an
 * acknowledged command error resumes the queue), the effects asked for are
 * exactly those of the change, the mode (arm_smmu_pkvm_mode) follows SMMUEN
 * and GBPA.ABORT, and what was written reads back at the same size.
 *
 * FUZZ_SELFTEST_BREAK=3 shows the host IDR0.S2P, FUZZ_SELFTEST_BREAK=6
 * lets STRTAB_BASE change while SMMUEN is set.
 */
#include "common.h"

static u32 cur_off, cur_val;

static void dump(void)
{
	fprintf(stderr, "  host read of offset %#x: %#010x\n", cur_off, cur_val);
}

struct field {
	const char	*name;
	u32		mask;
};

/* IDR0 features the host must never see */
static const struct field idr0_hidden[] = {
	{ "S2P", BIT(0) },	{ "BTM", BIT(5) },	{ "HTTU", GENMASK(7, 6) },
	{ "DORMHINT", BIT(8) },	{ "HYP", BIT(9) },	{ "ATS", BIT(10) },
	{ "NS1ATS", BIT(11) },	{ "MSI", BIT(13) },	{ "SEV", BIT(14) },
	{ "ATOS", BIT(15) },	{ "PRI", BIT(16) },	{ "VMW", BIT(17) },
	{ "VMID16", BIT(18) },	{ "VATOS", BIT(20) },	{ "ATSRECERR", BIT(23) },
	{ "bit 29", BIT(29) },	{ "bit 30", BIT(30) },	{ "bit 31", BIT(31) },
};

/* IDR1 fields the host must never see */
static const struct field idr1_hidden[] = {
	{ "PRIQS", SPEC_IDR1_PRIQS }, { "ATTR_PERMS_OVR", BIT(26) },
	{ "ATTR_TYPES_OVR", BIT(27) }, { "REL", SPEC_IDR1_REL },
	{ "QUEUES_PRESET", SPEC_IDR1_QUEUES_PRESET },
	{ "TABLES_PRESET", SPEC_IDR1_TABLES_PRESET }, { "ECMDQ", SPEC_IDR1_ECMDQ },
};

static u32 host_reg(const struct arm_smmu_pkvm_hw *hw, u32 off)
{
	u32 val = arm_smmu_pkvm_host_reg(hw, off);

	if (FUZZ_SELFTEST_BREAK == 3 && off == SPEC_IDR0)
		val |= hw->idr[0] & SPEC_IDR0_S2P;
	cur_off = off;
	cur_val = val;
	return val;
}

/* Host-visible field @mask of @val is one the hardware has, or less */
static bool at_most_hw(u32 val, u32 hw, u32 mask)
{
	return spec_get(val, mask) <= spec_get(hw, mask);
}

static void check_idr0(const struct arm_smmu_pkvm_hw *hw, u32 val)
{
	const u32 same = SPEC_IDR0_S1P | SPEC_IDR0_TTF | SPEC_IDR0_COHACC |
			 SPEC_IDR0_ASID16 | SPEC_IDR0_CD2L | SPEC_IDR0_TTENDIAN |
			 SPEC_IDR0_ST_LEVEL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(idr0_hidden); i++)
		CHECK(!(val & idr0_hidden[i].mask), "IDR0 shows a hidden feature: %s",
		      idr0_hidden[i].name);
	CHECK(spec_get(val, SPEC_IDR0_STALL_MODEL) == SPEC_IDR0_STALL_NONE,
	      "IDR0.STALL_MODEL %llu, not 1 (no stalls)",
	      spec_get(val, SPEC_IDR0_STALL_MODEL));
	CHECK(!((val & same) & ~hw->idr[0]),
	      "IDR0 shows features the hardware (or nesting) lacks: %#x",
	      (val & same) & ~hw->idr[0]);
	CHECK((val & same) == (hw->idr[0] & same),
	      "IDR0 hides a feature the host may use: %#x",
	      (hw->idr[0] & same) & ~val);
}

static void check_idr1(const struct arm_smmu_pkvm_hw *hw, u32 val)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(idr1_hidden); i++)
		CHECK(!(val & idr1_hidden[i].mask), "IDR1 shows a hidden feature: %s",
		      idr1_hidden[i].name);
	CHECK(spec_get(val, SPEC_IDR1_SIDSIZE) <= hw->sid_bits,
	      "IDR1.SIDSIZE %llu > %u StreamID bits",
	      spec_get(val, SPEC_IDR1_SIDSIZE), hw->sid_bits);
	CHECK(spec_get(val, SPEC_IDR1_SSIDSIZE) <= hw->ssid_bits,
	      "IDR1.SSIDSIZE %llu > %u SubstreamID bits",
	      spec_get(val, SPEC_IDR1_SSIDSIZE), hw->ssid_bits);
	CHECK(spec_get(val, SPEC_IDR1_CMDQS) <= ARM_SMMU_PKVM_HOST_CMDQS &&
	      at_most_hw(val, hw->idr[1], SPEC_IDR1_CMDQS),
	      "IDR1.CMDQS %llu too large", spec_get(val, SPEC_IDR1_CMDQS));
	CHECK(spec_get(val, SPEC_IDR1_EVTQS) <= ARM_SMMU_PKVM_HOST_EVTQS &&
	      at_most_hw(val, hw->idr[1], SPEC_IDR1_EVTQS),
	      "IDR1.EVTQS %llu too large", spec_get(val, SPEC_IDR1_EVTQS));
}

static void check_idr3(const struct arm_smmu_pkvm_hw *hw, u32 val)
{
	CHECK(!(val & ~(SPEC_IDR3_RIL | SPEC_IDR3_BBML)),
	      "IDR3 shows hidden features: %#x",
	      val & (u32)~(SPEC_IDR3_RIL | SPEC_IDR3_BBML));
	CHECK(!(val & ~hw->idr[3] & SPEC_IDR3_RIL) &&
	      at_most_hw(val, hw->idr[3], SPEC_IDR3_BBML),
	      "IDR3 shows features the hardware lacks");
}

static void check_idr5(const struct arm_smmu_pkvm_hw *hw, u32 val)
{
	const u32 gran = SPEC_IDR5_GRAN4K | SPEC_IDR5_GRAN16K | SPEC_IDR5_GRAN64K;
	const u32 known = SPEC_IDR5_OAS | gran | SPEC_IDR5_VAX;

	CHECK(!(val & ~known), "IDR5 shows hidden fields: %#x", val & ~known);
	CHECK(!(val & ~hw->idr[5] & gran) &&
	      at_most_hw(val, hw->idr[5], SPEC_IDR5_OAS) &&
	      at_most_hw(val, hw->idr[5], SPEC_IDR5_VAX),
	      "IDR5 shows more than the hardware has");
}

static void check_reg(const struct arm_smmu_pkvm_hw *hw, u32 off)
{
	u32 val = host_reg(hw, off);

	switch (off) {
	case SPEC_IDR0:
		check_idr0(hw, val);
		break;
	case SPEC_IDR1:
		check_idr1(hw, val);
		break;
	case SPEC_IDR3:
		check_idr3(hw, val);
		break;
	case SPEC_IDR5:
		check_idr5(hw, val);
		break;
	case SPEC_IIDR:
		CHECK(val == hw->iidr, "IIDR %#x is not the hardware's", val);
		break;
	default:
		/* IDR2 (VATOS), IDR4 (IMPLEMENTATION DEFINED), the rest */
		CHECK(!val, "offset %#x reads %#x, not 0", off, val);
		break;
	}
}

/* SMMU_IDR5.OAS: 32, 36, 40, 42, 44, 48, 52 bits; the reserved value as 32 */
static const unsigned int oas_bits[8] = { 32, 36, 40, 42, 44, 48, 52, 32 };

/*
 * An SMMU the hypervisor accepts has everything it needs; one it refuses
 * lacks what the reason says.
 */
static void check_probe(const u32 *raw)
{
	struct arm_smmu_pkvm_hw hw = { .iidr = raw[6] };
	enum arm_smmu_pkvm_refusal why;
	bool has[ARM_SMMU_PKVM_NO_4K_GRANULE + 1];
	bool all = true;
	unsigned int i;

	for (i = 0; i < 6; i++)
		hw.idr[i] = raw[i];
	has[ARM_SMMU_PKVM_ACCEPTED] = true;
	has[ARM_SMMU_PKVM_NOT_COHERENT] = raw[0] & SPEC_IDR0_COHACC;
	has[ARM_SMMU_PKVM_NO_STAGE2] = (raw[0] & SPEC_IDR0_S2P) &&
		(spec_get(raw[0], SPEC_IDR0_TTF) & SPEC_IDR0_TTF_AARCH64);
	has[ARM_SMMU_PKVM_BAD_TABLE_FORMAT] =
		spec_get(raw[0], SPEC_IDR0_ST_LEVEL) == SPEC_IDR0_ST_LEVEL_2LVL &&
		spec_get(raw[1], SPEC_IDR1_SIDSIZE) >= 8;
	has[ARM_SMMU_PKVM_PRESET_TABLES] =
		!(raw[1] & (SPEC_IDR1_TABLES_PRESET | SPEC_IDR1_QUEUES_PRESET));
	has[ARM_SMMU_PKVM_EXTRA_CMDQS] = !(raw[1] & SPEC_IDR1_ECMDQ);
	/* Not forced (0b10) or reserved (0b11): faults can be terminated */
	has[ARM_SMMU_PKVM_FORCED_STALLS] =
		spec_get(raw[0], SPEC_IDR0_STALL_MODEL) <= SPEC_IDR0_STALL_NONE;
	has[ARM_SMMU_PKVM_SMALL_QUEUES] =
		spec_get(raw[1], SPEC_IDR1_CMDQS) >= ARM_SMMU_PKVM_CMDQ_SHIFT &&
		spec_get(raw[1], SPEC_IDR1_EVTQS) >= ARM_SMMU_PKVM_EVTQ_SHIFT;
	has[ARM_SMMU_PKVM_NO_4K_GRANULE] = raw[5] & SPEC_IDR5_GRAN4K;
	for (i = 0; i < ARRAY_SIZE(has); i++)
		all = all && has[i];

	CHECK(arm_smmu_pkvm_oas_bits(&hw) ==
	      oas_bits[spec_get(raw[5], SPEC_IDR5_OAS)],
	      "oas_bits(IDR5 %#x) = %u", raw[5], arm_smmu_pkvm_oas_bits(&hw));

	why = arm_smmu_pkvm_probe_hw(&hw);
	CHECK((unsigned int)why < ARRAY_SIZE(has),
	      "probe_hw(IDR0 %#x IDR1 %#x IDR5 %#x): unknown reason %d",
	      raw[0], raw[1], raw[5], why);
	CHECK((why == ARM_SMMU_PKVM_ACCEPTED) == all,
	      "probe_hw(IDR0 %#x IDR1 %#x IDR5 %#x): %s an SMMU that %s",
	      raw[0], raw[1], raw[5], why ? "refuses" : "accepts",
	      all ? "has everything" : "lacks something");
	CHECK(!why || !has[why],
	      "probe_hw(IDR0 %#x IDR1 %#x IDR5 %#x): refused for reason %d, which it meets",
	      raw[0], raw[1], raw[5], why);
}

/* SMMUv3 architecture: the registers the host may write, and their fields */
#define SPEC_CR0		0x20
#define SPEC_GBPA		0x44
#define SPEC_GERRORN		0x64
#define SPEC_STRTAB_BASE	0x80
#define SPEC_CR0_SMMUEN		BIT(0)
#define SPEC_CR0_EVTQEN		BIT(2)
#define SPEC_CR0_CMDQEN		BIT(3)
#define SPEC_CR0_ATSCHK		BIT(4)
#define SPEC_GBPA_UPDATE	BIT(31)
#define SPEC_GBPA_ABORT		BIT(20)
#define SPEC_GERROR_CMDQ_ERR	BIT(0)
#define SPEC_GERROR_BITS	(BIT(0) | GENMASK(8, 2))
#define SPEC_CMDQ_CONS_ERR	GENMASK(30, 24)
#define SPEC_Q_OVF		BIT(31)
/* Up to 2^19 entries: index and wrap */
#define SPEC_Q_PTR		GENMASK(19, 0)
#define SPEC_Q_BASE		(BIT_ULL(62) | GENMASK_ULL(51, 0))
#define SPEC_STRTAB_BASE_BITS	(BIT_ULL(62) | GENMASK_ULL(51, 6))
#define SPEC_STRTAB_CFG_BITS	(GENMASK(17, 16) | GENMASK(10, 0))
#define SPEC_MSI_ADDR		GENMASK_ULL(51, 2)
#define SPEC_MSI_CFG2		GENMASK(5, 0)
/* CR1: TABLE_SH/OC/IC and QUEUE_SH/OC/IC; CR2: RECINVSID and PTM */
#define SPEC_CR1_BITS		GENMASK(11, 0)
#define SPEC_CR2_BITS		(BIT(1) | BIT(2))
/* IRQ_CTRL: GERROR_IRQEN and EVTQ_IRQEN; PRI is not offered */
#define SPEC_IRQ_CTRL_BITS	(BIT(0) | BIT(2))

static struct arm_smmu_pkvm_regs wr_before, wr_after;
static u32 wr_off, wr_effects;
static u64 wr_val;
static unsigned int wr_size;

static void dump_write(void)
{
	fprintf(stderr, "  host write of %u bytes at %#x: %#llx, effects %#x\n",
		wr_size, wr_off, (unsigned long long)wr_val, wr_effects);
	fprintf(stderr, "  CR0 %#x -> %#x, GBPA %#x -> %#x, STRTAB_BASE %#llx -> %#llx\n",
		wr_before.cr0, wr_after.cr0, wr_before.gbpa, wr_after.gbpa,
		(unsigned long long)wr_before.strtab_base,
		(unsigned long long)wr_after.strtab_base);
}

/* No register holds a bit that is RES0 for the host. */
static void check_res0(const struct arm_smmu_pkvm_regs *r)
{
	CHECK(!(r->cr0 & ~(SPEC_CR0_SMMUEN | SPEC_CR0_EVTQEN | SPEC_CR0_CMDQEN |
			   SPEC_CR0_ATSCHK)), "CR0 %#x has RES0 bits", r->cr0);
	CHECK(!(r->cr1 & ~SPEC_CR1_BITS), "CR1 %#x has RES0 bits", r->cr1);
	CHECK(!(r->cr2 & ~SPEC_CR2_BITS), "CR2 %#x has RES0 bits", r->cr2);
	CHECK(!(r->gbpa & SPEC_GBPA_UPDATE), "GBPA.UPDATE reads as 1");
	CHECK(!(r->irq_ctrl & ~SPEC_IRQ_CTRL_BITS), "IRQ_CTRL %#x has RES0 bits",
	      r->irq_ctrl);
	CHECK(!(r->gerrorn & ~SPEC_GERROR_BITS), "GERRORN %#x has RES0 bits",
	      r->gerrorn);
	CHECK(!(r->strtab_base & ~SPEC_STRTAB_BASE_BITS),
	      "STRTAB_BASE %#llx has RES0 bits", (unsigned long long)r->strtab_base);
	CHECK(!(r->strtab_base_cfg & ~SPEC_STRTAB_CFG_BITS),
	      "STRTAB_BASE_CFG %#x has RES0 bits", r->strtab_base_cfg);
	CHECK(!(r->cmdq_base & ~SPEC_Q_BASE) && !(r->evtq_base & ~SPEC_Q_BASE),
	      "a queue base has RES0 bits");
	CHECK(!(r->cmdq_prod & ~SPEC_Q_PTR) &&
	      !(r->cmdq_cons & ~(SPEC_Q_PTR | SPEC_CMDQ_CONS_ERR)) &&
	      !(r->evtq_prod & ~(SPEC_Q_PTR | SPEC_Q_OVF)) &&
	      !(r->evtq_cons & ~(SPEC_Q_PTR | SPEC_Q_OVF)),
	      "a queue pointer has bits beyond the largest queue");
	CHECK(!(r->gerror_irq_cfg0 & ~SPEC_MSI_ADDR) &&
	      !(r->evtq_irq_cfg0 & ~SPEC_MSI_ADDR) &&
	      !(r->gerror_irq_cfg2 & ~SPEC_MSI_CFG2) &&
	      !(r->evtq_irq_cfg2 & ~SPEC_MSI_CFG2),
	      "an MSI register has RES0 bits");
}

/* The number of registers that differ */
static unsigned int regs_changed(const struct arm_smmu_pkvm_regs *a,
				 const struct arm_smmu_pkvm_regs *b)
{
	const u32 *a32[] = { &a->cr0, &a->cr1, &a->cr2, &a->gbpa, &a->irq_ctrl,
			     &a->gerror, &a->gerrorn, &a->strtab_base_cfg,
			     &a->cmdq_prod, &a->cmdq_cons, &a->evtq_prod,
			     &a->evtq_cons, &a->gerror_irq_cfg1,
			     &a->gerror_irq_cfg2, &a->evtq_irq_cfg1,
			     &a->evtq_irq_cfg2 };
	const u64 *a64[] = { &a->gerror_irq_cfg0, &a->evtq_irq_cfg0,
			     &a->strtab_base, &a->cmdq_base, &a->evtq_base };
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(a32); i++)
		n += *a32[i] != *(const u32 *)((const char *)b +
					       ((const char *)a32[i] - (const char *)a));
	for (i = 0; i < ARRAY_SIZE(a64); i++)
		n += *a64[i] != *(const u64 *)((const char *)b +
					       ((const char *)a64[i] - (const char *)a));
	return n;
}

static void check_write(const struct arm_smmu_pkvm_regs *b,
			const struct arm_smmu_pkvm_regs *a, u32 off, u32 eff)
{
	u32 cr0_on = ~b->cr0 & a->cr0, cr0_off = b->cr0 & ~a->cr0;
	bool resumed = (b->cmdq_cons & SPEC_CMDQ_CONS_ERR) &&
		       !(a->cmdq_cons & SPEC_CMDQ_CONS_ERR);
	u32 want = 0;

	check_res0(a);
	if (eff & ARM_SMMU_PKVM_WR_BAD) {
		CHECK(eff == ARM_SMMU_PKVM_WR_BAD, "a refused access has effects");
		CHECK(!memcmp(a, b, sizeof(*a)), "a refused access changed a register");
		return;
	}

	CHECK(a->gerror == b->gerror, "GERROR changed on a host write");
	if (b->cr0 & SPEC_CR0_SMMUEN)
		CHECK(a->strtab_base == b->strtab_base &&
		      a->strtab_base_cfg == b->strtab_base_cfg,
		      "the stream table changed while SMMUEN was set");
	if (b->cr0 & SPEC_CR0_CMDQEN)
		CHECK(a->cmdq_base == b->cmdq_base &&
		      (a->cmdq_cons & SPEC_Q_PTR) == (b->cmdq_cons & SPEC_Q_PTR),
		      "CMDQ_BASE or CMDQ_CONS changed while CMDQEN was set");
	if (b->cr0 & SPEC_CR0_EVTQEN)
		CHECK(a->evtq_base == b->evtq_base && a->evtq_prod == b->evtq_prod,
		      "EVTQ_BASE or EVTQ_PROD changed while EVTQEN was set");
	CHECK(regs_changed(a, b) <= 1 + resumed,
	      "one write changed %u registers", regs_changed(a, b));
	CHECK(!resumed || (off == SPEC_GERRORN &&
			   !((a->gerror ^ a->gerrorn) & SPEC_GERROR_CMDQ_ERR)),
	      "CMDQ_CONS.ERR cleared without the error acknowledged");

	/* The effects are those of the change, no more, no less. */
	if (cr0_on & SPEC_CR0_CMDQEN)
		want |= ARM_SMMU_PKVM_WR_CMDQ_ON;
	if (cr0_off & SPEC_CR0_CMDQEN)
		want |= ARM_SMMU_PKVM_WR_CMDQ_OFF;
	if (cr0_on & SPEC_CR0_EVTQEN)
		want |= ARM_SMMU_PKVM_WR_EVTQ_ON;
	if (cr0_off & SPEC_CR0_EVTQEN)
		want |= ARM_SMMU_PKVM_WR_EVTQ_OFF;
	if ((cr0_on | cr0_off) & SPEC_CR0_SMMUEN)
		want |= ARM_SMMU_PKVM_WR_MODE;
	CHECK((eff & (ARM_SMMU_PKVM_WR_CMDQ_ON | ARM_SMMU_PKVM_WR_CMDQ_OFF |
		      ARM_SMMU_PKVM_WR_EVTQ_ON | ARM_SMMU_PKVM_WR_EVTQ_OFF)) ==
	      (want & ~ARM_SMMU_PKVM_WR_MODE),
	      "queue effects %#x for a CR0 change of %#x", eff, cr0_on | cr0_off);
	CHECK(!(want & ARM_SMMU_PKVM_WR_MODE) || (eff & ARM_SMMU_PKVM_WR_MODE),
	      "SMMUEN changed without the mode applied");
	CHECK(!(eff & ARM_SMMU_PKVM_WR_MODE) || (want & ARM_SMMU_PKVM_WR_MODE) ||
	      off == SPEC_GBPA, "mode applied for a write to %#x", off);
	CHECK(arm_smmu_pkvm_mode(a) ==
	      (a->cr0 & SPEC_CR0_SMMUEN ? ARM_SMMU_PKVM_MODE_SHADOW :
	       a->gbpa & SPEC_GBPA_ABORT ? ARM_SMMU_PKVM_MODE_ABORT :
					   ARM_SMMU_PKVM_MODE_BYPASS),
	      "mode %d for CR0 %#x GBPA %#x", arm_smmu_pkvm_mode(a), a->cr0, a->gbpa);
	CHECK(!(eff & ARM_SMMU_PKVM_WR_MODE) ||
	      arm_smmu_pkvm_mode(a) != arm_smmu_pkvm_mode(b) || off == SPEC_GBPA,
	      "mode applied though it did not change");
	CHECK(arm_smmu_pkvm_mode(a) == arm_smmu_pkvm_mode(b) ||
	      (eff & ARM_SMMU_PKVM_WR_MODE), "mode changed without being applied");
	CHECK(!(cr0_on & SPEC_CR0_CMDQEN) || (eff & ARM_SMMU_PKVM_WR_CMDQ),
	      "CMDQEN set without the queue consumed");
	CHECK(!resumed || (eff & ARM_SMMU_PKVM_WR_CMDQ),
	      "command error acknowledged without the queue resumed");
}

/*
 * What can be written can be read back, at the same size, and so can the
 * read-only registers; a 64-bit register reads the same whole or in halves.
 */
static void check_read(const struct arm_smmu_pkvm_hw *hw,
		       const struct arm_smmu_pkvm_regs *regs, u32 off,
		       unsigned int size, u32 eff)
{
	u64 val, lo, hi;
	bool ok = arm_smmu_pkvm_reg_read(hw, regs, off, size, &val);

	CHECK(ok == !(eff & ARM_SMMU_PKVM_WR_BAD),
	      "a %u-byte read at %#x %s, the write was %s", size, off,
	      ok ? "succeeds" : "fails", eff & ARM_SMMU_PKVM_WR_BAD ? "refused" : "taken");
	if (!ok || size != 8)
		return;

	CHECK(arm_smmu_pkvm_reg_read(hw, regs, off, 4, &lo) &&
	      arm_smmu_pkvm_reg_read(hw, regs, off + 4, 4, &hi) &&
	      (lo | hi << 32) == val,
	      "the halves of %#x do not read as the whole %#llx", off,
	      (unsigned long long)val);
}

static void check_writes(const struct arm_smmu_pkvm_hw *hw, struct fuzz_in *in)
{
	static const unsigned int sizes[] = { 4, 8, 1, 2 };
	struct arm_smmu_pkvm_regs regs = {};
	u32 raw_off;
	int n;

	fuzz_dump_ctx = dump_write;
	regs.gerror = fuzz_get(in, 4) & SPEC_GERROR_BITS;
	regs.cmdq_cons = (fuzz_get(in, 1) << 24) & SPEC_CMDQ_CONS_ERR;
	for (n = 0; n < 64 && in->size; n++) {
		raw_off = fuzz_get(in, 2);
		wr_off = (raw_off & 0x1ff) | (raw_off & BIT(15) ? SZ_64K : 0);
		wr_size = sizes[fuzz_get(in, 1) & 3];
		wr_val = fuzz_get(in, 8);
		wr_before = regs;
		wr_effects = arm_smmu_pkvm_reg_write(&regs, wr_off, wr_val, wr_size);
		if (FUZZ_SELFTEST_BREAK == 6 && wr_off == SPEC_STRTAB_BASE)
			regs.strtab_base = wr_val & SPEC_STRTAB_BASE_BITS;
		wr_after = regs;
		check_write(&wr_before, &wr_after, wr_off, wr_effects);
		check_read(hw, &regs, wr_off, wr_size, wr_effects);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size }, writes;
	struct arm_smmu_pkvm_hw hw;
	u32 off, iidr, raw[7];
	int n;

	fuzz_dump_ctx = dump;
	fuzz_hw(&in, &hw);
	writes = in;

	for (off = 0; off < 0x200; off++)
		check_reg(&hw, off);

	for (n = 0; n < 64 && in.size; n++) {
		off = fuzz_get(&in, 4);
		check_reg(&hw, off);
		/* The same bytes as an IIDR, for the errata decisions */
		iidr = off;
		CHECK(arm_smmu_pkvm_nesting_broken(iidr) == spec_nesting_broken(iidr),
		      "nesting_broken(%#x) disagrees with the Arm errata list", iidr);
		/* And as raw ID registers, seven at a time */
		raw[n % 7] = off;
		if (n % 7 == 6)
			check_probe(raw);
	}

	check_writes(&hw, &writes);
	return 0;
}
