/* jobs: one worker thread, a queue, and a pipe back to the poll() loop. */
#include "jobs.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sigcancel.h"

#define SCRIPT_POLL_MS 50   /* how soon a cancel between two steps is seen */

struct ui_jobs {
    ixt_conn *lab;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ui_job *queue, *queue_tail;   /* waiting */
    ui_job *running;
    ui_job *done, *done_tail;     /* finished, for jobs_collect */
    bool stopping;
    int pipe_r, pipe_w;
};

static void append(ui_job **head, ui_job **tail, ui_job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static void job_free(ui_job *j)
{
    if (j->free_ctx)
        j->free_ctx(j->ctx);
    free(j);
}

static void *worker(void *arg)
{
    ui_jobs *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->queue && !q->stopping)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->stopping)
            break;
        ui_job *j = q->queue;
        q->queue = j->next;
        if (!q->queue)
            q->queue_tail = NULL;
        q->running = j;
        pthread_mutex_unlock(&q->mu);
        ixt_err_clear(&j->err);
        j->started_ms = ixt_now_ms();
        j->rc = atomic_load(&j->cancel) ? -1 : j->run(j, q->lab, &j->err);
        pthread_mutex_lock(&q->mu);
        q->running = NULL;
        append(&q->done, &q->done_tail, j);
        char b = 1;
        ssize_t n = write(q->pipe_w, &b, 1);
        (void)n;   /* a full pipe already wakes the loop */
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

ui_jobs *jobs_start(ixt_conn *lab)
{
    ui_jobs *q = ixt_xcalloc(1, sizeof *q);
    q->lab = lab;
    int p[2];
    if (pipe(p) != 0) {
        free(q);
        return NULL;
    }
    q->pipe_r = p[0];
    q->pipe_w = p[1];
    fcntl(q->pipe_r, F_SETFL, O_NONBLOCK);
    fcntl(q->pipe_w, F_SETFL, O_NONBLOCK);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    /* signals go to the UI thread, whose poll() they interrupt */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&q->thread, NULL, worker, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        close(p[0]);
        close(p[1]);
        free(q);
        return NULL;
    }
    return q;
}

static void free_list(ui_job *j)
{
    while (j) {
        ui_job *next = j->next;
        job_free(j);
        j = next;
    }
}

bool jobs_stop(ui_jobs *q, int wait_ms)
{
    if (!q)
        return true;
    jobs_cancel(q);
    double until = ixt_now_ms() + wait_ms;
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_signal(&q->cv);
    bool stuck = false;
    while (q->running && !stuck) {
        pthread_mutex_unlock(&q->mu);
        poll(NULL, 0, 20);
        stuck = ixt_now_ms() > until;
        pthread_mutex_lock(&q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    if (stuck) {
        /* the worker still holds the connection: leave both to the exit */
        pthread_detach(q->thread);
        return false;
    }
    pthread_join(q->thread, NULL);
    free_list(q->queue);
    free_list(q->done);
    close(q->pipe_r);
    close(q->pipe_w);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q);
    return true;
}

ui_job *job_new(const char *what, int (*run)(ui_job *, ixt_conn *, ixt_err *),
                void (*done)(app *, ui_job *, ui_view *, job_end, const char *),
                void *ctx, void (*free_ctx)(void *), ui_view *owner)
{
    ui_job *j = ixt_xcalloc(1, sizeof *j);
    snprintf(j->what, sizeof j->what, "%s", what);
    j->run = run;
    j->done = done;
    j->ctx = ctx;
    j->free_ctx = free_ctx;
    j->owner = owner;
    atomic_init(&j->cancel, false);
    atomic_init(&j->progress_done, 0);
    atomic_init(&j->progress_total, 0);
    atomic_init(&j->progress_what, NULL);
    return j;
}

typedef struct query_job {
    char *sql;
    char **params;
    int nparams;
    PGresult *res;
} query_job;

static void query_job_free(void *ctx)
{
    query_job *x = ctx;
    free(x->sql);
    for (int i = 0; i < x->nparams; i++)
        free(x->params[i]);
    free(x->params);
    PQclear(x->res);
    free(x);
}

/* A cancel reaches the statement through jobs_cancel's PQcancel. */
static int query_job_run(ui_job *j, ixt_conn *lab, ixt_err *e)
{
    query_job *x = j->ctx;
    x->res = ixt_conn_exec(lab, x->sql, x->nparams, (const char *const *)x->params, e);
    return x->res ? 0 : -1;
}

ui_job *job_query_new(const char *what, const char *sql, int nparams, const char *const *params,
                      void (*done)(app *, ui_job *, ui_view *, job_end, const char *), ui_view *owner)
{
    query_job *x = ixt_xcalloc(1, sizeof *x);
    x->sql = ixt_xstrdup(sql);
    x->nparams = nparams;
    x->params = ixt_xcalloc((size_t)nparams + 1, sizeof *x->params);
    for (int i = 0; i < nparams; i++)
        x->params[i] = params[i] ? ixt_xstrdup(params[i]) : NULL;
    return job_new(what, query_job_run, done, x, query_job_free, owner);
}

PGresult *job_query_result(ui_job *j)
{
    query_job *x = j->ctx;
    PGresult *r = x->res;
    x->res = NULL;
    return r;
}

void jobs_submit(ui_jobs *q, ui_job *j)
{
    pthread_mutex_lock(&q->mu);
    append(&q->queue, &q->queue_tail, j);
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

int jobs_fd(const ui_jobs *q)
{
    return q->pipe_r;
}

int jobs_collect(ui_jobs *q, app *a)
{
    char buf[64];
    while (read(q->pipe_r, buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&q->mu);
    ui_job *list = q->done;
    q->done = q->done_tail = NULL;
    pthread_mutex_unlock(&q->mu);
    int n = 0;
    while (list) {
        ui_job *j = list;
        list = j->next;
        job_end end = atomic_load(&j->cancel) ? JOB_CANCELLED : j->rc == 0 ? JOB_DONE : JOB_FAILED;
        if (j->done)
            j->done(a, j, j->owner, end, j->err.msg);
        job_free(j);
        n++;
    }
    return n;
}

void jobs_cancel(ui_jobs *q)
{
    pthread_mutex_lock(&q->mu);
    for (ui_job *j = q->queue; j; j = j->next)
        atomic_store(&j->cancel, true);
    bool running = q->running != NULL;
    if (running)
        atomic_store(&q->running->cancel, true);
    pthread_mutex_unlock(&q->mu);
    /* a script sees the flag itself; a plain blocking call needs the
     * server to stop the statement under way */
    if (running)
        sigcancel_cancel(q->lab);
}

void jobs_orphan(ui_jobs *q, const ui_view *owner)
{
    pthread_mutex_lock(&q->mu);
    ui_job *lists[] = {q->queue, q->running, q->done};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        for (ui_job *j = lists[i]; j; j = i == 1 ? NULL : j->next)
            if (j->owner == owner)
                j->owner = NULL;
    pthread_mutex_unlock(&q->mu);
}

bool jobs_idle(ui_jobs *q)
{
    pthread_mutex_lock(&q->mu);
    bool idle = !q->queue && !q->running && !q->done;
    pthread_mutex_unlock(&q->mu);
    return idle;
}

static ui_job *waited_for(ui_jobs *q)
{
    if (q->running && !q->running->quiet)
        return q->running;
    for (ui_job *j = q->queue; j; j = j->next)
        if (!j->quiet)
            return j;
    return NULL;
}

bool jobs_waited_for(ui_jobs *q)
{
    pthread_mutex_lock(&q->mu);
    bool any = waited_for(q) != NULL;
    pthread_mutex_unlock(&q->mu);
    return any;
}

bool jobs_running_line(ui_jobs *q, char *buf, size_t len)
{
    pthread_mutex_lock(&q->mu);
    ui_job *j = waited_for(q);
    bool any = j != NULL;
    if (any) {
        char t[32], prog[160] = "";
        const char *what = atomic_load(&j->progress_what);
        int total = atomic_load(&j->progress_total);
        if (what)
            snprintf(prog, sizeof prog, ": %s %d/%d", what, atomic_load(&j->progress_done), total);
        double started = j == q->running ? j->started_ms : ixt_now_ms();
        snprintf(buf, len, "%s%s... %s%s", j->what, prog, ixt_fmt_ms(ixt_now_ms() - started, t, sizeof t),
                 atomic_load(&j->cancel) ? " (cancelling)" : " (Esc cancels)");
    }
    pthread_mutex_unlock(&q->mu);
    return any;
}

bool job_cancelled(ui_job *j)
{
    return atomic_load(&j->cancel);
}

void job_progress(ui_job *j, int done, int total, const char *what)
{
    atomic_store(&j->progress_done, done);
    atomic_store(&j->progress_total, total);
    atomic_store(&j->progress_what, what);
}

int job_script_run(ui_job *j, ixt_script *s, ixt_conn *lab, ixt_err *e)
{
    if (job_cancelled(j))
        return ixt_err_set(e, "cancelled");
    if (ixt_script_start(s, lab, e) != 0)
        return -1;
    int rc;
    while ((rc = ixt_script_poll(s, lab, e)) == 0) {
        if (job_cancelled(j) && !s->cancelled)
            (void)ixt_script_cancel(s, lab, NULL);
        struct pollfd p = {.fd = ixt_conn_socket(lab), .events = POLLIN};
        poll(&p, 1, SCRIPT_POLL_MS);
    }
    return rc < 0 || s->failed ? -1 : 0;
}
