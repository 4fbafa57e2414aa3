/*
 * A page-fault counter for the roles that check whether an access faults
 * (a page unmapped, revoked, deleted or protected): the handler counts the
 * fault, records its address and skips the faulting instruction.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

volatile long pf_count;
volatile unsigned long pf_addr;

int pf_skip(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	pf_count++;
	pf_addr = u->tval;
	u->epc += insn_len(u->epc);
	return 0;
}

int pf_load_faults(unsigned long va)
{
	long before = pf_count;

	(void)*(volatile uint32_t *)va;
	return pf_count == before + 1 && pf_addr == va;
}

int pf_store_faults(unsigned long va, uint64_t v)
{
	long before = pf_count;

	*(volatile uint64_t *)va = v;
	return pf_count == before + 1 && pf_addr == va;
}
