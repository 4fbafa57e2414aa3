/* SPDX-License-Identifier: MIT */
/*
 * Cooperative user-level threads (libos/include/rivet/uthread.h). Runnable
 * threads other than the current one wait in a FIFO queue; a thread that
 * yields goes to its tail, so every runnable thread gets a turn in order.
 * A joining thread leaves the queue until its target ends.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <rivet/libos.h>
#include <rivet/uthread.h>

#include "uthread_ctx.h"

_Static_assert(offsetof(struct uthread_ctx, ra) == UCTX_RA, "UCTX_RA");
_Static_assert(offsetof(struct uthread_ctx, sp) == UCTX_SP, "UCTX_SP");
_Static_assert(offsetof(struct uthread_ctx, s) == UCTX_S(0), "UCTX_S");
_Static_assert(sizeof(struct uthread_ctx) == UCTX_SIZE, "UCTX_SIZE");

enum uthread_state {
	UTHREAD_RUNNABLE, /* running, or in the run queue */
	UTHREAD_BLOCKED,  /* in uthread_join, waiting for its target */
	UTHREAD_DONE,	  /* ended; waiting to be joined */
};

struct uthread {
	struct uthread_ctx ctx;
	struct uthread *next; /* run queue link */
	enum uthread_state state;
	void *(*fn)(void *);
	void *arg;
	void *retval;
	struct uthread *joiner; /* the thread blocked in join on this one */
	void *stack;		/* NULL for the main thread */
};

static struct uthread main_thread = { .state = UTHREAD_RUNNABLE };
static struct uthread *current = &main_thread;
static struct uthread *runq_head, *runq_tail;
static unsigned long nlive = 1; /* threads not yet DONE */

static void runq_push(struct uthread *t)
{
	t->next = NULL;
	if (runq_tail)
		runq_tail->next = t;
	else
		runq_head = t;
	runq_tail = t;
}

static struct uthread *runq_pop(void)
{
	struct uthread *t = runq_head;

	if (t) {
		runq_head = t->next;
		if (!runq_head)
			runq_tail = NULL;
	}
	return t;
}

/*
 * Switches from the current thread, which has already been queued, blocked
 * or ended, to the next runnable one. With none left, either every thread
 * has ended (the domain exits with 0) or the rest wait on each other.
 */
static void run_next(void)
{
	struct uthread *prev = current, *next = runq_pop();

	if (!next) {
		if (nlive == 0)
			exit(0); /* as if main had returned 0 */
		printf("uthread: deadlock: %lu threads all blocked in join\n",
		       nlive);
		rivet_exit(E_BUSY);
	}
	if (next == prev)
		return;
	current = next;
	uthread_switch(&prev->ctx, &next->ctx);
}

/* A new thread's first instruction: uthread_switch "returns" here. */
static void uthread_start(void)
{
	uthread_exit(current->fn(current->arg));
}

struct uthread *uthread_create(void *(*fn)(void *), void *arg,
			       size_t stack_size)
{
	struct uthread *t;

	if (stack_size == 0)
		stack_size = UTHREAD_STACK_DEFAULT;
	if (stack_size < UTHREAD_STACK_MIN)
		stack_size = UTHREAD_STACK_MIN;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->stack = malloc(stack_size);
	if (!t->stack) {
		free(t);
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	t->state = UTHREAD_RUNNABLE;
	t->ctx.ra = (uintptr_t)uthread_start;
	/* The calling convention wants sp 16-aligned; s0 = 0 ends the
	 * frame chain for debuggers. */
	t->ctx.sp = ((uintptr_t)t->stack + stack_size) & ~(uintptr_t)15;
	nlive++;
	runq_push(t);
	return t;
}

void uthread_yield(void)
{
	if (!runq_head)
		return; /* alone: nothing to switch to */
	runq_push(current);
	run_next();
}

int uthread_join(struct uthread *t, void **retval)
{
	if (t == current)
		return E_INVAL;
	if (t->joiner)
		return E_BUSY;
	if (t->state != UTHREAD_DONE) {
		t->joiner = current;
		current->state = UTHREAD_BLOCKED;
		run_next(); /* back when t has ended */
	}
	if (retval)
		*retval = t->retval;
	if (t != &main_thread) {
		free(t->stack);
		free(t);
	}
	return 0;
}

void uthread_exit(void *retval)
{
	struct uthread *t = current;

	t->retval = retval;
	t->state = UTHREAD_DONE;
	nlive--;
	if (t->joiner) {
		t->joiner->state = UTHREAD_RUNNABLE;
		runq_push(t->joiner);
	}
	run_next(); /* never comes back: nothing queues a DONE thread */
	__builtin_unreachable();
}

struct uthread *uthread_self(void)
{
	return current;
}
