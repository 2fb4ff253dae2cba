// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the ID registers the host sees (arm_smmu_pkvm_host_reg), the
 * nesting errata (arm_smmu_pkvm_nesting_broken) and which SMMUs the
 * hypervisor accepts (arm_smmu_pkvm_probe_hw), with its output address size
 * (arm_smmu_pkvm_oas_bits).
 *
 * Input: hardware (FUZZ_HW_BYTES), then register offsets (u32 each), which
 * are also read as raw ID registers (IDR0-IDR5, IIDR) for
 * arm_smmu_pkvm_probe_hw(). Every byte offset below 0x200 is checked too,
 * whatever the input.
 *
 * FUZZ_SELFTEST_BREAK=3 shows the host IDR0.S2P.
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

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct arm_smmu_pkvm_hw hw;
	u32 off, iidr, raw[7];
	int n;

	fuzz_dump_ctx = dump;
	fuzz_hw(&in, &hw);

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
	return 0;
}
