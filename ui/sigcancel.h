/* sigcancel: Ctrl-C, SIGTERM and SIGHUP (a lost terminal) cancel what runs
 * on the server before idxtune exits.  A handler may not use the event
 * loop or free memory, so a cancel handle (PGcancel, which libpq allows to
 * use from a signal handler) is prepared in advance for each connection;
 * the handler cancels every one of them and lets the program wind down:
 * the scripts run their ROLLBACK clean-up, then the caller exits with
 * sigcancel_exit().  Should the program not wind down within a few
 * seconds, or a second signal come, the handler cancels again and exits
 * on its own. */
#ifndef IDXTUNE_UI_SIGCANCEL_H
#define IDXTUNE_UI_SIGCANCEL_H

#include "idxtune/conn.h"

/* Handlers for SIGINT, SIGTERM and SIGHUP (before curses, which then
 * leaves them alone); a signal ignored on entry stays ignored. */
void sigcancel_install(void);
/* Prepares (again, after a reconnect) the cancel handle of c. */
void sigcancel_watch(ixt_conn *c);
/* Cancels what runs on c with its prepared handle (PQcancel is safe from
 * any thread; nothing is allocated).  Returns 0 when the request was sent. */
int sigcancel_cancel(ixt_conn *c);
/* The signal received, or 0. */
int sigcancel_caught(void);
/* Says "cancelled" on stderr and returns the exit status for the signal
 * (128 + its number: 130 for SIGINT). */
int sigcancel_exit(void);

#endif
