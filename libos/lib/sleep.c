// SPDX-License-Identifier: MIT
/* rivet_sleep_us: a timer event and a wait; see <rivet/libos.h>. */
#include <rivet/libos.h>

#define US_PER_S 1000000ULL

/* Ticks for us microseconds at hz, rounded up, without overflowing. */
static uint64_t ticks(uint64_t us, uint64_t hz)
{
	return us / US_PER_S * hz +
	       ((us % US_PER_S) * hz + US_PER_S - 1) / US_PER_S;
}

long rivet_sleep_us(uint64_t us)
{
	const struct rivet_info *info = rivet_info();
	const unsigned long bit = 1UL << RIVET_TIMER_BIT;
	uint64_t when;
	long rc;

	if (!us)
		return 0;
	when = rivet_now() + ticks(us, info->timebase_hz);
	rc = sys_timer_event(when, RIVET_TIMER_BIT);
	if (rc)
		return rc;
	/* A bit left pending by an earlier timer ends a wait early: the
	 * clock, not the event, says when the sleep is over. */
	while (rivet_now() < when) {
		struct rivet_ret r = sys2_wait(bit);

		if (r.rc)
			return r.rc;
	}
	/* The event may still be due (the clock passed when first) or
	 * pending: leave neither for the caller's next wait. */
	sys_timer_event(0, RIVET_TIMER_BIT);
	if (info->pending & bit)
		sys2_wait(bit);
	return 0;
}
