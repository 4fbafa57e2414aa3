// SPDX-License-Identifier: MIT
/*
 * Capability system calls: derive (copy into one's own space, or grant into
 * another domain's through a domain capability), delete, revoke, inspect.
 * Each decodes its arguments completely before calling into kernel/cap.c.
 */
#include "kernel/cap_syscall.h"

#include "kernel/abort.h"
#include "kernel/domain.h"
#include "kernel/frame_cap.h"
#include "kernel/irq_cap.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

/* The ABI's numbers are the kernel's. */
_Static_assert(RIVET_CAP_R == CAP_R && RIVET_CAP_W == CAP_W &&
		       RIVET_CAP_X == CAP_X && RIVET_CAP_GRANT == CAP_GRANT,
	       "rights");
_Static_assert(RIVET_CAP_FRAME == CAP_FRAME && RIVET_CAP_DOMAIN == CAP_DOMAIN &&
		       RIVET_CAP_IRQ == CAP_IRQ &&
		       RIVET_CAP_DEVICE == CAP_DEVICE,
	       "types");

void cap_deleted(void *ctx, cap_ref_t ref, const struct cap *c)
{
	struct domain *actor = ctx;
	struct domain *holder = domain_by_id(cap_ref_space(ref));

	if (c->type == CAP_FRAME || c->type == CAP_DEVICE)
		frame_cap_deleted(ref,
				  c); /* mappings, and frames if original */
	if (c->type == CAP_IRQ)
		irq_cap_deleted(ref, c);
	if (holder && holder != actor)
		domain_post_revoked(holder, cap_ref_slot(ref), c->type,
				    c->object);
}

/* The space a derive goes to: the caller's, or the domain a capability
 * with the grant right names. */
static long dest_space(struct domain *d, uint64_t dest, struct cspace **out)
{
	struct cap *dc;
	struct domain *t;
	long rc;

	if (dest == ~0UL) {
		*out = &d->cs;
		return 0;
	}
	if (dest > 0xffffffffUL)
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)dest, CAP_DOMAIN, CAP_GRANT, &dc);
	if (rc)
		return rc;
	t = domain_by_object(dc->object);
	if (!domain_live(t))
		return E_NOENT;
	*out = &t->cs;
	return 0;
}

long cap_sys_derive(struct domain *d, uint64_t slot, uint64_t dest,
		    uint64_t mask, uint64_t badge, uint64_t *new_slot)
{
	struct cspace *dst;
	uint32_t s;
	long rc;

	if (slot > 0xffffffffUL || mask & ~(uint64_t)CAP_ALL)
		return E_INVAL;
	rc = dest_space(d, dest, &dst);
	if (rc)
		return rc;
	rc = cap_derive(&domain_caps, &d->cs, (uint32_t)slot, dst,
			(unsigned)mask, badge, &s);
	if (!rc)
		*new_slot = s;
	return rc;
}

long cap_sys_delete_as(struct domain *d, uint32_t slot, struct domain *actor)
{
	struct cap *c;
	long rc = cap_lookup(&d->cs, slot, CAP_NULL, 0, &c);

	if (rc)
		return rc;
	/* The frames die with the original: no copy may outlive them. */
	if (c->type == CAP_FRAME && (c->flags & CAPF_FRAME_ORIGINAL))
		cap_revoke(&domain_caps, &d->cs, slot, cap_deleted, actor, 0);
	return cap_delete(&domain_caps, &d->cs, slot, cap_deleted, actor);
}

long cap_sys_delete(struct domain *d, uint64_t slot)
{
	long rc;

	if (slot > 0xffffffffUL)
		return E_INVAL;
	rc = cap_sys_delete_as(d, (uint32_t)slot, d);
	if (!rc)
		abort_check(d); /* frames given back by choice */
	return rc;
}

long cap_sys_revoke(struct domain *d, uint64_t slot, uint64_t *count)
{
	uint32_t n = 0;
	long rc;

	if (slot > 0xffffffffUL)
		return E_INVAL;
	rc = cap_revoke(&domain_caps, &d->cs, (uint32_t)slot, cap_deleted, d,
			&n);
	*count = n;
	return rc;
}

long cap_sys_info(struct domain *d, uint64_t slot, uint64_t what, uint64_t *val)
{
	struct cap *c;
	long rc;

	if (slot > 0xffffffffUL)
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)slot, CAP_NULL, 0, &c);
	if (rc)
		return rc;
	switch (what) {
	case RIVET_CAPINFO_TYPE:
		*val = c->type | (uint64_t)c->rights << 8;
		return 0;
	case RIVET_CAPINFO_OBJECT:
		*val = c->object;
		return 0;
	case RIVET_CAPINFO_SIZE:
		*val = c->size;
		return 0;
	case RIVET_CAPINFO_BADGE:
		*val = c->badge;
		return 0;
	default:
		return E_INVAL;
	}
}
