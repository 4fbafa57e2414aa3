/* SPDX-License-Identifier: MIT */
/*
 * shell: reads lines typed on the console (the console domain passes
 * them over a shared page, <rivet/conin.h>) and runs a few commands that
 * look at the machine. Its output goes through the kernel log like every
 * domain's. It ends on `exit`, on Ctrl-D, or when the console is gone;
 * with the console its last peer, the machine then powers off.
 *
 * docs/shell.md is the guide.
 */
#include <stdio.h>
#include <string.h>

#include <rivet/conin.h>
#include <rivet/libos.h>

#include "commands.h"

#define PROMPT	  "rivet> "
#define ATTACH_MS 1000 /* for the console to grant its page */
#define LINE_MAX  128
#define SETTLE_MS 100 /* at most, for the others' start-up output */

/* Splits line into words at spaces, in place; returns how many. Words
 * after the first max are ignored. */
static int split(char *line, char **argv, int max)
{
	int argc = 0;

	while (*line) {
		while (*line == ' ')
			*line++ = '\0';
		if (!*line)
			break;
		if (argc == max)
			break;
		argv[argc++] = line;
		while (*line && *line != ' ')
			line++;
	}
	*line = '\0';
	return argc;
}

/*
 * Lets the domains that are still running at boot print their lines
 * before the first prompt, so that it does not scroll away at once.
 */
static void settle(void)
{
	const struct rivet_info *info = rivet_info();
	uint64_t until = rivet_now() + SETTLE_MS * info->timebase_hz / 1000;
	uint32_t i, n = rivet_registry_count();
	bool busy = true;

	while (busy && rivet_now() < until) {
		busy = false;
		for (i = 1; i <= n; i++)
			if (i != info->domain_id &&
			    rivet_domain_state(i) == RIVET_DOMAIN_RUNNABLE)
				busy = true;
		if (busy)
			sys_yield_cap(RIVET_YIELD_ANY);
	}
}

int main(void)
{
	char line[LINE_MAX + 1], *argv[SHELL_MAX_ARGS];
	int argc, status = 0;
	long n;

	n = rivet_conin_attach(ATTACH_MS);
	if (n) {
		printf("shell: no console input granted (%ld); the "
		       "configuration needs `[channel %s %s]`, or `peer = "
		       "%s` and `notify = %s` in the console's section and "
		       "`accept = CONSOLE 1` and `notify = CONSOLE` in this "
		       "one\n",
		       n, RIVET_CONIN_CONSOLE, rivet_info()->name,
		       rivet_info()->name, rivet_info()->name);
		return 1;
	}
	settle();
	printf("shell: ready; type help for the commands, exit or Ctrl-D "
	       "to leave\n");
	for (;;) {
		n = rivet_readline(PROMPT, line, sizeof(line));
		if (n < 0) {
			printf("shell: end of input; exiting\n");
			return 0;
		}
		argc = split(line, argv, SHELL_MAX_ARGS);
		if (!argc)
			continue;
		if (commands_run(argc, argv, &status) == SHELL_EXIT) {
			printf("shell: exiting with status %d\n", status);
			return status;
		}
	}
}
