// SPDX-License-Identifier: GPL-2.0
/*
 * A malicious host, as a test module: it takes the SMMU away from the host's
 * arm-smmu-v3 driver by writing the (emulated) registers directly, installs
 * its own stream table, command queue, context descriptors and page tables,
 * forges what a compromised host kernel would forge, and points QEMU's edu
 * DMA engine at hypervisor memory to see what gets through.
 *
 * debugfs (/sys/kernel/debug/pkvm_attack/):
 *   target   write "<hyp va> <expected u64> <carve-out pa>": a kernel-image
 *            address in hypervisor memory whose content the host knows
 *            (hyp_memory[0].base), and a page of the hypervisor carve-out.
 *   run      write "all" or "name,name,...", then read the results: one line
 *            per scenario, "ok|not ok|skip attack: <name> # <detail>".
 *            "all" leaves out queue-share-race, which tests.sh runs with
 *            protected VMs coming and going on the side.
 *            "ok" means the attack was blocked and the host saw a defined
 *            result; "not ok" means it got through (or the test broke).
 *   hold     write 1: take the SMMU over and leave its command queue in
 *            error (CERROR_ILL, not acknowledged); write 0: check that the
 *            error is still there, acknowledge it, check that the queue
 *            runs again, and give the SMMU back. Between the two, the
 *            hypervisor must still be able to invalidate (tests.sh runs a
 *            VM, whose creation donates pages to the hypervisor).
 *   fuzz     write "<seed> <iterations>": random register accesses, STEs and
 *            command streams, then give the SMMU back; read the counts.
 *
 * Every DMA is checked against a control: the same path must reach a host
 * page, or the scenario reports an error instead of "blocked".
 *
 * The host's arm-smmu-v3 driver must be idle meanwhile (no DMA mapping
 * changes, no device attach): the harness runs this in an idle initramfs.
 */
#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/prandom.h>
#include <linux/arm-smccc.h>
#include <asm/kvm_asm.h>
#include <asm/memory.h>

#include "arm-smmu-v3.h"
/* edu's registers: the series' VFIO selftest driver's (see Kbuild). */
#include "registers.h"

#define EDU_TIMEOUT_MS		5000

/* STE fields arm-smmu-v3.h does not name */
#define STE_1_CONT		GENMASK_ULL(16, 13)

/* Our structures */
#define ST_LOG2SIZE		8		/* SIDs 0-255, one L2 table */
#define ST_ORDER		2		/* 256 * 64 bytes */
#define CMDQ_SHIFT		8		/* 256 commands, one page */
#define PT_PAGES		32
#define ATK_ASID			0x33
#define IOVA_CTL		0x10000000ULL
#define IOVA_HYP		0x20000000ULL
#define IOVA_FILL		0x30000000ULL
#define FILL_BYTE		0x5a
/* The hypervisor's VMID: a forged stage 2 would share its TLB entries */
#define FORGED_VMID		1

enum { R_PASS, R_FAIL, R_SKIP };

struct saved {
	u32 cr0, cr1, cr2, gbpa, irq_ctrl, strtab_cfg, cmdq_prod, cmdq_cons;
	u32 evtq_prod, evtq_cons;
	u64 strtab, cmdq, evtq;
};

struct atk {
	struct pci_dev *pdev;
	void __iomem *bar;
	void __iomem *smmu;
	struct mutex lock;
	struct dentry *dir;
	u32 sid, idr0, idr1, oas;
	bool taken, held;
	struct saved sv;

	/*
	 * Targets, from debugfs: hyp_val is at hyp_pa, in the page at
	 * hyp_page; and the word last read where hyp_val is.
	 */
	u64 hyp_pa, hyp_page, hyp_val, carve_pa, seen;

	/* Host memory the attacker owns */
	__le64 *l1;			/* level-1 stream table */
	__le64 *st;			/* its one level-2 table */
	struct arm_smmu_cmd *cmdq;	/* command queue, entries in LE */
	u32 prod;
	__le64 *cd;			/* one context descriptor */
	u64 *pt[PT_PAGES];		/* stage-1 and forged stage-2 tables */
	u32 nr_pt;
	u8 *ctl, *fill, *sink, *buf;	/* pages */
	u64 *scratch;			/* a page for forged tables and queues */

	/* Results of the last run */
	char *out;
	size_t len;
	u32 pass, fail, skip;
};

static struct atk *atk;

static u64 pa(const void *va)
{
	return virt_to_phys(va);
}

/* Registers */
static u32 rd(struct atk *a, u32 off)
{
	return readl_relaxed(a->smmu + off);
}

static void wr(struct atk *a, u32 off, u32 val)
{
	writel_relaxed(val, a->smmu + off);
}

static u64 rd64(struct atk *a, u32 off)
{
	return readq_relaxed(a->smmu + off);
}

static void wr64(struct atk *a, u32 off, u64 val)
{
	writeq_relaxed(val, a->smmu + off);
}

static int cr0_set(struct atk *a, u32 val)
{
	int i;

	wr(a, ARM_SMMU_CR0, val);
	for (i = 0; i < 1000; i++) {
		if (rd(a, ARM_SMMU_CR0ACK) == val)
			return 0;
		udelay(10);
	}
	return -ETIMEDOUT;
}

static void gbpa_set(struct atk *a, u32 val)
{
	wr(a, ARM_SMMU_GBPA, val | GBPA_UPDATE);
	udelay(10);
}

/* Our command queue */
static u32 q_wrap(u32 p)
{
	return p & (BIT(CMDQ_SHIFT + 1) - 1);
}

static int cmdq_wait(struct atk *a)
{
	u32 cons;
	int i;

	for (i = 0; i < 100000; i++) {
		cons = rd(a, ARM_SMMU_CMDQ_CONS);
		if (FIELD_GET(CMDQ_CONS_ERR, cons))
			return FIELD_GET(CMDQ_CONS_ERR, cons);
		if (q_wrap(cons) == q_wrap(a->prod))
			return 0;
		udelay(10);
	}
	return -ETIMEDOUT;
}

/*
 * Queue @n commands and wait for them. Returns 0, the CMDQ_CONS.ERR code
 * of a stopped queue, or -ETIMEDOUT.
 */
static int cmds(struct atk *a, const struct arm_smmu_cmd *c, u32 n)
{
	u32 i, j;

	for (i = 0; i < n; i++) {
		struct arm_smmu_cmd *e = &a->cmdq[a->prod & (BIT(CMDQ_SHIFT) - 1)];

		for (j = 0; j < CMDQ_ENT_DWORDS; j++)
			e->data[j] = cpu_to_le64(c[i].data[j]);
		a->prod = q_wrap(a->prod + 1);
	}
	wmb();
	wr(a, ARM_SMMU_CMDQ_PROD, a->prod);
	return cmdq_wait(a);
}

static int cmd1(struct atk *a, struct arm_smmu_cmd c)
{
	return cmds(a, &c, 1);
}

static int sync(struct atk *a)
{
	return cmd1(a, arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0));
}

static bool gerror_cmdq(struct atk *a)
{
	return (rd(a, ARM_SMMU_GERROR) ^ rd(a, ARM_SMMU_GERRORN)) & GERROR_CMDQ_ERR;
}

/* Skip the failing command, as the Linux driver does, and restart. */
static int cmdq_ack(struct atk *a)
{
	u32 cons = rd(a, ARM_SMMU_CMDQ_CONS);
	struct arm_smmu_cmd s = arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0);
	struct arm_smmu_cmd *e = &a->cmdq[cons & (BIT(CMDQ_SHIFT) - 1)];

	e->data[0] = cpu_to_le64(s.data[0]);
	e->data[1] = cpu_to_le64(s.data[1]);
	wmb();
	wr(a, ARM_SMMU_GERRORN, rd(a, ARM_SMMU_GERROR));
	return cmdq_wait(a);
}

/* Forget every configuration and translation the SMMU may have cached. */
static int inv_all(struct atk *a)
{
	struct arm_smmu_cmd c[3] = {
		arm_smmu_make_cmd_cfgi_all(),
		arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_NSNH_ALL, 0, 0),
		arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0),
	};

	return cmds(a, c, ARRAY_SIZE(c));
}

/* STEs */
static void ste_write(struct atk *a, u32 sid, const u64 *dw)
{
	int i;

	for (i = 0; i < STRTAB_STE_DWORDS; i++)
		WRITE_ONCE(a->st[sid * STRTAB_STE_DWORDS + i], cpu_to_le64(dw[i]));
	wmb();
}

static int ste_set(struct atk *a, const u64 *dw)
{
	struct arm_smmu_cmd c[3] = {
		arm_smmu_make_cmd_cfgi_ste(a->sid, true),
		arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_NSNH_ALL, 0, 0),
		arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0),
	};

	ste_write(a, a->sid, dw);
	return cmds(a, c, ARRAY_SIZE(c));
}

/* The same, without touching the TLBs */
static int ste_set_keep_tlb(struct atk *a, const u64 *dw)
{
	struct arm_smmu_cmd c[2] = {
		arm_smmu_make_cmd_cfgi_ste(a->sid, true),
		arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0),
	};

	ste_write(a, a->sid, dw);
	return cmds(a, c, ARRAY_SIZE(c));
}

static void ste_bypass(u64 *dw)
{
	memset(dw, 0, 8 * sizeof(u64));
	dw[0] = STRTAB_STE_0_V |
		FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_BYPASS);
	dw[1] = FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
}

static void ste_s1(u64 *dw, u64 cd)
{
	memset(dw, 0, 8 * sizeof(u64));
	dw[0] = STRTAB_STE_0_V |
		FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) |
		FIELD_PREP(STRTAB_STE_0_S1FMT, STRTAB_STE_0_S1FMT_LINEAR) |
		(cd & STRTAB_STE_0_S1CTXPTR_MASK);
	dw[1] = FIELD_PREP(STRTAB_STE_1_S1DSS, STRTAB_STE_1_S1DSS_SSID0) |
		FIELD_PREP(STRTAB_STE_1_S1CIR, STRTAB_STE_1_S1C_CACHE_WBRA) |
		FIELD_PREP(STRTAB_STE_1_S1COR, STRTAB_STE_1_S1C_CACHE_WBRA) |
		FIELD_PREP(STRTAB_STE_1_S1CSH, ARM_SMMU_SH_ISH);
}

/*
 * A stage 2 the attacker writes itself: one level-1 table of 1 GiB blocks
 * mapping the first 512 GiB one-to-one, read-write, hypervisor included.
 */
static u64 *pt_page(struct atk *a);

static int s2_forge(struct atk *a, u64 *dw)
{
	u64 *l1 = pt_page(a);
	int i;

	if (!l1)
		return -ENOMEM;
	for (i = 0; i < 512; i++)
		l1[i] = ((u64)i << 30) | (3 << 6) | BIT(10) | (3 << 8) |
			(0xf << 2) | 1;
	dw[2] = FIELD_PREP(STRTAB_STE_2_S2VMID, FORGED_VMID) |
		FIELD_PREP(STRTAB_STE_2_VTCR,
			   FIELD_PREP(STRTAB_STE_2_VTCR_S2T0SZ, 25) |
			   FIELD_PREP(STRTAB_STE_2_VTCR_S2SL0, 1) |
			   FIELD_PREP(STRTAB_STE_2_VTCR_S2IR0, 1) |
			   FIELD_PREP(STRTAB_STE_2_VTCR_S2OR0, 1) |
			   FIELD_PREP(STRTAB_STE_2_VTCR_S2SH0, 3) |
			   FIELD_PREP(STRTAB_STE_2_VTCR_S2PS, 2)) |
		STRTAB_STE_2_S2AA64 | STRTAB_STE_2_S2R | STRTAB_STE_2_S2PTW;
	dw[3] = pa(l1) & STRTAB_STE_3_S2TTB_MASK;
	return 0;
}

/* Stage 1: a 4-level, 4 KiB-granule table and one context descriptor */
static u64 *pt_page(struct atk *a)
{
	if (a->nr_pt == PT_PAGES)
		return NULL;
	memset(a->pt[a->nr_pt], 0, PAGE_SIZE);
	return a->pt[a->nr_pt++];
}

static void pt_reset(struct atk *a)
{
	a->nr_pt = 0;
	pt_page(a);
}

static int pt_map(struct atk *a, u64 iova, u64 phys)
{
	u64 *t = a->pt[0];
	int lvl;

	for (lvl = 0; lvl < 3; lvl++) {
		u64 *e = &t[(iova >> (39 - 9 * lvl)) & 511];

		if (!*e) {
			u64 *n = pt_page(a);

			if (!n)
				return -ENOMEM;
			*e = pa(n) | 3;
		}
		t = phys_to_virt(*e & GENMASK_ULL(47, 12));
	}
	/* AF, inner shareable, read-write at any EL, MAIR index 0 */
	t[(iova >> 12) & 511] = (phys & GENMASK_ULL(47, 12)) | BIT(10) |
				(3 << 8) | BIT(6) | 3;
	wmb();
	return 0;
}

static void cd_make(struct atk *a, __le64 *cd, u64 ttb)
{
	memset(cd, 0, 8 * sizeof(u64));
	cd[0] = cpu_to_le64(FIELD_PREP(CTXDESC_CD_0_TCR_T0SZ, 16) |
			    FIELD_PREP(CTXDESC_CD_0_TCR_TG0, 0) |
			    FIELD_PREP(CTXDESC_CD_0_TCR_IRGN0, 1) |
			    FIELD_PREP(CTXDESC_CD_0_TCR_ORGN0, 1) |
			    FIELD_PREP(CTXDESC_CD_0_TCR_SH0, 3) |
			    FIELD_PREP(CTXDESC_CD_0_TCR_IPS, a->oas) |
			    CTXDESC_CD_0_TCR_EPD1 | CTXDESC_CD_0_R |
			    CTXDESC_CD_0_A | CTXDESC_CD_0_ASET |
			    CTXDESC_CD_0_AA64 | CTXDESC_CD_0_V |
			    FIELD_PREP(CTXDESC_CD_0_ASID, ATK_ASID));
	cd[1] = cpu_to_le64(ttb & CTXDESC_CD_1_TTB0_MASK);
	cd[3] = cpu_to_le64(0xff);	/* MAIR: index 0 normal write-back */
	wmb();
}

/*
 * The usual stage 1 of these attacks: IOVA_CTL maps the control page,
 * IOVA_HYP the hypervisor's page, IOVA_FILL the fill page.
 */
static int s1_std(struct atk *a)
{
	pt_reset(a);
	cd_make(a, a->cd, pa(a->pt[0]));
	return pt_map(a, IOVA_CTL, pa(a->ctl)) ?:
	       pt_map(a, IOVA_HYP, a->hyp_pa) ?:
	       pt_map(a, IOVA_FILL, pa(a->fill));
}

/* edu */
static int edu_dma(struct atk *a, u64 addr, bool to_ram)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(EDU_TIMEOUT_MS);

	writeq(to_ram ? EDU_BUFFER_ADDR : addr, a->bar + EDU_DMA_SRC);
	writeq(to_ram ? addr : EDU_BUFFER_ADDR, a->bar + EDU_DMA_DST);
	writeq(PAGE_SIZE, a->bar + EDU_DMA_COUNT);
	writeq(EDU_DMA_CMD_START | (to_ram ? EDU_DMA_CMD_TO_RAM : 0), a->bar + EDU_DMA_CMD);
	while (readq(a->bar + EDU_DMA_CMD) & EDU_DMA_CMD_START) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(1000, 2000);
	}
	return 0;
}

static int edu_start(struct atk *a, u64 addr)
{
	writeq(addr, a->bar + EDU_DMA_SRC);
	writeq(EDU_BUFFER_ADDR, a->bar + EDU_DMA_DST);
	writeq(PAGE_SIZE, a->bar + EDU_DMA_COUNT);
	writeq(EDU_DMA_CMD_START, a->bar + EDU_DMA_CMD);
	return 0;
}

static int edu_wait(struct atk *a)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(EDU_TIMEOUT_MS);

	while (readq(a->bar + EDU_DMA_CMD) & EDU_DMA_CMD_START) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(1000, 2000);
	}
	return 0;
}

/* Fill the device buffer with FILL_BYTE, through a bypass STE. */
static int edu_fill(struct atk *a)
{
	u64 dw[8];

	ste_bypass(dw);
	memset(a->fill, FILL_BYTE, PAGE_SIZE);
	return ste_set(a, dw) ?: edu_dma(a, pa(a->fill), false);
}

/* Copy the device buffer into a->buf, through a bypass STE. */
static int edu_drain(struct atk *a)
{
	u64 dw[8];
	int ret;

	ste_bypass(dw);
	memset(a->sink, 0, PAGE_SIZE);
	ret = ste_set(a, dw) ?: edu_dma(a, pa(a->sink), true);
	memcpy(a->buf, a->sink, PAGE_SIZE);
	return ret;
}

/*
 * Read a page at device address @addr with the STE @dw into a->buf.
 * Returns 0 when the DMA ran (whatever it read), or an error of the set-up.
 */
static int try_read(struct atk *a, const u64 *dw, u64 addr)
{
	int ret = edu_fill(a);

	if (ret)
		return ret;
	ret = ste_set(a, dw);
	if (ret)
		return ret;
	return edu_dma(a, addr, false) ?: edu_drain(a);
}

static bool seen_hyp(struct atk *a, const u8 *page)
{
	a->seen = *(u64 *)(page + offset_in_page(a->hyp_pa));
	return a->seen == a->hyp_val;
}

static bool got_hyp(struct atk *a)
{
	return seen_hyp(a, a->buf);
}

static bool got_ctl(struct atk *a)
{
	return !memcmp(a->buf, a->ctl, PAGE_SIZE);
}

static bool has_s1(struct atk *a)
{
	return a->idr0 & IDR0_S1P;
}

/*
 * Our stream table: two levels, as Linux writes it (QEMU keeps treating the
 * table as 2-level once it was, whatever STRTAB_BASE_CFG says later), one
 * level-1 descriptor spanning the 256 STEs of a->st.
 */
static void st_install(struct atk *a)
{
	memset(a->l1, 0, PAGE_SIZE);
	a->l1[0] = cpu_to_le64((pa(a->st) & STRTAB_L1_DESC_L2PTR_MASK) |
			       FIELD_PREP(STRTAB_L1_DESC_SPAN, ST_LOG2SIZE + 1));
	wmb();
	wr64(a, ARM_SMMU_STRTAB_BASE, pa(a->l1));
	wr(a, ARM_SMMU_STRTAB_BASE_CFG,
	   FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_2LVL) |
	   FIELD_PREP(STRTAB_BASE_CFG_SPLIT, ST_LOG2SIZE) |
	   FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, ST_LOG2SIZE));
}

/* Take the SMMU from the host's driver, and give it back */
static int take(struct atk *a)
{
	struct saved *s = &a->sv;
	int ret;

	s->cr0 = rd(a, ARM_SMMU_CR0);
	s->cr1 = rd(a, ARM_SMMU_CR1);
	s->cr2 = rd(a, ARM_SMMU_CR2);
	s->gbpa = rd(a, ARM_SMMU_GBPA);
	s->irq_ctrl = rd(a, ARM_SMMU_IRQ_CTRL);
	s->strtab = rd64(a, ARM_SMMU_STRTAB_BASE);
	s->strtab_cfg = rd(a, ARM_SMMU_STRTAB_BASE_CFG);
	s->cmdq = rd64(a, ARM_SMMU_CMDQ_BASE);
	s->cmdq_prod = rd(a, ARM_SMMU_CMDQ_PROD);
	s->cmdq_cons = rd(a, ARM_SMMU_CMDQ_CONS);
	s->evtq = rd64(a, ARM_SMMU_EVTQ_BASE);
	s->evtq_prod = rd(a, SZ_64K + ARM_SMMU_EVTQ_PROD);
	s->evtq_cons = rd(a, SZ_64K + ARM_SMMU_EVTQ_CONS);

	/*
	 * The host's driver must not handle the errors we cause: no GERROR
	 * interrupt, which the hypervisor raises for an emulated error. Its
	 * event queue stays on: it logs what the attacks cause.
	 */
	wr(a, ARM_SMMU_IRQ_CTRL, s->irq_ctrl & ~IRQ_CTRL_GERROR_IRQEN);
	ret = cr0_set(a, s->cr0 & CR0_EVTQEN);
	if (ret)
		return ret;
	memset(a->st, 0, PAGE_SIZE << ST_ORDER);
	memset(a->cmdq, 0, PAGE_SIZE);
	a->prod = 0;
	st_install(a);
	wr64(a, ARM_SMMU_CMDQ_BASE, pa(a->cmdq) | CMDQ_SHIFT);
	wr(a, ARM_SMMU_CMDQ_PROD, 0);
	wr(a, ARM_SMMU_CMDQ_CONS, 0);
	a->taken = true;
	ret = cr0_set(a, (s->cr0 & CR0_EVTQEN) | CR0_CMDQEN | CR0_SMMUEN);
	return ret ?: inv_all(a);
}

/* Our command queue, empty and running, whatever a scenario did to it */
static int q_reset(struct atk *a, u32 cr0)
{
	int ret = cr0_set(a, rd(a, ARM_SMMU_CR0) & ~(CR0_CMDQEN | CR0_SMMUEN));

	if (gerror_cmdq(a))
		wr(a, ARM_SMMU_GERRORN, rd(a, ARM_SMMU_GERROR));
	memset(a->cmdq, 0, PAGE_SIZE);
	a->prod = 0;
	wr64(a, ARM_SMMU_CMDQ_BASE, pa(a->cmdq) | CMDQ_SHIFT);
	wr(a, ARM_SMMU_CMDQ_PROD, 0);
	wr(a, ARM_SMMU_CMDQ_CONS, 0);
	return ret ?: cr0_set(a, (rd(a, ARM_SMMU_CR0) & CR0_EVTQEN) | cr0);
}

static int give_back(struct atk *a)
{
	struct saved *s = &a->sv;
	int ret, ret2;

	if (!a->taken)
		return 0;
	/* The host's stream table, re-read through our queue */
	ret = q_reset(a, CR0_CMDQEN);
	gbpa_set(a, s->gbpa);
	wr64(a, ARM_SMMU_STRTAB_BASE, s->strtab);
	wr(a, ARM_SMMU_STRTAB_BASE_CFG, s->strtab_cfg);
	ret = ret ?: cr0_set(a, (s->cr0 & CR0_EVTQEN) | CR0_CMDQEN | (s->cr0 & CR0_SMMUEN));
	ret = ret ?: inv_all(a);
	/* Then the host's command queue, where its driver left it */
	ret2 = cr0_set(a, s->cr0 & ~(CR0_CMDQEN | CR0_EVTQEN));
	wr64(a, ARM_SMMU_EVTQ_BASE, s->evtq);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_PROD, s->evtq_prod);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_CONS, s->evtq_cons);
	wr64(a, ARM_SMMU_CMDQ_BASE, s->cmdq);
	wr(a, ARM_SMMU_CMDQ_PROD, s->cmdq_prod);
	wr(a, ARM_SMMU_CMDQ_CONS, s->cmdq_cons);
	wr(a, ARM_SMMU_CR1, s->cr1);
	wr(a, ARM_SMMU_CR2, s->cr2);
	wr(a, ARM_SMMU_IRQ_CTRL, s->irq_ctrl);
	ret2 = ret2 ?: cr0_set(a, s->cr0);
	a->taken = false;
	return ret ?: ret2;
}

/* Results */
__printf(4, 5)
static void rec(struct atk *a, const char *name, int r, const char *fmt, ...)
{
	static const char * const tag[] = { "ok", "not ok", "skip" };
	size_t room = 4 * PAGE_SIZE - a->len;
	va_list ap;

	if (room < 2)
		return;
	a->len += scnprintf(a->out + a->len, room, "%s attack: %s # ", tag[r], name);
	va_start(ap, fmt);
	a->len += vscnprintf(a->out + a->len, 4 * PAGE_SIZE - a->len, fmt, ap);
	va_end(ap);
	a->len += scnprintf(a->out + a->len, 4 * PAGE_SIZE - a->len, "\n");
	if (r == R_PASS)
		a->pass++;
	else if (r == R_FAIL)
		a->fail++;
	else
		a->skip++;
}

/*
 * The common verdict of a read attack: @leak is whether hypervisor data
 * came back, @ctl whether the control read of a host page worked.
 */
static int verdict(struct atk *a, char *d, size_t n, bool leak, bool ctl,
		   const char *what)
{
	if (leak) {
		scnprintf(d, n, "LEAKED: %s: the device read the hypervisor's data (0x%llx at 0x%llx)",
			  what, a->hyp_val, a->hyp_pa);
		return R_FAIL;
	}
	if (!ctl) {
		scnprintf(d, n, "error: %s: the control read of a host page failed, so a block proves nothing",
			  what);
		return R_FAIL;
	}
	scnprintf(d, n, "blocked: %s (read 0x%llx where 0x%llx is); the control read of a host page through the same path worked",
		  what, a->seen, a->hyp_pa);
	return R_PASS;
}

#define SCENARIO(fn) static int fn(struct atk *a, char *d, size_t n)

/*
 * The usual read attack: with the STE @dw, the device reads the
 * hypervisor's page at @hyp_addr, then the control page at @ctl_addr.
 */
/*
 * The end of a read attack that got @leaks hypervisor words back, unless
 * @ret says it failed: the control read of a host page at @ctl_addr with
 * the STE @dw, and the verdict.
 */
static int control(struct atk *a, char *d, size_t n, int ret, const u64 *dw,
		   u64 ctl_addr, u32 leaks, const char *what)
{
	bool ctl;

	ret = ret ?: try_read(a, dw, ctl_addr);
	ctl = !ret && got_ctl(a);
	return verdict(a, d, n, leaks, ctl, what);
}

static int read_attack(struct atk *a, char *d, size_t n, const u64 *dw,
		       u64 hyp_addr, u64 ctl_addr, const char *what)
{
	int ret = try_read(a, dw, hyp_addr);

	return control(a, d, n, ret, dw, ctl_addr, !ret && got_hyp(a), what);
}

/* STE config bypass: the device at physical addresses */
SCENARIO(sc_ste_bypass)
{
	u64 dw[8];

	ste_bypass(dw);
	return read_attack(a, d, n, dw, a->hyp_page, pa(a->ctl),
			   "STE Config=bypass, DMA to the hypervisor's physical address");
}

/* STE stage 1 whose page tables map an IOVA onto hypervisor memory */
SCENARIO(sc_s1_pgtable)
{
	u64 dw[8];

	if (!has_s1(a))
		return scnprintf(d, n, "no stage 1 offered to the host (IDR0.S1P clear)"), R_SKIP;
	if (s1_std(a))
		return scnprintf(d, n, "error: out of page-table pages"), R_FAIL;
	ste_s1(dw, pa(a->cd));
	return read_attack(a, d, n, dw, IOVA_HYP, IOVA_CTL,
			   "STE stage 1, page table maps IOVA 0x20000000 to the hypervisor's page");
}

/* Stage 1 with forged stage-2 fields (dwords 2-3) mapping everything */
SCENARIO(sc_s1_forged_s2)
{
	u64 dw[8];

	if (!has_s1(a))
		return scnprintf(d, n, "no stage 1 offered to the host"), R_SKIP;
	ste_s1(dw, pa(a->cd));
	if (s1_std(a) || s2_forge(a, dw))
		return scnprintf(d, n, "error: out of page-table pages"), R_FAIL;
	return read_attack(a, d, n, dw, IOVA_HYP, IOVA_CTL,
			   "STE stage 1 with the host's own stage 2 (S2TTB, VMID, VTCR) in dwords 2-3");
}

/* Config stage 2 and nested with the host's stage 2 */
static int forged_cfg(struct atk *a, char *d, size_t n, u32 cfg)
{
	u64 dw[8] = {};
	bool leak;
	int ret;

	ret = s1_std(a);
	dw[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, cfg) |
		(pa(a->cd) & STRTAB_STE_0_S1CTXPTR_MASK);
	dw[1] = FIELD_PREP(STRTAB_STE_1_S1DSS, STRTAB_STE_1_S1DSS_SSID0);
	ret = ret ?: s2_forge(a, dw);
	ret = ret ?: try_read(a, dw, cfg == STRTAB_STE_0_CFG_S2_TRANS ? a->hyp_page : IOVA_HYP);
	leak = !ret && got_hyp(a);
	/* What must work: the same DMA with the device in bypass */
	ste_bypass(dw);
	return control(a, d, n, ret, dw, pa(a->ctl), leak, cfg == STRTAB_STE_0_CFG_S2_TRANS ?
		       "STE Config=stage 2 with the host's identity stage 2 (control: bypass)" :
		       "STE Config=nested with the host's stage 2 under its stage 1 (control: bypass)");
}

SCENARIO(sc_ste_s2)
{
	return forged_cfg(a, d, n, STRTAB_STE_0_CFG_S2_TRANS);
}

SCENARIO(sc_ste_nested)
{
	return forged_cfg(a, d, n, STRTAB_STE_0_CFG_NESTED);
}

/* Reserved configs 1-3 */
SCENARIO(sc_ste_reserved)
{
	u64 dw[8];
	u32 cfg, leaks = 0;
	int ret = 0;

	for (cfg = 1; cfg <= 3 && !ret; cfg++) {
		ste_bypass(dw);
		dw[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, cfg);
		ret = try_read(a, dw, a->hyp_page);
		leaks += !ret && got_hyp(a);
	}
	ste_bypass(dw);
	return control(a, d, n, ret, dw, pa(a->ctl), leaks,
		       "STE Config=1, 2, 3 (reserved) with bypass fields (control: bypass)");
}

/* Stage 1 with S1ContextPtr or TTB0 in hypervisor memory */
SCENARIO(sc_s1_ctxptr_hyp)
{
	u64 dw[8];
	u32 leaks = 0;
	int ret;

	if (!has_s1(a))
		return scnprintf(d, n, "no stage 1 offered to the host"), R_SKIP;
	ret = s1_std(a);
	/* The CD from the carve-out, then page tables from the carve-out */
	ste_s1(dw, a->carve_pa);
	ret = ret ?: try_read(a, dw, IOVA_HYP);
	leaks += !ret && got_hyp(a);
	ret = ret ?: try_read(a, dw, a->hyp_page);
	leaks += !ret && got_hyp(a);
	cd_make(a, a->cd, a->carve_pa);
	ste_s1(dw, pa(a->cd));
	ret = ret ?: try_read(a, dw, IOVA_HYP);
	leaks += !ret && got_hyp(a);
	/* Control: the CD and tables in host memory */
	cd_make(a, a->cd, pa(a->pt[0]));
	return control(a, d, n, ret, dw, IOVA_CTL, leaks,
		       "STE stage 1 with S1ContextPtr, then CD.TTB0, in the hypervisor carve-out");
}

/* STE fields the host must not control: CONT, EATS, MEV, S1STALLD, STRW */
SCENARIO(sc_ste_fields)
{
	const struct { u64 set; const char *what; } f[] = {
		{ FIELD_PREP(STE_1_CONT, 4), "CONT=4" },
		{ FIELD_PREP(STRTAB_STE_1_EATS, STRTAB_STE_1_EATS_TRANS), "EATS=full ATS" },
		{ FIELD_PREP(STRTAB_STE_1_EATS, STRTAB_STE_1_EATS_S1CHK), "EATS=split" },
		{ STRTAB_STE_1_MEV, "MEV" },
		{ FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_EL2), "STRW=EL2" },
		{ GENMASK_ULL(63, 52), "IMPLEMENTATION DEFINED bits" },
	};
	u64 dw[8];
	u32 i, leaks = 0;
	int ret;

	if (!has_s1(a))
		return scnprintf(d, n, "no stage 1 offered to the host"), R_SKIP;
	ret = s1_std(a);
	/* Fill the neighbours of the STE with bypass: what CONT would merge */
	for (i = 0; i < 16; i++) {
		ste_bypass(dw);
		if ((a->sid & ~15U) + i != a->sid)
			ste_write(a, (a->sid & ~15U) + i, dw);
	}
	/* ATS is also checked by the SMMU only with CR0.ATSCHK set: clear it */
	wr(a, ARM_SMMU_CR0, rd(a, ARM_SMMU_CR0) & ~CR0_ATSCHK);
	for (i = 0; i < ARRAY_SIZE(f) && !ret; i++) {
		ste_s1(dw, pa(a->cd));
		dw[1] |= f[i].set;
		ret = try_read(a, dw, IOVA_HYP);
		leaks += !ret && got_hyp(a);
		ret = ret ?: try_read(a, dw, a->hyp_page);
		leaks += !ret && got_hyp(a);
	}
	memset(dw, 0, sizeof(dw));
	for (i = 0; i < 16; i++)
		ste_write(a, (a->sid & ~15U) + i, dw);
	ste_s1(dw, pa(a->cd));
	return control(a, d, n, ret, dw, IOVA_CTL, leaks,
		       "STE stage 1 with CONT over 16 bypass neighbours, EATS full/split (ATSCHK clear), MEV, STRW=EL2, IMP DEF bits");
}

/* GBPA: with SMMUEN clear, bypass must mean the hypervisor's stage 2 */
SCENARIO(sc_gbpa_bypass)
{
	bool leak, ctl;
	int ret;

	ret = cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
	gbpa_set(a, 0);
	ret = ret ?: edu_dma(a, a->hyp_page, false);
	/* The device buffer goes out the same way */
	memset(a->sink, 0, PAGE_SIZE);
	ret = ret ?: edu_dma(a, pa(a->sink), true);
	leak = !ret && seen_hyp(a, a->sink);
	ret = ret ?: edu_dma(a, pa(a->ctl), false);
	memset(a->sink, 0, PAGE_SIZE);
	ret = ret ?: edu_dma(a, pa(a->sink), true);
	ctl = !ret && !memcmp(a->sink, a->ctl, PAGE_SIZE);
	gbpa_set(a, GBPA_ABORT);
	ret = cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_SMMUEN);
	if (!ret)
		ret = inv_all(a);
	if (ret)
		return scnprintf(d, n, "error: re-enabling the SMMU: %d", ret), R_FAIL;
	return verdict(a, d, n, leak, ctl, "SMMUEN clear, GBPA bypass, DMA to physical addresses");
}

/* SMMUEN cleared while a DMA is in flight, with GBPA bypass */
SCENARIO(sc_smmuen_midflight)
{
	u64 dw[8];
	bool leak;
	int ret;

	if (!has_s1(a))
		return scnprintf(d, n, "no stage 1 offered to the host"), R_SKIP;
	/* The IOVA that is the hypervisor's physical address maps the control page. */
	ret = s1_std(a) ?: pt_map(a, a->hyp_pa & PAGE_MASK, pa(a->ctl));
	ret = ret ?: edu_fill(a);
	ste_s1(dw, pa(a->cd));
	ret = ret ?: ste_set(a, dw);
	if (ret)
		return scnprintf(d, n, "error: set-up %d", ret), R_FAIL;
	gbpa_set(a, 0);
	/* edu runs a DMA 100 ms after it is started: disable in between. */
	edu_start(a, a->hyp_page);
	ret = cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
	ret = ret ?: edu_wait(a);
	gbpa_set(a, GBPA_ABORT);
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_SMMUEN);
	ret = ret ?: edu_drain(a);
	if (ret)
		return scnprintf(d, n, "error: %d", ret), R_FAIL;
	leak = got_hyp(a);
	if (leak)
		return scnprintf(d, n, "LEAKED: the in-flight DMA read the hypervisor's page after SMMUEN was cleared"), R_FAIL;
	return scnprintf(d, n, "blocked: DMA started under stage 1, SMMUEN cleared with GBPA bypass before it ran: it read %s",
			 got_ctl(a) ? "the control page (translated before the change)" :
			 "nothing of the hypervisor's page"), R_PASS;
}

/* Stream table in hypervisor memory, misaligned, oversized; L2 in hyp memory */
SCENARIO(sc_strtab_hyp)
{
	u64 dw[8];
	u32 leaks = 0, i;
	int ret;
	static const struct { int fmt; u32 log2; u32 split; u64 off; } t[] = {
		{ STRTAB_BASE_CFG_FMT_LINEAR, ST_LOG2SIZE, 0, 0 },
		{ STRTAB_BASE_CFG_FMT_LINEAR, 63, 0, 0x3c0 },	/* oversized, misaligned */
		{ STRTAB_BASE_CFG_FMT_2LVL, 16, 8, 0 },
		{ STRTAB_BASE_CFG_FMT_2LVL, 16, 31, 0x40 },	/* reserved split */
	};

	for (i = 0; i < ARRAY_SIZE(t) && !leaks; i++) {
		ret = edu_fill(a) ?: cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
		wr64(a, ARM_SMMU_STRTAB_BASE, a->carve_pa + t[i].off);
		wr(a, ARM_SMMU_STRTAB_BASE_CFG,
		   FIELD_PREP(STRTAB_BASE_CFG_FMT, t[i].fmt) |
		   FIELD_PREP(STRTAB_BASE_CFG_SPLIT, t[i].split) |
		   FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, t[i].log2));
		ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_SMMUEN);
		ret = ret ?: inv_all(a);
		ret = ret ?: edu_dma(a, a->hyp_page, false);
		if (ret)
			break;
		/* What the device read: out through a table of ours */
		cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
		st_install(a);
		ret = cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_SMMUEN) ?: edu_drain(a);
		leaks += !ret && got_hyp(a);
	}
	/* A 2-level table of ours whose L1 descriptor points into the carve-out */
	ret = ret ?: edu_fill(a);
	cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
	memset(a->scratch, 0, PAGE_SIZE);
	a->scratch[a->sid >> 8] = cpu_to_le64((a->carve_pa & STRTAB_L1_DESC_L2PTR_MASK) |
					      FIELD_PREP(STRTAB_L1_DESC_SPAN, 9));
	wmb();
	wr64(a, ARM_SMMU_STRTAB_BASE, pa(a->scratch));
	wr(a, ARM_SMMU_STRTAB_BASE_CFG,
	   FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_2LVL) |
	   FIELD_PREP(STRTAB_BASE_CFG_SPLIT, 8) |
	   FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, 16));
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_SMMUEN);
	ret = ret ?: inv_all(a);
	ret = ret ?: edu_dma(a, a->hyp_page, false);
	cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
	st_install(a);
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_SMMUEN);
	ret = ret ?: inv_all(a) ?: edu_drain(a);
	leaks += !ret && got_hyp(a);
	ste_bypass(dw);
	return control(a, d, n, ret, dw, pa(a->ctl), leaks,
		       "stream table in the carve-out (linear; oversized and misaligned; 2-level; reserved split), and an L2 table in the carve-out");
}

/* Command queue in hypervisor memory: the host must see CERROR_ABT */
SCENARIO(sc_cmdq_hyp)
{
	u32 cons, err;
	int ret;

	ret = cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_CMDQEN);
	/* Oversized (log2 31) and misaligned, in the carve-out */
	wr64(a, ARM_SMMU_CMDQ_BASE, (a->carve_pa + 0x20) | 31);
	wr(a, ARM_SMMU_CMDQ_PROD, 0);
	wr(a, ARM_SMMU_CMDQ_CONS, 0);
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_CMDQEN);
	wr(a, ARM_SMMU_CMDQ_PROD, 1);
	cons = rd(a, ARM_SMMU_CMDQ_CONS);
	err = FIELD_GET(CMDQ_CONS_ERR, cons);
	/* Put our queue back */
	cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_CMDQEN);
	if (gerror_cmdq(a))
		wr(a, ARM_SMMU_GERRORN, rd(a, ARM_SMMU_GERROR));
	memset(a->cmdq, 0, PAGE_SIZE);
	a->prod = 0;
	wr64(a, ARM_SMMU_CMDQ_BASE, pa(a->cmdq) | CMDQ_SHIFT);
	wr(a, ARM_SMMU_CMDQ_PROD, 0);
	wr(a, ARM_SMMU_CMDQ_CONS, 0);
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_CMDQEN);
	ret = ret ?: sync(a);
	if (ret)
		return scnprintf(d, n, "error: our queue does not work afterwards: %d", ret), R_FAIL;
	if (err != CMDQ_ERR_CERROR_ABT_IDX)
		return scnprintf(d, n, "queue in the carve-out: CMDQ_CONS 0x%x, expected CERROR_ABT (2)", cons), R_FAIL;
	return scnprintf(d, n, "queue in the carve-out (oversized, misaligned) stops with CERROR_ABT at entry 0 (CMDQ_CONS 0x%x); ours works again", cons), R_PASS;
}

/* Event queue in hypervisor memory: events must be dropped, not written */
SCENARIO(sc_evtq_hyp)
{
	u64 dw[8];
	u32 prod;
	int ret;

	ret = cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_EVTQEN);
	wr64(a, ARM_SMMU_EVTQ_BASE, (a->carve_pa + 0x40) | 31);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_PROD, 0);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_CONS, 0);
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_EVTQEN);
	/* A fault: an STE with config abort does not record, reserved does */
	memset(dw, 0, sizeof(dw));
	ret = ret ?: ste_set(a, dw);
	ret = ret ?: edu_dma(a, a->hyp_page, false);
	msleep(10);
	prod = rd(a, SZ_64K + ARM_SMMU_EVTQ_PROD);
	cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_EVTQEN);
	wr64(a, ARM_SMMU_EVTQ_BASE, a->sv.evtq);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_PROD, a->sv.evtq_prod);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_CONS, a->sv.evtq_cons);
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | (a->sv.cr0 & CR0_EVTQEN));
	if (ret)
		return scnprintf(d, n, "error: %d", ret), R_FAIL;
	if (prod & GENMASK(19, 0))
		return scnprintf(d, n, "EVTQ_PROD 0x%x: events were written to a queue in the carve-out", prod), R_FAIL;
	if (!(prod & Q_OVERFLOW_FLAG))
		return scnprintf(d, n, "EVTQ_PROD 0x%x: the event was neither written nor reported lost", prod), R_FAIL;
	return scnprintf(d, n, "queue in the carve-out (oversized, misaligned): the event was dropped and reported as an overflow (EVTQ_PROD 0x%x)",
			 prod), R_PASS;
}

/*
 * MSIs: IRQ_CFG0 and CMD_SYNC's MSI address aimed at a host page. The
 * emulation never gives them to the SMMU, so the page must stay untouched
 * (aimed at the hypervisor, the same write would be a corruption).
 */
SCENARIO(sc_msi)
{
	struct arm_smmu_cmd c = arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_IRQ, pa(a->sink));
	u64 dw[8], cfg0;
	u32 i, nz = 0;
	int ret;

	memset(a->sink, 0, PAGE_SIZE);
	c.data[0] |= FIELD_PREP(CMDQ_SYNC_0_MSIDATA, 0xfeedf00d);
	wr64(a, ARM_SMMU_GERROR_IRQ_CFG0, pa(a->sink) + 8);
	wr(a, ARM_SMMU_GERROR_IRQ_CFG1, 0xfeedf00d);
	wr64(a, ARM_SMMU_EVTQ_IRQ_CFG0, pa(a->sink) + 16);
	wr(a, ARM_SMMU_EVTQ_IRQ_CFG1, 0xfeedf00d);
	/* A SYNC with an MSI, an event, a command error */
	ret = cmd1(a, c);
	memset(dw, 0, sizeof(dw));
	dw[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, 1);
	ret = ret ?: ste_set(a, dw);
	ret = ret ?: edu_dma(a, a->hyp_page, false);
	if (!ret)
		ret = cmd1(a, arm_smmu_make_cmd_op(0xff)) > 0 ? cmdq_ack(a) : -EINVAL;
	msleep(20);
	for (i = 0; i < 64; i++)
		nz += !!a->sink[i];
	cfg0 = rd64(a, ARM_SMMU_GERROR_IRQ_CFG0);
	wr64(a, ARM_SMMU_GERROR_IRQ_CFG0, 0);
	wr64(a, ARM_SMMU_EVTQ_IRQ_CFG0, 0);
	if (ret)
		return scnprintf(d, n, "error: %d", ret), R_FAIL;
	if (nz)
		return scnprintf(d, n, "an MSI was written: %u bytes of the target page changed", nz), R_FAIL;
	return scnprintf(d, n, "CMD_SYNC MSI, GERROR_IRQ_CFG0 and EVTQ_IRQ_CFG0 aimed at a host page: nothing written (GERROR_IRQ_CFG0 reads back 0x%llx)",
			 cfg0), R_PASS;
}

/*
 * Every opcode. Allowed: prefetch (dropped), CFGI_*, TLBI_NH_* (only with
 * stage 1, as in hardware), NSNH_ALL, SYNC. Everything else must stop the
 * queue with CERROR_ILL.
 */
static bool op_allowed(u8 op, bool s1)
{
	switch (op) {
	case 0x10: case 0x11: case 0x12: case 0x13:
		return s1;
	case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
	case 0x30: case 0x46:
		return true;
	default:
		return false;
	}
}

SCENARIO(sc_opcodes)
{
	u32 op, ill = 0, ok = 0, bad = 0, first_bad = 0;
	bool s1 = has_s1(a);
	int ret;

	for (op = 0; op < 256; op++) {
		struct arm_smmu_cmd c = arm_smmu_make_cmd_op(op);

		/* StreamID and VMID fields that are in range */
		c.data[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, a->sid);
		if (op == CMDQ_OP_CFGI_ALL)
			c.data[1] = 31;
		ret = cmd1(a, c);
		if (ret == CMDQ_ERR_CERROR_ILL_IDX) {
			ill++;
			ret = cmdq_ack(a);
			if (op_allowed(op, s1) && !bad++)
				first_bad = op;
		} else if (!ret) {
			ok++;
			if (!op_allowed(op, s1) && !bad++)
				first_bad = op;
		}
		if (ret)
			return scnprintf(d, n, "error: opcode 0x%02x: %d", op, ret), R_FAIL;
	}
	if (bad)
		return scnprintf(d, n, "%u opcodes handled wrongly, first 0x%02x (%s)", bad, first_bad,
				 op_allowed(first_bad, s1) ? "rejected but allowed" : "accepted but must be rejected"), R_FAIL;
	return scnprintf(d, n, "256 opcodes: %u accepted (prefetch, CFGI, TLBI_NH, NSNH_ALL, SYNC), %u stopped the queue with CERROR_ILL (stage 2, EL2, EL3, ATS, PRI, stall, secure, DPTI, IMP DEF, reserved)",
			 ok, ill), R_PASS;
}

/*
 * VMID forgery: TLBIs naming another VMID are rebuilt with the hypervisor's,
 * so the host's invalidation still works; stage-2 TLBIs are refused.
 */
SCENARIO(sc_tlbi_vmid)
{
	struct arm_smmu_cmd c;
	u64 dw[8], bp[8];
	bool cached, fresh;
	int ret, s2;

	if (!has_s1(a))
		return scnprintf(d, n, "no stage 1 offered to the host"), R_SKIP;
	ste_bypass(bp);
	ste_s1(dw, pa(a->cd));
	memset(a->fill, 0xa5, PAGE_SIZE);
	/* Cache IOVA_CTL -> ctl, remap it to fill without invalidating */
	ret = s1_std(a) ?: ste_set(a, dw) ?: edu_dma(a, IOVA_CTL, false);
	ret = ret ?: pt_map(a, IOVA_CTL, pa(a->fill)) ?: edu_dma(a, IOVA_CTL, false);
	ret = ret ?: ste_set_keep_tlb(a, bp) ?: edu_dma(a, pa(a->sink), true);
	cached = !ret && !memcmp(a->sink, a->ctl, PAGE_SIZE);
	/* Invalidate with VMID 0x77, read again */
	c = arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_NH_VA, ATK_ASID, 0x77);
	c.data[1] = IOVA_CTL & CMDQ_TLBI_1_VA_MASK;
	ret = ret ?: ste_set_keep_tlb(a, dw) ?: cmd1(a, c) ?: sync(a);
	ret = ret ?: edu_dma(a, IOVA_CTL, false) ?: edu_drain(a);
	fresh = !ret && a->buf[0] == 0xa5 && a->buf[PAGE_SIZE - 1] == 0xa5;
	/* Stage-2 invalidation with the hypervisor's VMID: refused */
	c = arm_smmu_make_cmd_tlbi(CMDQ_OP_TLBI_S12_VMALL, 0, 1);
	s2 = cmd1(a, c);
	if (s2 == CMDQ_ERR_CERROR_ILL_IDX)
		cmdq_ack(a);
	if (ret)
		return scnprintf(d, n, "error: %d", ret), R_FAIL;
	if (s2 != CMDQ_ERR_CERROR_ILL_IDX)
		return scnprintf(d, n, "TLBI_S12_VMALL with VMID 1 was not refused (%d)", s2), R_FAIL;
	if (!fresh)
		return scnprintf(d, n, "TLBI_NH_VA with forged VMID 0x77 did not invalidate the host's stage-1 entry (stale data: 0x%02x)",
				 a->buf[0]), R_FAIL;
	return scnprintf(d, n, "TLBI_NH_VA with VMID 0x77 invalidated the host's entry (VMID rebuilt; %s); TLBI_S12_VMALL VMID 1 refused with CERROR_ILL",
			 cached ? "the remapped IOVA read stale data until then" :
			 "note: the SMMU did not serve the remapped IOVA from its TLB"), R_PASS;
}

/* StreamIDs and SubstreamIDs beyond what the SMMU offers the host */
SCENARIO(sc_sid_range)
{
	u32 sid_bits = FIELD_GET(IDR1_SIDSIZE, a->idr1), ill = 0, i;
	static const u64 sids[] = { 1ULL << 16, 1ULL << 20, 0xffffffffULL };
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(sids) && !ret; i++) {
		struct arm_smmu_cmd c[2] = {
			arm_smmu_make_cmd_cfgi_ste(0, true),
			arm_smmu_make_cmd_cfgi_cd(0, 0, true),
		};
		u32 j;

		if (sids[i] < BIT_ULL(sid_bits))
			continue;
		for (j = 0; j < 2 && !ret; j++) {
			c[j].data[0] &= ~CMDQ_CFGI_0_SID;
			c[j].data[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, sids[i]);
			ret = cmd1(a, c[j]);
			if (ret == CMDQ_ERR_CERROR_ILL_IDX) {
				ill++;
				ret = cmdq_ack(a);
			} else if (!ret) {
				ret = -EINVAL;
			}
		}
	}
	/* A CFGI_CD with an SSID beyond IDR1.SSIDSIZE */
	if (!ret) {
		u32 ssid_bits = FIELD_GET(IDR1_SSIDSIZE, a->idr1);

		ret = ssid_bits >= 20 ? 0 :
		      cmd1(a, arm_smmu_make_cmd_cfgi_cd(a->sid, BIT(ssid_bits), true));
		if (ret == CMDQ_ERR_CERROR_ILL_IDX) {
			ill++;
			ret = cmdq_ack(a);
		} else if (!ret && ssid_bits < 20) {
			ret = -EINVAL;
		}
	}
	if (ret)
		return scnprintf(d, n, "an out-of-range CFGI was not refused, or failed otherwise (%d); SIDSIZE %u", ret, sid_bits), R_FAIL;
	return scnprintf(d, n, "%u out-of-range CFGI_STE/CFGI_CD (StreamIDs 2^16, 2^20, 2^32-1; SIDSIZE %u; an SSID past SSIDSIZE) stopped with CERROR_ILL",
			 ill, sid_bits), R_PASS;
}

/* Queue pointers out of range, a huge CFGI range */
SCENARIO(sc_queue_ptrs)
{
	u32 before, after;
	int ret;

	before = rd(a, ARM_SMMU_CMDQ_CONS);
	/* PROD more than a queue ahead of CONS, and with stray high bits */
	wr(a, ARM_SMMU_CMDQ_PROD, q_wrap(a->prod + BIT(CMDQ_SHIFT) + 5) | 0xfff00000);
	after = rd(a, ARM_SMMU_CMDQ_CONS);
	wr(a, ARM_SMMU_CMDQ_PROD, a->prod);
	ret = sync(a);
	ret = ret ?: cmd1(a, arm_smmu_make_cmd_cfgi_all());
	ret = ret ?: sync(a);
	if (ret)
		return scnprintf(d, n, "error: the queue does not work afterwards: %d", ret), R_FAIL;
	if (FIELD_GET(CMDQ_CONS_ERR, after) || q_wrap(after) != q_wrap(before))
		return scnprintf(d, n, "inconsistent PROD moved CMDQ_CONS 0x%x -> 0x%x", before, after), R_FAIL;
	return scnprintf(d, n, "inconsistent CMDQ_PROD ignored (CMDQ_CONS stays 0x%x); CFGI_ALL over every StreamID completes", after), R_PASS;
}

/* CMDQEN cleared right after commands were queued */
SCENARIO(sc_cmdqen_off)
{
	struct arm_smmu_cmd c[64];
	u32 i, cons;
	int ret;

	for (i = 0; i < ARRAY_SIZE(c) - 1; i++)
		c[i] = arm_smmu_make_cmd_cfgi_ste(a->sid, true);
	c[i] = arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct arm_smmu_cmd *e = &a->cmdq[(a->prod + i) & (BIT(CMDQ_SHIFT) - 1)];

		e->data[0] = cpu_to_le64(c[i].data[0]);
		e->data[1] = cpu_to_le64(c[i].data[1]);
	}
	wmb();
	a->prod = q_wrap(a->prod + ARRAY_SIZE(c));
	wr(a, ARM_SMMU_CMDQ_PROD, a->prod);
	ret = cr0_set(a, rd(a, ARM_SMMU_CR0) & ~(CR0_CMDQEN | CR0_SMMUEN));
	cons = rd(a, ARM_SMMU_CMDQ_CONS);
	/* Reset the queue and carry on */
	wr(a, ARM_SMMU_CMDQ_CONS, a->prod);
	ret = ret ?: cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_CMDQEN | CR0_SMMUEN);
	ret = ret ?: inv_all(a);
	if (ret)
		return scnprintf(d, n, "error: %d", ret), R_FAIL;
	return scnprintf(d, n, "64 commands queued, CMDQEN and SMMUEN cleared at once: CMDQ_CONS 0x%x of PROD 0x%x, queue works after re-enabling",
			 cons, a->prod), R_PASS;
}

/*
 * Double fetch: rewrite the host STE between a stage-1 config and a
 * forged bypass with the host's own stage 2, from another CPU, while
 * CFGI_STE runs. Whatever the hypervisor copies, the DMA must not reach
 * its memory.
 */
struct flip {
	struct atk *a;
	u64 good[8], bad[8];
	unsigned long flips;
};

static int flip_fn(void *arg)
{
	struct flip *f = arg;
	u32 i;

	while (!kthread_should_stop()) {
		const u64 *dw = (f->flips++ & 1) ? f->bad : f->good;

		if (kthread_should_park())
			kthread_parkme();

		for (i = 0; i < 8; i++)
			WRITE_ONCE(f->a->st[f->a->sid * 8 + i], cpu_to_le64(dw[i]));
		cond_resched();
	}
	return 0;
}

SCENARIO(sc_double_fetch)
{
	struct task_struct *t;
	struct flip f = { .a = a };
	u32 i, leaks = 0, rounds = 40;
	int ret;

	if (num_online_cpus() < 2)
		return scnprintf(d, n, "one CPU: no concurrent rewrite possible"), R_SKIP;
	ret = s1_std(a) ?: pt_map(a, a->hyp_pa & PAGE_MASK, a->hyp_pa & PAGE_MASK);
	if (ret)
		return scnprintf(d, n, "error: %d", ret), R_FAIL;
	ste_s1(f.good, pa(a->cd));
	ste_bypass(f.bad);
	s2_forge(a, f.bad);
	ret = edu_fill(a);
	t = kthread_run(flip_fn, &f, "pkvm_attack_flip");
	if (IS_ERR(t))
		return scnprintf(d, n, "error: kthread %ld", PTR_ERR(t)), R_FAIL;
	for (i = 0; i < rounds && !ret; i++) {
		struct arm_smmu_cmd c[2] = {
			arm_smmu_make_cmd_cfgi_ste(a->sid, true),
			arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0),
		};

		ret = cmds(a, c, 2);
		/* The STE may be either: IOVA hyp_pa maps hyp_pa, or bypass. */
		ret = ret ?: edu_dma(a, a->hyp_page, false);
		if (ret)
			break;
		memset(a->sink, 0, PAGE_SIZE);
		/* Out through the control mapping, whatever the STE is now */
		kthread_park(t);
		{
			u64 dw[8];

			ste_bypass(dw);
			ret = ste_set(a, dw) ?: edu_dma(a, pa(a->sink), true);
		}
		kthread_unpark(t);
		leaks += !ret && seen_hyp(a, a->sink);
	}
	kthread_stop(t);
	if (ret)
		return scnprintf(d, n, "error: %d after %u rounds", ret, i), R_FAIL;
	if (leaks)
		return scnprintf(d, n, "LEAKED in %u of %u rounds (%lu rewrites)", leaks, rounds, f.flips), R_FAIL;
	return scnprintf(d, n, "%u CFGI_STE rounds against %lu concurrent rewrites of the STE (stage 1 <-> bypass with the host's stage 2): no DMA reached the hypervisor",
			 rounds, f.flips), R_PASS;
}

/*
 * The host's own share hypercalls against the pages of its queues, which
 * the hypervisor shares and pins while a queue is enabled: a kthread on
 * another CPU unshares (and now and then shares) the page in a loop, while
 * this one enables and disables both queues on it, so that the hypervisor
 * pins the page twice. Sharing and pinning in two steps, the hypervisor
 * could not undo a share the host took back between them (a fatal WARN at
 * EL2). Afterwards, the page must be pinned while a queue is on, and the
 * host's alone again once both are off.
 */
struct race {
	u64 pfn;
	unsigned long unshares, shares, unshared, shared;
};

static long hyp_call(u64 id, u64 arg)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(id, arg, &res);
	return res.a0 == SMCCC_RET_SUCCESS ? (long)res.a1 : -ENOSYS;
}

#define HC_SHARE	KVM_HOST_SMCCC_FUNC(__pkvm_host_share_hyp)
#define HC_UNSHARE	KVM_HOST_SMCCC_FUNC(__pkvm_host_unshare_hyp)

static int race_fn(void *arg)
{
	struct race *r = arg;

	while (!kthread_should_stop()) {
		r->unshared += !hyp_call(HC_UNSHARE, r->pfn);
		if (!(++r->unshares & 15)) {
			r->shared += !hyp_call(HC_SHARE, r->pfn);
			r->shares++;
		}
		cond_resched();
	}
	return 0;
}

static int queues_on(struct atk *a, u64 page, bool on)
{
	u32 cr0 = rd(a, ARM_SMMU_CR0) & ~(CR0_CMDQEN | CR0_EVTQEN);
	int ret = cr0_set(a, cr0);

	if (ret || !on)
		return ret;
	/* Both queues on one page: the second acquisition pins it again. */
	wr64(a, ARM_SMMU_CMDQ_BASE, page | CMDQ_SHIFT);
	wr64(a, ARM_SMMU_EVTQ_BASE, page | 4);
	return cr0_set(a, cr0 | CR0_CMDQEN | CR0_EVTQEN);
}

SCENARIO(sc_queue_share_race)
{
	struct race r = { .pfn = PHYS_PFN(pa(a->scratch)) };
	unsigned long deadline, toggles = 0;
	long on_unshare, on_share, off_unshare, off_share, off_reunshare;
	struct task_struct *t;
	int ret = 0;

	if (num_online_cpus() < 2)
		return scnprintf(d, n, "one CPU: no concurrent hypercalls possible"), R_SKIP;
	if (hyp_call(HC_UNSHARE, r.pfn) == -ENOSYS)
		return scnprintf(d, n, "no host hypercalls to race with"), R_SKIP;
	memset(a->scratch, 0, PAGE_SIZE);
	t = kthread_create(race_fn, &r, "pkvm_attack_race");
	if (IS_ERR(t))
		return scnprintf(d, n, "error: kthread %ld", PTR_ERR(t)), R_FAIL;
	kthread_bind(t, (raw_smp_processor_id() + 1) % num_online_cpus());
	wake_up_process(t);
	deadline = jiffies + 3 * HZ;
	while (!ret && time_before(jiffies, deadline)) {
		ret = queues_on(a, pa(a->scratch), true) ?:
		      queues_on(a, pa(a->scratch), false);
		toggles++;
	}
	kthread_stop(t);
	hyp_call(HC_UNSHARE, r.pfn);

	/* Quiet now: on, the page is pinned; off, it is the host's alone. */
	ret = ret ?: queues_on(a, pa(a->scratch), true);
	on_unshare = hyp_call(HC_UNSHARE, r.pfn);
	on_share = hyp_call(HC_SHARE, r.pfn);
	ret = ret ?: queues_on(a, pa(a->scratch), false);
	off_unshare = hyp_call(HC_UNSHARE, r.pfn);
	off_share = hyp_call(HC_SHARE, r.pfn);
	off_reunshare = hyp_call(HC_UNSHARE, r.pfn);

	/* The host's queues again, and ours must work. */
	wr64(a, ARM_SMMU_EVTQ_BASE, a->sv.evtq);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_PROD, a->sv.evtq_prod);
	wr(a, SZ_64K + ARM_SMMU_EVTQ_CONS, a->sv.evtq_cons);
	ret = ret ?: q_reset(a, CR0_CMDQEN | CR0_SMMUEN | (a->sv.cr0 & CR0_EVTQEN));
	ret = ret ?: sync(a);
	if (ret)
		return scnprintf(d, n, "error: %d after %lu queue toggles", ret, toggles), R_FAIL;
	if (on_unshare != -EBUSY || on_share != -EPERM || off_unshare != -EPERM ||
	    off_share || off_reunshare)
		return scnprintf(d, n, "page state after the race: queues on, unshare %ld (want -EBUSY) and share %ld (want -EPERM); off, unshare %ld (want -EPERM), share %ld and unshare %ld (want 0)",
				 on_unshare, on_share, off_unshare, off_share, off_reunshare), R_FAIL;
	return scnprintf(d, n, "%lu queue enable/disable rounds (both queues on one page) against %lu unshare and %lu share hypercalls of the page on another CPU (%lu and %lu went through): the hypervisor stayed up, the page is pinned while a queue is on and the host's alone after",
			 toggles, r.unshares, r.shares, r.unshared, r.shared), R_PASS;
}

/*
 * A hostile command queue: CFGI_ALLs, each covering every StreamID of a
 * stream table whose level-1 descriptors all point to our level-2 table,
 * while a kthread on another CPU rewrites its STEs (abort <-> bypass), so
 * that the shadows keep changing. Each trap, the CMDQ_PROD write and then
 * every CMDQ_CONS read, is timed from here with interrupts masked: the
 * time the CPU spent at EL2 for it, plus the trap itself. The times are
 * reported (make bench), not judged: the queue must drain without error,
 * and a CFGI_ALL afterwards must make a bypass STE effective (edu DMA).
 */
static unsigned int hostile_cmds = 16;
module_param(hostile_cmds, uint, 0444);
MODULE_PARM_DESC(hostile_cmds, "CFGI_ALLs in the hostile-cmdq queue (at most 255)");

struct rewrite {
	struct atk *a;
	unsigned long rounds;
};

static int rewrite_fn(void *arg)
{
	struct rewrite *w = arg;
	u64 dw[8];
	u32 sid, i;

	while (!kthread_should_stop()) {
		ste_bypass(dw);
		if (w->rounds++ & 1) {
			/* abort */
			dw[0] = STRTAB_STE_0_V;
			dw[1] = 0;
		}
		for (sid = 0; sid < BIT(ST_LOG2SIZE); sid++)
			for (i = 0; i < 8; i++)
				WRITE_ONCE(w->a->st[sid * 8 + i], cpu_to_le64(dw[i]));
		cond_resched();
	}
	return 0;
}

/* Time one trapping access, in ns: a write of @val, or a read into *@val */
static u64 timed(struct atk *a, u32 off, bool write, u32 *val)
{
	unsigned long flags;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	if (write)
		wr(a, off, *val);
	else
		*val = rd(a, off);
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	return t1 - t0;
}

/*
 * Every level-1 descriptor of a 16-bit stream table on our level-2 table:
 * 65536 StreamIDs, in 256 ranges, for the hypervisor to shadow. The
 * table's size can only change with SMMUEN clear.
 */
static int st_every_range(struct atk *a)
{
	u32 i;
	int ret;

	ret = cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
	if (ret)
		return ret;
	for (i = 0; i < BIT(16 - ST_LOG2SIZE); i++)
		a->l1[i] = cpu_to_le64((pa(a->st) & STRTAB_L1_DESC_L2PTR_MASK) |
				       FIELD_PREP(STRTAB_L1_DESC_SPAN, ST_LOG2SIZE + 1));
	wmb();
	wr(a, ARM_SMMU_STRTAB_BASE_CFG,
	   FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_2LVL) |
	   FIELD_PREP(STRTAB_BASE_CFG_SPLIT, ST_LOG2SIZE) |
	   FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, 16));
	return cr0_set(a, rd(a, ARM_SMMU_CR0) | CR0_SMMUEN);
}

/*
 * A bypass STE for every StreamID of every range (the firmware of QEMU's
 * virt machine gives the PCI host bridge all 65536), one CFGI_ALL: the
 * hypervisor must shadow them all, which tests.sh checks on its counters
 * (no stes_rejected), and edu's DMA must work. By name only: after "all".
 */
SCENARIO(sc_every_range)
{
	u64 dw[8];
	u32 i;
	int ret;

	ret = st_every_range(a);
	if (ret)
		return scnprintf(d, n, "error: SMMUEN off or on: %d", ret), R_FAIL;
	ste_bypass(dw);
	for (i = 0; i < BIT(ST_LOG2SIZE); i++)
		ste_write(a, i, dw);
	memset(a->sink, 0, PAGE_SIZE);
	memset(a->fill, FILL_BYTE, PAGE_SIZE);
	ret = inv_all(a) ?: edu_dma(a, pa(a->fill), false) ?:
	      edu_dma(a, pa(a->sink), true);
	if (ret)
		return scnprintf(d, n, "error: %d in the CFGI_ALL or DMA", ret), R_FAIL;
	if (memcmp(a->sink, a->fill, PAGE_SIZE))
		return scnprintf(d, n, "edu's bypass STE is not in effect"), R_FAIL;
	return scnprintf(d, n, "65536 bypass STEs in 256 ranges of StreamIDs, one CFGI_ALL: edu's DMA works"), R_PASS;
}

SCENARIO(sc_hostile_cmdq)
{
	u32 nr = min(hostile_cmds, BIT(CMDQ_SHIFT) - 1), i, cons = 0, idr0;
	u64 dt, max, sum, traps, start, end, slow = 0, idle_max = 0, idle_sum = 0;
	struct rewrite w = { .a = a };
	struct task_struct *t;
	unsigned long deadline;
	u64 dw[8];
	int ret;

	if (num_online_cpus() < 2)
		return scnprintf(d, n, "one CPU: no concurrent rewrite possible"), R_SKIP;
	ret = st_every_range(a);
	if (ret)
		return scnprintf(d, n, "error: SMMUEN off or on: %d", ret), R_FAIL;

	/*
	 * The same clock on a trap that does nothing (an ID register read):
	 * what the machine adds to any trap, TCG and host scheduling included.
	 */
	for (i = 0; i < 4096; i++) {
		dt = timed(a, ARM_SMMU_IDR0, false, &idr0);
		idle_max = max(idle_max, dt);
		idle_sum += dt;
	}

	t = kthread_create(rewrite_fn, &w, "pkvm_attack_rewrite");
	if (IS_ERR(t))
		return scnprintf(d, n, "error: kthread %ld", PTR_ERR(t)), R_FAIL;
	kthread_bind(t, (raw_smp_processor_id() + 1) % num_online_cpus());
	wake_up_process(t);

	/* The queue full: nr CFGI_ALLs and a CMD_SYNC */
	for (i = 0; i <= nr; i++) {
		struct arm_smmu_cmd c = i < nr ? arm_smmu_make_cmd_cfgi_all() :
				arm_smmu_make_cmd_sync(CMDQ_SYNC_0_CS_NONE, 0);
		struct arm_smmu_cmd *e = &a->cmdq[a->prod & (BIT(CMDQ_SHIFT) - 1)];

		e->data[0] = cpu_to_le64(c.data[0]);
		e->data[1] = cpu_to_le64(c.data[1]);
		a->prod = q_wrap(a->prod + 1);
	}
	wmb();
	start = ktime_get_ns();
	max = sum = timed(a, ARM_SMMU_CMDQ_PROD, true, &a->prod);
	traps = 1;
	ret = -ETIMEDOUT;
	deadline = jiffies + 300 * HZ;
	while (time_before(jiffies, deadline)) {
		dt = timed(a, ARM_SMMU_CMDQ_CONS, false, &cons);
		max = max(max, dt);
		sum += dt;
		slow += dt > NSEC_PER_MSEC;
		traps++;
		if (FIELD_GET(CMDQ_CONS_ERR, cons)) {
			ret = FIELD_GET(CMDQ_CONS_ERR, cons);
			break;
		}
		if (q_wrap(cons) == a->prod) {
			ret = 0;
			break;
		}
		cond_resched();
	}
	end = ktime_get_ns();
	kthread_stop(t);
	if (ret)
		return scnprintf(d, n, "error: the queue of %u CFGI_ALLs stopped with %d after %llu traps",
				 nr, ret, traps), R_FAIL;

	/* The last word is the host's: our STE as bypass, a CFGI_ALL */
	ste_bypass(dw);
	for (i = 0; i < BIT(ST_LOG2SIZE); i++)
		ste_write(a, i, dw);
	memset(a->sink, 0, PAGE_SIZE);
	memset(a->fill, FILL_BYTE, PAGE_SIZE);
	ret = inv_all(a) ?: edu_dma(a, pa(a->fill), false) ?:
	      edu_dma(a, pa(a->sink), true);
	if (ret)
		return scnprintf(d, n, "error: %d in the CFGI_ALL or DMA after the storm", ret), R_FAIL;
	if (memcmp(a->sink, a->fill, PAGE_SIZE))
		return scnprintf(d, n, "the bypass STE written last is not in effect after a CFGI_ALL (%lu rewrites before)",
				 w.rounds), R_FAIL;
	/* The bracket is for make bench (tests.sh) */
	return scnprintf(d, n, "%u CFGI_ALLs over 65536 StreamIDs (every level-1 descriptor on one level-2 table) against %lu rewrites of its STEs drained, then a bypass STE written last works [cmds %u traps %llu max_trap_us %llu mean_trap_us %llu traps_over_1ms %llu drain_ms %llu idle_max_trap_us %llu idle_mean_trap_us %llu]",
			 nr, w.rounds, nr, traps, max / 1000, sum / traps / 1000,
			 slow, (end - start) / 1000000, idle_max / 1000,
			 idle_sum / 4096 / 1000), R_PASS;
}

static const struct {
	const char *name;
	int (*fn)(struct atk *a, char *d, size_t n);
	bool by_name;	/* not part of "all" */
} scenarios[] = {
	{ "ste-bypass", sc_ste_bypass },
	{ "ste-s1-pgtable-to-hyp", sc_s1_pgtable },
	{ "ste-s1-forged-s2-fields", sc_s1_forged_s2 },
	{ "ste-s2-config", sc_ste_s2 },
	{ "ste-nested-config", sc_ste_nested },
	{ "ste-reserved-configs", sc_ste_reserved },
	{ "ste-s1-ctxptr-and-ttb-in-hyp", sc_s1_ctxptr_hyp },
	{ "ste-cont-eats-mev-strw", sc_ste_fields },
	{ "gbpa-bypass", sc_gbpa_bypass },
	{ "smmuen-off-mid-dma", sc_smmuen_midflight },
	{ "strtab-and-l2-in-hyp", sc_strtab_hyp },
	{ "cmdq-in-hyp", sc_cmdq_hyp },
	{ "evtq-in-hyp", sc_evtq_hyp },
	{ "msi-addresses", sc_msi },
	{ "every-opcode", sc_opcodes },
	{ "tlbi-vmid-forgery", sc_tlbi_vmid },
	{ "out-of-range-sids", sc_sid_range },
	{ "cmdq-pointers", sc_queue_ptrs },
	{ "cmdqen-off-mid-queue", sc_cmdqen_off },
	{ "cfgi-double-fetch", sc_double_fetch },
	{ "hostile-cmdq", sc_hostile_cmdq },
	{ "every-sid-range", sc_every_range, true },
	/* tests.sh runs it with protected VMs coming and going */
	{ "queue-share-race", sc_queue_share_race, true },
};

static void run_one(struct atk *a, const char *name,
		    int (*fn)(struct atk *a, char *d, size_t n))
{
	char d[320] = "";
	int r, ret;

	ret = take(a);
	if (ret) {
		rec(a, name, R_FAIL, "error: taking the SMMU over: %d", ret);
		give_back(a);
		return;
	}
	r = fn(a, d, sizeof(d));
	ret = give_back(a);
	if (ret && r == R_PASS) {
		r = R_FAIL;
		strlcat(d, "; error: giving the SMMU back", sizeof(d));
	}
	rec(a, name, r, "%s", d);
}

static void run_list(struct atk *a, char *list)
{
	char *name;
	u32 i;

	a->len = 0;
	a->pass = a->fail = a->skip = 0;
	while ((name = strsep(&list, ", \n"))) {
		bool found = false;

		if (!*name)
			continue;
		for (i = 0; i < ARRAY_SIZE(scenarios); i++) {
			if (strcmp(name, scenarios[i].name) &&
			    (strcmp(name, "all") || scenarios[i].by_name))
				continue;
			run_one(a, scenarios[i].name, scenarios[i].fn);
			found = true;
		}
		if (!found)
			rec(a, name, R_FAIL, "error: no such scenario");
	}
	a->len += scnprintf(a->out + a->len, 4 * PAGE_SIZE - a->len,
			    "# attacks: %u blocked, %u not blocked or broken, %u skipped\n",
			    a->pass, a->fail, a->skip);
}

/*
 * Hold the command queue in error (not acknowledged) across what the
 * harness does meanwhile, then check it is still stopped where it was.
 */
static int hold(struct atk *a, bool on)
{
	u32 cons;
	int ret;

	a->len = 0;
	a->pass = a->fail = a->skip = 0;
	if (on) {
		if (a->held)
			return -EBUSY;
		ret = take(a);
		if (!ret)
			ret = cmd1(a, arm_smmu_make_cmd_op(0x29)) == CMDQ_ERR_CERROR_ILL_IDX ?
			      0 : -EIO;
		if (ret) {
			give_back(a);
			return ret;
		}
		a->held = true;
		return 0;
	}
	if (!a->held)
		return -EINVAL;
	a->held = false;
	cons = rd(a, ARM_SMMU_CMDQ_CONS);
	if (FIELD_GET(CMDQ_CONS_ERR, cons) != CMDQ_ERR_CERROR_ILL_IDX || !gerror_cmdq(a)) {
		rec(a, "cmdq-held-in-error", R_FAIL,
		    "the held error changed meanwhile: CMDQ_CONS 0x%x, GERROR 0x%x, GERRORN 0x%x",
		    cons, rd(a, ARM_SMMU_GERROR), rd(a, ARM_SMMU_GERRORN));
	} else {
		ret = cmdq_ack(a) ?: sync(a);
		rec(a, "cmdq-held-in-error", ret ? R_FAIL : R_PASS,
		    "queue still stopped with CERROR_ILL at 0x%x after the hypervisor's invalidations; acknowledged, it runs again (%d)",
		    cons, ret);
	}
	if (give_back(a))
		rec(a, "cmdq-held-in-error: give back", R_FAIL, "error");
	return 0;
}

/*
 * In-guest fuzzing: random register accesses (any offset and size, values
 * mixed with addresses in the hypervisor's memory and in ours), random STEs
 * and random command streams. Base registers only ever get addresses that
 * are not the host's own live memory, or the emulation would (rightly)
 * corrupt the host kernel on its behalf.
 */
static u64 fz_addr(struct atk *a, struct rnd_state *r)
{
	u64 pool[] = {
		a->hyp_pa & PAGE_MASK, a->carve_pa, pa(a->scratch), pa(a->st),
		0, BIT_ULL(51), pa(a->scratch) + 0x7c0, a->carve_pa + SZ_1M,
	};

	return pool[prandom_u32_state(r) % ARRAY_SIZE(pool)] |
	       (prandom_u32_state(r) & 0x3f);
}

static bool fz_is_base(u32 off)
{
	switch (off & ~4U) {
	case ARM_SMMU_STRTAB_BASE:
	case ARM_SMMU_CMDQ_BASE:
	case ARM_SMMU_EVTQ_BASE:
	case ARM_SMMU_PRIQ_BASE:
		return true;
	default:
		return false;
	}
}

static u64 fz_val(struct atk *a, struct rnd_state *r)
{
	u64 v = ((u64)prandom_u32_state(r) << 32) | prandom_u32_state(r);

	switch (prandom_u32_state(r) % 6) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return BIT_ULL(v & 63);
	case 3:
		return fz_addr(a, r) | (v & 31);
	default:
		return v;
	}
}

static const u32 fz_regs[] = {
	ARM_SMMU_IDR0, ARM_SMMU_IDR1, ARM_SMMU_IDR5, ARM_SMMU_IIDR, ARM_SMMU_AIDR,
	ARM_SMMU_CR0, ARM_SMMU_CR1, ARM_SMMU_CR2, ARM_SMMU_GBPA,
	ARM_SMMU_IRQ_CTRL, ARM_SMMU_GERROR, ARM_SMMU_GERRORN,
	ARM_SMMU_GERROR_IRQ_CFG0, ARM_SMMU_GERROR_IRQ_CFG1, ARM_SMMU_GERROR_IRQ_CFG2,
	ARM_SMMU_STRTAB_BASE, ARM_SMMU_STRTAB_BASE + 4, ARM_SMMU_STRTAB_BASE_CFG,
	ARM_SMMU_CMDQ_BASE, ARM_SMMU_CMDQ_BASE + 4, ARM_SMMU_CMDQ_PROD, ARM_SMMU_CMDQ_CONS,
	ARM_SMMU_EVTQ_BASE, ARM_SMMU_EVTQ_BASE + 4, ARM_SMMU_EVTQ_IRQ_CFG0,
	SZ_64K + ARM_SMMU_EVTQ_PROD, SZ_64K + ARM_SMMU_EVTQ_CONS,
	ARM_SMMU_PRIQ_BASE, ARM_SMMU_CR0ACK, ARM_SMMU_IRQ_CTRLACK,
};

struct fz_counts {
	u64 writes, reads, stes, cmds, cmd_errors, timeouts;
};

static void fz_reg(struct atk *a, struct rnd_state *r, struct fz_counts *c)
{
	u32 off, sz = 4;
	u64 v = fz_val(a, r);

	if (prandom_u32_state(r) % 4)
		off = fz_regs[prandom_u32_state(r) % ARRAY_SIZE(fz_regs)];
	else
		off = prandom_u32_state(r) % (2 * SZ_64K);
	switch (prandom_u32_state(r) % 8) {
	case 0:
		sz = 1;
		break;
	case 1:
		sz = 2;
		break;
	case 2:
	case 3:
		sz = 8;
		break;
	}
	off &= ~(sz - 1);
	if (fz_is_base(off))
		v = fz_addr(a, r) | (v & (Q_BASE_LOG2SIZE | BIT_ULL(62)));
	/*
	 * Never enable the GERROR interrupt: the host driver's handler would
	 * acknowledge our errors, fix its own queue instead of ours, and be
	 * interrupted again for the same command, without end.
	 */
	if ((off & ~7U) == ARM_SMMU_IRQ_CTRL)
		v &= ~(u64)IRQ_CTRL_GERROR_IRQEN;
	if (prandom_u32_state(r) % 3 == 0) {
		c->reads++;
		switch (sz) {
		case 1: (void)readb_relaxed(a->smmu + off); break;
		case 2: (void)readw_relaxed(a->smmu + off); break;
		case 4: (void)readl_relaxed(a->smmu + off); break;
		default: (void)readq_relaxed(a->smmu + off); break;
		}
		return;
	}
	c->writes++;
	switch (sz) {
	case 1: writeb_relaxed(v, a->smmu + off); break;
	case 2: writew_relaxed(v, a->smmu + off); break;
	case 4: writel_relaxed(v, a->smmu + off); break;
	default: writeq_relaxed(v, a->smmu + off); break;
	}
}

/* Our queue and stream table back in place, errors acknowledged */
static void fz_reset(struct atk *a)
{
	cr0_set(a, rd(a, ARM_SMMU_CR0) & ~CR0_SMMUEN);
	st_install(a);
	q_reset(a, CR0_CMDQEN | CR0_SMMUEN);
}

static void fz_cmds(struct atk *a, struct rnd_state *r, struct fz_counts *c)
{
	static const u8 ops[] = { 0x01, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12,
				  0x13, 0x28, 0x2a, 0x30, 0x40, 0x46 };
	struct arm_smmu_cmd cmd[16];
	u32 i, nr = 1 + prandom_u32_state(r) % ARRAY_SIZE(cmd);
	int ret;

	for (i = 0; i < nr; i++) {
		cmd[i].data[0] = fz_val(a, r);
		cmd[i].data[1] = fz_val(a, r);
		cmd[i].data[0] &= ~CMDQ_0_OP;
		cmd[i].data[0] |= prandom_u32_state(r) % 2 ?
				  ops[prandom_u32_state(r) % ARRAY_SIZE(ops)] :
				  prandom_u32_state(r) & 0xff;
	}
	c->cmds += nr;
	ret = cmds(a, cmd, nr);
	if (ret > 0) {
		c->cmd_errors++;
		fz_reset(a);
	} else if (ret) {
		c->timeouts++;
		fz_reset(a);
	}
}

static void fz_ste(struct atk *a, struct rnd_state *r, struct fz_counts *c)
{
	u32 sid = prandom_u32_state(r) % 2 ? a->sid : prandom_u32_state(r) % BIT(ST_LOG2SIZE);
	u64 dw[8];
	u32 i;

	for (i = 0; i < 8; i++)
		dw[i] = prandom_u32_state(r) % 2 ? 0 : fz_val(a, r);
	if (prandom_u32_state(r) % 2) {
		dw[0] &= ~(STRTAB_STE_0_CFG | STRTAB_STE_0_S1CTXPTR_MASK);
		dw[0] |= STRTAB_STE_0_V |
			 FIELD_PREP(STRTAB_STE_0_CFG, prandom_u32_state(r) % 8) |
			 (fz_addr(a, r) & STRTAB_STE_0_S1CTXPTR_MASK);
	}
	ste_write(a, sid, dw);
	c->stes++;
	if (cmd1(a, arm_smmu_make_cmd_cfgi_ste(sid, true)) || sync(a))
		fz_reset(a);
}

static int fuzz(struct atk *a, u32 seed, u32 iters)
{
	struct fz_counts c = {};
	struct rnd_state r;
	u32 i;
	int ret;

	prandom_seed_state(&r, seed);
	a->len = 0;
	a->pass = a->fail = a->skip = 0;
	memset(a->scratch, 0, PAGE_SIZE);
	ret = take(a);
	for (i = 0; i < iters && !ret; i++) {
		/* Random bytes where random addresses may point: our pages */
		if (i % 64 == 0)
			get_random_bytes(a->scratch, PAGE_SIZE);
		switch (prandom_u32_state(&r) % 8) {
		case 0 ... 3:
			fz_reg(a, &r, &c);
			break;
		case 4 ... 5:
			fz_cmds(a, &r, &c);
			break;
		default:
			fz_ste(a, &r, &c);
			break;
		}
		if (i % 256 == 255)
			fz_reset(a);
		cond_resched();
	}
	fz_reset(a);
	ret = ret ?: give_back(a);
	a->len = scnprintf(a->out, 4 * PAGE_SIZE,
			   "fuzz: seed %u, %u iterations: %llu register writes, %llu reads, %llu STEs, %llu commands (%llu batches stopped with an error, %llu timed out); give back %d\n",
			   seed, i, c.writes, c.reads, c.stes, c.cmds, c.cmd_errors,
			   c.timeouts, ret);
	return ret;
}

/* debugfs */
static ssize_t out_read(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&atk->lock);
	ret = simple_read_from_buffer(ubuf, n, pos, atk->out, atk->len);
	mutex_unlock(&atk->lock);
	return ret;
}

static ssize_t ctl_write(struct file *f, const char __user *ubuf, size_t n,
			 loff_t *pos)
{
	const char *name = file_dentry(f)->d_name.name;
	struct atk *a = atk;
	char buf[128];
	u64 x, y, z;
	int ret = 0;

	if (n >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = 0;

	mutex_lock(&a->lock);
	if (!strcmp(name, "target")) {
		if (sscanf(buf, "%llx %llx %llx", &x, &y, &z) != 3) {
			ret = -EINVAL;
		} else {
			a->hyp_pa = x - kimage_voffset;
			a->hyp_page = a->hyp_pa & PAGE_MASK;
			a->hyp_val = y;
			a->carve_pa = z & PAGE_MASK;
		}
	} else if (!a->hyp_pa) {
		ret = -EINVAL;
	} else if (!strcmp(name, "run")) {
		if (a->held)
			ret = -EBUSY;
		else
			run_list(a, buf);
	} else if (!strcmp(name, "hold")) {
		ret = hold(a, buf[0] == '1');
	} else if (!strcmp(name, "fuzz")) {
		if (a->held || sscanf(buf, "%llu %llu", &x, &y) != 2)
			ret = -EINVAL;
		else
			ret = fuzz(a, x, y);
	}
	mutex_unlock(&a->lock);
	return ret ?: n;
}

static const struct file_operations atk_fops = {
	.owner = THIS_MODULE,
	.read = out_read,
	.write = ctl_write,
	.llseek = default_llseek,
};

/* Setup */
static void atk_free(struct atk *a)
{
	u32 i;

	free_pages((unsigned long)a->st, ST_ORDER);
	free_page((unsigned long)a->l1);
	for (i = 0; i < PT_PAGES; i++)
		free_page((unsigned long)a->pt[i]);
	free_page((unsigned long)a->cmdq);
	free_page((unsigned long)a->cd);
	free_page((unsigned long)a->ctl);
	free_page((unsigned long)a->fill);
	free_page((unsigned long)a->sink);
	free_page((unsigned long)a->buf);
	free_page((unsigned long)a->scratch);
	vfree(a->out);
	if (a->smmu)
		iounmap(a->smmu);
	kfree(a);
}

static int atk_alloc(struct atk *a)
{
	u32 i;

	a->st = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, ST_ORDER);
	a->l1 = (void *)get_zeroed_page(GFP_KERNEL);
	for (i = 0; i < PT_PAGES; i++)
		a->pt[i] = (void *)get_zeroed_page(GFP_KERNEL);
	a->cmdq = (void *)get_zeroed_page(GFP_KERNEL);
	a->cd = (void *)get_zeroed_page(GFP_KERNEL);
	a->ctl = (void *)get_zeroed_page(GFP_KERNEL);
	a->fill = (void *)get_zeroed_page(GFP_KERNEL);
	a->sink = (void *)get_zeroed_page(GFP_KERNEL);
	a->buf = (void *)get_zeroed_page(GFP_KERNEL);
	a->scratch = (void *)get_zeroed_page(GFP_KERNEL);
	a->out = vzalloc(4 * PAGE_SIZE);
	if (!a->st || !a->l1 || !a->pt[PT_PAGES - 1] || !a->cmdq || !a->cd || !a->ctl ||
	    !a->fill || !a->sink || !a->buf || !a->scratch || !a->out)
		return -ENOMEM;
	for (i = 0; i < PT_PAGES; i++) {
		if (!a->pt[i])
			return -ENOMEM;
	}
	get_random_bytes(a->ctl, PAGE_SIZE);
	return 0;
}

static int atk_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device_node *np;
	struct atk *a;
	int ret;

	if (atk)
		return -EBUSY;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	mutex_init(&a->lock);
	ret = atk_alloc(a);
	if (ret)
		goto err;
	np = of_find_compatible_node(NULL, NULL, "arm,smmu-v3");
	a->smmu = np ? of_iomap(np, 0) : NULL;
	of_node_put(np);
	if (!a->smmu) {
		dev_err(&pdev->dev, "no SMMUv3 in the device tree\n");
		ret = -ENODEV;
		goto err;
	}
	ret = pcim_enable_device(pdev);
	if (ret)
		goto err;
	a->bar = pcim_iomap(pdev, 0, 0);
	if (!a->bar) {
		ret = -ENOMEM;
		goto err;
	}
	pci_set_master(pdev);
	a->pdev = pdev;
	a->sid = pci_dev_id(pdev);
	a->idr0 = rd(a, ARM_SMMU_IDR0);
	a->idr1 = rd(a, ARM_SMMU_IDR1);
	a->oas = min_t(u32, FIELD_GET(IDR5_OAS, rd(a, ARM_SMMU_IDR5)), 5);
	if (a->sid >= BIT(ST_LOG2SIZE)) {
		dev_err(&pdev->dev, "StreamID 0x%x beyond the attacker's table\n", a->sid);
		ret = -ERANGE;
		goto err;
	}
	a->dir = debugfs_create_dir("pkvm_attack", NULL);
	debugfs_create_file("target", 0200, a->dir, NULL, &atk_fops);
	debugfs_create_file("run", 0600, a->dir, NULL, &atk_fops);
	debugfs_create_file("hold", 0600, a->dir, NULL, &atk_fops);
	debugfs_create_file("fuzz", 0600, a->dir, NULL, &atk_fops);
	atk = a;
	dev_info(&pdev->dev, "pkvm_attack: edu StreamID 0x%x, SMMU IDR0 0x%x IDR1 0x%x\n",
		 a->sid, a->idr0, a->idr1);
	return 0;
err:
	atk_free(a);
	return ret;
}

static void atk_remove(struct pci_dev *pdev)
{
	struct atk *a = atk;

	debugfs_remove_recursive(a->dir);
	mutex_lock(&a->lock);
	if (a->held) {
		a->held = false;
		give_back(a);
	}
	mutex_unlock(&a->lock);
	atk = NULL;
	atk_free(a);
}

static const struct pci_device_id atk_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_QEMU_EDU, PCI_DEVICE_ID_QEMU_EDU) },
	{ }
};
MODULE_DEVICE_TABLE(pci, atk_ids);

static struct pci_driver atk_driver = {
	.name = "pkvm_attack",
	.id_table = atk_ids,
	.probe = atk_probe,
	.remove = atk_remove,
};
module_pci_driver(atk_driver);

MODULE_DESCRIPTION("A malicious host attacking the pKVM SMMUv3 emulation with the edu device");
MODULE_LICENSE("GPL");
