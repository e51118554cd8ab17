/* The plan view on plans of 1,000 and 10,000 nodes: parse + layout + text
 * render, the median of several runs, and the memory it takes.
 *
 * Three shapes, generated in the layout EXPLAIN (FORMAT JSON) prints
 * (indented by depth, one key a line), with ANALYZE figures:
 *   append  an Append over Hash Joins (a Seq Scan, a Hash over an Index
 *           Scan each): partitions joined, wide and a few levels deep
 *   union   an Append over Limit -> Sort -> Seq Scan: a wide UNION ALL
 *   deep    Nested Loops, each over the next and an Index Scan: a chain
 *           of joins as deep as the plan is big (indented no deeper than
 *           50 levels: PostgreSQL's indent would make the text grow with
 *           the square of the depth)
 * With a server (PGHOST etc., as bench/run.sh sets), two plans EXPLAIN
 * prints for real are measured too: a SELECT over a table of 2,500
 * partitions and a UNION ALL of 3,400 subqueries.
 *
 * Each plan is measured in a child process of its own, so the RSS growth
 * (the high-water mark while parsing, over what the child held before) is
 * that plan's alone. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "idxtune/plan.h"
#include "idxtune/plan_fold.h"
#include "idxtune/plan_text.h"

enum { RUNS = 11 };

/* ===== generated plans ===== */

enum { MAX_INDENT = 50 };

static int ind(int depth)
{
    return depth < MAX_INDENT ? depth : MAX_INDENT;
}

static void indent(ixt_buf *b, int depth)
{
    ixt_buf_printf(b, "\n%*s", 6 + 4 * ind(depth), "");
}

/* Opens a node at depth: its keys, one a line, from a "k": v list
 * separated by '|'. */
static void node_open(ixt_buf *b, int depth, const char *keys)
{
    ixt_buf_printf(b, "%*s{", 4 + 4 * ind(depth), "");
    for (const char *k = keys, *end; *k; k = *end ? end + 1 : end) {
        end = k + strcspn(k, "|");
        indent(b, depth);
        ixt_buf_addn(b, k, (size_t)(end - k));
        if (*end)
            ixt_buf_addc(b, ',');
    }
}

static void plans_open(ixt_buf *b, int depth)
{
    ixt_buf_add(b, ",");
    indent(b, depth);
    ixt_buf_add(b, "\"Plans\": [\n");
}

static void plans_close(ixt_buf *b, int depth)
{
    ixt_buf_printf(b, "\n%*s]", 6 + 4 * ind(depth), "");
}

static void node_close(ixt_buf *b, int depth, bool last)
{
    ixt_buf_printf(b, "\n%*s}%s", 4 + 4 * ind(depth), "", last ? "" : ",\n");
}

#define FIGURES "\"Startup Cost\": 1.5|\"Total Cost\": %d.25|\"Plan Rows\": 100|\"Plan Width\": 16|" \
                "\"Actual Startup Time\": 0.1|\"Actual Total Time\": 2.5|\"Actual Rows\": 300|"    \
                "\"Actual Loops\": 1|\"Shared Hit Blocks\": 40|\"Shared Read Blocks\": 3"

static void leaf(ixt_buf *b, int depth, const char *type, int i, bool last)
{
    char keys[1024];
    snprintf(keys, sizeof keys, "\"Node Type\": \"%s\"|\"Parent Relationship\": \"%s\"|"
             "\"Relation Name\": \"part_%d\"|\"Schema\": \"public\"|\"Alias\": \"p%d\"|" FIGURES
             "|\"Filter\": \"((status = 'queued'::text) AND (run_at <= now()))\"|"
             "\"Rows Removed by Filter\": 12000",
             type, last ? "Inner" : "Outer", i, i, 50 + i);
    node_open(b, depth, keys);
    node_close(b, depth, last);
}

static void inner(ixt_buf *b, int depth, const char *type, const char *rel, int i)
{
    char keys[1024];
    snprintf(keys, sizeof keys, "\"Node Type\": \"%s\"|\"Parent Relationship\": \"%s\"|" FIGURES
             "|\"Hash Cond\": \"(a.id = b.a_id)\"",
             type, rel, 100 + i);
    node_open(b, depth, keys);
    plans_open(b, depth);
}

static void plan_open(ixt_buf *b)
{
    ixt_buf_add(b, "[\n  {\n    \"Plan\": ");
}

static void plan_close(ixt_buf *b)
{
    ixt_buf_add(b, ",\n    \"Planning Time\": 12.5,\n    \"Execution Time\": 9100\n  }\n]");
}

static void append_root(ixt_buf *b)
{
    ixt_buf_add(b, "{\n      \"Node Type\": \"Append\",\n      \"Total Cost\": 1e7,\n"
                   "      \"Plan Rows\": 1e6,\n      \"Actual Total Time\": 9000,\n"
                   "      \"Actual Rows\": 1e6,\n      \"Actual Loops\": 1,\n      \"Plans\": [\n");
}

static void append_end(ixt_buf *b)
{
    ixt_buf_add(b, "\n      ]\n    }");
}

/* Hash Join (Seq Scan, Hash (Index Scan)): 4 nodes */
static char *shape_append(int nodes)
{
    ixt_buf b;
    ixt_buf_init(&b);
    plan_open(&b);
    append_root(&b);
    for (int i = 0, n = (nodes - 1) / 4; i < n; i++) {
        inner(&b, 1, "Hash Join", "Member", i);
        leaf(&b, 2, "Seq Scan", i, false);
        inner(&b, 2, "Hash", "Inner", i);
        leaf(&b, 3, "Index Scan", i, true);
        plans_close(&b, 2);
        node_close(&b, 2, true);
        plans_close(&b, 1);
        node_close(&b, 1, i == n - 1);
    }
    append_end(&b);
    plan_close(&b);
    return ixt_buf_take(&b);
}

/* Limit (Sort (Seq Scan)): 3 nodes */
static char *shape_union(int nodes)
{
    ixt_buf b;
    ixt_buf_init(&b);
    plan_open(&b);
    append_root(&b);
    for (int i = 0, n = (nodes - 1) / 3; i < n; i++) {
        inner(&b, 1, "Limit", "Member", i);
        inner(&b, 2, "Sort", "Outer", i);
        leaf(&b, 3, "Seq Scan", i, true);
        plans_close(&b, 2);
        node_close(&b, 2, true);
        plans_close(&b, 1);
        node_close(&b, 1, i == n - 1);
    }
    append_end(&b);
    plan_close(&b);
    return ixt_buf_take(&b);
}

/* Nested Loop (Nested Loop (...), Index Scan), a Seq Scan at the bottom */
static char *shape_deep(int nodes)
{
    ixt_buf b;
    ixt_buf_init(&b);
    int levels = (nodes - 1) / 2;
    plan_open(&b);
    for (int d = 0; d < levels; d++) {
        inner(&b, d, "Nested Loop", "Outer", d);
        leaf(&b, d + 1, "Index Scan", d, false);
    }
    leaf(&b, levels, "Seq Scan", levels, true);
    for (int d = levels; d-- > 0;) {
        plans_close(&b, d);
        node_close(&b, d, true);
    }
    plan_close(&b);
    return ixt_buf_take(&b);
}

/* ===== plans from the server ===== */

static PGresult *run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_plan: %s", PQerrorMessage(c));
        PQclear(r);
        return NULL;
    }
    return r;
}

static char *explain(PGconn *c, const char *sql)
{
    char *q = ixt_xasprintf("EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS) %s", sql);
    PGresult *r = run(c, q);
    free(q);
    char *json = r ? ixt_xstrdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    return json;
}

enum { PARTITIONS = 2500, BRANCHES = 3400 };

/* A table of 2,500 partitions and a UNION ALL of 3,400 sorted subqueries,
 * made once in the current database (bench/run.sh's sandbox). */
static int server_plans(char **parts, char **unions)
{
    *parts = *unions = NULL;
    if (!getenv("PGHOST"))
        return -1;
    PGconn *c = PQconnectdb("");
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench_plan: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PQclear(run(c, "SET client_min_messages = warning"));
    ixt_buf b;
    ixt_buf_init(&b);
    ixt_buf_add(&b, "DROP TABLE IF EXISTS bench_parts; CREATE TABLE bench_parts (id int, v int) PARTITION BY LIST (id);"
                    "DO $$ BEGIN FOR i IN 0..");
    ixt_buf_printf(&b, "%d", PARTITIONS - 1);
    ixt_buf_add(&b, " LOOP EXECUTE format('CREATE TABLE bench_parts_%s PARTITION OF bench_parts FOR VALUES IN (%s)', i, i);"
                    " END LOOP; END $$; INSERT INTO bench_parts SELECT g % 2500, g FROM generate_series(1, 25000) g;"
                    " ANALYZE bench_parts");
    PGresult *r = run(c, b.s);
    PQclear(r);
    if (r) {
        *parts = explain(c, "SELECT * FROM bench_parts WHERE v = 42");
        ixt_buf_reset(&b);
        for (int i = 0; i < BRANCHES; i++)
            ixt_buf_printf(&b, "%s(SELECT v FROM bench_parts_%d WHERE v > %d ORDER BY v LIMIT 1)",
                           i ? " UNION ALL " : "", i % PARTITIONS, i);
        *unions = explain(c, b.s);
        PQclear(run(c, "DROP TABLE bench_parts"));
    }
    ixt_buf_free(&b);
    PQfinish(c);
    return *parts && *unions ? 0 : -1;
}

/* ===== measuring ===== */

/* CPU time of this process: on a busy machine wall time measures the
 * neighbours too, so both are printed. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Parse + layout (fold a level, then open everything, as the view does) +
 * text render, in a child: "plan_<name>_..." lines. */
static void measure(const char *name, const char *json)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return;
    if (pid > 0) {
        waitpid(pid, NULL, 0);
        return;
    }
    double t_parse[RUNS], t_layout[RUNS], c_layout[RUNS], t_all[RUNS];
    size_t nodes = 0;
    long rss_kb = 0;
    for (int i = 0; i < RUNS; i++) {
        long rss0 = maxrss_kb();
        double c0 = cpu_ms(), t0 = ixt_now_ms();
        ixt_err e;
        ixt_plan *p = ixt_plan_parse(json, &e);
        if (!p) {
            fprintf(stderr, "bench_plan: %s: %s\n", name, e.msg);
            _exit(1);
        }
        double t1 = ixt_now_ms();
        ixt_plan_fold fold;
        ixt_plan_fold_init(&fold, p);
        ixt_plan_fold_depth(&fold, 1);
        ixt_plan_fold_expand_all(&fold);
        double t2 = ixt_now_ms(), c2 = cpu_ms();
        if (i == 0)
            rss_kb = maxrss_kb() - rss0;
        char *text = ixt_plan_render_text(p, false);
        double t3 = ixt_now_ms();
        t_parse[i] = t1 - t0;
        t_layout[i] = t2 - t0;
        c_layout[i] = c2 - c0;
        t_all[i] = t3 - t0;
        nodes = p->nnodes;
        free(text);
        ixt_plan_fold_free(&fold);
        ixt_plan_free(p);
    }
    qsort(t_parse, RUNS, sizeof t_parse[0], cmp);
    qsort(t_layout, RUNS, sizeof t_layout[0], cmp);
    qsort(c_layout, RUNS, sizeof c_layout[0], cmp);
    qsort(t_all, RUNS, sizeof t_all[0], cmp);
    printf("plan_%s_nodes %zu\n", name, nodes);
    printf("plan_%s_json_mb %.1f\n", name, strlen(json) / (1024.0 * 1024.0));
    printf("plan_%s_parse_ms %.1f\n", name, t_parse[RUNS / 2]);
    printf("plan_%s_parse_layout_ms %.1f\n", name, t_layout[RUNS / 2]);
    printf("plan_%s_parse_layout_cpu_ms %.1f\n", name, c_layout[RUNS / 2]);
    printf("plan_%s_parse_layout_render_ms %.1f\n", name, t_all[RUNS / 2]);
    printf("plan_%s_parse_rss_growth_mb %.1f\n", name, rss_kb / 1024.0);
    fflush(stdout);
    _exit(0);
}

int main(void)
{
    static const struct {
        const char *name;
        char *(*make)(int);
    } shapes[] = {{"append", shape_append}, {"union", shape_union}, {"deep", shape_deep}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int nodes = 1000; nodes <= 10000; nodes *= 10) {
            char *json = shapes[s].make(nodes + 1);
            char name[32];
            snprintf(name, sizeof name, "%s_%dk", shapes[s].name, nodes / 1000);
            measure(name, json);
            free(json);
        }
    char *parts, *unions;
    if (server_plans(&parts, &unions) == 0) {
        measure("server_partitions", parts);
        measure("server_union", unions);
    }
    free(parts);
    free(unions);
    return 0;
}
