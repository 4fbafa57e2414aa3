// SPDX-License-Identifier: MIT
/*
 * Capability spaces and the derivation tree: each operation and each of its
 * errors, the tree shape after derive / delete / revoke / destroy across
 * spaces, large and very deep revokes (with a count of the links followed,
 * to check linearity), and long random runs checked after every step
 * against a reference model of parent links.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "kernel/cap/cap.h"

#define NONE CAP_REF_NONE

/* ------------------------------------------------------------ fixture --- */

#define NA 16
#define NB 16
#define NC 4

static struct cap_system sys;
static struct cap slots_a[NA], slots_b[NB], slots_c[NC];
static struct cspace sa, sb, sc; /* ids 0, 1 and the highest */

/* Backing store for the big tests: up to CAP_MAX_SLOTS slots. */
static struct cap big[CAP_MAX_SLOTS];

/* Records every delete callback: which refs, and whether each was intact. */
#define REC_MAX (CAP_MAX_SLOTS + 16)
static struct {
	uint32_t calls;
	uint32_t dups;
	uint32_t not_intact;
	cap_ref_t refs[REC_MAX];
} rec;
static bool rec_seen[CAP_MAX_SPACES][CAP_MAX_SLOTS];

static void rec_reset(void)
{
	uint32_t i;

	for (i = 0; i < rec.calls && i < REC_MAX; i++)
		rec_seen[cap_ref_space(rec.refs[i])]
			[cap_ref_slot(rec.refs[i])] = false;
	rec.calls = rec.dups = rec.not_intact = 0;
}

static void rec_fn(void *ctx, cap_ref_t ref, const struct cap *c)
{
	bool *seen = &rec_seen[cap_ref_space(ref)][cap_ref_slot(ref)];

	/* Intact: the slot is still in use and is the one the ref names. */
	if (c->type == CAP_NULL || cap_deref(&sys, ref) != c)
		rec.not_intact++;
	if (*seen)
		rec.dups++;
	*seen = true;
	if (rec.calls < REC_MAX)
		rec.refs[rec.calls] = ref;
	rec.calls++;
}

static bool rec_has(cap_ref_t ref)
{
	return rec_seen[cap_ref_space(ref)][cap_ref_slot(ref)];
}

/* Every registered space accepts as many grants from every other as it
 * has slots: the tests below that are not about budgets ignore them. */
static void accept_all(void)
{
	unsigned i, j;

	for (i = 0; i < CAP_MAX_SPACES; i++)
		for (j = 0; j < CAP_MAX_SPACES; j++)
			if (sys.spaces[i])
				cspace_accept(sys.spaces[i], j, CAP_MAX_SLOTS);
}

static int setup(void **state)
{
	memset(slots_a, 0xa5, sizeof(slots_a)); /* init must clear them */
	cap_system_init(&sys);
	rec_reset();
	if (cspace_init(&sys, &sa, 0, slots_a, NA) ||
	    cspace_init(&sys, &sb, 1, slots_b, NB) ||
	    cspace_init(&sys, &sc, CAP_MAX_SPACES - 1, slots_c, NC))
		return -1;
	accept_all();
	return 0;
}

static cap_ref_t ref(const struct cspace *cs, uint32_t slot)
{
	return cap_ref(cs->id, slot);
}

static struct cap *slot_of(const struct cspace *cs, uint32_t slot)
{
	return &cs->slots[slot];
}

/* A new root frame capability in cs; fails the test if it cannot. */
static uint32_t mk(struct cspace *cs, unsigned rights)
{
	uint32_t s = NONE;

	assert_int_equal(cap_create(cs, CAP_FRAME, rights, 0x80000000, 1, &s),
			 0);
	return s;
}

/* A child of src:s in dst with rights & mask; fails the test if it cannot. */
static uint32_t der(struct cspace *src, uint32_t s, struct cspace *dst,
		    unsigned mask)
{
	uint32_t d = NONE;

	assert_int_equal(cap_derive(&sys, src, s, dst, mask, 0, &d), 0);
	return d;
}

/* Child list of cs:s in order into out[]; returns how many. */
static unsigned children(const struct cspace *cs, uint32_t s, cap_ref_t *out,
			 unsigned max)
{
	cap_ref_t r = slot_of(cs, s)->first_child;
	unsigned n = 0;

	while (r != NONE && n < max) {
		out[n++] = r;
		r = cap_deref(&sys, r)->next_sibling;
	}
	return n;
}

/*
 * Checks every structural invariant of every registered space: child lists
 * doubly linked and naming their parent, each live capability a root or on
 * exactly one list, no parent ref to a dead slot, child rights within the
 * parent's, empty slots clean, free list = the empty slots.
 */
static void check_tree(void)
{
	uint32_t live_total = 0, linked = 0, used, nfree, i, k;
	const uint32_t bound = CAP_MAX_SLOTS * 2;
	const struct cspace *cs;
	const struct cap *c, *p, *ch;
	cap_ref_t r, prev;
	unsigned id;

	for (id = 0; id < CAP_MAX_SPACES; id++) {
		cs = sys.spaces[id];
		if (!cs)
			continue;
		assert_true(cs->live);
		assert_int_equal(cs->id, id);
		used = 0;
		for (i = 0; i < cs->nslots; i++) {
			c = &cs->slots[i];
			if (c->type == CAP_NULL) {
				assert_int_equal(c->parent, NONE);
				assert_int_equal(c->first_child, NONE);
				assert_int_equal(c->prev_sibling, NONE);
				continue;
			}
			used++;
			assert_true(c->type < CAP_TYPE_COUNT);
			assert_int_equal(c->rights & ~CAP_ALL, 0);
			if (c->parent == NONE) {
				assert_int_equal(c->prev_sibling, NONE);
				assert_int_equal(c->next_sibling, NONE);
				linked++;
			} else {
				p = cap_deref(&sys, c->parent);
				assert_non_null(p);
				assert_int_equal(c->rights & ~p->rights, 0);
			}
			prev = NONE;
			k = 0;
			for (r = c->first_child; r != NONE;
			     r = ch->next_sibling) {
				ch = cap_deref(&sys, r);
				assert_non_null(ch);
				assert_int_equal(ch->parent, cap_ref(id, i));
				assert_int_equal(ch->prev_sibling, prev);
				prev = r;
				assert_true(++k <= bound);
			}
			linked += k;
		}
		assert_int_equal(used, cs->used);
		nfree = 0;
		for (r = cs->free_head; r != NONE;
		     r = cs->slots[r].next_sibling) {
			assert_true(r < cs->nslots);
			assert_int_equal(cs->slots[r].type, CAP_NULL);
			assert_true(++nfree <= cs->nslots);
		}
		assert_int_equal(nfree + used, cs->nslots);
		live_total += used;
	}
	assert_int_equal(linked, live_total);
}

/* ------------------------------------------------------- cspace_init --- */

static void cap_system_init_registers_nothing(void **state)
{
	unsigned i;

	memset(&sys, 0x5a, sizeof(sys));
	cap_system_init(&sys);
	for (i = 0; i < CAP_MAX_SPACES; i++)
		assert_null(sys.spaces[i]);
	assert_int_equal(sys.revoke_steps, 0);
}

static void cspace_init_leaves_every_slot_empty_on_the_free_list(void **state)
{
	struct cap *c;
	uint32_t i;

	assert_ptr_equal(sys.spaces[0], &sa);
	assert_ptr_equal(sys.spaces[CAP_MAX_SPACES - 1], &sc);
	assert_true(sa.live);
	assert_int_equal(sa.used, 0);
	for (i = 0; i < NA; i++) {
		assert_int_equal(cap_lookup(&sa, i, CAP_NULL, 0, &c), E_NOENT);
		assert_null(cap_deref(&sys, ref(&sa, i)));
	}
	check_tree();
}

static void cspace_init_id_out_of_range_is_inval(void **state)
{
	struct cspace cs;

	assert_int_equal(cspace_init(&sys, &cs, CAP_MAX_SPACES, big, 4),
			 E_INVAL);
	assert_int_equal(cspace_init(&sys, &cs, 1000, big, 4), E_INVAL);
}

static void cspace_init_zero_slots_is_inval(void **state)
{
	struct cspace cs;

	assert_int_equal(cspace_init(&sys, &cs, 2, big, 0), E_INVAL);
	assert_null(sys.spaces[2]);
}

static void cspace_init_too_many_slots_is_inval(void **state)
{
	struct cspace cs;

	assert_int_equal(cspace_init(&sys, &cs, 2, big, CAP_MAX_SLOTS + 1),
			 E_INVAL);
	assert_null(sys.spaces[2]);
}

static void cspace_init_taken_id_is_exist(void **state)
{
	struct cspace cs;

	mk(&sb, CAP_ALL);
	assert_int_equal(cspace_init(&sys, &cs, 1, big, 4), E_EXIST);
	assert_ptr_equal(sys.spaces[1], &sb);
	assert_int_equal(sb.used, 1); /* untouched */
}

static void cspace_init_max_slots_fills_to_the_last_slot(void **state)
{
	struct cspace cs;
	uint32_t i, s;

	assert_int_equal(cspace_init(&sys, &cs, 7, big, CAP_MAX_SLOTS), 0);
	for (i = 0; i < CAP_MAX_SLOTS; i++) {
		assert_int_equal(cap_create(&cs, CAP_NOTIFY, CAP_R, i, 0, &s),
				 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(cap_create(&cs, CAP_NOTIFY, CAP_R, 0, 0, &s), E_NOMEM);
	assert_ptr_equal(cap_deref(&sys, cap_ref(7, CAP_MAX_SLOTS - 1)),
			 &big[CAP_MAX_SLOTS - 1]);
	assert_int_equal(big[CAP_MAX_SLOTS - 1].object, CAP_MAX_SLOTS - 1);
	check_tree();
}

/* A space set up in uneven pieces (a spawn's build) is the same as one
 * set up at once: every slot handed out in order, to the last. */
static void cspace_thread_in_pieces_then_adopt_is_cspace_init(void **state)
{
	struct cspace cs;
	uint32_t i, s, n = 1000, from = 0, step = 1;

	memset(big, 0, n * sizeof(big[0]));
	while (from < n) {
		uint32_t to = n - from > step ? from + step : n;

		cspace_thread(big, from, to, n);
		from = to;
		step = step * 3 + 1;
	}
	assert_int_equal(cspace_adopt(&sys, &cs, 7, big, n), 0);
	assert_ptr_equal(sys.spaces[7], &cs);
	for (i = 0; i < n; i++) {
		assert_int_equal(cap_create(&cs, CAP_NOTIFY, CAP_R, i, 0, &s),
				 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(cap_create(&cs, CAP_NOTIFY, CAP_R, 0, 0, &s), E_NOMEM);
	check_tree();
}

static void cspace_adopt_checks_as_cspace_init(void **state)
{
	struct cspace cs;

	assert_int_equal(cspace_adopt(&sys, &cs, CAP_MAX_SPACES, big, 4),
			 E_INVAL);
	assert_int_equal(cspace_adopt(&sys, &cs, 2, big, 0), E_INVAL);
	assert_int_equal(cspace_adopt(&sys, &cs, 2, 0, 4), E_INVAL);
	assert_int_equal(cspace_adopt(&sys, &cs, 1, big, 4), E_EXIST);
	assert_null(sys.spaces[2]);
}

/* -------------------------------------------------------- cap_create --- */

static void cap_create_makes_a_root_with_the_given_fields(void **state)
{
	struct cap *c;
	uint32_t s;

	assert_int_equal(cap_create(&sa, CAP_DEVICE, CAP_R | CAP_W, 0x10000000,
				    0x100, &s),
			 0);
	assert_int_equal(cap_lookup(&sa, s, CAP_DEVICE, CAP_R | CAP_W, &c), 0);
	assert_int_equal(c->type, CAP_DEVICE);
	assert_int_equal(c->rights, CAP_R | CAP_W);
	assert_int_equal(c->object, 0x10000000);
	assert_int_equal(c->size, 0x100);
	assert_int_equal(c->badge, 0);
	assert_int_equal(c->parent, NONE);
	assert_int_equal(c->first_child, NONE);
	assert_int_equal(sa.used, 1);
	check_tree();
}

static void cap_create_null_or_unknown_type_is_inval(void **state)
{
	uint32_t s;

	assert_int_equal(cap_create(&sa, CAP_NULL, CAP_R, 0, 0, &s), E_INVAL);
	assert_int_equal(cap_create(&sa, CAP_TYPE_COUNT, CAP_R, 0, 0, &s),
			 E_INVAL);
	assert_int_equal(sa.used, 0);
}

static void cap_create_unknown_rights_is_inval(void **state)
{
	uint32_t s;

	assert_int_equal(cap_create(&sa, CAP_FRAME, CAP_ALL + 1, 0, 0, &s),
			 E_INVAL);
	assert_int_equal(sa.used, 0);
}

static void cap_space_full_is_nomem(void **state)
{
	uint32_t i, s = 1234;

	for (i = 0; i < NC; i++)
		mk(&sc, CAP_ALL);
	assert_int_equal(cap_create(&sc, CAP_FRAME, CAP_R, 0, 0, &s), E_NOMEM);
	assert_int_equal(s, 1234);
	assert_int_equal(sc.used, NC);
	check_tree();
}

static void cap_create_reuses_a_deleted_slot(void **state)
{
	uint32_t i, s;

	for (i = 0; i < NC; i++)
		mk(&sc, CAP_ALL);
	assert_int_equal(cap_delete(&sys, &sc, 2, NULL, NULL), 0);
	s = mk(&sc, CAP_R);
	assert_int_equal(s, 2);
	check_tree();
}

/* -------------------------------------------------------- cap_lookup --- */

static void cap_lookup_finds_a_capability_with_enough_rights(void **state)
{
	uint32_t s = mk(&sa, CAP_R | CAP_W);
	struct cap *c = NULL;

	assert_int_equal(cap_lookup(&sa, s, CAP_FRAME, CAP_R, &c), 0);
	assert_ptr_equal(c, slot_of(&sa, s));
	c = NULL;
	assert_int_equal(cap_lookup(&sa, s, CAP_NULL, 0, &c), 0);
	assert_ptr_equal(c, slot_of(&sa, s));
}

static void cap_lookup_slot_out_of_range_is_inval(void **state)
{
	struct cap *c;

	assert_int_equal(cap_lookup(&sa, NA, CAP_NULL, 0, &c), E_INVAL);
	assert_int_equal(cap_lookup(&sa, 0xffffffffu, CAP_NULL, 0, &c),
			 E_INVAL);
}

static void cap_lookup_empty_slot_is_noent(void **state)
{
	struct cap *c;

	mk(&sa, CAP_ALL);
	assert_int_equal(cap_lookup(&sa, 1, CAP_NULL, 0, &c), E_NOENT);
}

static void cap_lookup_wrong_type_is_inval(void **state)
{
	uint32_t s = mk(&sa, CAP_ALL);
	struct cap *c;

	assert_int_equal(cap_lookup(&sa, s, CAP_IRQ, 0, &c), E_INVAL);
}

static void cap_lookup_missing_rights_is_perm(void **state)
{
	uint32_t s = mk(&sa, CAP_R | CAP_GRANT);
	struct cap *c;

	assert_int_equal(cap_lookup(&sa, s, CAP_FRAME, CAP_R | CAP_W, &c),
			 E_PERM);
	assert_int_equal(cap_lookup(&sa, s, CAP_FRAME, CAP_X, &c), E_PERM);
}

/* --------------------------------------------------------- cap_deref --- */

static void cap_deref_names_the_slot(void **state)
{
	uint32_t s = mk(&sc, CAP_ALL);

	assert_ptr_equal(cap_deref(&sys, ref(&sc, s)), slot_of(&sc, s));
}

static void cap_deref_none_or_bad_ref_is_null(void **state)
{
	mk(&sa, CAP_ALL);
	assert_null(cap_deref(&sys, NONE));
	assert_null(cap_deref(&sys, cap_ref(CAP_MAX_SPACES, 0)));
	assert_null(cap_deref(&sys, cap_ref(0, NA)));
	assert_null(cap_deref(&sys, cap_ref(5, 0))); /* never registered */
	assert_null(cap_deref(&sys, cap_ref(0, 1))); /* empty */
}

static void cap_deref_of_destroyed_space_is_null(void **state)
{
	uint32_t s = mk(&sb, CAP_ALL);

	cspace_destroy(&sys, &sb, NULL, NULL);
	assert_null(cap_deref(&sys, ref(&sb, s)));
}

/* -------------------------------------------------------- cap_derive --- */

static void cap_derive_makes_a_child_with_masked_rights(void **state)
{
	uint32_t p = mk(&sa, CAP_R | CAP_W | CAP_GRANT), d;
	struct cap *c;

	slot_of(&sa, p)->user = 77;
	slot_of(&sa, p)->flags = 3;
	assert_int_equal(
		cap_derive(&sys, &sa, p, &sb, CAP_R | CAP_GRANT, 0, &d), 0);
	assert_int_equal(cap_lookup(&sb, d, CAP_FRAME, 0, &c), 0);
	assert_int_equal(c->rights, CAP_R | CAP_GRANT);
	assert_int_equal(c->object, slot_of(&sa, p)->object);
	assert_int_equal(c->size, slot_of(&sa, p)->size);
	assert_int_equal(c->parent, ref(&sa, p));
	assert_int_equal(c->first_child, NONE);
	assert_int_equal(c->user, 0);
	assert_int_equal(c->flags, 0);
	assert_int_equal(slot_of(&sa, p)->first_child, ref(&sb, d));
	check_tree();
}

static void cap_derive_cannot_add_rights(void **state)
{
	uint32_t p = mk(&sa, CAP_R), d;

	assert_int_equal(cap_derive(&sys, &sa, p, &sa, CAP_ALL | 0xf0, 0, &d),
			 0);
	assert_int_equal(slot_of(&sa, d)->rights, CAP_R);
	check_tree();
}

static void cap_derive_same_space_needs_no_grant(void **state)
{
	uint32_t p = mk(&sa, CAP_R | CAP_W), d;

	assert_int_equal(cap_derive(&sys, &sa, p, &sa, CAP_ALL, 0, &d), 0);
	assert_int_equal(slot_of(&sa, d)->parent, ref(&sa, p));
}

static void cap_derive_without_grant_to_other_space_fails(void **state)
{
	uint32_t p = mk(&sa, CAP_R | CAP_W | CAP_X), d = 99;

	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_ALL, 0, &d), E_PERM);
	assert_int_equal(d, 99);
	assert_int_equal(sb.used, 0);
	assert_int_equal(slot_of(&sa, p)->first_child, NONE);
	check_tree();
}

static void cap_derive_kernel_needs_no_grant_right_nor_budget(void **state)
{
	uint32_t p = mk(&sa, CAP_R | CAP_W), d = 99;

	cspace_accept(&sb, sa.id, 0); /* sb takes no grant from sa */
	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_ALL, 0, &d), E_PERM);
	assert_int_equal(cap_derive_kernel(&sys, &sa, p, &sb, CAP_ALL, 7, &d),
			 0);
	/* A child with the parent's rights (no grant lent to it), not a
	 * grant: no budget used, the parent unchanged. */
	assert_int_equal(slot_of(&sb, d)->rights, CAP_R | CAP_W);
	assert_int_equal(slot_of(&sb, d)->badge, 7);
	assert_int_equal(slot_of(&sb, d)->granter, 0);
	assert_int_equal(slot_of(&sb, d)->parent, ref(&sa, p));
	assert_int_equal(sb.granted[sa.id], 0);
	assert_int_equal(sb.accept[sa.id], 0);
	assert_int_equal(slot_of(&sa, p)->rights, CAP_R | CAP_W);
	check_tree();
	/* Revoking the parent reaches it like any copy. */
	rec_reset();
	assert_int_equal(cap_revoke(&sys, &sa, p, rec_fn, 0, 0), 0);
	assert_true(rec_has(ref(&sb, d)));
	assert_int_equal(cap_derive_kernel(&sys, &sa, NA, &sb, CAP_ALL, 0, &d),
			 E_INVAL);
}

static void cap_derive_zero_badge_keeps_the_parents(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL), m, d;

	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_ALL, 42, &m), 0);
	assert_int_equal(slot_of(&sb, m)->badge, 42);
	assert_int_equal(slot_of(&sa, p)->badge, 0);
	assert_int_equal(cap_derive(&sys, &sb, m, &sc, CAP_ALL, 0, &d), 0);
	assert_int_equal(slot_of(&sc, d)->badge, 42);
}

static void cap_derive_inserts_at_the_head_of_the_children(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL);
	uint32_t d1 = der(&sa, p, &sb, CAP_ALL);
	uint32_t d2 = der(&sa, p, &sa, CAP_ALL);
	uint32_t d3 = der(&sa, p, &sc, CAP_ALL);
	cap_ref_t kids[4];

	assert_int_equal(children(&sa, p, kids, 4), 3);
	assert_int_equal(kids[0], ref(&sc, d3));
	assert_int_equal(kids[1], ref(&sa, d2));
	assert_int_equal(kids[2], ref(&sb, d1));
	check_tree();
}

static void cap_derive_from_empty_slot_is_noent(void **state)
{
	uint32_t d;

	assert_int_equal(cap_derive(&sys, &sa, 3, &sa, CAP_ALL, 0, &d),
			 E_NOENT);
	assert_int_equal(sa.used, 0);
}

static void cap_derive_from_slot_out_of_range_is_inval(void **state)
{
	uint32_t d;

	assert_int_equal(cap_derive(&sys, &sa, NA, &sb, CAP_ALL, 0, &d),
			 E_INVAL);
	assert_int_equal(sb.used, 0);
}

/* Slots lent to spawned domains (cspace.lent) count as taken. */
static void cap_lent_slots_are_not_handed_out(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL), i, s = 1234;

	sc.lent = NC - 1;
	mk(&sc, CAP_R);
	assert_int_equal(cap_create(&sc, CAP_FRAME, CAP_R, 0, 0, &s), E_NOMEM);
	assert_int_equal(cap_derive(&sys, &sa, p, &sc, CAP_ALL, 0, &s),
			 E_NOMEM);
	assert_int_equal(s, 1234);
	sc.lent = 0; /* given back: the rest can be filled again */
	for (i = 1; i < NC; i++)
		mk(&sc, CAP_R);
	assert_int_equal(sc.used, NC);
	check_tree();
}

static void cap_derive_into_full_space_is_nomem(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL), i, d;

	for (i = 0; i < NC; i++)
		mk(&sc, CAP_R);
	assert_int_equal(cap_derive(&sys, &sa, p, &sc, CAP_ALL, 0, &d),
			 E_NOMEM);
	assert_int_equal(slot_of(&sa, p)->first_child, NONE);
	check_tree();
}

static void cap_derive_with_unregistered_space_is_inval(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL), d;
	struct cspace loose = { 0 };

	cspace_destroy(&sys, &sb, NULL, NULL);
	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_ALL, 0, &d),
			 E_INVAL);
	assert_int_equal(cap_derive(&sys, &sa, p, &loose, CAP_ALL, 0, &d),
			 E_INVAL);
	assert_int_equal(slot_of(&sa, p)->first_child, NONE);
	check_tree();
}

/* -------------------------------------------------------- cap_delete --- */

static void cap_delete_calls_fn_once_with_the_intact_capability(void **state)
{
	uint32_t s = mk(&sa, CAP_ALL);
	struct cap *c;

	assert_int_equal(cap_delete(&sys, &sa, s, rec_fn, NULL), 0);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(rec.refs[0], ref(&sa, s));
	assert_int_equal(rec.not_intact, 0);
	assert_int_equal(cap_lookup(&sa, s, CAP_NULL, 0, &c), E_NOENT);
	assert_int_equal(sa.used, 0);
	check_tree();
}

static void cap_delete_middle_sibling_relinks_its_neighbours(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL);
	uint32_t d1 = der(&sa, p, &sb, CAP_ALL);
	uint32_t d2 = der(&sa, p, &sb, CAP_ALL);
	uint32_t d3 = der(&sa, p, &sb, CAP_ALL);
	cap_ref_t kids[4];

	assert_int_equal(cap_delete(&sys, &sb, d2, rec_fn, NULL), 0);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(children(&sa, p, kids, 4), 2);
	assert_int_equal(kids[0], ref(&sb, d3));
	assert_int_equal(kids[1], ref(&sb, d1));
	check_tree();
}

static void cap_delete_splices_children_to_parent(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL);
	uint32_t a = der(&sa, p, &sa, CAP_ALL);
	uint32_t x = der(&sa, p, &sb, CAP_ALL);
	uint32_t b = der(&sa, p, &sa, CAP_ALL);
	uint32_t k1 = der(&sb, x, &sc, CAP_ALL);
	uint32_t k2 = der(&sb, x, &sa, CAP_R | CAP_GRANT);
	uint32_t g = der(&sa, k2, &sc, CAP_R);
	cap_ref_t kids[8];

	/* p's children: b, x, a; x's: k2, k1. */
	assert_int_equal(cap_delete(&sys, &sb, x, rec_fn, NULL), 0);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(children(&sa, p, kids, 8), 4);
	assert_int_equal(kids[0], ref(&sa, b));
	assert_int_equal(kids[1], ref(&sa, k2));
	assert_int_equal(kids[2], ref(&sc, k1));
	assert_int_equal(kids[3], ref(&sa, a));
	assert_int_equal(slot_of(&sa, k2)->parent, ref(&sa, p));
	assert_int_equal(slot_of(&sc, k1)->parent, ref(&sa, p));
	assert_int_equal(slot_of(&sc, g)->parent, ref(&sa, k2));
	check_tree();
}

static void cap_delete_first_child_splices_at_the_head(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL);
	uint32_t a = der(&sa, p, &sa, CAP_ALL);
	uint32_t x = der(&sa, p, &sb, CAP_ALL);
	uint32_t k = der(&sb, x, &sb, CAP_ALL);
	cap_ref_t kids[4];

	assert_int_equal(cap_delete(&sys, &sb, x, NULL, NULL), 0);
	assert_int_equal(children(&sa, p, kids, 4), 2);
	assert_int_equal(kids[0], ref(&sb, k));
	assert_int_equal(kids[1], ref(&sa, a));
	assert_int_equal(slot_of(&sa, p)->first_child, ref(&sb, k));
	check_tree();
}

static void cap_delete_root_makes_its_children_roots(void **state)
{
	uint32_t p = mk(&sa, CAP_ALL);
	uint32_t a = der(&sa, p, &sb, CAP_ALL);
	uint32_t b = der(&sa, p, &sc, CAP_ALL);
	uint32_t g = der(&sb, a, &sb, CAP_ALL);

	assert_int_equal(cap_delete(&sys, &sa, p, rec_fn, NULL), 0);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(slot_of(&sb, a)->parent, NONE);
	assert_int_equal(slot_of(&sb, a)->next_sibling, NONE);
	assert_int_equal(slot_of(&sb, a)->prev_sibling, NONE);
	assert_int_equal(slot_of(&sc, b)->parent, NONE);
	assert_int_equal(slot_of(&sc, b)->next_sibling, NONE);
	assert_int_equal(slot_of(&sc, b)->prev_sibling, NONE);
	assert_int_equal(slot_of(&sb, g)->parent, ref(&sb, a));
	check_tree();
}

static void cap_delete_empty_slot_is_noent(void **state)
{
	assert_int_equal(cap_delete(&sys, &sa, 0, rec_fn, NULL), E_NOENT);
	assert_int_equal(rec.calls, 0);
}

static void cap_delete_slot_out_of_range_is_inval(void **state)
{
	assert_int_equal(cap_delete(&sys, &sa, NA, rec_fn, NULL), E_INVAL);
	assert_int_equal(rec.calls, 0);
}

static void cap_delete_in_unregistered_space_is_inval(void **state)
{
	struct cspace loose = { 0 };

	assert_int_equal(cap_delete(&sys, &loose, 0, rec_fn, NULL), E_INVAL);
	assert_int_equal(rec.calls, 0);
}

/* -------------------------------------------------------- cap_revoke --- */

static void cap_revoke_of_a_leaf_deletes_nothing(void **state)
{
	uint32_t s = mk(&sa, CAP_ALL), n = 99;

	assert_int_equal(cap_revoke(&sys, &sa, s, rec_fn, NULL, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rec.calls, 0);
	assert_int_equal(sa.used, 1);
}

static void cap_revoke_deletes_grandchildren_across_spaces(void **state)
{
	uint32_t r = mk(&sa, CAP_ALL);
	uint32_t c1 = der(&sa, r, &sb, CAP_ALL);
	uint32_t c2 = der(&sa, r, &sa, CAP_ALL);
	uint32_t g1 = der(&sb, c1, &sc, CAP_ALL);
	uint32_t g2 = der(&sb, c1, &sa, CAP_ALL);
	uint32_t gg = der(&sa, g2, &sb, CAP_R);
	uint32_t n = 0;
	struct cap *c;

	assert_int_equal(cap_revoke(&sys, &sa, r, rec_fn, NULL, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rec.calls, 5);
	assert_int_equal(rec.dups, 0);
	assert_int_equal(rec.not_intact, 0);
	assert_true(rec_has(ref(&sb, c1)) && rec_has(ref(&sa, c2)) &&
		    rec_has(ref(&sc, g1)) && rec_has(ref(&sa, g2)) &&
		    rec_has(ref(&sb, gg)));
	/* The capability itself stays, childless. */
	assert_int_equal(cap_lookup(&sa, r, CAP_FRAME, CAP_ALL, &c), 0);
	assert_int_equal(c->first_child, NONE);
	assert_int_equal(sa.used, 1);
	assert_int_equal(sb.used, 0);
	assert_int_equal(sc.used, 0);
	check_tree();
}

static void cap_revoke_spares_ancestors_and_siblings(void **state)
{
	uint32_t r = mk(&sa, CAP_ALL);
	uint32_t sib = der(&sa, r, &sb, CAP_ALL);
	uint32_t x = der(&sa, r, &sb, CAP_ALL);
	uint32_t sib2 = der(&sa, r, &sc, CAP_ALL);
	uint32_t k = der(&sb, x, &sa, CAP_ALL);
	uint32_t nephew = der(&sb, sib, &sa, CAP_ALL);
	uint32_t n;
	cap_ref_t kids[4];

	der(&sa, k, &sc, CAP_ALL);
	assert_int_equal(cap_revoke(&sys, &sb, x, rec_fn, NULL, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(children(&sa, r, kids, 4), 3);
	assert_int_equal(kids[0], ref(&sc, sib2));
	assert_int_equal(kids[1], ref(&sb, x));
	assert_int_equal(kids[2], ref(&sb, sib));
	assert_int_equal(slot_of(&sa, nephew)->parent, ref(&sb, sib));
	assert_int_equal(slot_of(&sb, x)->first_child, NONE);
	check_tree();
}

static void cap_revoke_count_may_be_null(void **state)
{
	uint32_t r = mk(&sa, CAP_ALL);

	der(&sa, r, &sb, CAP_ALL);
	assert_int_equal(cap_revoke(&sys, &sa, r, NULL, NULL, NULL), 0);
	assert_int_equal(sb.used, 0);
	check_tree();
}

static void cap_revoke_empty_slot_is_noent(void **state)
{
	uint32_t n = 99;

	assert_int_equal(cap_revoke(&sys, &sa, 2, rec_fn, NULL, &n), E_NOENT);
	assert_int_equal(n, 99);
	assert_int_equal(rec.calls, 0);
}

static void cap_revoke_slot_out_of_range_is_inval(void **state)
{
	assert_int_equal(cap_revoke(&sys, &sc, NC, rec_fn, NULL, NULL),
			 E_INVAL);
	assert_int_equal(rec.calls, 0);
}

static void cap_revoke_in_unregistered_space_is_inval(void **state)
{
	uint32_t s = mk(&sb, CAP_ALL);

	der(&sb, s, &sb, CAP_ALL);
	cspace_destroy(&sys, &sb, NULL, NULL);
	assert_int_equal(cap_revoke(&sys, &sb, s, rec_fn, NULL, NULL), E_INVAL);
	assert_int_equal(rec.calls, 0);
}

/* ---------------------------------------------------- cspace_destroy --- */

static void cspace_destroy_deletes_descendants_in_other_spaces(void **state)
{
	uint32_t a = mk(&sb, CAP_ALL);
	uint32_t b = mk(&sb, CAP_ALL);
	uint32_t ca = der(&sb, a, &sa, CAP_ALL);
	uint32_t cca = der(&sa, ca, &sc, CAP_ALL);
	uint32_t cb = der(&sb, b, &sb, CAP_ALL);
	uint32_t ccb = der(&sb, cb, &sa, CAP_ALL);

	cspace_destroy(&sys, &sb, rec_fn, NULL);
	assert_int_equal(rec.calls, 6);
	assert_int_equal(rec.dups, 0);
	assert_int_equal(rec.not_intact, 0);
	assert_true(rec_has(ref(&sa, ca)) && rec_has(ref(&sc, cca)) &&
		    rec_has(ref(&sa, ccb)) && rec_has(cap_ref(1, cb)));
	assert_int_equal(sa.used, 0);
	assert_int_equal(sc.used, 0);
	assert_int_equal(sb.used, 0);
	check_tree();
}

static void cspace_destroy_keeps_ancestors_elsewhere(void **state)
{
	uint32_t r = mk(&sa, CAP_ALL);
	uint32_t keep = der(&sa, r, &sc, CAP_ALL);
	uint32_t gone = der(&sa, r, &sb, CAP_ALL);
	cap_ref_t kids[4];

	der(&sb, gone, &sb, CAP_ALL);
	cspace_destroy(&sys, &sb, rec_fn, NULL);
	assert_int_equal(rec.calls, 2);
	assert_int_equal(children(&sa, r, kids, 4), 1);
	assert_int_equal(kids[0], ref(&sc, keep));
	check_tree();
}

static void cspace_destroy_unregisters_and_frees_the_id(void **state)
{
	mk(&sb, CAP_ALL);
	cspace_destroy(&sys, &sb, NULL, NULL);
	assert_null(sys.spaces[1]);
	assert_false(sb.live);
	assert_int_equal(cspace_init(&sys, &sb, 1, slots_b, NB), 0);
	assert_int_equal(sb.used, 0);
	check_tree();
}

static void cspace_destroy_of_unregistered_space_does_nothing(void **state)
{
	struct cspace loose = { 0 };

	mk(&sa, CAP_ALL);
	cspace_destroy(&sys, &loose, rec_fn, NULL);
	assert_int_equal(rec.calls, 0);
	assert_ptr_equal(sys.spaces[0], &sa);
	check_tree();
}

/* ---------------------------------------------------- receive budgets --- */

/* Fresh spaces a and b where b accepts n grants from a. */
static void budget_setup(uint32_t n)
{
	cap_system_init(&sys);
	rec_reset();
	assert_int_equal(cspace_init(&sys, &sa, 0, slots_a, NA), 0);
	assert_int_equal(cspace_init(&sys, &sb, 1, slots_b, NB), 0);
	cspace_accept(&sb, 0, n);
}

static void cap_grant_without_budget_is_perm(void **state)
{
	uint32_t p, d;

	budget_setup(0);
	p = mk(&sa, CAP_ALL);
	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_R, 0, &d), E_PERM);
	assert_int_equal(sb.used, 0);
	assert_int_equal(slot_of(&sa, p)->first_child, NONE);
	/* The other way round needs a's consent, not b's. */
	p = mk(&sb, CAP_ALL);
	assert_int_equal(cap_derive(&sys, &sb, p, &sa, CAP_R, 0, &d), E_PERM);
	check_tree();
}

static void cap_grant_past_budget_is_nomem_and_leaves_room(void **state)
{
	uint32_t p, d, i;

	budget_setup(3);
	p = mk(&sa, CAP_ALL);
	for (i = 0; i < 3; i++)
		der(&sa, p, &sb, CAP_R);
	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_R, 0, &d), E_NOMEM);
	assert_int_equal(sb.granted[0], 3);
	/* b's own slots are b's: it fills the rest itself. */
	for (i = 3; i < NB; i++)
		mk(&sb, CAP_R);
	assert_int_equal(sb.used, NB);
	check_tree();
}

static void cap_grant_budget_returns_when_the_copy_goes(void **state)
{
	uint32_t p, d1, d2, d3, own;

	budget_setup(2);
	p = mk(&sa, CAP_ALL);
	d1 = der(&sa, p, &sb, CAP_ALL);
	d2 = der(&sa, p, &sb, CAP_R);
	/* b copying a grant within its own space is b's choice: free. */
	own = der(&sb, d1, &sb, CAP_R);
	assert_int_equal(sb.granted[0], 2);
	assert_int_equal(cap_delete(&sys, &sb, d2, NULL, NULL), 0);
	assert_int_equal(sb.granted[0], 1);
	d3 = der(&sa, p, &sb, CAP_R);
	assert_int_equal(cap_revoke(&sys, &sa, p, NULL, NULL, NULL), 0);
	assert_int_equal(sb.granted[0], 0);
	assert_int_equal(sb.used, 0);
	(void)own;
	(void)d3;
	check_tree();
}

static void cap_grant_budget_is_per_granter(void **state)
{
	uint32_t p, q, d;

	budget_setup(1);
	assert_int_equal(
		cspace_init(&sys, &sc, CAP_MAX_SPACES - 1, slots_c, NC), 0);
	cspace_accept(&sc, 0, 1);
	/* a passes a copy to c; b accepts a, not c: c cannot spend a's
	 * budget in b, whatever it holds. */
	p = mk(&sa, CAP_ALL);
	q = der(&sa, p, &sc, CAP_ALL);
	assert_int_equal(cap_derive(&sys, &sc, q, &sb, CAP_R, 0, &d), E_PERM);
	der(&sa, p, &sb, CAP_R);
	assert_int_equal(sb.granted[0], 1);
	assert_int_equal(sb.granted[CAP_MAX_SPACES - 1], 0);
	check_tree();
}

static void cspace_accept_does_not_outlive_the_granter(void **state)
{
	uint32_t p, d;

	budget_setup(4);
	p = mk(&sa, CAP_ALL);
	der(&sa, p, &sb, CAP_R);
	cspace_destroy(&sys, &sa, NULL, NULL);
	assert_int_equal(sb.used, 0);
	assert_int_equal(sb.granted[0], 0);
	assert_int_equal(sb.accept[0], 0);
	/* A new space with the old id has no budget in b. */
	assert_int_equal(cspace_init(&sys, &sa, 0, slots_a, NA), 0);
	p = mk(&sa, CAP_ALL);
	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_R, 0, &d), E_PERM);
	check_tree();
}

/* A revoke stopped part-way (cap_revoking_set) refuses copies of what it
 * revokes and of what is below it, in every space, until it ends; its
 * ancestors and other objects are unaffected. */
static void cap_derive_of_an_object_being_revoked_is_busy(void **state)
{
	uint32_t p, c, other, d = 99, n;

	budget_setup(4);
	p = mk(&sa, CAP_ALL);
	c = der(&sa, p, &sb, CAP_R);
	assert_int_equal(
		cap_create(&sa, CAP_FRAME, CAP_ALL, 0x80001000, 1, &other), 0);
	cap_revoking_set(&sys, &sa, p);
	assert_int_equal(cap_derive(&sys, &sb, c, &sb, CAP_R, 0, &d), E_BUSY);
	assert_int_equal(cap_derive(&sys, &sa, p, &sa, CAP_R, 0, &d), E_BUSY);
	assert_int_equal(d, 99);
	assert_int_equal(sb.used, 1);
	der(&sa, other, &sa, CAP_R);
	cap_revoking_clear(&sys, sa.id);
	der(&sb, c, &sb, CAP_R);
	/* b's revoke of its copy: its copies are refused, not the
	 * original above it (the granter's), nor other copies of it. */
	cap_revoking_set(&sys, &sb, c);
	assert_int_equal(cap_derive(&sys, &sb, c, &sb, CAP_R, 0, &d), E_BUSY);
	der(&sa, p, &sa, CAP_R);
	/* The space's end ends its record too. */
	cspace_destroy(&sys, &sb, NULL, NULL);
	der(&sa, p, &sa, CAP_R);
	assert_int_equal(cap_revoke(&sys, &sa, p, NULL, NULL, &n), 0);
	check_tree();
}

/* nrevoking counts the records on, once per space however often a
 * space's record is set again (each piece of its revoke sets it), so
 * cap_revoking's one-load shortcut is right after any sequence. */
static void cap_revoking_counts_each_space_once(void **state)
{
	uint32_t p, c;

	budget_setup(4);
	p = mk(&sa, CAP_ALL);
	c = der(&sa, p, &sb, CAP_R);
	assert_int_equal(sys.nrevoking, 0);
	assert_false(cap_revoking(&sys, slot_of(&sa, p)));
	cap_revoking_set(&sys, &sa, p);
	cap_revoking_set(&sys, &sa, p);
	assert_int_equal(sys.nrevoking, 1);
	cap_revoking_set(&sys, &sb, c);
	assert_int_equal(sys.nrevoking, 2);
	assert_true(cap_revoking(&sys, slot_of(&sb, c)));
	cap_revoking_clear(&sys, sa.id);
	cap_revoking_clear(&sys, sa.id);
	assert_int_equal(sys.nrevoking, 1);
	assert_true(cap_revoking(&sys, slot_of(&sa, p)));
	cspace_destroy(&sys, &sb, NULL, NULL);
	assert_int_equal(sys.nrevoking, 0);
	assert_false(cap_revoking(&sys, slot_of(&sa, p)));
	check_tree();
}

/* A revoke in progress keeps the capabilities below the one revoked from
 * being mapped (cap_revoking_below), not that one, its ancestors or
 * other copies of the object. */
static void cap_revoking_below_only_the_revoked_subtree(void **state)
{
	uint32_t p, c, g, sib, link, i;

	budget_setup(4);
	p = mk(&sa, CAP_ALL);
	c = der(&sa, p, &sb, CAP_ALL); /* b's copy, the one revoked */
	g = der(&sb, c, &sb, CAP_R);   /* below it */
	sib = der(&sa, p, &sa, CAP_R); /* the original's other copy */
	link = sib;		       /* a chain below sib */
	for (i = 0; i < 8; i++)
		link = der(&sa, link, &sa, CAP_R);
	cap_revoking_set(&sys, &sb, c);
	assert_true(cap_revoking_below(&sys, slot_of(&sb, g)));
	assert_false(cap_revoking_below(&sys, slot_of(&sb, c)));
	assert_false(cap_revoking_below(&sys, slot_of(&sa, p)));
	assert_false(cap_revoking_below(&sys, slot_of(&sa, sib)));
	assert_false(cap_revoking_below(&sys, slot_of(&sa, link)));
	cap_revoking_clear(&sys, sb.id);
	assert_false(cap_revoking_below(&sys, slot_of(&sb, g)));
	check_tree();
}

/* A grant that outlives its granter (moved up when the granter deleted
 * its source) counts against no later space with the granter's id. */
static void
cap_grant_budget_does_not_pass_to_the_next_space_with_the_id(void **state)
{
	uint32_t r, x, g, p, d;

	budget_setup(1);
	cspace_accept(&sa, 1, 1);
	r = mk(&sb, CAP_ALL);
	x = der(&sb, r, &sa, CAP_ALL); /* b grants x to a */
	g = der(&sa, x, &sb, CAP_R);   /* a grants g back to b */
	assert_int_equal(cap_delete(&sys, &sa, x, NULL, NULL), 0);
	assert_int_equal(slot_of(&sb, g)->parent, ref(&sb, r));
	cspace_destroy(&sys, &sa, NULL, NULL);
	assert_int_equal(sb.granted[0], 0);
	/* A new space 0: b gives it a budget of 1, all of it free. */
	assert_int_equal(cspace_init(&sys, &sa, 0, slots_a, NA), 0);
	cspace_accept(&sb, 0, 1);
	p = mk(&sa, CAP_ALL);
	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_R, 0, &d), 0);
	/* Deleting the old grant gives the new space nothing back. */
	assert_int_equal(cap_delete(&sys, &sb, g, NULL, NULL), 0);
	assert_int_equal(sb.granted[0], 1);
	assert_int_equal(cap_derive(&sys, &sa, p, &sb, CAP_R, 0, &d), E_NOMEM);
	check_tree();
}

static void cspace_accept_of_itself_is_ignored(void **state)
{
	budget_setup(0);
	cspace_accept(&sb, 1, 5);
	cspace_accept(&sb, CAP_MAX_SPACES, 5);
	assert_int_equal(sb.accept[1], 0);
}

/* ---------------------------------------------------------- big trees --- */

static struct cspace bs[4];

/* Splits big[] into n registered spaces of size slots each, ids 0..n-1. */
static void big_spaces(unsigned n, uint32_t size)
{
	unsigned i;

	cap_system_init(&sys);
	rec_reset();
	for (i = 0; i < n; i++)
		assert_int_equal(
			cspace_init(&sys, &bs[i], i, big + i * size, size), 0);
	accept_all();
}

static uint32_t rng_state;

static uint32_t rnd(uint32_t n)
{
	/* xorshift32: reproducible, no libc state. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return n ? rng_state % n : 0;
}

static void cap_revoke_of_10000_node_tree_is_linear(void **state)
{
	static cap_ref_t nodes[10001];
	uint32_t root, i, s, n = 0, total = 0;
	cap_ref_t p, cur;
	uint64_t steps;

	big_spaces(4, 16384);
	rng_state = 2463534242u;
	root = mk(&bs[0], CAP_ALL);
	nodes[total++] = cap_ref(0, root);
	/* A deep chain hopping across spaces ... */
	cur = nodes[0];
	for (i = 0; i < 4000; i++) {
		s = der(&bs[cap_ref_space(cur)], cap_ref_slot(cur), &bs[i % 4],
			CAP_ALL);
		cur = nodes[total++] = cap_ref(i % 4, s);
	}
	/* ... a wide fan-out under the root ... */
	for (i = 0; i < 3000; i++) {
		s = der(&bs[0], root, &bs[(i + 1) % 4], CAP_ALL);
		nodes[total++] = cap_ref((i + 1) % 4, s);
	}
	/* ... and bushes under random nodes. */
	for (i = 0; i < 3000; i++) {
		p = nodes[rnd(total)];
		s = der(&bs[cap_ref_space(p)], cap_ref_slot(p), &bs[i % 4],
			CAP_ALL);
		nodes[total++] = cap_ref(i % 4, s);
	}
	assert_int_equal(total, 10001);
	check_tree();

	steps = sys.revoke_steps;
	assert_int_equal(cap_revoke(&sys, &bs[0], root, rec_fn, NULL, &n), 0);
	assert_int_equal(n, 10000);
	assert_int_equal(rec.calls, 10000);
	assert_int_equal(rec.dups, 0);
	assert_int_equal(rec.not_intact, 0);
	for (i = 1; i < total; i++)
		assert_true(rec_has(nodes[i]));
	/* One deletion per removed node, and at most one lift. */
	assert_true(sys.revoke_steps - steps <= 2 * 10000);
	assert_int_equal(bs[0].used, 1);
	for (i = 1; i < 4; i++)
		assert_int_equal(bs[i].used, 0);
	check_tree();
}

/* A chain of len capabilities below a root, alternating spaces 0 and 1. */
static uint32_t deep_chain(uint32_t len)
{
	uint32_t root, s, i;

	big_spaces(2, CAP_MAX_SLOTS / 2);
	root = mk(&bs[0], CAP_ALL);
	s = root;
	for (i = 1; i <= len; i++)
		s = der(&bs[(i + 1) % 2], s, &bs[i % 2], CAP_ALL);
	return root;
}

static void cap_revoke_of_60000_deep_chain_needs_no_recursion(void **state)
{
	uint32_t root = deep_chain(60000), n = 0;
	uint64_t steps = sys.revoke_steps;

	assert_int_equal(cap_revoke(&sys, &bs[0], root, rec_fn, NULL, &n), 0);
	assert_int_equal(n, 60000);
	assert_int_equal(rec.calls, 60000);
	assert_int_equal(rec.dups, 0);
	/* A chain: each step deletes the top one, its child moving up. */
	assert_int_equal(sys.revoke_steps - steps, 60000);
	assert_int_equal(bs[0].used, 1);
	assert_int_equal(bs[1].used, 0);
	check_tree();
}

static void cspace_destroy_of_60000_deep_chain_clears_both_spaces(void **state)
{
	deep_chain(60000);
	/* Space 1 holds depth 1, so every capability but the root goes. */
	cspace_destroy(&sys, &bs[1], rec_fn, NULL);
	assert_int_equal(rec.calls, 60000);
	assert_int_equal(rec.dups, 0);
	assert_int_equal(rec.not_intact, 0);
	assert_int_equal(bs[0].used, 1);
	assert_int_equal(big[0].first_child, NONE);
	check_tree();
}

/* ---------------------------------------------------- cap_revoke_some --- */

/* A tree of total - 1 descendants below a root in bs[0]: a chain, a fan
 * under the root and bushes under random nodes, across four spaces. */
static uint32_t mixed_tree(cap_ref_t *nodes, uint32_t total)
{
	uint32_t root, i, s, k = 0;
	cap_ref_t p;

	big_spaces(4, 16384);
	rng_state = 88172645u;
	root = mk(&bs[0], CAP_ALL);
	nodes[k++] = cap_ref(0, root);
	for (i = 1; i < total; i++) {
		/* A third each: extend the chain, fan out, or a random bush. */
		p = i % 3 == 0	 ? nodes[k - 1]
		    : i % 3 == 1 ? nodes[0]
				 : nodes[rnd(k)];
		s = der(&bs[cap_ref_space(p)], cap_ref_slot(p), &bs[i % 4],
			CAP_ALL);
		nodes[k++] = cap_ref(i % 4, s);
	}
	return root;
}

static void cap_revoke_some_in_pieces_deletes_every_descendant(void **state)
{
	static cap_ref_t nodes[6001];
	uint32_t root = mixed_tree(nodes, 6001), n, total = 0, calls = 0, i;
	uint64_t steps = sys.revoke_steps;
	int rc;

	do {
		rc = cap_revoke_some(&sys, &bs[0], root, rec_fn, NULL, NULL, 7,
				     &n);
		assert_true(rc == 0 || rc == CAP_REVOKE_MORE);
		assert_true(n <= 7);
		assert_true(sys.revoke_steps - steps <= 7 * (uint64_t)++calls);
		total += n;
		check_tree(); /* every piece leaves a well-formed tree */
	} while (rc == CAP_REVOKE_MORE);
	assert_int_equal(total, 6000);
	assert_int_equal(rec.calls, 6000);
	assert_int_equal(rec.dups, 0);
	assert_int_equal(rec.not_intact, 0);
	for (i = 1; i < 6001; i++)
		assert_true(rec_has(nodes[i]));
	assert_true(sys.revoke_steps - steps <= 2 * 6000);
	assert_int_equal(bs[0].used, 1);
	assert_int_equal(
		cap_revoke_some(&sys, &bs[0], root, rec_fn, NULL, NULL, 7, &n),
		0);
	assert_int_equal(n, 0);
}

/*
 * Between pieces the tree changes: capabilities still below the root are
 * deleted by their holders and new ones derived from them. Whatever is
 * below the root when the last piece ends is gone, and nothing else.
 */
static void cap_revoke_some_continues_after_the_tree_changed(void **state)
{
	static cap_ref_t nodes[3001];
	uint32_t root = mixed_tree(nodes, 3001), n, i, left, derived = 0;
	cap_ref_t r;
	struct cap *c;
	int rc, round = 0;

	do {
		rc = cap_revoke_some(&sys, &bs[0], root, rec_fn, NULL, NULL, 50,
				     &n);
		check_tree();
		/* A few changes by holders of what is left below the root. */
		for (i = 0; i < 3 && rc == CAP_REVOKE_MORE; i++) {
			r = slot_of(&bs[0], root)->first_child;
			if (r == NONE)
				break;
			c = cap_deref(&sys, r);
			if (c->first_child != NONE && round % 2)
				r = c->first_child;
			if (i == 2)
				assert_int_equal(
					cap_delete(&sys, &bs[cap_ref_space(r)],
						   cap_ref_slot(r), rec_fn,
						   NULL),
					0);
			else
				derived += der(&bs[cap_ref_space(r)],
					       cap_ref_slot(r),
					       &bs[(i + round) % 4],
					       CAP_ALL) != NONE;
		}
		check_tree();
		round++;
	} while (rc == CAP_REVOKE_MORE);
	assert_int_equal(slot_of(&bs[0], root)->first_child, NONE);
	/* Every capability deleted once (slots are reused: no dups check). */
	assert_int_equal(rec.calls, 3000 + derived);
	assert_int_equal(rec.not_intact, 0);
	for (left = 0, i = 0; i < 4; i++)
		left += bs[i].used;
	assert_int_equal(left, 1); /* the root alone */
	assert_true(round > 10);
}

/* A capability with many children below the one revoked: each piece
 * still does at most its steps (the children are lifted one at a time,
 * never re-linked all at once). */
static void cap_revoke_some_of_a_wide_node_stays_within_its_steps(void **state)
{
	uint32_t root, mid, i, n, total = 0;
	uint64_t steps;
	int rc;

	big_spaces(2, 16384);
	root = mk(&bs[0], CAP_ALL);
	mid = der(&bs[0], root, &bs[1], CAP_ALL);
	for (i = 0; i < 10000; i++)
		der(&bs[1], mid, &bs[i % 2], CAP_ALL);
	steps = sys.revoke_steps;
	rc = cap_revoke_some(&sys, &bs[0], root, rec_fn, NULL, NULL, 3, &n);
	assert_int_equal(rc, CAP_REVOKE_MORE);
	assert_int_equal(sys.revoke_steps - steps, 3);
	total += n;
	while ((rc = cap_revoke_some(&sys, &bs[0], root, rec_fn, NULL, NULL,
				     1000, &n)) == CAP_REVOKE_MORE)
		total += n;
	assert_int_equal(rc, 0);
	total += n;
	assert_int_equal(total, 10001);
	assert_true(sys.revoke_steps - steps <= 2 * 10001);
	check_tree();
}

/* A prepare hook that holds each capability back twice (its "work") and
 * checks it is called with the capability intact. */
static uint32_t prep_calls, prep_bad;
static uint8_t prep_seen[4][16384];

static bool prep_twice(void *ctx, cap_ref_t ref, struct cap *c)
{
	uint8_t *k = &prep_seen[cap_ref_space(ref)][cap_ref_slot(ref)];

	prep_calls++;
	if (c->type == CAP_NULL || cap_deref(&sys, ref) != c)
		prep_bad++;
	if (*k == 2)
		return true;
	(*k)++;
	return false;
}

static void cap_revoke_some_prepare_hook_steps_count_and_defer(void **state)
{
	static cap_ref_t nodes[2001];
	uint32_t root = mixed_tree(nodes, 2001), n, total = 0;
	uint64_t steps = sys.revoke_steps;
	int rc;

	memset(prep_seen, 0, sizeof(prep_seen));
	prep_calls = prep_bad = 0;
	/* The hook is only for capabilities with kernel state in user: all
	 * but the first hundred here. */
	for (n = 101; n < 2001; n++)
		cap_deref(&sys, nodes[n])->user = 1;
	do {
		rc = cap_revoke_some(&sys, &bs[0], root, rec_fn, prep_twice,
				     NULL, 5, &n);
		total += n;
		check_tree();
	} while (rc == CAP_REVOKE_MORE);
	assert_int_equal(rc, 0);
	assert_int_equal(total, 2000);
	assert_int_equal(rec.calls, 2000);
	assert_int_equal(rec.dups, 0);
	/* Three calls per capability with user set: two held it back, one
	 * let it go. */
	assert_int_equal(prep_calls, 3 * 1900);
	assert_int_equal(prep_bad, 0);
	assert_true(sys.revoke_steps - steps <= 2 * 2000 + 2 * 2000);
}

static void cap_revoke_some_errors_are_the_lookup_errors(void **state)
{
	uint32_t s = mk(&sa, CAP_ALL), n = 99;

	assert_int_equal(
		cap_revoke_some(&sys, &sa, 2, rec_fn, NULL, NULL, 8, &n),
		E_NOENT);
	assert_int_equal(
		cap_revoke_some(&sys, &sc, NC, rec_fn, NULL, NULL, 8, &n),
		E_INVAL);
	assert_int_equal(n, 99);
	assert_int_equal(
		cap_revoke_some(&sys, &sa, s, rec_fn, NULL, NULL, 8, &n), 0);
	assert_int_equal(n, 0);
	cspace_destroy(&sys, &sb, NULL, NULL);
	assert_int_equal(
		cap_revoke_some(&sys, &sb, 0, rec_fn, NULL, NULL, 8, &n),
		E_INVAL);
}

/* ---------------------------------------------------- reference model --- */

/*
 * The model: per slot, whether it is live, its fields and its parent as a
 * plain (space index, slot) pair. Deleting reparents children; the set of
 * capabilities each operation must remove is computed by walking parent
 * links up, independently of the tree links the module keeps.
 */
#define RN   4
#define RMAX 96
static const unsigned r_id[RN] = { 0, 3, 17, CAP_MAX_SPACES - 1 };
static const uint32_t r_size[RN] = { 1, 9, 40, RMAX };
static struct cap r_slots[RN][RMAX];
static struct cspace r_cs[RN];

struct mcap {
	bool live;
	uint8_t type, rights;
	uint64_t object, size, badge;
	cap_ref_t parent;
};
static struct mcap m[RN][RMAX];
static uint32_t m_used[RN];
static bool m_gone[RN][RMAX]; /* what the current operation must remove */

static int r_index(unsigned id)
{
	int i;

	for (i = 0; i < RN; i++)
		if (r_id[i] == id)
			return i;
	return -1;
}

static struct mcap *m_of(cap_ref_t r)
{
	return &m[r_index(cap_ref_space(r))][cap_ref_slot(r)];
}

/* Whether anc is a proper ancestor of (i, s) in the model. */
static bool m_below(int i, uint32_t s, cap_ref_t anc)
{
	cap_ref_t r = m[i][s].parent;
	unsigned hops = 0;

	while (r != NONE) {
		if (r == anc)
			return true;
		r = m_of(r)->parent;
		assert_true(++hops <= RN * RMAX);
	}
	return false;
}

/* Marks in m_gone every live descendant of anc; returns how many. */
static uint32_t m_mark_below(cap_ref_t anc)
{
	uint32_t s, n = 0;
	int i;

	for (i = 0; i < RN; i++)
		for (s = 0; s < r_size[i]; s++)
			if (m[i][s].live && !m_gone[i][s] &&
			    m_below(i, s, anc)) {
				m_gone[i][s] = true;
				n++;
			}
	return n;
}

/* Removes what m_gone names from the model; survivors keep their parents
 * (a removed capability's descendants are removed with it), except after
 * a single delete, handled by the caller. */
static void m_remove_gone(void)
{
	uint32_t s;
	int i;

	for (i = 0; i < RN; i++)
		for (s = 0; s < r_size[i]; s++)
			if (m_gone[i][s]) {
				m[i][s].live = false;
				m_used[i]--;
			}
}

/* The module's state equals the model's, slot by slot, and fn was called
 * for exactly the capabilities the model removed. */
static void m_check(void)
{
	const struct cap *c;
	const struct mcap *mc;
	uint32_t s, gone = 0;
	int i;

	for (i = 0; i < RN; i++) {
		assert_int_equal(r_cs[i].used, m_used[i]);
		for (s = 0; s < r_size[i]; s++) {
			c = &r_slots[i][s];
			mc = &m[i][s];
			assert_int_equal(rec_has(cap_ref(r_id[i], s)),
					 m_gone[i][s]);
			gone += m_gone[i][s];
			m_gone[i][s] = false;
			assert_int_equal(c->type != CAP_NULL, mc->live);
			if (!mc->live)
				continue;
			assert_int_equal(c->type, mc->type);
			assert_int_equal(c->rights, mc->rights);
			assert_int_equal(c->object, mc->object);
			assert_int_equal(c->size, mc->size);
			assert_int_equal(c->badge, mc->badge);
			assert_int_equal(c->parent, mc->parent);
		}
	}
	assert_int_equal(rec.calls, gone);
	assert_int_equal(rec.dups, 0);
	assert_int_equal(rec.not_intact, 0);
	rec_reset();
	check_tree();
}

/* A slot of space i: usually a live one, sometimes any, or out of range. */
static uint32_t pick_slot(int i)
{
	uint32_t k, s = 0, start;

	k = rnd(20);
	if (k == 0)
		return r_size[i] + rnd(3);
	if (k == 1 || m_used[i] == 0)
		return rnd(r_size[i]);
	start = rnd(r_size[i]);
	for (k = 0; k < r_size[i]; k++) {
		s = (start + k) % r_size[i];
		if (m[i][s].live)
			break;
	}
	return s;
}

/* The lookup errors the model predicts for slot s of space i. */
static int m_lookup(int i, uint32_t s)
{
	if (s >= r_size[i])
		return E_INVAL;
	if (!m[i][s].live)
		return E_NOENT;
	return 0;
}

static void op_create(int i)
{
	unsigned type = 1 + rnd(CAP_TYPE_COUNT - 1), rights = rnd(16);

	/* Mostly grantable, so trees grow across spaces. */
	if (rnd(4))
		rights |= CAP_GRANT;
	uint64_t object = rnd(1u << 30), size = rnd(64);
	int want = m_used[i] == r_size[i] ? E_NOMEM : 0;
	uint32_t s = NONE;

	if (rnd(30) == 0) {
		type = rnd(2) ? CAP_NULL : CAP_TYPE_COUNT + rnd(5);
		want = E_INVAL;
	} else if (rnd(30) == 0) {
		rights |= 0x10u << rnd(4);
		want = E_INVAL;
	}
	assert_int_equal(cap_create(&r_cs[i], type, rights, object, size, &s),
			 want);
	if (want)
		return;
	assert_true(s < r_size[i]);
	assert_false(m[i][s].live);
	m[i][s] = (struct mcap){ true, type, rights, object, size, 0, NONE };
	m_used[i]++;
}

/* The last capability derived: deriving from it again grows deep chains. */
static cap_ref_t m_last = NONE;

static void op_derive(int i)
{
	int j = rnd(RN), want;
	uint32_t s = pick_slot(i), d = NONE;
	unsigned mask = rnd(16) | (rnd(4) ? CAP_GRANT : 0xf0u);
	uint64_t badge = rnd(2) ? 0 : 1 + rnd(1000);
	struct mcap *p;

	if (m_last != NONE && m_of(m_last)->live && rnd(2)) {
		i = r_index(cap_ref_space(m_last));
		s = cap_ref_slot(m_last);
	}
	want = m_lookup(i, s);
	if (!want && j != i && !(m[i][s].rights & CAP_GRANT))
		want = E_PERM;
	if (!want && m_used[j] == r_size[j])
		want = E_NOMEM;
	assert_int_equal(
		cap_derive(&sys, &r_cs[i], s, &r_cs[j], mask, badge, &d), want);
	if (want)
		return;
	assert_true(d < r_size[j]);
	assert_false(m[j][d].live);
	p = &m[i][s];
	m[j][d] = (struct mcap){ true,
				 p->type,
				 p->rights & mask,
				 p->object,
				 p->size,
				 badge ? badge : p->badge,
				 cap_ref(r_id[i], s) };
	m_used[j]++;
	m_last = cap_ref(r_id[j], d);
}

static void op_delete(int i)
{
	uint32_t s = pick_slot(i), t;
	int want = m_lookup(i, s), j;
	cap_ref_t me = cap_ref(r_id[i], s);

	assert_int_equal(cap_delete(&sys, &r_cs[i], s, rec_fn, NULL), want);
	if (want)
		return;
	for (j = 0; j < RN; j++)
		for (t = 0; t < r_size[j]; t++)
			if (m[j][t].live && m[j][t].parent == me)
				m[j][t].parent = m[i][s].parent;
	m_gone[i][s] = true;
	m_remove_gone();
}

static void op_revoke(int i)
{
	uint32_t s = pick_slot(i), n = 12345, want_n = 0;
	int want = m_lookup(i, s);
	uint64_t steps = sys.revoke_steps;
	cap_ref_t top;

	/* Half the time revoke from the top of the tree: big revokes. */
	if (!want && rnd(2)) {
		for (top = cap_ref(r_id[i], s); m_of(top)->parent != NONE;)
			top = m_of(top)->parent;
		i = r_index(cap_ref_space(top));
		s = cap_ref_slot(top);
	}
	if (!want)
		want_n = m_mark_below(cap_ref(r_id[i], s));
	assert_int_equal(cap_revoke(&sys, &r_cs[i], s, rec_fn, NULL, &n), want);
	if (want) {
		assert_int_equal(n, 12345);
		return;
	}
	assert_int_equal(n, want_n);
	assert_true(sys.revoke_steps - steps <= 2 * (uint64_t)want_n);
	m_remove_gone();
}

static void op_lookup(int i)
{
	uint32_t s = rnd(r_size[i] + 2);
	unsigned type = rnd(CAP_TYPE_COUNT), rights = rnd(16);
	struct cap *c = NULL;
	int want = m_lookup(i, s);

	if (!want && type != CAP_NULL && type != m[i][s].type)
		want = E_INVAL;
	if (!want && (m[i][s].rights & rights) != rights)
		want = E_PERM;
	assert_int_equal(cap_lookup(&r_cs[i], s, type, rights, &c), want);
	if (!want)
		assert_ptr_equal(c, &r_slots[i][s]);
}

static void op_destroy(int i)
{
	uint32_t s;

	for (s = 0; s < r_size[i]; s++) {
		if (!m[i][s].live)
			continue;
		m_gone[i][s] = true;
		m_mark_below(cap_ref(r_id[i], s));
	}
	cspace_destroy(&sys, &r_cs[i], rec_fn, NULL);
	assert_null(sys.spaces[r_id[i]]);
	m_remove_gone();
	assert_int_equal(m_used[i], 0);
	assert_int_equal(
		cspace_init(&sys, &r_cs[i], r_id[i], r_slots[i], r_size[i]), 0);
	accept_all();
}

static void run_random(uint32_t seed, unsigned steps)
{
	unsigned step, k;
	int i;

	cap_system_init(&sys);
	rec_reset();
	memset(m, 0, sizeof(m));
	memset(m_used, 0, sizeof(m_used));
	memset(m_gone, 0, sizeof(m_gone));
	for (i = 0; i < RN; i++)
		assert_int_equal(cspace_init(&sys, &r_cs[i], r_id[i],
					     r_slots[i], r_size[i]),
				 0);
	accept_all();
	rng_state = seed;
	m_last = NONE;
	for (step = 0; step < steps; step++) {
		i = rnd(RN);
		k = rnd(100);
		if (k < 22)
			op_create(i);
		else if (k < 70)
			op_derive(i);
		else if (k < 82)
			op_delete(i);
		else if (k < 88)
			op_revoke(i);
		else if (k < 99)
			op_lookup(i);
		else
			op_destroy(i);
		m_check();
	}
}

static void cap_random_operations_match_reference_model(void **state)
{
	run_random(0x9e3779b9u, 10000);
	run_random(12345u, 10000);
	run_random(0xdeadbeefu, 10000);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(cap_system_init_registers_nothing),
		T(cspace_init_leaves_every_slot_empty_on_the_free_list),
		T(cspace_init_id_out_of_range_is_inval),
		T(cspace_init_zero_slots_is_inval),
		T(cspace_init_too_many_slots_is_inval),
		T(cspace_init_taken_id_is_exist),
		T(cspace_init_max_slots_fills_to_the_last_slot),
		T(cspace_thread_in_pieces_then_adopt_is_cspace_init),
		T(cspace_adopt_checks_as_cspace_init),
		T(cap_create_makes_a_root_with_the_given_fields),
		T(cap_create_null_or_unknown_type_is_inval),
		T(cap_create_unknown_rights_is_inval),
		T(cap_space_full_is_nomem),
		T(cap_create_reuses_a_deleted_slot),
		T(cap_lookup_finds_a_capability_with_enough_rights),
		T(cap_lookup_slot_out_of_range_is_inval),
		T(cap_lookup_empty_slot_is_noent),
		T(cap_lookup_wrong_type_is_inval),
		T(cap_lookup_missing_rights_is_perm),
		T(cap_deref_names_the_slot),
		T(cap_deref_none_or_bad_ref_is_null),
		T(cap_deref_of_destroyed_space_is_null),
		T(cap_derive_makes_a_child_with_masked_rights),
		T(cap_derive_cannot_add_rights),
		T(cap_derive_same_space_needs_no_grant),
		T(cap_derive_without_grant_to_other_space_fails),
		T(cap_derive_kernel_needs_no_grant_right_nor_budget),
		T(cap_derive_zero_badge_keeps_the_parents),
		T(cap_derive_inserts_at_the_head_of_the_children),
		T(cap_derive_from_empty_slot_is_noent),
		T(cap_derive_from_slot_out_of_range_is_inval),
		T(cap_derive_into_full_space_is_nomem),
		T(cap_lent_slots_are_not_handed_out),
		T(cap_derive_with_unregistered_space_is_inval),
		T(cap_grant_without_budget_is_perm),
		T(cap_grant_past_budget_is_nomem_and_leaves_room),
		T(cap_grant_budget_returns_when_the_copy_goes),
		T(cap_grant_budget_is_per_granter),
		T(cspace_accept_does_not_outlive_the_granter),
		T(cspace_accept_of_itself_is_ignored),
		T(cap_grant_budget_does_not_pass_to_the_next_space_with_the_id),
		T(cap_derive_of_an_object_being_revoked_is_busy),
		T(cap_revoking_counts_each_space_once),
		T(cap_revoking_below_only_the_revoked_subtree),
		T(cap_delete_calls_fn_once_with_the_intact_capability),
		T(cap_delete_middle_sibling_relinks_its_neighbours),
		T(cap_delete_splices_children_to_parent),
		T(cap_delete_first_child_splices_at_the_head),
		T(cap_delete_root_makes_its_children_roots),
		T(cap_delete_empty_slot_is_noent),
		T(cap_delete_slot_out_of_range_is_inval),
		T(cap_delete_in_unregistered_space_is_inval),
		T(cap_revoke_of_a_leaf_deletes_nothing),
		T(cap_revoke_deletes_grandchildren_across_spaces),
		T(cap_revoke_spares_ancestors_and_siblings),
		T(cap_revoke_count_may_be_null),
		T(cap_revoke_empty_slot_is_noent),
		T(cap_revoke_slot_out_of_range_is_inval),
		T(cap_revoke_in_unregistered_space_is_inval),
		T(cspace_destroy_deletes_descendants_in_other_spaces),
		T(cspace_destroy_keeps_ancestors_elsewhere),
		T(cspace_destroy_unregisters_and_frees_the_id),
		T(cspace_destroy_of_unregistered_space_does_nothing),
		T(cap_revoke_of_10000_node_tree_is_linear),
		T(cap_revoke_of_60000_deep_chain_needs_no_recursion),
		T(cspace_destroy_of_60000_deep_chain_clears_both_spaces),
		T(cap_revoke_some_in_pieces_deletes_every_descendant),
		T(cap_revoke_some_continues_after_the_tree_changed),
		T(cap_revoke_some_of_a_wide_node_stays_within_its_steps),
		T(cap_revoke_some_prepare_hook_steps_count_and_defer),
		T(cap_revoke_some_errors_are_the_lookup_errors),
		T(cap_random_operations_match_reference_model),
	};

	return cmocka_run_group_tests_name("cap", tests, NULL, NULL);
}
