/* SPDX-License-Identifier: MIT */
/*
 * world: the second domain of the directed-yield demo. It gives its slice
 * straight back to "hello" by name (through the notification capability
 * its `notify = hello` line gives), then exits.
 */
#include <stdio.h>

#include <rivet/libos.h>

int main(void)
{
	long rc;

	printf("world: domain %u \"%s\" says hello\n", rivet_info()->domain_id,
	       rivet_info()->name);
	rc = rivet_yield_to_name("hello");
	if (rc)
		printf("world: could not yield to hello (%ld)\n", rc);
	printf("world: running again, exiting\n");
	return 0;
}
