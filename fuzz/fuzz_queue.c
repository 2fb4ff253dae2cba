// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: host queue BASE registers (arm_smmu_pkvm_decode_queue) and
 * the queue pointer helpers of arm-smmu-v3-hw.h, which the kernel driver
 * uses too, against a reference model, for every queue size.
 *
 * Input: BASE (u64), a byte selecting max_shift (0-31, or the host command
 * or event queue limit) and a byte selecting the entry size, then pointer
 * pairs (prod u32, cons u32).
 *
 * FUZZ_SELFTEST_BREAK=4 misaligns the decoded queue.
 */
#include "common.h"

static u64 cur_base;
static u32 cur_max_shift, cur_ent, cur_shift, cur_prod, cur_cons;
static struct arm_smmu_pkvm_queue cur_q;

static void dump(void)
{
	fprintf(stderr, "  BASE %#llx max_shift %u ent_size %u -> addr %#llx shift %u\n",
		cur_base, cur_max_shift, cur_ent, cur_q.addr, cur_q.shift);
	fprintf(stderr, "  pointers: shift %u prod %#x cons %#x\n",
		cur_shift, cur_prod, cur_cons);
}

static void check_decode(u64 base, u32 max_shift, u32 ent)
{
	struct arm_smmu_pkvm_queue *q = &cur_q;
	u64 log2size = spec_get(base, SPEC_Q_BASE_LOG2SIZE), size, want;

	cur_base = base;
	cur_max_shift = max_shift;
	cur_ent = ent;
	memset(q, 0xa5, sizeof(*q));
	arm_smmu_pkvm_decode_queue(base, max_shift, ent, q);
	if (FUZZ_SELFTEST_BREAK == 4)
		q->addr += 16;

	CHECK(q->shift <= max_shift, "queue shift %u > max_shift %u", q->shift, max_shift);
	CHECK(q->shift == (log2size < max_shift ? log2size : max_shift),
	      "queue shift %u, BASE.LOG2SIZE %llu", q->shift, log2size);
	size = (u64)ent << q->shift;
	if (size < 32)
		size = 32;
	CHECK(!(q->addr & (size - 1)), "queue address %#llx not aligned to its size %#llx",
	      q->addr, size);
	CHECK(!(q->addr & ~SPEC_Q_BASE_ADDR), "queue address %#llx outside BASE.ADDR",
	      q->addr);
	want = base & SPEC_Q_BASE_ADDR & ~(size - 1);
	CHECK(q->addr == want, "queue address %#llx, BASE gives %#llx", q->addr, want);
	CHECK(q->addr + size > q->addr && q->addr + size <= SPEC_PA_LIMIT,
	      "queue [%#llx, +%#llx) wraps or ends above 2^52", q->addr, size);
}

/* The queue pointer helpers against a model with 64-bit arithmetic */
static void check_ptrs(u32 shift, u32 prod, u32 cons)
{
	u64 n = 1ULL << shift, wrap = 2 * n;
	u64 pi = prod % n, ci = cons % n, pw = (prod / n) & 1, cw = (cons / n) & 1;
	s64 model_used = pw == cw ? (s64)pi - (s64)ci : (s64)(n - ci + pi);
	bool valid = model_used >= 0 && (u64)model_used <= n;
	u32 used, p, nr, idx, steps, i;

	cur_shift = shift;
	cur_prod = prod;
	cur_cons = cons;

	CHECK(arm_smmu_q_ptr(prod, shift) == (u32)(prod % wrap),
	      "q_ptr(%#x, %u) = %#x", prod, shift, arm_smmu_q_ptr(prod, shift));
	CHECK(arm_smmu_q_idx(prod, shift) == pi, "q_idx(%#x, %u) = %#x",
	      prod, shift, arm_smmu_q_idx(prod, shift));
	CHECK(arm_smmu_q_wrp(prod, shift) == pw << shift, "q_wrp(%#x, %u) = %#x",
	      prod, shift, arm_smmu_q_wrp(prod, shift));
	/* The overflow flag (bit 31) stays, the other flags go. */
	CHECK(arm_smmu_q_inc_n(prod, shift, 1) ==
	      ((prod & BIT(31)) | (u32)(((u64)prod + 1) % wrap)),
	      "q_inc_n(%#x, %u, 1) = %#x", prod, shift, arm_smmu_q_inc_n(prod, shift, 1));
	CHECK(arm_smmu_q_inc_n(prod, shift, cons % wrap) ==
	      ((prod & BIT(31)) | (u32)(((u64)prod + cons % wrap) % wrap)),
	      "q_inc_n(%#x, %u, %#llx) = %#x", prod, shift, cons % wrap,
	      arm_smmu_q_inc_n(prod, shift, cons % wrap));

	used = arm_smmu_q_used(prod, cons, shift);
	CHECK(used == (u32)(((u64)prod - cons) % wrap), "q_used(%#x, %#x, %u) = %#x",
	      prod, cons, shift, used);
	CHECK((used <= n) == valid, "q_used() = %#x for %s pointers", used,
	      valid ? "valid" : "invalid");
	if (!valid)
		return;
	CHECK(used == (u64)model_used, "q_used() = %#x, %lld entries in the queue",
	      used, (long long)model_used);

	/*
	 * Consume as the hypervisor does: contiguous runs up to the end of
	 * the queue, one q_inc_n() per entry. Small queues only, for speed.
	 */
	if (shift > 8)
		return;
	p = arm_smmu_q_ptr(cons, shift);
	prod = arm_smmu_q_ptr(prod, shift);
	for (steps = 0; p != prod; steps++) {
		CHECK(steps < 2, "consuming %#x entries takes more than 2 runs", used);
		idx = arm_smmu_q_idx(p, shift);
		nr = arm_smmu_q_used(prod, p, shift);
		if (nr > n - idx)
			nr = n - idx;
		CHECK(nr && idx + nr <= n, "run of %u entries from index %u overruns %llu",
		      nr, idx, n);
		for (i = 0; i < nr; i++)
			p = arm_smmu_q_inc_n(p, shift, 1);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u32 fixed[] = { ARM_SMMU_PKVM_HOST_CMDQS, ARM_SMMU_PKVM_HOST_EVTQS,
				     ARM_SMMU_PKVM_CMDQ_SHIFT, ARM_SMMU_PKVM_EVTQ_SHIFT };
	struct fuzz_in in = { data, size };
	u32 sel, ent, shift, prod, cons;
	u64 base;
	int n;

	fuzz_cur_hw = NULL;
	fuzz_dump_ctx = dump;
	base = fuzz_get(&in, 8);
	sel = fuzz_get(&in, 1);
	ent = fuzz_get(&in, 1);

	/* Entry sizes: commands (16), events (32), or any power of two to 64 */
	ent = ent < 0x80 ? (ent & 1 ? 32 : 16) : 1U << (ent % 7);
	/* The hypervisor's limits, or any shift the pointers can describe */
	check_decode(base, sel < 0x80 ? fixed[sel % ARRAY_SIZE(fixed)] : sel % 32, ent);
	check_decode(base, ARM_SMMU_PKVM_HOST_CMDQS, 1 << CMDQ_ENT_SZ_SHIFT);
	check_decode(base, ARM_SMMU_PKVM_HOST_EVTQS, 1 << EVTQ_ENT_SZ_SHIFT);

	for (n = 0; n < 16 && (n == 0 || in.size); n++) {
		prod = fuzz_get(&in, 4);
		cons = fuzz_get(&in, 4);
		for (shift = 0; shift < 32; shift++) {
			check_ptrs(shift, prod, cons);
			check_ptrs(shift, prod, prod);
			check_ptrs(shift, cons + (1U << shift), cons);
			check_ptrs(shift, prod, prod + 1);
		}
	}
	return 0;
}
