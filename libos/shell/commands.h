/* SPDX-License-Identifier: MIT */
/* The shell's commands: one table, looked up by the first word. */
#ifndef SHELL_COMMANDS_H
#define SHELL_COMMANDS_H

#define SHELL_MAX_ARGS 8

/* What a command asks of the shell after it ran. */
#define SHELL_GO_ON 0
#define SHELL_EXIT  1

/*
 * Runs the command in argv[0] with its arguments. Returns SHELL_GO_ON or
 * SHELL_EXIT (then *status is the exit status). An unknown command is
 * reported and the shell goes on.
 */
int commands_run(int argc, char **argv, int *status);

#endif
