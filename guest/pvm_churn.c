// SPDX-License-Identifier: GPL-2.0
/*
 * Create, run and destroy protected VMs in a loop, for the stress and bench
 * groups:
 * each guest writes every page of its memory, which donates the pages to
 * the VM (and so takes them out of the IOMMU identity map), then exits with
 * PSCI SYSTEM_OFF; destroying the VM gives the pages back to the host.
 *
 * Usage: pvm_churn SECONDS [PAGES [VM_TYPE]] (VM_TYPE 0: a normal VM)
 * Prints "pvm_churn: N VMs, N pages donated and reclaimed in N us" and exits
 * 0, or prints what failed and exits 1; exits 4 (skip) when the kernel offers
 * no protected VMs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define GPA		0x10000000UL
#define PAGE		4096UL

/*
 * The guest, run with its MMU off: x0 is the first page to write, x1 the
 * number of pages; then PSCI SYSTEM_OFF.
 */
static const __u32 guest_code[] = {
	0xf9000001,	/* 1: str x1, [x0] */
	0x91400400,	/* add x0, x0, #4096 */
	0xf1000421,	/* subs x1, x1, #1 */
	0x54ffffa1,	/* b.ne 1b */
	0xd2800100,	/* mov x0, #0x8 */
	0xf2b08000,	/* movk x0, #0x8400, lsl #16: PSCI_0_2_FN_SYSTEM_OFF */
	0xd4000002,	/* hvc #0 */
	0x14000000,	/* b . */
};

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(__u32)))

static int fail(const char *what)
{
	printf("pvm_churn: %s: %s\n", what, strerror(errno));
	return 1;
}

static int set_reg(int vcpu, __u64 id, __u64 val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (__u64)&val };

	return ioctl(vcpu, KVM_SET_ONE_REG, &reg);
}

static __u64 get_pc(int vcpu)
{
	__u64 pc = 0;
	struct kvm_one_reg reg = { .id = CORE_REG(regs.pc), .addr = (__u64)&pc };

	ioctl(vcpu, KVM_GET_ONE_REG, &reg);
	return pc;
}

/* One VM: returns 0, or 1 after printing what failed. */
static unsigned long vm_type = KVM_VM_TYPE_ARM_PROTECTED;

static int one_vm(int kvm, unsigned long pages, size_t run_size)
{
	struct kvm_userspace_memory_region mem = {
		.slot = 0, .guest_phys_addr = GPA, .memory_size = pages * PAGE,
	};
	struct kvm_vcpu_init init;
	struct kvm_run *run;
	int vm, vcpu, ret = 1;
	void *host;

	vm = ioctl(kvm, KVM_CREATE_VM, vm_type);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	host = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (host == MAP_FAILED) {
		fail("mmap");
		goto out_vm;
	}
	memcpy(host, guest_code, sizeof(guest_code));
	mem.userspace_addr = (__u64)host;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem)) {
		fail("KVM_SET_USER_MEMORY_REGION");
		goto out_mem;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		fail("KVM_CREATE_VCPU");
		goto out_mem;
	}
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init)) {
		fail("KVM_ARM_PREFERRED_TARGET");
		goto out_vcpu;
	}
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)) {
		fail("KVM_ARM_VCPU_INIT");
		goto out_vcpu;
	}
	if (set_reg(vcpu, CORE_REG(regs.pc), GPA) ||
	    set_reg(vcpu, CORE_REG(regs.regs[0]), GPA + PAGE) ||
	    set_reg(vcpu, CORE_REG(regs.regs[1]), pages - 1)) {
		fail("KVM_SET_ONE_REG");
		goto out_vcpu;
	}
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED) {
		fail("mmap kvm_run");
		goto out_vcpu;
	}
	if (ioctl(vcpu, KVM_RUN, 0)) {
		fail("KVM_RUN");
	} else if (run->exit_reason != KVM_EXIT_SYSTEM_EVENT ||
		   run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN) {
		printf("pvm_churn: unexpected exit %u, PC 0x%llx\n", run->exit_reason,
		       (unsigned long long)get_pc(vcpu));
	} else {
		ret = 0;
	}
	munmap(run, run_size);
out_vcpu:
	close(vcpu);
out_mem:
	munmap(host, pages * PAGE);
out_vm:
	close(vm);
	return ret;
}

int main(int argc, char *argv[])
{
	unsigned long secs, pages, vms = 0;
	struct timespec t0, t;
	int kvm, vm, run_size;

	if (argc < 2) {
		fprintf(stderr, "usage: %s SECONDS [PAGES]\n", argv[0]);
		return 2;
	}
	secs = strtoul(argv[1], NULL, 0);
	pages = argc > 2 ? strtoul(argv[2], NULL, 0) : 64;
	if (pages < 2)
		pages = 2;
	if (argc > 3)
		vm_type = strtoul(argv[3], NULL, 0);
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		return fail("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, vm_type);
	if (vm < 0) {
		printf("pvm_churn: no protected VMs (KVM_CREATE_VM: %s)\n", strerror(errno));
		return 4;
	}
	close(vm);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (one_vm(kvm, pages, run_size)) {
			printf("pvm_churn: VM %lu failed\n", vms + 1);
			return 1;
		}
		vms++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((unsigned long)(t.tv_sec - t0.tv_sec) < secs);
	printf("pvm_churn: %lu VMs, %lu pages donated and reclaimed in %lld us\n",
	       vms, vms * pages, (long long)(t.tv_sec - t0.tv_sec) * 1000000 +
	       (t.tv_nsec - t0.tv_nsec) / 1000);
	return 0;
}
