// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: where the hypervisor reads the host's stream table
 * (arm_smmu_pkvm_decode_strtab, arm_smmu_pkvm_l1_desc_addr,
 * arm_smmu_pkvm_ste_addr).
 *
 * Input: hardware (FUZZ_HW_BYTES), STRTAB_BASE (u64), STRTAB_BASE_CFG
 * (u32), then up to 32 (StreamID u32, level-1 descriptor u64) pairs. The
 * first and last StreamIDs of the table and the first one past it are
 * checked too.
 *
 * FUZZ_SELFTEST_BREAK=5 moves STE addresses one table size up.
 */
#include "common.h"

static u64 cur_base, cur_l1desc, cur_addr;
static u32 cur_cfg, cur_sid;
static struct arm_smmu_pkvm_strtab cur_st;

static void dump(void)
{
	fprintf(stderr, "  STRTAB_BASE %#llx STRTAB_BASE_CFG %#x\n", cur_base, cur_cfg);
	fprintf(stderr, "  decoded: addr %#llx log2size %u split %u valid %d\n",
		cur_st.addr, cur_st.log2size, cur_st.split, cur_st.valid);
	fprintf(stderr, "  sid %#x l1desc %#llx -> addr %#llx\n",
		cur_sid, cur_l1desc, cur_addr);
}

static void check_decode(const struct arm_smmu_pkvm_hw *hw, u64 base, u32 cfg,
			 struct arm_smmu_pkvm_strtab *st)
{
	u32 log2size = spec_get(cfg, SPEC_STRTAB_CFG_LOG2SIZE);
	u32 split = spec_get(cfg, SPEC_STRTAB_CFG_SPLIT);
	bool two_level = spec_get(cfg, SPEC_STRTAB_CFG_FMT) == SPEC_STRTAB_FMT_2LVL;
	u64 size;

	memset(st, 0xa5, sizeof(*st));
	arm_smmu_pkvm_decode_strtab(hw, base, cfg, st);

	CHECK(st->log2size <= hw->sid_bits, "stream table log2size %u > %u StreamID bits",
	      st->log2size, hw->sid_bits);
	CHECK(st->log2size == (log2size < hw->sid_bits ? log2size : hw->sid_bits),
	      "stream table log2size %u, LOG2SIZE %u", st->log2size, log2size);
	/*
	 * The SMMU aligns the table to its size: a linear table to
	 * 64 << LOG2SIZE bytes, a 2-level one to its level-1 table, 8 bytes
	 * per descriptor and at least 64 bytes.
	 */
	if (two_level)
		size = st->log2size > split ? 8ULL << (st->log2size - split) : 8;
	else
		size = 64ULL << st->log2size;
	if (size < 64)
		size = 64;
	CHECK(st->addr == (base & SPEC_STRTAB_BASE_ADDR & ~(size - 1)),
	      "stream table address %#llx, STRTAB_BASE %#llx, table size %#llx",
	      st->addr, base, size);
	if (two_level) {
		CHECK(st->split == split, "split %u, STRTAB_BASE_CFG.SPLIT %u",
		      st->split, split);
		CHECK(st->valid == (split == 6 || split == 8 || split == 10),
		      "2-level table with split %u %s", split,
		      st->valid ? "accepted" : "refused");
	} else {
		CHECK(!st->split, "linear table with split %u", st->split);
	}
}

/* Whether @sid has an STE, from the architecture */
static bool covered(const struct arm_smmu_pkvm_strtab *st, u64 l1desc, u32 sid)
{
	u64 span = spec_get(l1desc, SPEC_L1_DESC_SPAN);
	u64 idx;

	if (!st->valid || sid >= BIT_ULL(st->log2size))
		return false;
	if (!st->split)
		return true;
	idx = sid & (BIT_ULL(st->split) - 1);
	return span >= 1 && span <= st->split + 1 && idx < BIT_ULL(span - 1);
}

static void check_sid(const struct arm_smmu_pkvm_strtab *st, u32 sid, u64 l1desc)
{
	u64 addr = ~0ULL, start, size, nr_l1, want;
	bool ret;

	cur_sid = sid;
	cur_l1desc = l1desc;
	cur_addr = addr;

	/* The level-1 descriptor, inside the level-1 table */
	ret = arm_smmu_pkvm_l1_desc_addr(st, sid, &addr);
	cur_addr = addr;
	CHECK(ret == (st->valid && st->split && sid < BIT_ULL(st->log2size)),
	      "l1_desc_addr() returned %d", ret);
	if (ret) {
		nr_l1 = st->log2size > st->split ? BIT_ULL(st->log2size - st->split) : 1;
		CHECK(addr == st->addr + ((u64)sid >> st->split) * 8,
		      "level-1 descriptor for the wrong StreamID");
		CHECK(addr >= st->addr && addr + 8 <= st->addr + nr_l1 * 8 &&
		      st->addr + nr_l1 * 8 > st->addr,
		      "level-1 descriptor outside the level-1 table of %llu entries", nr_l1);
	}

	/* The STE, inside the table or span that holds it */
	addr = ~0ULL;
	ret = arm_smmu_pkvm_ste_addr(st, l1desc, sid, &addr);
	if (FUZZ_SELFTEST_BREAK == 5 && ret)
		addr += SPEC_STE_SIZE << (st->split ? st->split : st->log2size);
	cur_addr = addr;
	CHECK(ret == covered(st, l1desc, sid), "ste_addr() returned %d for a StreamID %s",
	      ret, ret ? "the table does not cover" : "the table covers");
	if (!ret)
		return;

	/* The linear table, or the span of the level-2 table */
	if (!st->split) {
		start = st->addr;
		size = SPEC_STE_SIZE << st->log2size;
		want = start + sid * SPEC_STE_SIZE;
	} else {
		/* L2Ptr[N:0] read as zero, N = 5 + (SPAN - 1) (IHI 0070, L1STD) */
		size = SPEC_STE_SIZE << (spec_get(l1desc, SPEC_L1_DESC_SPAN) - 1);
		start = l1desc & SPEC_L1_DESC_L2PTR & ~(size - 1);
		want = start + (sid & (BIT_ULL(st->split) - 1)) * SPEC_STE_SIZE;
	}
	CHECK(start + size > start, "table [%#llx, +%#llx) wraps", start, size);
	CHECK(addr >= start && addr + SPEC_STE_SIZE <= start + size,
	      "STE address %#llx outside the table [%#llx, +%#llx)", addr, start, size);
	CHECK(addr == want, "STE address %#llx for the wrong StreamID, not %#llx",
	      addr, want);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct arm_smmu_pkvm_strtab *st = &cur_st;
	struct arm_smmu_pkvm_hw hw;
	u64 l1desc;
	u32 end;
	int n;

	fuzz_dump_ctx = dump;
	fuzz_hw(&in, &hw);
	cur_base = fuzz_get(&in, 8);
	cur_cfg = fuzz_get(&in, 4);
	check_decode(&hw, cur_base, cur_cfg, st);

	for (n = 0; n < 32 && (n == 0 || in.size); n++) {
		cur_sid = fuzz_get(&in, 4);
		l1desc = fuzz_get(&in, 8);
		check_sid(st, cur_sid, l1desc);
		if (n)
			continue;
		end = BIT_ULL(st->log2size);
		check_sid(st, 0, l1desc);
		check_sid(st, end - 1, l1desc);
		check_sid(st, end, l1desc);
	}
	return 0;
}
