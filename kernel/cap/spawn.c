// SPDX-License-Identifier: MIT
/*
 * Domains at run time: spawn capabilities, SYS_spawn and SYS_kill; see
 * spawn.h.
 *
 * A spawn capability's object is an index into grants[], the paths the
 * boot configuration's `spawn =` lines allow (an image, or a directory
 * ending in '/'); copies passed along keep the index. The table is filled
 * once at boot and never changes.
 *
 * Quota lending: spawning takes the child's frames from the spawner's
 * quota_frames (only what it has not used) and the child's slots from its
 * free slots (cspace.lent, which cap.c counts as taken). The child's own
 * allocations are then charged to the child as for any domain. When the
 * child ends and the reaper has freed all it held (kernel/sched/
 * domain_reap.c), the two numbers go back to the spawner, which is still
 * there: its children end, and are reaped, before it.
 */
#include "kernel/cap/spawn.h"

#include "kernel/arch.h"
#include "kernel/sched/domain.h"
#include "kernel/boot/launch.h"
#include "kernel/lib/string.h"
#include "kernel/lib/printk.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/uaccess.h"
#include "kernel/syscall.h"
#include "kernel/lib/vsnprintf.h"
#include <rivet/abi.h>
#include <rivet/errno.h>
#include <rivet/syscall.h>

_Static_assert(RIVET_CAP_SPAWN == CAP_SPAWN, "spawn capability type");
_Static_assert(RIVET_SPAWN_CAPS_MAX + 1 <= CAP_MAX_SLOTS, "room for caps");

#define SPAWN_GRANTS_MAX (DOMAIN_MAX * BOOTCONF_MAX_SPAWNS)

static char grants[SPAWN_GRANTS_MAX][BOOTCONF_PATH_LEN];
static unsigned ngrants;

void spawn_grant(struct domain *d, const struct bootconf_domain *conf)
{
	unsigned i;
	uint32_t slot;

	for (i = 0; i < conf->nspawns; i++) {
		if (ngrants == SPAWN_GRANTS_MAX) /* cannot happen: 16 x 4 */
			return;
		if (cap_create(&d->cs, CAP_SPAWN, CAP_GRANT, ngrants, 0,
			       &slot)) {
			pr_err("launch: domain %s: no free slot for spawn %s "
			       "(slots too few)\n",
			       d->name, conf->spawns[i]);
			return;
		}
		strlcpy(grants[ngrants], conf->spawns[i], BOOTCONF_PATH_LEN);
		ngrants++;
		pr_info("launch: domain %s: may spawn %s, slot %u\n", d->name,
			conf->spawns[i], slot);
	}
}

/* Does grant g allow path? A directory grant ("/libos/") allows any
 * image below it; a path with a "." or ".." component is never allowed. */
static bool allowed(uint64_t g, const char *path)
{
	size_t n, i;

	if (g >= ngrants || path[0] != '/')
		return false;
	for (i = 0; path[i]; i++)
		if (path[i] == '/' && path[i + 1] == '.')
			return false;
	n = strlen(grants[g]);
	if (grants[g][n - 1] == '/')
		return strlen(path) > n && !memcmp(path, grants[g], n);
	return !strcmp(path, grants[g]);
}

static bool valid_name(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= BOOTCONF_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

/* The child's name: the image file's, less ".elf" ("/libos/x.elf": x). */
static bool name_from_image(const char *image, char *name)
{
	const char *base = image, *p;
	size_t n;

	for (p = image; *p; p++)
		if (*p == '/')
			base = p + 1;
	n = strlen(base);

	if (n > 4 && !strcmp(base + n - 4, ".elf"))
		n -= 4;
	if (!valid_name(base, n))
		return false;
	memcpy(name, base, n);
	name[n] = '\0';
	return true;
}

/* Names are unique among live domains and those being built: lookups
 * and peers go by name. */
static long name_free(const char *name)
{
	struct domain *t;
	unsigned i;

	for (i = 0; (t = domain_at(i)); i++)
		if ((domain_live(t) || t->state == DOMAIN_BUILDING) &&
		    !strcmp(t->name, name))
			return E_EXIST;
	return 0;
}

/* Reads and checks the request's image path and name into conf. */
static long decode_names(struct domain *d, const struct rivet_spawn *req,
			 uint64_t grant, struct bootconf_domain *conf)
{
	if (!req->image_len || req->image_len >= BOOTCONF_PATH_LEN)
		return E_INVAL;
	if (copy_from_user(d, conf->image, (uint64_t)req->image,
			   req->image_len))
		return E_RANGE;
	conf->image[req->image_len] = '\0';
	if (strlen(conf->image) != req->image_len)
		return E_INVAL; /* a NUL inside */
	if (!allowed(grant, conf->image))
		return E_PERM;
	if (!req->name_len)
		return name_from_image(conf->image, conf->name)
			       ? name_free(conf->name)
			       : E_INVAL;
	if (req->name_len >= BOOTCONF_NAME_LEN)
		return E_INVAL;
	if (copy_from_user(d, conf->name, (uint64_t)req->name, req->name_len))
		return E_RANGE;
	conf->name[req->name_len] = '\0';
	if (!valid_name(conf->name, req->name_len))
		return E_INVAL;
	return name_free(conf->name);
}

/* Instructions a piece of a spawn runs before it restarts. */
#define SPAWN_INSNS 50000

/* Is d's spawn capability for its spawn in progress still there? */
static long spawn_still_allowed(struct domain *d)
{
	struct cap *c;
	const struct domain_build *b = domain_build_of(d->spawning);
	long rc = cap_lookup(&d->cs, (uint32_t)b->req.spawn_slot, CAP_SPAWN, 0,
			     &c);

	if (!rc && c->object != b->grant)
		rc = E_NOENT; /* another one took its slot */
	return rc;
}

/*
 * The built child t gets what the request passes and runs. What was
 * decoded before the build is checked again where it may have changed
 * meanwhile: the capabilities passed (revoked), the caller's space
 * (a peer granted into it).
 */
static long spawn_finish(struct domain *d, struct domain *t, uint64_t *slot)
{
	const struct rivet_spawn *req = &domain_build_of(t)->req;
	struct cap *c;
	unsigned long i;
	uint32_t s;
	long rc;

	for (i = 0; i < req->ncaps; i++) {
		rc = cap_lookup(&d->cs, (uint32_t)req->caps[i], CAP_NULL,
				CAP_GRANT, &c);
		if (rc)
			return rc;
		if (cap_revoking(&domain_caps, c))
			return E_BUSY;
	}
	if ((uint64_t)d->cs.used + d->cs.lent + 1 > d->cs.nslots)
		return E_NOMEM;
	domain_build_finish(t, "");
	t->placed_hartid = d->placed_hartid; /* docs/smp.md, Placement */
	/* Consent (cspace_accept) between a spawner and its child: the
	 * child's slots are all lent by the spawner, so the spawner may fill
	 * them; the spawner takes one capability back from each child (a
	 * handle it passes up, such as one for a grandchild). */
	cspace_accept(&t->cs, d->id, t->cs.nslots - 1);
	cspace_accept(&d->cs, t->id, 1);
	/* Cannot fail: the child's space has room for 1 + ncaps, and the
	 * caller's for one more capability, as checked above. */
	for (i = 0; i < req->ncaps; i++)
		cap_derive(&domain_caps, &d->cs, (uint32_t)req->caps[i], &t->cs,
			   CAP_ALL, 0, &s);
	cap_create(&d->cs, CAP_DOMAIN, CAP_GRANT | CAP_W, domain_object(t), 0,
		   &s);
	*slot = s;
	sched_add(t);
	domain_registry_update();
	pr_info("spawn: %s (id %u) started %s (id %u) from %s: %llu frames, "
		"%u slots, %lu capabilities passed, placed on hart %u (the "
		"spawner's)\n",
		d->name, d->id, t->name, t->id, domain_build_of(t)->image,
		(unsigned long long)req->frames, t->cs.nslots, req->ncaps,
		t->placed_hartid);
	return 0;
}

/*
 * One piece of d's spawn in progress: the build goes on, or, once it
 * failed, what it took comes back (the error is returned only then, so
 * the caller finds its quota, slots and every frame as they were).
 */
static long spawn_go_on(struct domain *d, uint64_t start, uint64_t *slot)
{
	struct domain *t = d->spawning;
	const char *why = "its spawn capability was taken away";
	long rc;

	if (t->state == DOMAIN_BUILDING) {
		rc = spawn_still_allowed(d);
		if (!rc)
			rc = domain_build_some(t, start, SPAWN_INSNS, &why);
		if (rc == SYSCALL_RESTART)
			return rc;
		if (!rc) {
			why = "what it was to be given changed meanwhile";
			rc = spawn_finish(d, t, slot);
		}
		if (!rc) {
			d->spawning = 0;
			return 0;
		}
		pr_info("spawn: %s (id %u) could not start %s: %s\n", d->name,
			d->id, t->name, why);
		d->spawn_error = (int)rc;
		domain_drop_build(t);
		return SYSCALL_RESTART; /* taken back from the next entry */
	}
	/* The reaper may have finished t between two pieces (then its
	 * entry may hold another domain already). */
	if (t->spawner == d && t->reap_phase && !domain_reap_some(t, start))
		return SYSCALL_RESTART;
	d->spawning = 0;
	return d->spawn_error;
}

/* Builds of d's that were given up are taken back before d starts
 * another (its quota and slots are in them): true once none is left. */
static bool dropped_builds_back(struct domain *d, uint64_t start)
{
	struct domain *t;
	unsigned i;

	for (i = 0; (t = domain_at(i)); i++)
		if (t->spawner == d && t->state == DOMAIN_FREE &&
		    t->reap_phase && !domain_reap_some(t, start))
			return false;
	return true;
}

/* Decodes the request at uva, then begins the build (E_* or the first
 * piece's result). */
static long spawn_begin(struct domain *d, uint64_t uva, uint64_t start,
			uint64_t *slot)
{
	static struct bootconf_domain conf; /* large: off the stack */
	const struct bootconf_defaults *def = launch_defaults();
	struct rivet_spawn req;
	struct domain *t;
	struct cap *c;
	const char *why = "";
	unsigned long i;
	uint64_t grant;
	long rc;

	if (!dropped_builds_back(d, start))
		return SYSCALL_RESTART;
	/* Decode: every check before anything changes. */
	if (copy_from_user(d, &req, uva, sizeof(req)))
		return E_RANGE;
	if (!cap_slot_valid(req.spawn_slot))
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)req.spawn_slot, CAP_SPAWN, 0, &c);
	if (rc)
		return rc;
	grant = c->object;
	memset(&conf, 0, sizeof(conf));
	rc = decode_names(d, &req, c->object, &conf);
	if (rc)
		return rc;
	if (!req.frames || req.ncaps > RIVET_SPAWN_CAPS_MAX ||
	    req.slots < 1 + req.ncaps || req.slots > CAP_MAX_SLOTS)
		return E_INVAL;
	for (i = 0; i < req.ncaps; i++) {
		if (!cap_slot_valid(req.caps[i]))
			return E_INVAL;
		rc = cap_lookup(&d->cs, (uint32_t)req.caps[i], CAP_NULL,
				CAP_GRANT, &c);
		if (rc)
			return rc;
		if (cap_revoking_from(&domain_caps, c,
				      cap_ref(d->cs.id, (uint32_t)req.caps[i])))
			return E_BUSY; /* docs/capabilities.md */
	}
	/* Lent from what the caller has not used, and one slot more for the
	 * child's domain capability. */
	if (req.frames > d->quota_frames - d->used_frames ||
	    (uint64_t)d->cs.used + d->cs.lent + 1 + req.slots > d->cs.nslots ||
	    !domain_slot_free())
		return E_NOMEM;
	conf.memory = req.frames * PAGE_SIZE;
	conf.slots = (uint32_t)req.slots;
	conf.slice_us = def->slice_us;
	conf.grace_us = def->grace_us;
	conf.strikes = def->strikes;
	conf.valid = true;
	/* The child holds what it is lent as the caller held it: reserved
	 * if the caller's quota was a reservation, else a limit. */
	conf.overcommit = !d->reserved;

	/* Invoke. The frames move to the child's reservation, the slots
	 * are lent at once: both come back with the child, built or not. */
	quota_lend(d, req.frames);
	rc = launch_begin(&conf, &t, &why);
	if (rc) {
		quota_return(d, req.frames);
		pr_info("spawn: %s (id %u) could not start %s: %s\n", d->name,
			d->id, conf.name, why);
		return rc;
	}
	t->spawner = d;
	t->spawned = true;
	d->cs.lent += (uint32_t)req.slots;
	d->spawning = t;
	domain_build_of(t)->req = req;
	domain_build_of(t)->grant = grant;
	domain_registry_update(); /* STARTING */
	return spawn_go_on(d, start, slot);
}

long spawn_sys(struct domain *d, uint64_t uva, uint64_t *slot)
{
	uint64_t start = arch_instret();
	bool again = syscall_restart_take(d, uva);
	long rc;

	if (d->spawning && !again)
		spawn_give_up(d); /* cannot happen: the record ended it */
	rc = d->spawning ? spawn_go_on(d, start, slot)
			 : spawn_begin(d, uva, start, slot);
	if (rc == SYSCALL_RESTART)
		syscall_restart_keep(d, uva, 1);
	syscall_note_stretch(start);
	return rc;
}

void spawn_give_up(struct domain *d)
{
	struct domain *t = d->spawning;

	d->spawning = 0;
	if (t && t->state == DOMAIN_BUILDING) {
		pr_info("spawn: %s (id %u) gave up starting %s\n", d->name,
			d->id, t->name);
		domain_drop_build(t);
	}
}

/*
 * Ends t at once, then returns what it held (and what its children held)
 * in this call's own restartable pieces, so that the caller gets its
 * quota back before kill returns. A piece the scheduler's reaper does
 * meanwhile only leaves less to do; one that finished t leaves nothing
 * (its entry may even hold a new domain by then: the restart record says
 * this kill was ours, and it is over).
 */
long spawn_kill(struct domain *d, uint64_t slot)
{
	uint64_t start = arch_instret();
	struct domain *t;
	struct cap *c;
	long rc;

	if (!cap_slot_valid(slot))
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)slot, CAP_DOMAIN, 0, &c);
	if (rc)
		return rc;
	t = domain_by_object(c->object);
	if (syscall_restart_take(d, slot)) {
		if (!t || t->spawner != d || !t->reap_phase)
			return 0;
	} else {
		if (!domain_live(t))
			return E_NOENT;
		if (t->spawner != d)
			return E_PERM;
		ksnprintf(t->kill_reason, sizeof(t->kill_reason),
			  "by %s (id %u)", d->name, d->id);
		pr_info("spawn: %s (id %u) killed %s (id %u)\n", d->name, d->id,
			t->name, t->id);
		/* t is not running: the caller is. */
		domain_destroy(t, DOMAIN_KILLED);
	}
	if (domain_reap_some(t, start))
		return 0;
	syscall_restart_keep(d, slot, 1);
	return SYSCALL_RESTART;
}

void spawn_children_end(struct domain *d)
{
	struct domain *c;
	unsigned i;

	spawn_give_up(d);
	for (i = 0; (c = domain_at(i)); i++) {
		if (c->spawner != d || !domain_live(c))
			continue;
		ksnprintf(c->kill_reason, sizeof(c->kill_reason),
			  "its spawner %s (id %u) ended", d->name, d->id);
		pr_info("spawn: %s (id %u) ends with its spawner %s\n", c->name,
			c->id, d->name);
		domain_destroy(c, DOMAIN_KILLED);
	}
}

void spawn_return_quota(struct domain *d)
{
	struct domain *s = d->spawner;

	if (!s)
		return;
	quota_return(s, d->quota_frames);
	s->cs.lent -= d->cs.nslots;
	d->spawner = 0;
}
