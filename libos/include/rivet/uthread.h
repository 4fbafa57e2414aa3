/* SPDX-License-Identifier: MIT */
/*
 * User-level threads inside one domain: cooperative, round-robin, switched
 * without entering the kernel. A thread runs until it calls uthread_yield,
 * uthread_join or uthread_exit (or returns from its function). All threads
 * share the domain's one TLS block (so errno), its heap and its console.
 * The kernel's slice-end upcall interrupts whichever thread is running and
 * resumes that same thread; it never switches threads.
 */
#ifndef RIVET_UTHREAD_H
#define RIVET_UTHREAD_H

#include <stddef.h>

struct uthread;

#define UTHREAD_STACK_DEFAULT (16 * 1024)
#define UTHREAD_STACK_MIN     (4 * 1024)

/*
 * Creates a thread that runs fn(arg) on a malloc'ed stack of stack_size
 * bytes (0: UTHREAD_STACK_DEFAULT; at least UTHREAD_STACK_MIN), queued
 * behind the threads already runnable. Returns it, or NULL if out of memory.
 * The caller keeps running. The thread's memory is freed by uthread_join.
 */
struct uthread *uthread_create(void *(*fn)(void *), void *arg,
			       size_t stack_size);

/* Lets every other runnable thread run once, then returns. */
void uthread_yield(void);

/*
 * Waits for t to finish, stores its result in *retval (if retval is not
 * NULL) and frees it. Each thread is joined at most once. Returns 0,
 * E_INVAL if t is the caller, E_BUSY if another thread is joining t.
 */
int uthread_join(struct uthread *t, void **retval);

/*
 * Ends the calling thread with retval, as returning from its function
 * does. When the last thread ends, the domain exits with status 0.
 */
__attribute__((noreturn)) void uthread_exit(void *retval);

/* The calling thread (the main thread too has one). */
struct uthread *uthread_self(void);

#endif
