// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for QEMU's "edu" PCI device, used as a DMA engine behind the
 * SMMU.
 *
 * debugfs (/sys/kernel/debug/pkvm_edu/):
 *   roundtrip  read: DMA a random 4 KiB buffer into the device and back out
 *              through the DMA API, compare. Prints "pass ..." or "fail ...",
 *              the DMA and physical addresses of both buffers, and whether
 *              the device is translated by an IOMMU or uses dma-direct.
 *   probe      write "<phys> <size>": the region to attack.
 *              read: point the device at the region, DMA-read 32 of its
 *              pages, DMA-write a canary page in it (restoring the old
 *              contents afterwards) and report what got through.
 *   peek       write "<kernel image va> <expected u64>": read only; DMA-read
 *              the page holding that u64 and report whether the expected
 *              value came back (proof that a read got through, which zeros
 *              are not).
 *   ops        write "map <n> <pages>" (n mappings of one buffer, kept),
 *              then "unmap" (all of them), or "mmio <n> <offset>" (n reads
 *              of the SMMU register at offset 0 (IDR0) or 0x9c
 *              (CMDQ_CONS)); read: "mapped <n> ns <time>".
 *   stress     write "<seconds>", then read: map/unmap threads on every CPU
 *              and DMA round trips, for that long; "pass ..." or "fail ...".
 *   How the device is pointed at the target: when it is behind an IOMMU,
 *   through an unmanaged IOMMU domain that maps the target one-to-one (what
 *   a hostile host kernel can do with its own SMMU driver); when it is not
 *   (no IOMMU for the host, dma-direct), straight at the physical addresses.
 *   Both first DMA-read a host page the same way as a control: if that
 *   fails, they report "error", never "blocked".
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-direct.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/of_address.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <asm/memory.h>

/* edu's registers: the series' VFIO selftest driver's (see Kbuild). */
#include "registers.h"

#define EDU_TIMEOUT_MS		5000
#define PROBE_PAGES		32

struct edu {
	struct pci_dev *pdev;
	void __iomem *bar;
	struct mutex lock;	/* one DMA at a time */
	u64 probe_addr, probe_size;
	u64 peek_va, peek_expect;
	u32 stress_secs;
	/* Mappings kept by "map" in debugfs ops */
	struct page *ops_pages;
	dma_addr_t *ops_dma;
	size_t ops_size;
	u32 ops_nr;
	u64 ops_ns;
	struct dentry *dir;
};

static struct edu *edu_dev;

/* Copy @len bytes between device address @dev_addr and the device buffer. */
static int edu_dma(struct edu *edu, u64 dev_addr, size_t len, bool to_ram)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(EDU_TIMEOUT_MS);

	writeq(to_ram ? EDU_BUFFER_ADDR : dev_addr, edu->bar + EDU_DMA_SRC);
	writeq(to_ram ? dev_addr : EDU_BUFFER_ADDR, edu->bar + EDU_DMA_DST);
	writeq(len, edu->bar + EDU_DMA_COUNT);
	writeq(EDU_DMA_CMD_START | (to_ram ? EDU_DMA_CMD_TO_RAM : 0), edu->bar + EDU_DMA_CMD);
	while (readq(edu->bar + EDU_DMA_CMD) & EDU_DMA_CMD_START) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(1000, 2000);
	}
	return 0;
}

/*
 * Map @src and @dst, DMA @src into the device and out to @dst, unmap.
 * Returns 0, -ENOMEM (mapping), -ETIMEDOUT or -EIO (data differs).
 */
static int roundtrip_once(struct edu *edu, u8 *src, u8 *dst, dma_addr_t *s,
			  dma_addr_t *d)
{
	struct device *dev = &edu->pdev->dev;
	int ret;

	get_random_bytes(src, EDU_BUFFER_SIZE);
	memset(dst, 0, EDU_BUFFER_SIZE);
	mutex_lock(&edu->lock);
	*s = dma_map_single(dev, src, EDU_BUFFER_SIZE, DMA_TO_DEVICE);
	*d = dma_map_single(dev, dst, EDU_BUFFER_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, *s) || dma_mapping_error(dev, *d)) {
		ret = -ENOMEM;
	} else {
		ret = edu_dma(edu, *s, EDU_BUFFER_SIZE, false);
		if (!ret)
			ret = edu_dma(edu, *d, EDU_BUFFER_SIZE, true);
	}
	if (!dma_mapping_error(dev, *d))
		dma_unmap_single(dev, *d, EDU_BUFFER_SIZE, DMA_FROM_DEVICE);
	if (!dma_mapping_error(dev, *s))
		dma_unmap_single(dev, *s, EDU_BUFFER_SIZE, DMA_TO_DEVICE);
	mutex_unlock(&edu->lock);
	if (!ret && memcmp(src, dst, EDU_BUFFER_SIZE))
		ret = -EIO;
	return ret;
}

/* The device is in an IOMMU group whose domain only passes DMA through. */
static bool edu_identity_only(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	return dom && dom->type == IOMMU_DOMAIN_IDENTITY;
}

static const char *edu_iommu_desc(struct device *dev)
{
	if (!device_iommu_mapped(dev))
		return "no IOMMU (dma-direct)";
	if (edu_identity_only(dev))
		return "IOMMU identity domain (dma-direct)";
	return "translated by an IOMMU";
}

static ssize_t roundtrip_read(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	struct edu *edu = edu_dev;
	struct device *dev = &edu->pdev->dev;
	phys_addr_t ps, pd;
	u8 *src, *dst;
	dma_addr_t s, d;
	char msg[200];
	int ret, len;

	if (*pos)
		return 0;
	src = kmalloc(EDU_BUFFER_SIZE, GFP_KERNEL);
	dst = kzalloc(EDU_BUFFER_SIZE, GFP_KERNEL);
	if (!src || !dst) {
		len = scnprintf(msg, sizeof(msg), "fail: out of memory\n");
		goto out;
	}
	ps = virt_to_phys(src);
	pd = virt_to_phys(dst);
	ret = roundtrip_once(edu, src, dst, &s, &d);
	if (ret == -ENOMEM)
		len = scnprintf(msg, sizeof(msg), "fail: dma_map_single\n");
	else if (ret == -EIO)
		len = scnprintf(msg, sizeof(msg), "fail: data differs (iova %pad -> %pad)\n",
				&s, &d);
	else if (ret)
		len = scnprintf(msg, sizeof(msg), "fail: DMA timed out\n");
	else
		len = scnprintf(msg, sizeof(msg),
				"pass: %d bytes, dma %pad -> %pad, phys %pa -> %pa; %s\n",
				EDU_BUFFER_SIZE, &s, &d, &ps, &pd,
				edu_iommu_desc(dev));
out:
	kfree(src);
	kfree(dst);
	return simple_read_from_buffer(ubuf, n, pos, msg, len);
}

/*
 * Stress: for @secs seconds, one thread per online CPU maps and unmaps
 * buffers of 4 KiB to 256 KiB (scatter-gather of up to 16 pages, or
 * single), while the reader runs DMA round trips and checks their data.
 * Every mapping of a legitimate buffer must succeed and every round trip
 * must carry its data.
 */
struct stress {
	struct edu *edu;
	unsigned long deadline;
	atomic64_t maps, map_errors;
};

static int stress_fn(void *arg)
{
	struct stress *st = arg;
	struct device *dev = &st->edu->pdev->dev;
	struct scatterlist sg[16];
	struct page *pages[16];
	u32 i, nr;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			goto out;
	}
	while (time_before(jiffies, st->deadline) && !kthread_should_stop()) {
		nr = 1 + get_random_u32_below(ARRAY_SIZE(pages));
		sg_init_table(sg, nr);
		for (i = 0; i < nr; i++)
			sg_set_page(&sg[i], pages[i], PAGE_SIZE, 0);
		ret = dma_map_sg(dev, sg, nr, DMA_BIDIRECTIONAL);
		if (ret <= 0) {
			atomic64_inc(&st->map_errors);
		} else {
			dma_unmap_sg(dev, sg, nr, DMA_BIDIRECTIONAL);
			atomic64_inc(&st->maps);
		}
		cond_resched();
	}
out:
	for (i = 0; i < ARRAY_SIZE(pages) && pages[i]; i++)
		__free_page(pages[i]);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int stress_run(struct edu *edu, char *msg, size_t sz)
{
	struct task_struct **t;
	struct stress st = { .edu = edu };
	u64 trips = 0, bad = 0;
	dma_addr_t s, d;
	u8 *src, *dst;
	int cpu, ret, nthreads = 0;

	src = kmalloc(EDU_BUFFER_SIZE, GFP_KERNEL);
	dst = kmalloc(EDU_BUFFER_SIZE, GFP_KERNEL);
	t = kcalloc(nr_cpu_ids, sizeof(*t), GFP_KERNEL);
	if (!src || !dst || !t || !edu->stress_secs) {
		kfree(src);
		kfree(dst);
		kfree(t);
		return scnprintf(msg, sz, "fail: out of memory or no duration\n");
	}
	st.deadline = jiffies + edu->stress_secs * HZ;
	for_each_online_cpu(cpu) {
		t[cpu] = kthread_create_on_cpu(stress_fn, &st, cpu, "pkvm_edu_stress/%u");
		if (IS_ERR(t[cpu])) {
			t[cpu] = NULL;
			continue;
		}
		wake_up_process(t[cpu]);
		nthreads++;
	}
	while (time_before(jiffies, st.deadline)) {
		ret = roundtrip_once(edu, src, dst, &s, &d);
		trips++;
		bad += !!ret;
	}
	for_each_online_cpu(cpu) {
		if (t[cpu])
			kthread_stop(t[cpu]);
	}
	kfree(t);
	kfree(src);
	kfree(dst);
	return scnprintf(msg, sz,
			 "%s: %u s, %d threads: %lld map/unmap pairs, %lld mapping errors; %llu DMA round trips, %llu failed\n",
			 bad || atomic64_read(&st.map_errors) || !trips ||
			 nthreads != num_online_cpus() ? "fail" : "pass",
			 edu->stress_secs, nthreads, (s64)atomic64_read(&st.maps),
			 (s64)atomic64_read(&st.map_errors), trips, bad);
}

/*
 * An attack session. When the device is behind an IOMMU, it is attached to
 * an unmanaged IOMMU domain that maps a scratch page, a control page and
 * the target range one-to-one, as a host kernel may do with its own SMMU
 * driver. When it is not (the host has no IOMMU for it: dma-direct), it is
 * given physical addresses (as the DMA API would). A control read of a
 * host page the same way must work, or the session is refused: a probe
 * whose DMA does not work at all would report every target as blocked.
 */
struct attack {
	struct edu *edu;
	struct iommu_domain *dom;
	u8 *scratch_va, *ctrl_va;
	u64 scratch, ctrl;
};

/* The device address of physical address @pa in this session. */
static u64 attack_addr(struct attack *at, u64 pa)
{
	return at->dom ? pa : phys_to_dma(&at->edu->pdev->dev, pa);
}

static const char *attack_how(struct attack *at)
{
	return at->dom ? "through the identity domain" :
	       "at its physical address (no paging domain: dma-direct)";
}

/* DMA-read the page at physical address @pa into @out via the device buffer. */
static int attack_read(struct attack *at, u64 pa, u8 *out)
{
	int ret;

	memset(at->scratch_va, 0x5a, PAGE_SIZE);
	ret = edu_dma(at->edu, attack_addr(at, pa), EDU_BUFFER_SIZE, false);
	if (!ret)
		ret = edu_dma(at->edu, attack_addr(at, at->scratch), EDU_BUFFER_SIZE, true);
	if (!ret)
		memcpy(out, at->scratch_va, EDU_BUFFER_SIZE);
	return ret;
}

static int attack_write(struct attack *at, u64 pa, const u8 *data)
{
	int ret;

	memcpy(at->scratch_va, data, EDU_BUFFER_SIZE);
	ret = edu_dma(at->edu, attack_addr(at, at->scratch), EDU_BUFFER_SIZE, false);
	if (!ret)
		ret = edu_dma(at->edu, attack_addr(at, pa), EDU_BUFFER_SIZE, true);
	return ret;
}

static void attack_end(struct attack *at)
{
	struct device *dev = &at->edu->pdev->dev;

	if (at->dom) {
		if (iommu_get_domain_for_dev(dev) == at->dom)
			iommu_detach_device(at->dom, dev);
		iommu_domain_free(at->dom);
	}
	mutex_unlock(&at->edu->lock);
	free_page((unsigned long)at->scratch_va);
	free_page((unsigned long)at->ctrl_va);
}

/* Attach the device to an unmanaged domain that maps the pages one-to-one. */
static int attack_map(struct attack *at, u64 addr, u64 size)
{
	struct device *dev = &at->edu->pdev->dev;
	int prot = IOMMU_READ | IOMMU_WRITE;
	struct iommu_domain *dom;

	dom = iommu_paging_domain_alloc(dev);
	if (IS_ERR(dom))
		return PTR_ERR(dom);
	at->dom = dom;
	return iommu_map(dom, at->scratch, at->scratch, PAGE_SIZE, prot, GFP_KERNEL) ?:
	       iommu_map(dom, at->ctrl, at->ctrl, PAGE_SIZE, prot, GFP_KERNEL) ?:
	       iommu_map(dom, addr, addr, size, prot, GFP_KERNEL) ?:
	       iommu_attach_device(dom, dev);
}

/* Returns the length of an error message in @msg, or 0 when ready. */
static int attack_begin(struct attack *at, struct edu *edu, u64 addr, u64 size,
			char *msg, size_t sz)
{
	struct device *dev = &edu->pdev->dev;
	u8 *buf;
	int ret;

	memset(at, 0, sizeof(*at));
	at->edu = edu;
	mutex_lock(&edu->lock);
	at->scratch_va = (u8 *)get_zeroed_page(GFP_KERNEL);
	at->ctrl_va = (u8 *)get_zeroed_page(GFP_KERNEL);
	if (!at->scratch_va || !at->ctrl_va) {
		attack_end(at);
		return scnprintf(msg, sz, "error: out of memory\n");
	}
	at->scratch = virt_to_phys(at->scratch_va);
	at->ctrl = virt_to_phys(at->ctrl_va);
	/*
	 * Without an IOMMU for the device, or with one that offers identity
	 * domains only, DMA goes to physical addresses.
	 */
	if (device_iommu_mapped(dev)) {
		ret = attack_map(at, addr, size);
		if (ret == -EOPNOTSUPP && edu_identity_only(dev))
			ret = 0;
		if (ret) {
			attack_end(at);
			return scnprintf(msg, sz, "error: identity domain setup: %d\n", ret);
		}
	}

	/* Control: a host page must be readable the same way. */
	buf = kmalloc(EDU_BUFFER_SIZE, GFP_KERNEL);
	get_random_bytes(at->ctrl_va, PAGE_SIZE);
	ret = buf ? attack_read(at, at->ctrl, buf) : -ENOMEM;
	if (ret || memcmp(buf, at->ctrl_va, EDU_BUFFER_SIZE)) {
		ret = scnprintf(msg, sz, "error: control DMA of a host page %s failed (%d)\n",
				attack_how(at), ret);
		kfree(buf);
		attack_end(at);
		return ret;
	}
	kfree(buf);
	return 0;
}

static size_t nonzero(const u8 *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += !!p[i];
	return c;
}

static int probe_run(struct edu *edu, char *msg, size_t sz)
{
	u64 a, i, npages, nsample, leaked = 0, pages = 0, hot = 0;
	bool written = false, restored = true;
	u8 *buf, *orig, *canary;
	struct attack at;
	int ret = 0, len;

	if (!edu->probe_size || !PAGE_ALIGNED(edu->probe_addr) || !PAGE_ALIGNED(edu->probe_size))
		return scnprintf(msg, sz, "error: write \"<page-aligned phys> <size>\" first\n");
	buf = kzalloc(3 * EDU_BUFFER_SIZE, GFP_KERNEL);
	if (!buf)
		return scnprintf(msg, sz, "error: out of memory\n");
	orig = buf + EDU_BUFFER_SIZE;
	canary = buf + 2 * EDU_BUFFER_SIZE;
	len = attack_begin(&at, edu, edu->probe_addr, edu->probe_size, msg, sz);
	if (len)
		goto out;
	len = scnprintf(msg, sz, "control: host page read %s: ok\n", attack_how(&at));

	/*
	 * Each edu DMA takes 100 ms of virtual time: read a sample of pages
	 * spread evenly over the region, first and last included.
	 */
	npages = edu->probe_size >> PAGE_SHIFT;
	nsample = min_t(u64, npages, PROBE_PAGES);
	for (i = 0; i < nsample; i++) {
		size_t c;

		a = edu->probe_addr;
		if (nsample > 1)
			a += div64_u64(i * (npages - 1), nsample - 1) << PAGE_SHIFT;
		ret = attack_read(&at, a, buf);
		if (ret)
			break;
		c = nonzero(buf, EDU_BUFFER_SIZE);
		leaked += c;
		hot += !!c;
		pages++;
	}
	len += scnprintf(msg + len, sz - len,
			 "read: %llu of %llu pages at 0x%llx: %llu non-zero bytes in %llu pages%s\n",
			 pages, npages, edu->probe_addr, leaked, hot,
			 ret ? " (DMA timed out)" : "");

	/* Write a canary over the last page, read it back, restore. */
	a = edu->probe_addr + edu->probe_size - PAGE_SIZE;
	get_random_bytes(canary, EDU_BUFFER_SIZE);
	ret = attack_read(&at, a, orig) ?:
	      attack_write(&at, a, canary) ?:
	      attack_read(&at, a, buf);
	if (!ret && !memcmp(buf, canary, EDU_BUFFER_SIZE)) {
		written = true;
		restored = !attack_write(&at, a, orig);
	}
	len += scnprintf(msg + len, sz - len, "write: canary page at 0x%llx: %s%s\n", a,
			 ret ? "DMA timed out" : written ? "written" : "not written",
			 restored ? "" : " (restore failed)");
	len += scnprintf(msg + len, sz - len, "result: %s\n",
			 leaked || written ? "leaked" : "blocked");
	attack_end(&at);
out:
	kfree(buf);
	return len;
}

/*
 * Read-only peek at one u64 of the kernel image whose value the caller
 * knows (e.g. the hypervisor's copy of the first memblock base): reading
 * exactly that value proves the read got through, unlike zeros, which a
 * blocked read and zeroed memory both give. Never writes.
 */
static int peek_run(struct edu *edu, char *msg, size_t sz)
{
	u64 pa, page, val;
	struct attack at;
	size_t nz;
	u8 *buf;
	int ret, len;

	if (!edu->peek_va)
		return scnprintf(msg, sz,
				 "error: write \"<kernel image va> <expected u64>\" first\n");
	pa = __kimg_to_phys(edu->peek_va);
	page = pa & PAGE_MASK;
	if ((pa & ~PAGE_MASK) > PAGE_SIZE - sizeof(u64) || !IS_ALIGNED(pa, sizeof(u64)))
		return scnprintf(msg, sz, "error: va 0x%llx: unaligned or crosses a page\n",
				 edu->peek_va);
	buf = kzalloc(EDU_BUFFER_SIZE, GFP_KERNEL);
	if (!buf)
		return scnprintf(msg, sz, "error: out of memory\n");
	len = attack_begin(&at, edu, page, PAGE_SIZE, msg, sz);
	if (len)
		goto out;
	len = scnprintf(msg, sz, "control: host page read %s: ok\n", attack_how(&at));
	ret = attack_read(&at, page, buf);
	attack_end(&at);
	if (ret) {
		len += scnprintf(msg + len, sz - len, "error: DMA timed out\n");
		goto out;
	}
	val = get_unaligned((u64 *)(buf + (pa & ~PAGE_MASK)));
	nz = nonzero(buf, EDU_BUFFER_SIZE);
	len += scnprintf(msg + len, sz - len,
			 "peek: 0x%llx (va 0x%llx): read 0x%llx, expected 0x%llx; %zu non-zero bytes in its page\n",
			 pa, edu->peek_va, val, edu->peek_expect, nz);
	len += scnprintf(msg + len, sz - len, "result: %s\n",
			 val == edu->peek_expect ? "leaked" : "blocked");
out:
	kfree(buf);
	return len;
}

static ssize_t run_read(struct file *f, char __user *ubuf, size_t n, loff_t *pos,
			int (*run)(struct edu *, char *, size_t))
{
	char *msg;
	ssize_t ret;
	int len;

	if (*pos)
		return 0;
	msg = kzalloc(1024, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	len = run(edu_dev, msg, 1024);
	ret = simple_read_from_buffer(ubuf, n, pos, msg, len);
	kfree(msg);
	return ret;
}

static ssize_t probe_read_file(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	return run_read(f, ubuf, n, pos, probe_run);
}

static ssize_t peek_read_file(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	return run_read(f, ubuf, n, pos, peek_run);
}

/*
 * Counted operations, for the benchmark: "map N PAGES" maps N buffers of
 * PAGES pages each and keeps them, "unmap" unmaps them all, so that the
 * SMMU counters read in between tell the cost of each.
 */
static void ops_free(struct edu *edu)
{
	kvfree(edu->ops_dma);
	edu->ops_dma = NULL;
	if (edu->ops_pages)
		__free_pages(edu->ops_pages, get_order(edu->ops_size));
	edu->ops_pages = NULL;
	edu->ops_nr = 0;
}

/*
 * Read an SMMU register @nr times: under pKVM each read traps to the
 * hypervisor, which emulates it; natively it goes to the SMMU. Only IDR0 and
 * CMDQ_CONS, which reading does not change.
 */
static int ops_mmio(u32 nr, u32 off)
{
	struct device_node *np;
	struct resource res;
	void __iomem *base;
	int ret;

	if (off != 0 && off != 0x9c)
		return -EINVAL;
	np = of_find_compatible_node(NULL, NULL, "arm,smmu-v3");
	if (!np)
		return -ENODEV;
	ret = of_address_to_resource(np, 0, &res);
	of_node_put(np);
	if (ret)
		return ret;
	base = ioremap(res.start, PAGE_SIZE);
	if (!base)
		return -ENOMEM;
	while (nr--)
		readl_relaxed(base + off);
	iounmap(base);
	return 0;
}

static ssize_t ops_write_file(struct file *f, const char __user *ubuf, size_t n,
			      loff_t *pos)
{
	struct edu *edu = edu_dev;
	struct device *dev = &edu->pdev->dev;
	ssize_t ret = n;
	u32 nr, pages, i;
	char buf[64];
	u64 t0;

	if (n >= sizeof(buf) || copy_from_user(buf, ubuf, n))
		return -EINVAL;
	buf[n] = '\0';
	mutex_lock(&edu->lock);
	t0 = ktime_get_ns();
	if (sscanf(buf, "map %u %u", &nr, &pages) == 2) {
		if (edu->ops_dma || !nr || nr > 65536 || !pages || pages > 1024 ||
		    !is_power_of_2(pages)) {
			ret = -EINVAL;
			goto out;
		}
		edu->ops_size = (size_t)pages << PAGE_SHIFT;
		edu->ops_pages = alloc_pages(GFP_KERNEL, ilog2(pages));
		edu->ops_dma = kvcalloc(nr, sizeof(*edu->ops_dma), GFP_KERNEL);
		if (!edu->ops_pages || !edu->ops_dma) {
			ops_free(edu);
			ret = -ENOMEM;
			goto out;
		}
		for (i = 0; i < nr; i++) {
			edu->ops_dma[i] = dma_map_page(dev, edu->ops_pages, 0, edu->ops_size,
						       DMA_BIDIRECTIONAL);
			if (dma_mapping_error(dev, edu->ops_dma[i]))
				break;
		}
		edu->ops_nr = i;
	} else if (sscanf(buf, "mmio %u %x", &nr, &pages) == 2) {
		int err = ops_mmio(nr, pages);

		if (err)
			ret = err;
	} else if (!strncmp(buf, "unmap", 5)) {
		for (i = 0; i < edu->ops_nr; i++)
			dma_unmap_page(dev, edu->ops_dma[i], edu->ops_size, DMA_BIDIRECTIONAL);
		ops_free(edu);
	} else {
		ret = -EINVAL;
	}
	edu->ops_ns = ktime_get_ns() - t0;
out:
	mutex_unlock(&edu->lock);
	return ret;
}

static ssize_t ops_read_file(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	char msg[64];
	int len = scnprintf(msg, sizeof(msg), "mapped %u ns %llu\n", edu_dev->ops_nr,
			    edu_dev->ops_ns);

	return simple_read_from_buffer(ubuf, n, pos, msg, len);
}

static ssize_t stress_read_file(struct file *f, char __user *ubuf, size_t n, loff_t *pos)
{
	return run_read(f, ubuf, n, pos, stress_run);
}

static ssize_t stress_write_file(struct file *f, const char __user *ubuf, size_t n,
				 loff_t *pos)
{
	u32 secs;
	int ret = kstrtou32_from_user(ubuf, n, 10, &secs);

	if (ret)
		return ret;
	if (!secs || secs > 3600)
		return -EINVAL;
	edu_dev->stress_secs = secs;
	return n;
}

/* Parse "<hex> <hex>" from user space. */
static int parse_pair(const char __user *ubuf, size_t n, u64 *a, u64 *b)
{
	char buf[64];

	if (n >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	return sscanf(buf, "%llx %llx", a, b) == 2 ? 0 : -EINVAL;
}

static ssize_t probe_write_file(struct file *f, const char __user *ubuf, size_t n, loff_t *pos)
{
	u64 addr, size;
	int ret = parse_pair(ubuf, n, &addr, &size);

	if (ret)
		return ret;
	if (!size || addr + size < addr)
		return -EINVAL;
	edu_dev->probe_addr = addr;
	edu_dev->probe_size = size;
	return n;
}

static ssize_t peek_write_file(struct file *f, const char __user *ubuf, size_t n, loff_t *pos)
{
	u64 va, expect;
	int ret = parse_pair(ubuf, n, &va, &expect);

	if (ret)
		return ret;
	edu_dev->peek_va = va;
	edu_dev->peek_expect = expect;
	return n;
}

static const struct file_operations roundtrip_fops = {
	.owner = THIS_MODULE,
	.read = roundtrip_read,
};

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.read = probe_read_file,
	.write = probe_write_file,
};

static const struct file_operations peek_fops = {
	.owner = THIS_MODULE,
	.read = peek_read_file,
	.write = peek_write_file,
};

static const struct file_operations ops_fops = {
	.owner = THIS_MODULE,
	.read = ops_read_file,
	.write = ops_write_file,
};

static const struct file_operations stress_fops = {
	.owner = THIS_MODULE,
	.read = stress_read_file,
	.write = stress_write_file,
};

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;
	int ret;

	if (edu_dev)
		return -EBUSY;
	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	edu->bar = pcim_iomap_region(pdev, 0, "pkvm_edu");
	if (IS_ERR(edu->bar))
		return PTR_ERR(edu->bar);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	pci_set_master(pdev);
	mutex_init(&edu->lock);
	edu->pdev = pdev;
	edu->dir = debugfs_create_dir("pkvm_edu", NULL);
	debugfs_create_file("roundtrip", 0400, edu->dir, NULL, &roundtrip_fops);
	debugfs_create_file("probe", 0600, edu->dir, NULL, &probe_fops);
	debugfs_create_file("peek", 0600, edu->dir, NULL, &peek_fops);
	debugfs_create_file("stress", 0600, edu->dir, NULL, &stress_fops);
	debugfs_create_file("ops", 0600, edu->dir, NULL, &ops_fops);
	edu_dev = edu;
	dev_info(&pdev->dev, "edu id 0x%08x, iommu group %d\n", readl(edu->bar + EDU_ID),
		 pdev->dev.iommu_group ? iommu_group_id(pdev->dev.iommu_group) : -1);
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	u32 i;

	debugfs_remove_recursive(edu_dev->dir);
	for (i = 0; i < edu_dev->ops_nr; i++)
		dma_unmap_page(&pdev->dev, edu_dev->ops_dma[i], edu_dev->ops_size,
			       DMA_BIDIRECTIONAL);
	ops_free(edu_dev);
	edu_dev = NULL;
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_QEMU_EDU, PCI_DEVICE_ID_QEMU_EDU) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "pkvm_edu",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};
module_pci_driver(edu_driver);

MODULE_DESCRIPTION("QEMU edu DMA engine for pKVM SMMUv3 tests");
MODULE_LICENSE("GPL");
