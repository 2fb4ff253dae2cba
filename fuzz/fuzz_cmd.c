// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: what happens to a host command (arm_smmu_pkvm_filter_cmd).
 *
 * Input: hardware (FUZZ_HW_BYTES), then up to 64 host commands of 16
 * bytes (dword 0, dword 1).
 *
 * FUZZ_SELFTEST_BREAK=2 lets the host's VMID through in forwarded TLBIs.
 */
#include "common.h"

static struct arm_smmu_cmd cur_in;
static struct arm_smmu_pkvm_cmd_res cur_res;

static void dump(void)
{
	fprintf(stderr, "  host command: %#018llx %#018llx (opcode %#04llx)\n",
		cur_in.data[0], cur_in.data[1], cur_in.data[0] & SPEC_CMD0_OP);
	fprintf(stderr, "  action %d, out %#018llx %#018llx, sid %u, nr %llu\n",
		cur_res.action, cur_res.out.data[0], cur_res.out.data[1],
		cur_res.sid, cur_res.nr);
}

static void forge(const struct arm_smmu_cmd *in, struct arm_smmu_pkvm_cmd_res *res)
{
	u64 op = res->out.data[0] & SPEC_CMD0_OP;
	u64 vmid = spec_get(in->data[0], SPEC_TLBI0_VMID);

	if (FUZZ_SELFTEST_BREAK == 2 && res->action == ARM_SMMU_PKVM_CMD_FORWARD &&
	    op >= SPEC_OP_TLBI_NH_ALL) {
		res->out.data[0] &= ~SPEC_TLBI0_VMID;
		res->out.data[0] |= spec_prep(SPEC_TLBI0_VMID,
					      vmid == ARM_SMMU_PKVM_VMID ? 0 : vmid);
	}
}

static bool sid_ok(const struct arm_smmu_pkvm_hw *hw, u64 sid)
{
	return sid < BIT_ULL(hw->sid_bits);
}

static void check_forward(const struct arm_smmu_pkvm_hw *hw,
			  const struct arm_smmu_cmd *in,
			  const struct arm_smmu_cmd *out)
{
	u64 i0 = in->data[0], i1 = in->data[1], o0 = out->data[0], o1 = out->data[1];
	u64 iop = i0 & SPEC_CMD0_OP, op = o0 & SPEC_CMD0_OP;
	u64 known0 = SPEC_CMD0_OP, known1 = 0, same0 = 0, same1 = 0;

	switch (op) {
	case SPEC_OP_CFGI_CD:
		known0 |= SPEC_CMD0_SID | SPEC_CMD0_SSID;
		known1 = SPEC_CMD1_LEAF;
		same0 = known0;
		same1 = known1;
		CHECK(spec_get(o0, SPEC_CMD0_SSID) < BIT_ULL(hw->ssid_bits),
		      "CFGI_CD forwarded with SSID %#llx, %u SubstreamID bits",
		      spec_get(o0, SPEC_CMD0_SSID), hw->ssid_bits);
		break;
	case SPEC_OP_CFGI_CD_ALL:
		known0 |= SPEC_CMD0_SID;
		same0 = known0;
		break;
	case SPEC_OP_TLBI_NH_ALL:
	case SPEC_OP_TLBI_NH_ASID:
	case SPEC_OP_TLBI_NH_VA:
	case SPEC_OP_TLBI_NH_VAA:
	case SPEC_OP_TLBI_S12_VMALL:
		known0 |= SPEC_TLBI0_VMID;
		same0 = SPEC_CMD0_OP;
		if (op == SPEC_OP_TLBI_NH_ASID || op == SPEC_OP_TLBI_NH_VA) {
			known0 |= SPEC_TLBI0_ASID;
			same0 |= SPEC_TLBI0_ASID;
		}
		if (op == SPEC_OP_TLBI_NH_VA || op == SPEC_OP_TLBI_NH_VAA) {
			known1 = SPEC_CMD1_LEAF | SPEC_TLBI1_ADDR;
			/* Range fields are RES0 without range invalidation */
			if (hw->idr[3] & SPEC_IDR3_RIL) {
				known0 |= SPEC_TLBI0_NUM | SPEC_TLBI0_SCALE;
				same0 |= SPEC_TLBI0_NUM | SPEC_TLBI0_SCALE;
				known1 |= SPEC_TLBI1_TTL | SPEC_TLBI1_TG;
			}
			same1 = known1;
		}
		CHECK(spec_get(o0, SPEC_TLBI0_VMID) == ARM_SMMU_PKVM_VMID,
		      "TLBI forwarded with VMID %llu, not the hypervisor's %u",
		      spec_get(o0, SPEC_TLBI0_VMID), ARM_SMMU_PKVM_VMID);
		if (op == SPEC_OP_TLBI_S12_VMALL) {
			CHECK(iop == SPEC_OP_TLBI_NSNH_ALL,
			      "TLBI_S12_VMALL forwarded for host opcode %#llx", iop);
			same0 = 0;
		}
		break;
	default:
		CHECK(0, "opcode %#llx forwarded: not in the allow-list", op);
	}

	if (op == SPEC_OP_CFGI_CD || op == SPEC_OP_CFGI_CD_ALL)
		CHECK(sid_ok(hw, spec_get(o0, SPEC_CMD0_SID)),
		      "CFGI_CD* forwarded with StreamID %#llx, %u StreamID bits",
		      spec_get(o0, SPEC_CMD0_SID), hw->sid_bits);
	if (op != SPEC_OP_TLBI_S12_VMALL)
		CHECK(op == iop, "host opcode %#llx forwarded as %#llx", iop, op);
	CHECK(!(o0 & ~known0) && !(o1 & ~known1),
	      "opcode %#llx forwarded with bits outside its fields: %#llx %#llx",
	      op, o0 & ~known0, o1 & ~known1);
	CHECK((o0 & same0) == (i0 & same0) && (o1 & same1) == (i1 & same1),
	      "opcode %#llx: a field the host set did not pass unchanged", op);
}

static void check_cfgi_ste(const struct arm_smmu_pkvm_hw *hw,
			   const struct arm_smmu_cmd *in,
			   const struct arm_smmu_pkvm_cmd_res *res)
{
	u64 sid = spec_get(in->data[0], SPEC_CMD0_SID), nr = 1;
	u64 range = spec_get(in->data[1], SPEC_CMD1_RANGE);
	u64 limit = BIT_ULL(hw->sid_bits), end;

	if ((in->data[0] & SPEC_CMD0_OP) == SPEC_OP_CFGI_STE_RANGE) {
		/* Range 31 is every StreamID; else an aligned power of two */
		if (range == 31) {
			sid = 0;
			nr = limit;
		} else {
			nr = BIT_ULL(range + 1);
			sid &= ~(nr - 1);
		}
	}
	end = sid + nr < limit ? sid + nr : limit;

	if (sid >= limit) {
		CHECK(res->action == ARM_SMMU_PKVM_CMD_REJECT,
		      "CFGI of StreamIDs from %#llx accepted, %u StreamID bits",
		      sid, hw->sid_bits);
		return;
	}
	CHECK(res->action == ARM_SMMU_PKVM_CMD_CFGI_STE,
	      "CFGI of valid StreamIDs not re-shadowed (action %d)", res->action);
	CHECK(res->nr >= 1 && (u64)res->sid + res->nr >= res->sid &&
	      (u64)res->sid + res->nr <= limit,
	      "CFGI re-shadows StreamIDs [%#x, +%#llx) beyond %u StreamID bits",
	      res->sid, res->nr, hw->sid_bits);
	CHECK(res->sid == sid && res->sid + res->nr == end,
	      "CFGI re-shadows [%#x, +%#llx), the host invalidated [%#llx, %#llx)",
	      res->sid, res->nr, sid, end);
}

static void check_cmd(const struct arm_smmu_pkvm_hw *hw,
		      const struct arm_smmu_cmd *in,
		      const struct arm_smmu_pkvm_cmd_res *res)
{
	u64 op = in->data[0] & SPEC_CMD0_OP;
	u64 sid = spec_get(in->data[0], SPEC_CMD0_SID);
	u64 ssid = spec_get(in->data[0], SPEC_CMD0_SSID);
	const struct arm_smmu_cmd *out = &res->out;

	CHECK(res->action >= ARM_SMMU_PKVM_CMD_FORWARD &&
	      res->action <= ARM_SMMU_PKVM_CMD_REJECT, "unknown action %d",
	      res->action);

	switch (op) {
	case SPEC_OP_PREFETCH_CONFIG:
	case SPEC_OP_PREFETCH_ADDR:
		CHECK(res->action == ARM_SMMU_PKVM_CMD_DROP,
		      "prefetch opcode %#llx not dropped (action %d)", op, res->action);
		break;
	case SPEC_OP_CFGI_STE:
	case SPEC_OP_CFGI_STE_RANGE:
		check_cfgi_ste(hw, in, res);
		break;
	case SPEC_OP_CFGI_CD:
	case SPEC_OP_CFGI_CD_ALL:
		if (!sid_ok(hw, sid) ||
		    (op == SPEC_OP_CFGI_CD && ssid >= BIT_ULL(hw->ssid_bits))) {
			CHECK(res->action == ARM_SMMU_PKVM_CMD_REJECT,
			      "CFGI_CD* of SID %#llx SSID %#llx accepted (action %d)",
			      sid, ssid, res->action);
			break;
		}
		CHECK(res->action == ARM_SMMU_PKVM_CMD_FORWARD,
		      "valid CFGI_CD* not forwarded (action %d)", res->action);
		break;
	case SPEC_OP_TLBI_NH_ALL:
	case SPEC_OP_TLBI_NH_ASID:
	case SPEC_OP_TLBI_NH_VA:
	case SPEC_OP_TLBI_NH_VAA:
		/* Illegal on an SMMU without stage 1 (as the host sees it) */
		if (!(hw->idr[0] & SPEC_IDR0_S1P)) {
			CHECK(res->action == ARM_SMMU_PKVM_CMD_REJECT,
			      "TLBI_NH %#llx accepted without stage 1 (action %d)",
			      op, res->action);
			break;
		}
		CHECK(res->action == ARM_SMMU_PKVM_CMD_FORWARD,
		      "stage-1 TLBI %#llx not forwarded (action %d)", op, res->action);
		break;
	case SPEC_OP_TLBI_NSNH_ALL:
		CHECK(res->action == ARM_SMMU_PKVM_CMD_FORWARD,
		      "stage-1 TLBI %#llx not forwarded (action %d)", op, res->action);
		break;
	case SPEC_OP_CMD_SYNC:
		CHECK(res->action == ARM_SMMU_PKVM_CMD_SYNC,
		      "CMD_SYNC not handled as a sync (action %d)", res->action);
		CHECK((out->data[0] & SPEC_CMD0_OP) == SPEC_OP_CMD_SYNC,
		      "CMD_SYNC rewritten as opcode %#llx", out->data[0] & SPEC_CMD0_OP);
		CHECK(spec_get(out->data[0], SPEC_SYNC0_CS) == SPEC_SYNC_CS_NONE,
		      "CMD_SYNC issued with CS %llu", spec_get(out->data[0], SPEC_SYNC0_CS));
		CHECK(!(out->data[0] & SPEC_SYNC0_MSIDATA) &&
		      !(out->data[1] & SPEC_SYNC1_MSIADDR),
		      "CMD_SYNC issued with an MSI address or data");
		CHECK(!(out->data[0] & ~(SPEC_CMD0_OP | SPEC_SYNC0_CS | SPEC_SYNC0_MSH |
					 SPEC_SYNC0_MSIATTR)) && !out->data[1],
		      "CMD_SYNC issued with bits outside its fields");
		break;
	default:
		/*
		 * Stage-2 and EL2/EL3 TLBIs, ATC_INV, PRI_RESP, RESUME,
		 * STALL_TERM, CFGI_VMS_PIDM, secure and DPT commands,
		 * IMPLEMENTATION DEFINED and reserved opcodes.
		 */
		CHECK(res->action == ARM_SMMU_PKVM_CMD_REJECT,
		      "opcode %#llx is not in the allow-list but not rejected (action %d)",
		      op, res->action);
		break;
	}

	if (res->action == ARM_SMMU_PKVM_CMD_FORWARD)
		check_forward(hw, in, out);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct arm_smmu_pkvm_hw hw;
	int n;

	fuzz_dump_ctx = dump;
	fuzz_hw(&in, &hw);

	for (n = 0; n < 64 && (n == 0 || in.size); n++) {
		cur_in.data[0] = fuzz_get(&in, 8);
		cur_in.data[1] = fuzz_get(&in, 8);
		memset(&cur_res, 0xa5, sizeof(cur_res));
		arm_smmu_pkvm_filter_cmd(&hw, &cur_in, &cur_res);
		forge(&cur_in, &cur_res);
		check_cmd(&hw, &cur_in, &cur_res);
	}
	return 0;
}
