// SPDX-License-Identifier: MIT
/* Finding capabilities by type, and starting domains; see libos.h. */
#include <string.h>

#include <rivet/libos.h>

long rivet_cap_find(unsigned type, unsigned long from)
{
	struct rivet_ret r;
	unsigned long slot;

	for (slot = from;; slot++) {
		r = sys2_cap_info(slot, RIVET_CAPINFO_TYPE);
		if (r.rc == E_INVAL)
			return E_NOENT; /* past the last slot */
		if (!r.rc && (r.val & 0xff) == type)
			return (long)slot;
	}
}

long rivet_spawn(unsigned long spawn_slot, const char *image, const char *name,
		 unsigned long frames, unsigned long slots,
		 const unsigned long *caps, unsigned long ncaps,
		 unsigned long *slot)
{
	struct rivet_spawn req = {
		.spawn_slot = spawn_slot,
		.image = image,
		.image_len = strlen(image),
		.name = name,
		.name_len = name ? strlen(name) : 0,
		.frames = frames,
		.slots = slots,
		.ncaps = ncaps,
	};
	struct rivet_ret r;
	unsigned long i;

	if (ncaps > RIVET_SPAWN_CAPS_MAX)
		return E_INVAL;
	for (i = 0; i < ncaps; i++)
		req.caps[i] = caps[i];
	r = sys2_spawn(&req);
	if (!r.rc)
		*slot = r.val;
	return r.rc;
}
