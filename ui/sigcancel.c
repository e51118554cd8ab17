/* sigcancel: cancel handles per connection, used from signal handlers. */
#include "sigcancel.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_CONNS 4
#define RECANCEL_MS 500   /* a step sent just after the first cancel is caught too */
#define GRACE_TICKS 10    /* then exit anyway: 5 s */

typedef struct watched {
    ixt_conn *conn;
    PGcancel *cancel;
} watched;

static watched conns[MAX_CONNS];
static volatile sig_atomic_t caught;
static volatile sig_atomic_t ticks;

static void cancel_all(void)
{
    char buf[256];    /* on the handler's stack, as libpq asks */
    for (int i = 0; i < MAX_CONNS; i++)
        if (conns[i].cancel)
            (void)PQcancel(conns[i].cancel, buf, sizeof buf);
}

static void say(const char *msg)
{
    ssize_t n = write(2, msg, strlen(msg));
    (void)n;
}

static void give_up(void)
{
    cancel_all();
    say("\nidxtune: cancelled: the statement on the server was cancelled; exiting without waiting\n");
    _exit(128 + caught);
}

static void on_signal(int sig)
{
    if (caught) {
        give_up();
        return;
    }
    caught = sig;
    cancel_all();
    struct itimerval t = {{0, RECANCEL_MS * 1000}, {0, RECANCEL_MS * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

static void on_alarm(int sig)
{
    (void)sig;
    if (++ticks >= GRACE_TICKS)
        give_up();
    cancel_all();
}

void sigcancel_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaddset(&sa.sa_mask, SIGALRM);
    /* no SA_RESTART: poll() returns EINTR and the loop sees the signal */
    sa.sa_handler = on_signal;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* ignored on entry (nohup, a script's background job): stays so */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
}

void sigcancel_watch(ixt_conn *c)
{
    PGcancel *fresh = PQgetCancel(ixt_conn_pg(c));
    sigset_t all, old;
    sigfillset(&all);
    /* the handlers must never see a slot half-changed */
    sigprocmask(SIG_BLOCK, &all, &old);
    int slot = -1;
    for (int i = 0; i < MAX_CONNS && slot < 0; i++)
        if (conns[i].conn == c || !conns[i].conn)
            slot = i;
    PGcancel *stale = NULL;
    if (slot >= 0) {
        stale = conns[slot].cancel;
        conns[slot] = (watched){c, fresh};
    } else {
        stale = fresh;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (stale)
        PQfreeCancel(stale);
}

int sigcancel_cancel(ixt_conn *c)
{
    char buf[256];
    for (int i = 0; i < MAX_CONNS; i++)
        if (conns[i].conn == c && conns[i].cancel)
            return PQcancel(conns[i].cancel, buf, sizeof buf) ? 0 : -1;
    return -1;
}

int sigcancel_caught(void)
{
    return caught;
}

int sigcancel_exit(void)
{
    const char *name = caught == SIGINT ? "SIGINT" : caught == SIGTERM ? "SIGTERM" : "SIGHUP";
    fprintf(stderr, "idxtune: cancelled (%s): what ran on the server was cancelled and rolled back\n", name);
    return 128 + caught;
}
