/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: a warning of the entry writer is a bug in the code that
 * built the entry, a finding, so abort() for libFuzzer.
 */
#ifndef _FUZZ_LINUX_BUG_H
#define _FUZZ_LINUX_BUG_H

#include <stdlib.h>

#define WARN_ON_ONCE(cond)	({ if (cond) abort(); 0; })

#endif /* _FUZZ_LINUX_BUG_H */
