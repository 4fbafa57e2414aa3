// SPDX-License-Identifier: MIT
/* The result line of the in-QEMU test libOSes; see rivet/testreport.h. */
#include <stdarg.h>
#include <stdio.h>

#include <rivet/testreport.h>

int rivet_test_report(const char *prefix, const char *name, int ok,
		      const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("TEST %s%s: PASS\n", prefix, name);
		return 1;
	}
	printf("TEST %s%s: FAIL ", prefix, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 0;
}
