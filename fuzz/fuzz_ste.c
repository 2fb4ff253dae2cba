// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the shadow STE the SMMU uses for a host STE
 * (arm_smmu_pkvm_shadow_ste), and the abort and bypass STEs the hypervisor
 * builds itself.
 *
 * Input: hardware (FUZZ_HW_BYTES), then up to 32 host STEs of 17 bytes:
 * dword 0, dword 1, and a byte that fills dwords 2-7. Each STE is shadowed
 * twice, with dwords 2-7 filled and with their complement, and must give
 * the same shadow: the host never controls stage 2.
 *
 * FUZZ_SELFTEST_BREAK=1 turns every stage-2-only shadow into bypass.
 */
#include "common.h"

static struct arm_smmu_ste cur_host, cur_out;
static bool cur_ret;

static void dump_ste(const char *what, const struct arm_smmu_ste *ste)
{
	int i;

	fprintf(stderr, "  %s:", what);
	for (i = 0; i < STRTAB_STE_DWORDS; i++)
		fprintf(stderr, " %#llx", le64_to_cpu(ste->data[i]));
	fprintf(stderr, "\n");
}

static void dump(void)
{
	dump_ste("host STE  ", &cur_host);
	dump_ste("shadow STE", &cur_out);
	fprintf(stderr, "  shadow_ste() returned %s\n", cur_ret ? "true" : "false");
}

static const char *cfg_name(u64 cfg)
{
	switch (cfg) {
	case SPEC_CFG_ABORT:
		return "abort";
	case SPEC_CFG_BYPASS:
		return "bypass";
	case SPEC_CFG_S1:
		return "stage-1 only";
	case SPEC_CFG_S2:
		return "stage-2 only";
	case SPEC_CFG_NESTED:
		return "nested";
	default:
		return "reserved";
	}
}

static void forge(struct arm_smmu_ste *out)
{
	u64 dw0 = le64_to_cpu(out->data[0]);

	if (FUZZ_SELFTEST_BREAK == 1 &&
	    spec_get(dw0, SPEC_STE0_CFG) == SPEC_CFG_S2) {
		dw0 &= ~SPEC_STE0_CFG;
		dw0 |= spec_prep(SPEC_STE0_CFG, SPEC_CFG_BYPASS);
		out->data[0] = cpu_to_le64(dw0);
	}
}

/* What every STE the hypervisor gives the SMMU must look like */
static void check_common(const struct arm_smmu_pkvm_hw *hw,
			 const struct arm_smmu_ste *ste)
{
	u64 dw0 = le64_to_cpu(ste->data[0]);
	u64 dw1 = le64_to_cpu(ste->data[1]);
	u64 cfg = spec_get(dw0, SPEC_STE0_CFG);
	int i;

	for (i = 4; i < STRTAB_STE_DWORDS; i++)
		CHECK(!ste->data[i], "STE dword %d is not zero", i);

	if (!(dw0 & SPEC_STE0_V)) {
		CHECK(!dw0 && !dw1 && !ste->data[2] && !ste->data[3],
		      "invalid STE with other bits set in dwords 0-3");
		return;
	}

	CHECK(cfg == SPEC_CFG_ABORT || cfg == SPEC_CFG_S2 ||
	      cfg == SPEC_CFG_NESTED,
	      "STE with config %s (%llu): only abort, stage-2 or nested may reach the SMMU",
	      cfg_name(cfg), cfg);
	if (cfg == SPEC_CFG_ABORT)
		CHECK(!ste->data[2] && !ste->data[3],
		      "abort STE with dwords 2-3 set");
	else
		CHECK(le64_to_cpu(ste->data[2]) == hw->s2_dw2 &&
		      le64_to_cpu(ste->data[3]) == hw->s2_dw3,
		      "translating STE without the hypervisor's stage 2 in dwords 2-3");
	CHECK(!(dw1 & SPEC_STE1_CONT), "STE with CONT set");
	CHECK(!(dw1 & SPEC_STE1_EATS), "STE with EATS set");
	CHECK(!(dw1 & SPEC_STE1_MEV), "STE with MEV set");
	CHECK(spec_get(dw1, SPEC_STE1_STRW) == SPEC_STRW_NSEL1,
	      "STE with STRW %llu, not NS-EL1", spec_get(dw1, SPEC_STE1_STRW));

	switch (cfg) {
	case SPEC_CFG_ABORT:
		CHECK(dw0 == SPEC_STE0_V && !dw1, "abort STE with other fields set");
		break;
	case SPEC_CFG_S2:
		CHECK(dw0 == (SPEC_STE0_V | spec_prep(SPEC_STE0_CFG, SPEC_CFG_S2)),
		      "stage-2-only STE with other dword 0 fields set");
		CHECK(!(dw1 & ~SPEC_STE1_SHCFG),
		      "stage-2-only STE with dword 1 fields other than SHCFG");
		break;
	case SPEC_CFG_NESTED:
		CHECK(hw->idr[0] & SPEC_IDR0_S1P,
		      "nested STE although the hypervisor hides stage 1 (no S1P, or nesting broken by errata)");
		CHECK(!(dw0 & ~(SPEC_STE0_V | SPEC_STE0_CFG | SPEC_STE0_HOST_S1)),
		      "nested STE with dword 0 fields outside the stage-1 allow-list");
		CHECK(!(dw1 & ~(SPEC_STE1_HOST_S1 | SPEC_STE1_S1STALLD)),
		      "nested STE with dword 1 fields outside the stage-1 allow-list");
		CHECK(spec_get(dw0, SPEC_STE0_S1CDMAX) <= hw->ssid_bits,
		      "nested STE with S1CDMAX %llu > %u SubstreamID bits",
		      spec_get(dw0, SPEC_STE0_S1CDMAX), hw->ssid_bits);
		CHECK(spec_get(dw0, SPEC_STE0_S1FMT) != SPEC_S1FMT_RESERVED,
		      "nested STE with a reserved S1FMT");
		/*
		 * No stage-1 fault may stall (the host cannot resume one):
		 * S1STALLD where the SMMU can stall (STALL_MODEL 0b00), and
		 * never where it cannot, as the STE would be ILLEGAL.
		 */
		CHECK(!!(dw1 & SPEC_STE1_S1STALLD) ==
		      (spec_get(hw->idr[0], SPEC_IDR0_STALL_MODEL) == 0),
		      "nested STE with S1STALLD %d, STALL_MODEL %llu",
		      !!(dw1 & SPEC_STE1_S1STALLD),
		      spec_get(hw->idr[0], SPEC_IDR0_STALL_MODEL));
		break;
	}
}

static void check_shadow(const struct arm_smmu_pkvm_hw *hw,
			 const struct arm_smmu_ste *host,
			 const struct arm_smmu_ste *out, bool ret)
{
	u64 h0 = le64_to_cpu(host->data[0]), h1 = le64_to_cpu(host->data[1]);
	u64 o0 = le64_to_cpu(out->data[0]), o1 = le64_to_cpu(out->data[1]);
	u64 hcfg = spec_get(h0, SPEC_STE0_CFG), ocfg = spec_get(o0, SPEC_STE0_CFG);
	bool s1_ok;

	check_common(hw, out);

	if (!(h0 & SPEC_STE0_V)) {
		CHECK(!o0 && !o1, "invalid host STE gave a valid shadow");
		CHECK(ret, "invalid host STE reported as rejected");
		return;
	}
	CHECK(o0 & SPEC_STE0_V, "valid host STE gave an invalid shadow");

	/* Every bit that reaches the SMMU comes from the host's stage 1 */
	CHECK(!((o0 & ~(SPEC_STE0_V | SPEC_STE0_CFG)) & ~h0),
	      "shadow dword 0 has bits the host did not set");
	CHECK(!(o1 & ~h1 & ~SPEC_STE1_S1STALLD),
	      "shadow dword 1 has bits the host did not set");

	/* Rejection: false iff a valid, non-abort host STE became abort */
	CHECK(ret == !(hcfg != SPEC_CFG_ABORT && ocfg == SPEC_CFG_ABORT),
	      "shadow_ste() returned %s for host config %s -> shadow %s",
	      ret ? "true" : "false", cfg_name(hcfg), cfg_name(ocfg));

	/* What each host config must become */
	switch (hcfg) {
	case SPEC_CFG_ABORT:
		CHECK(ocfg == SPEC_CFG_ABORT, "host abort became %s", cfg_name(ocfg));
		break;
	case SPEC_CFG_BYPASS:
		CHECK(ocfg == SPEC_CFG_S2, "host bypass became %s, not stage-2 only",
		      cfg_name(ocfg));
		CHECK((o1 & SPEC_STE1_SHCFG) == (h1 & SPEC_STE1_SHCFG),
		      "host bypass lost its SHCFG");
		break;
	case SPEC_CFG_S1:
		s1_ok = (hw->idr[0] & SPEC_IDR0_S1P) &&
			spec_get(h0, SPEC_STE0_S1FMT) != SPEC_S1FMT_RESERVED &&
			spec_get(h0, SPEC_STE0_S1CDMAX) <= hw->ssid_bits &&
			spec_get(h1, SPEC_STE1_STRW) == SPEC_STRW_NSEL1 &&
			/* ILLEGAL: the host is offered no stalls */
			!(h1 & SPEC_STE1_S1STALLD);
		CHECK(ocfg == (s1_ok ? SPEC_CFG_NESTED : SPEC_CFG_ABORT),
		      "host stage 1 (%s) became %s",
		      s1_ok ? "acceptable" : "not acceptable", cfg_name(ocfg));
		if (ocfg == SPEC_CFG_NESTED) {
			CHECK((o0 & SPEC_STE0_HOST_S1) == (h0 & SPEC_STE0_HOST_S1) &&
			      (o1 & SPEC_STE1_HOST_S1) == (h1 & SPEC_STE1_HOST_S1),
			      "nested shadow does not carry the host's stage-1 fields");
		}
		break;
	default:
		CHECK(ocfg == SPEC_CFG_ABORT, "host config %s (%llu) became %s",
		      cfg_name(hcfg), hcfg, cfg_name(ocfg));
		break;
	}
}

static void check_constructors(const struct arm_smmu_pkvm_hw *hw)
{
	struct arm_smmu_ste ste;

	memset(&ste, 0xa5, sizeof(ste));
	arm_smmu_make_abort_ste(&ste);
	forge(&ste);
	cur_out = ste;
	check_common(hw, &ste);
	CHECK(le64_to_cpu(ste.data[0]) == SPEC_STE0_V, "make_abort_ste() is not abort");

	memset(&ste, 0xa5, sizeof(ste));
	arm_smmu_pkvm_make_bypass_ste(hw, &ste);
	forge(&ste);
	cur_out = ste;
	check_common(hw, &ste);
	CHECK(spec_get(le64_to_cpu(ste.data[0]), SPEC_STE0_CFG) == SPEC_CFG_S2,
	      "make_bypass_ste() is not stage-2 only");
}

/*
 * The hypervisor installs each shadow over the one before it with the
 * kernel's entry writer (arm-smmu-v3-entry.c). The SMMU may fetch the STE
 * between any two of its steps: what it finds must not translate without
 * the hypervisor's stage 2.
 */
struct fuzz_writer {
	struct arm_smmu_entry_writer		writer;
	const struct arm_smmu_pkvm_hw		*hw;
	const struct arm_smmu_ste		*entry;
};

static void writer_sync(struct arm_smmu_entry_writer *writer)
{
	struct fuzz_writer *w = container_of(writer, struct fuzz_writer, writer);
	u64 dw0 = le64_to_cpu(w->entry->data[0]);
	u64 cfg = spec_get(dw0, SPEC_STE0_CFG);

	if (!(dw0 & SPEC_STE0_V) || cfg == SPEC_CFG_ABORT)
		return;
	CHECK(cfg == SPEC_CFG_S2 || cfg == SPEC_CFG_NESTED,
	      "the SMMU may fetch an STE with config %s (%llu) while it is written",
	      cfg_name(cfg), cfg);
	CHECK(le64_to_cpu(w->entry->data[2]) == w->hw->s2_dw2 &&
	      le64_to_cpu(w->entry->data[3]) == w->hw->s2_dw3,
	      "the SMMU may fetch a translating STE without the hypervisor's stage 2 while it is written");
}

static const struct arm_smmu_entry_writer_ops writer_ops = {
	.sync = writer_sync,
	.get_used = arm_smmu_get_ste_used,
	.get_update_safe = arm_smmu_get_ste_update_safe,
};

static void check_install(const struct arm_smmu_pkvm_hw *hw,
			  struct arm_smmu_ste *installed,
			  const struct arm_smmu_ste *target)
{
	struct fuzz_writer w = {
		.writer.ops = &writer_ops, .hw = hw, .entry = installed,
	};

	arm_smmu_write_entry(&w.writer, installed->data, target->data);
	CHECK(!memcmp(installed, target, sizeof(*installed)),
	      "the entry writer did not install the shadow");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct arm_smmu_pkvm_hw hw;
	struct arm_smmu_ste other, installed = {};
	bool ret2;
	u64 fill;
	int n, i;

	fuzz_dump_ctx = dump;
	fuzz_hw(&in, &hw);
	memset(&cur_host, 0, sizeof(cur_host));
	check_constructors(&hw);

	for (n = 0; n < 32 && (n == 0 || in.size); n++) {
		cur_host.data[0] = cpu_to_le64(fuzz_get(&in, 8));
		cur_host.data[1] = cpu_to_le64(fuzz_get(&in, 8));
		fill = fuzz_get(&in, 1) * 0x0101010101010101ULL;
		for (i = 2; i < STRTAB_STE_DWORDS; i++)
			cur_host.data[i] = cpu_to_le64(fill);

		memset(&cur_out, 0x5a, sizeof(cur_out));
		cur_ret = arm_smmu_pkvm_shadow_ste(&hw, &cur_host, &cur_out);
		forge(&cur_out);
		check_shadow(&hw, &cur_host, &cur_out, cur_ret);
		check_install(&hw, &installed, &cur_out);

		for (i = 2; i < STRTAB_STE_DWORDS; i++)
			cur_host.data[i] = cpu_to_le64(~fill);
		memset(&other, 0xa5, sizeof(other));
		ret2 = arm_smmu_pkvm_shadow_ste(&hw, &cur_host, &other);
		forge(&other);
		CHECK(ret2 == cur_ret && !memcmp(&other, &cur_out, sizeof(other)),
		      "host STE dwords 2-7 changed the shadow");
	}
	return 0;
}
