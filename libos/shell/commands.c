/* SPDX-License-Identifier: MIT */
/*
 * The shell's commands. Each reads what it shows from the info page or
 * SYS_kstat: the shell holds no capability beyond its own memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/libos.h>

#include "commands.h"

/* Every command has the table's signature, whether it needs it or not. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv, int *status);
};

static const struct command commands[];

static const char *state_name(uint32_t state)
{
	switch (state) {
	case RIVET_DOMAIN_RUNNABLE:
		return "runnable";
	case RIVET_DOMAIN_WAITING:
		return "waiting";
	case RIVET_DOMAIN_EXITED:
		return "exited";
	case RIVET_DOMAIN_KILLED:
		return "killed";
	}
	return "?";
}

static int cmd_help(int argc, char **argv, int *status)
{
	const struct command *c;
	char use[32];

	for (c = commands; c->name; c++) {
		snprintf(use, sizeof(use), "%s%s%s", c->name,
			 c->args[0] ? " " : "", c->args);
		printf("  %-12s %s\n", use, c->help);
	}
	printf("  Ctrl-D on an empty line is the same as exit.\n");
	return SHELL_GO_ON;
}

static int cmd_ps(int argc, char **argv, int *status)
{
	const struct rivet_registry *r = rivet_registry();
	uint32_t i, n = rivet_registry_count();

	printf("  %3s  %-16s %s\n", "id", "name", "state");
	for (i = 0; i < n; i++)
		printf("  %3u  %-16.31s %s%s\n", r->domains[i].id,
		       r->domains[i].name, state_name(r->domains[i].state),
		       r->domains[i].id == rivet_info()->domain_id
			       ? " (this shell)"
			       : "");
	return SHELL_GO_ON;
}

static int cmd_mem(int argc, char **argv, int *status)
{
	unsigned long free_frames = sys2_kstat(KSTAT_FREE_FRAMES).val;
	unsigned long mine = sys2_kstat(KSTAT_MY_FRAMES).val;

	printf("  free: %lu frames (%lu KiB) in the machine\n", free_frames,
	       free_frames * 4);
	printf("  this shell: %lu frames (%lu KiB)\n", mine, mine * 4);
	return SHELL_GO_ON;
}

static int cmd_uptime(int argc, char **argv, int *status)
{
	uint64_t hz = rivet_info()->timebase_hz, t = rivet_now();

	printf("  up %lu.%03lu s (machine time, %lu ticks at %lu Hz)\n",
	       (unsigned long)(t / hz), (unsigned long)(t % hz * 1000 / hz),
	       (unsigned long)t, (unsigned long)hz);
	return SHELL_GO_ON;
}

static int cmd_echo(int argc, char **argv, int *status)
{
	int i;

	for (i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return SHELL_GO_ON;
}

static int cmd_exit(int argc, char **argv, int *status)
{
	char *end;
	long v = 0;

	if (argc > 1) {
		v = strtol(argv[1], &end, 0);
		if (*end || v < 0 || v > 255) {
			printf("exit: status must be 0..255, not '%s'\n",
			       argv[1]);
			return SHELL_GO_ON;
		}
	}
	*status = (int)v;
	return SHELL_EXIT;
}

static const struct command commands[] = {
	{ "help", "", "this list", cmd_help },
	{ "ps", "", "the domains and their states", cmd_ps },
	{ "mem", "", "free frames, and this shell's", cmd_mem },
	{ "uptime", "", "time since the machine started", cmd_uptime },
	{ "echo", "WORDS", "print WORDS", cmd_echo },
	{ "exit", "[N]", "end the shell with status N (0)", cmd_exit },
	{ 0 },
};

int commands_run(int argc, char **argv, int *status)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, argv[0]))
			return c->run(argc, argv, status);
	printf("unknown command '%s'; type help\n", argv[0]);
	return SHELL_GO_ON;
}
