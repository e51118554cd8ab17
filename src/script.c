/* script: statements in sequence, with clean-up steps that always run. */
#include "idxtune/script.h"

#include "idxtune/workload.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ixt_script_init(ixt_script *s)
{
    memset(s, 0, sizeof *s);
    s->cur = -1;
    s->err_step = -1;
}

void ixt_script_free(ixt_script *s)
{
    for (int i = 0; i < s->n; i++) {
        ixt_step *st = &s->steps[i];
        free(st->sql);
        for (int k = 0; k < st->nparams; k++)
            free(st->params[k]);
        free(st->params);
        free(st->prepare);
        PQclear(st->result);
    }
    free(s->steps);
    ixt_script_init(s);
}

int ixt_script_add(ixt_script *s, const char *sql, unsigned flags)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->steps = ixt_xrealloc(s->steps, (size_t)s->cap * sizeof *s->steps);
    }
    s->steps[s->n] = (ixt_step){.sql = ixt_xstrdup(sql), .flags = flags};
    return s->n++;
}

int ixt_script_add_params(ixt_script *s, const char *sql, int nparams, const char *const *params,
                          unsigned flags)
{
    int i = ixt_script_add(s, sql, flags);
    ixt_step *st = &s->steps[i];
    st->params = ixt_xcalloc((size_t)nparams + 1, sizeof *st->params);
    for (int k = 0; k < nparams; k++)
        st->params[k] = ixt_xstrdup(params[k]);
    st->nparams = nparams;
    return i;
}

int ixt_script_add_prepare(ixt_script *s, const char *name, const char *sql, unsigned flags)
{
    int i = ixt_script_add(s, sql, flags);
    s->steps[i].prepare = ixt_xstrdup(name);
    return i;
}

int ixt_script_addf(ixt_script *s, unsigned flags, const char *fmt, ...)
{
    ixt_buf b;
    ixt_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    ixt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    int i = ixt_script_add(s, b.s, flags);
    ixt_buf_free(&b);
    return i;
}

/* The next step to run: after a failure only the clean-up steps. */
static int next_step(const ixt_script *s, int from)
{
    for (int i = from; i < s->n; i++) {
        unsigned f = s->steps[i].flags;
        if ((f & IXT_STEP_ON_FAILURE) && !s->failed)
            continue;
        if (!s->failed || (f & IXT_STEP_FINALLY))
            return i;
    }
    return s->n;
}

static int send_main(ixt_conn *c, const ixt_step *st, ixt_err *e)
{
    if (st->prepare)
        return ixt_conn_send_prepare(c, st->prepare, st->sql, e);
    return ixt_conn_send(c, st->sql, st->nparams, (const char *const *)st->params, e);
}

/* A budget step is preceded by the rest of the budget as its timeout: a
 * request of its own (see ixt_script_poll), as every request holds one
 * statement. */
static int send_step(ixt_script *s, ixt_conn *c, const ixt_step *st, ixt_err *e)
{
    if (!(st->flags & IXT_STEP_BUDGET) || s->budget_ms <= 0)
        return send_main(c, st, e);
    if (s->deadline_ms <= 0)
        s->deadline_ms = s->step_start_ms + s->budget_ms;
    double left = s->deadline_ms - s->step_start_ms;
    if (left < 1)
        return ixt_err_set(e, "stopped: the trial would hold its lock longer than lock_timeout "
                              "(%.0f ms); raise --lock-timeout to allow more", s->budget_ms);
    char sql[96];
    snprintf(sql, sizeof sql, IXT_SQL_TAG "SET LOCAL statement_timeout = %.0f", left);
    int rc = ixt_conn_send(c, sql, 0, NULL, e);
    s->prelude = rc == 0;
    return rc;
}

static int send_from(ixt_script *s, ixt_conn *c, int from, ixt_err *e)
{
    if (s->cancelled && !s->failed) {
        s->failed = true;
        ixt_err_set(&s->err, "cancelled: nothing was kept");
    }
    for (;;) {
        s->cur = next_step(s, from);
        if (s->cur >= s->n)
            return 1;
        ixt_err se;
        s->step_start_ms = ixt_now_ms();
        if (send_step(s, c, &s->steps[s->cur], &se) == 0)
            return 0;
        if (!s->failed) {
            s->failed = true;
            s->err = se;
        }
        if (!ixt_conn_ok(c)) {
            if (e)
                *e = s->err;
            return -1;
        }
        from = s->cur + 1;
    }
}

/* Forgets how the last run went. */
static void start_clear(ixt_script *s)
{
    s->failed = false;
    s->cancelled = false;
    s->deadline_ms = 0;
    s->prelude = false;
    ixt_err_clear(&s->err);
    s->err_state[0] = '\0';
    s->err_step = -1;
    s->err_pos = 0;
}

int ixt_script_start(ixt_script *s, ixt_conn *c, ixt_err *e)
{
    start_clear(s);
    int rc = send_from(s, c, 0, e);
    return rc < 0 ? -1 : 0;
}

static void step_done(ixt_script *s, ixt_conn *c, PGresult *r, const ixt_err *se)
{
    ixt_step *st = &s->steps[s->cur];
    st->ms = ixt_now_ms() - s->step_start_ms;
    if (!r) {
        if (!s->failed && !(st->flags & IXT_STEP_FINALLY)) {
            s->failed = true;
            s->err = *se;
            snprintf(s->err_state, sizeof s->err_state, "%s", ixt_conn_last_sqlstate(c));
            s->err_step = s->cur;
            if ((st->flags & IXT_STEP_BUDGET) && strstr(se->msg, "statement timeout"))
                ixt_err_set(&s->err, "stopped: the trial would hold its lock longer than "
                                     "lock_timeout (%.0f ms); raise --lock-timeout to allow more",
                            s->budget_ms);
        }
        return;
    }
    if (st->flags & IXT_STEP_KEEP) {
        PQclear(st->result);
        st->result = r;
    } else {
        PQclear(r);
    }
}

int ixt_script_poll(ixt_script *s, ixt_conn *c, ixt_err *e)
{
    if (s->cur < 0 || s->cur >= s->n)
        return 1;
    PGresult *r;
    ixt_err se;
    ixt_err_clear(&se);
    int rc = ixt_conn_collect(c, &r, &se);
    if (rc == 0)
        return 0;
    if (rc < 0) {
        if (!s->failed) {
            s->failed = true;
            s->err = se;
        }
        if (e)
            *e = s->err;
        return -1;
    }
    if (s->prelude && r) {
        PQclear(r);
        r = NULL;
        if (send_main(c, &s->steps[s->cur], &se) == 0) {
            s->prelude = false;
            return 0;
        }
    }
    s->prelude = false;
    step_done(s, c, r, &se);
    rc = send_from(s, c, s->cur + 1, e);
    if (rc == 0)
        return 0;
    if (rc > 0 && s->failed) {
        /* rolled back by now, so the locks can be looked at */
        ixt_conn_explain_lock_wait(c, s->err_state, &s->err);
        if (e)
            *e = s->err;
    }
    return rc;
}

int ixt_script_cancel(ixt_script *s, ixt_conn *c, ixt_err *e)
{
    if (s->cur < 0 || s->cur >= s->n)
        return 0;
    s->cancelled = true;
    return ixt_conn_busy(c) ? ixt_conn_cancel(c, e) : 0;
}

int ixt_script_run(ixt_script *s, ixt_conn *c, ixt_err *e)
{
    if (ixt_script_start(s, c, e) != 0)
        return -1;
    int rc;
    while ((rc = ixt_script_poll(s, c, e)) == 0) {
        struct pollfd p = {.fd = ixt_conn_socket(c), .events = POLLIN};
        poll(&p, 1, 1000);
    }
    return rc < 0 || s->failed ? -1 : 0;
}

static bool pipelinable(const ixt_script *s)
{
    bool cleanup = false;
    for (int i = 0; i < s->n; i++) {
        unsigned f = s->steps[i].flags;
        if (f & (IXT_STEP_BUDGET | IXT_STEP_TIMED | IXT_STEP_ON_FAILURE))
            return false;
        if (cleanup && !(f & IXT_STEP_FINALLY))
            return false;
        cleanup = f & IXT_STEP_FINALLY;
    }
    return true;
}

/* A sync point after the last step before the clean-up and after each
 * clean-up step: a failure skips the rest of the main steps, not them. */
static void add_requests(const ixt_script *s, ixt_pipe_req *q)
{
    for (int i = 0; i < s->n; i++) {
        const ixt_step *st = &s->steps[i];
        bool cleanup = st->flags & IXT_STEP_FINALLY;
        q[i] = (ixt_pipe_req){.sql = st->sql, .nparams = st->nparams, .params = (const char *const *)st->params,
                              .prepare = st->prepare,
                              .sync = cleanup || i == s->n - 1 || (s->steps[i + 1].flags & IXT_STEP_FINALLY)};
    }
}

/* What the sequential run would have recorded, from the pipeline's
 * results (taken over or freed). */
static void take_results(ixt_script *s, ixt_conn *c, PGresult **out)
{
    for (int i = 0; i < s->n; i++) {
        ixt_step *st = &s->steps[i];
        PGresult *r = out[i];
        ExecStatusType rs = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        bool ok = rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK || rs == PGRES_EMPTY_QUERY;
        if (!(st->flags & IXT_STEP_FINALLY) && !s->failed && !ok) {
            s->failed = true;
            ixt_conn_result_error(r, st->sql, &s->err);
            const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
            const char *pos = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;
            snprintf(s->err_state, sizeof s->err_state, "%s", state ? state : "");
            s->err_step = i;
            s->err_pos = pos ? atol(pos) : 0;
            ixt_conn_explain_lock_wait(c, s->err_state, &s->err);
        }
        if (ok && (st->flags & IXT_STEP_KEEP) && !s->failed) {
            PQclear(st->result);
            st->result = r;
        } else {
            PQclear(r);
        }
    }
    s->cur = s->n;
}

int ixt_script_run_batch(ixt_script *const *s, int n, ixt_conn *c, ixt_err *e)
{
    int total = 0;
    for (int j = 0; j < n; j++) {
        if (!pipelinable(s[j]))
            return ixt_err_set(e, "this script cannot run in a pipeline");
        total += s[j]->n;
    }
    ixt_pipe_req *q = ixt_xcalloc((size_t)total + 1, sizeof *q);
    PGresult **out = ixt_xcalloc((size_t)total + 1, sizeof *out);
    for (int j = 0, at = 0; j < n; at += s[j]->n, j++) {
        start_clear(s[j]);
        add_requests(s[j], q + at);
    }
    int failed;
    ixt_err pe;
    int rc = ixt_conn_pipeline(c, q, total, out, &failed, &pe);
    if (rc != 0 && failed < 0) {
        for (int i = 0; i < total; i++)
            PQclear(out[i]);
        for (int j = 0; j < n; j++) {
            s[j]->failed = true;
            s[j]->err = pe;
        }
        if (e)
            *e = pe;
    } else {
        for (int j = 0, at = 0; j < n; at += s[j]->n, j++)
            take_results(s[j], c, out + at);
        rc = 0;
    }
    free(q);
    free(out);
    return rc;
}

PGresult *ixt_script_result(const ixt_script *s, int i)
{
    return i >= 0 && i < s->n ? s->steps[i].result : NULL;
}
