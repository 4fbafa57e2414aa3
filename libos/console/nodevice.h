/* SPDX-License-Identifier: MIT */
/*
 * The console without a device: when it cannot drive the UART it was
 * given (none granted, no driver for it, unmappable, not answering), it
 * does not exit while a channel peer runs. Its channels' frames are its
 * own (it is named first): ending would revoke them from under every
 * peer's mapping, and a peer between its check of the channel's state
 * and its next store into the ring would be killed by the page fault.
 * So it stays, reads every channel and writes their lines into the kernel
 * log, tells its reader that input has ended, and exits once it is the
 * only domain left, as a working console does. docs/console.md.
 */
#ifndef CONSOLE_NODEVICE_H
#define CONSOLE_NODEVICE_H

#include <stdbool.h>

/* Is any domain other than this one still runnable or waiting? */
bool others_alive(void);

/* Relays the channels into the kernel log until this domain is alone,
 * then exits with status (the setup's failure). */
__attribute__((noreturn)) void nodevice_run(int status);

#endif
