/* SPDX-License-Identifier: MIT */
/*
 * The shell's commands. Each reads what it shows from the info page or
 * SYS_kstat. Besides its own memory the shell may hold a spawn capability
 * (`spawn =` in its configuration), which run and kill use.
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
	case RIVET_DOMAIN_ENDING:
		return "ending";
	case RIVET_DOMAIN_STARTING:
		return "starting";
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
		printf("  %-16s %s\n", use, c->help);
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
		if (r->domains[i].state) /* 0: an entry no domain is in */
			printf("  %3u  %-16.31s %s%s\n", r->domains[i].id,
			       r->domains[i].name,
			       state_name(r->domains[i].state),
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

/* The domains this shell started: id, and the slot of the domain
 * capability SYS_spawn gave for it (0: an unused entry). */
#define SHELL_KIDS 8
static struct {
	long id;
	unsigned long slot;
} kids[SHELL_KIDS];

static const char *spawn_error(long rc)
{
	switch (rc) {
	case E_NOENT:
		return "no such image";
	case E_FORMAT:
		return "not a libOS image";
	case E_NOMEM:
		return "not enough frames or slots left, or too many domains";
	case E_PERM:
		return "this shell may not start that image";
	case E_INVAL:
		return "bad name or size";
	case E_EXIST:
		return "a domain of that name is running";
	}
	return "refused";
}

/* Forgets children that have ended, freeing their slots. */
static void reap_kids(void)
{
	unsigned i;

	for (i = 0; i < SHELL_KIDS; i++)
		if (kids[i].slot && !rivet_domain_alive(kids[i].id)) {
			sys_cap_delete(kids[i].slot);
			kids[i].slot = 0;
		}
}

/* "2M", "512K" or a number of bytes, in frames; 0 if malformed. */
static unsigned long parse_frames(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	return *end || v % 4096 ? 0 : v / 4096;
}

static int cmd_run(int argc, char **argv, int *status)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0), rc;
	unsigned long frames = 512, slot = 0; /* 2 MiB */
	char image[96];
	unsigned i;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && !(frames = parse_frames(argv[2])))) {
		printf("run: usage: run NAME [MEMORY], e.g. run hello 2M\n");
		return SHELL_GO_ON;
	}
	if (sp < 0) {
		printf("run: this shell holds no spawn capability; its "
		       "configuration needs spawn = /libos/\n");
		return SHELL_GO_ON;
	}
	reap_kids();
	for (i = 0; i < SHELL_KIDS && kids[i].slot; i++)
		;
	if (i == SHELL_KIDS) {
		printf("run: %d domains started already; kill one first\n",
		       SHELL_KIDS);
		return SHELL_GO_ON;
	}
	snprintf(image, sizeof(image), "%s%s%s",
		 argv[1][0] == '/' ? "" : "/libos/", argv[1],
		 argv[1][0] == '/' ? "" : ".elf");
	rc = rivet_spawn(sp, image, 0, frames, 64, 0, 0, &slot);
	if (rc) {
		printf("run: cannot start %s: %s (%ld)\n", image,
		       spawn_error(rc), rc);
		return SHELL_GO_ON;
	}
	kids[i].slot = slot;
	kids[i].id = (long)RIVET_DOMAIN_OBJECT_ID(
		sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val);
	printf("started %s as domain %ld (%lu KiB)\n", image, kids[i].id,
	       frames * 4);
	return SHELL_GO_ON;
}

static int cmd_kill(int argc, char **argv, int *status)
{
	char *end;
	long id = argc == 2 ? strtol(argv[1], &end, 10) : 0, rc;
	unsigned i;

	if (argc != 2 || *end || id <= 0) {
		printf("kill: usage: kill ID (an id from ps)\n");
		return SHELL_GO_ON;
	}
	for (i = 0; i < SHELL_KIDS; i++)
		if (kids[i].slot && kids[i].id == id)
			break;
	if (i == SHELL_KIDS) {
		printf("kill: domain %ld was not started by this shell\n", id);
		return SHELL_GO_ON;
	}
	rc = sys_kill(kids[i].slot);
	if (rc == E_NOENT)
		printf("kill: domain %ld has already ended\n", id);
	else if (rc)
		printf("kill: domain %ld: refused (%ld)\n", id, rc);
	else
		printf("killed domain %ld\n", id);
	sys_cap_delete(kids[i].slot);
	kids[i].slot = 0;
	return SHELL_GO_ON;
}

static const struct command commands[] = {
	{ "help", "", "this list", cmd_help },
	{ "ps", "", "the domains and their states", cmd_ps },
	{ "mem", "", "free frames, and this shell's", cmd_mem },
	{ "uptime", "", "time since the machine started", cmd_uptime },
	{ "echo", "WORDS", "print WORDS", cmd_echo },
	{ "run", "NAME [MEM]", "start /libos/NAME.elf (2M)", cmd_run },
	{ "kill", "ID", "end a domain run started", cmd_kill },
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
