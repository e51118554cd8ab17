/* cli: getopt_long over one option table for every subcommand. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum {
    O_HELP = 1000, O_VERSION, O_ONCE, O_LIMIT, O_SORT, O_FORMAT, O_QUERYID, O_ANALYZE,
    O_INDEX, O_REAL, O_ROLE, O_SET, O_LOAD, O_FORCE, O_CONFIG_KEY, O_ACCEPT, O_ROLLBACK,
    O_INTERVAL, O_WINDOW, O_PHASE, O_PARAM,
    O_VERDICT, O_COMMENT, O_AS, O_APPROVED_ONLY, O_REVIEW_ONLY, O_DIFF_FROM,
};

static const struct option LONGOPTS[] = {
    {"host", required_argument, NULL, 'h'},
    {"port", required_argument, NULL, 'p'},
    {"username", required_argument, NULL, 'U'},
    {"dbname", required_argument, NULL, 'd'},
    {"node", required_argument, NULL, O_CONFIG_KEY},
    {"refresh", required_argument, NULL, 'r'},
    {"theme", required_argument, NULL, O_CONFIG_KEY},
    {"lock-timeout", required_argument, NULL, O_CONFIG_KEY},
    {"statement-timeout", required_argument, NULL, O_CONFIG_KEY},
    {"runs", required_argument, NULL, O_CONFIG_KEY},
    {"budget-mb", required_argument, NULL, O_CONFIG_KEY},
    {"ascii", no_argument, NULL, O_CONFIG_KEY},
    {"no-color", no_argument, NULL, O_CONFIG_KEY},
    {"no-mouse", no_argument, NULL, O_CONFIG_KEY},
    {"help", no_argument, NULL, O_HELP},
    {"version", no_argument, NULL, O_VERSION},
    {"once", no_argument, NULL, O_ONCE},
    {"limit", required_argument, NULL, O_LIMIT},
    {"top", required_argument, NULL, O_LIMIT},
    {"sort", required_argument, NULL, O_SORT},
    {"format", required_argument, NULL, O_FORMAT},
    {"command", required_argument, NULL, 'c'},
    {"file", required_argument, NULL, 'f'},
    {"queries", required_argument, NULL, 'f'},
    {"queryid", required_argument, NULL, O_QUERYID},
    {"analyze", no_argument, NULL, O_ANALYZE},
    {"index", required_argument, NULL, O_INDEX},
    {"real", no_argument, NULL, O_REAL},
    {"param", required_argument, NULL, O_PARAM},
    {"role", required_argument, NULL, O_ROLE},
    {"set", required_argument, NULL, O_SET},
    {"load", required_argument, NULL, O_LOAD},
    {"session", required_argument, NULL, O_LOAD},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, O_FORCE},
    {"accept", no_argument, NULL, O_ACCEPT},
    {"rollback", required_argument, NULL, O_ROLLBACK},
    {"no-concurrently", no_argument, NULL, O_CONFIG_KEY},
    {"interval", required_argument, NULL, O_INTERVAL},
    {"write-weight", required_argument, NULL, O_CONFIG_KEY},
    {"approve", required_argument, NULL, O_VERDICT},
    {"reject", required_argument, NULL, O_VERDICT},
    {"needs-trial", required_argument, NULL, O_VERDICT},
    {"comment", required_argument, NULL, O_COMMENT},
    {"as", required_argument, NULL, O_AS},
    {"approved-only", no_argument, NULL, O_APPROVED_ONLY},
    {"review-only", no_argument, NULL, O_REVIEW_ONLY},
    {"diff-from", required_argument, NULL, O_DIFF_FROM},
    {"window", required_argument, NULL, O_WINDOW},
    {"phase", required_argument, NULL, O_PHASE},
    {NULL, 0, NULL, 0},
};

#define CONN_HELP                                                                          \
    "Connection (as psql; PG* environment, ~/.pgpass and service files work):\n"           \
    "  -h, --host=HOST        server host or socket directory\n"                            \
    "  -p, --port=PORT        server port\n"                                                \
    "  -U, --username=USER    user name\n"                                                  \
    "  -d, --dbname=DBNAME    database name, conninfo string or URI\n"                      \
    "      --statement-timeout=MS   per-statement timeout (default 30000)\n"                   \
    "      --node=CONNINFO    another server of the same cluster, primary or standby\n"     \
    "                         (repeatable): the workload is merged across them\n"
#define STMT_HELP                                                                          \
    "  -c, --command=SQL      the statement\n"                                              \
    "  -f, --file=FILE        read the statement from FILE\n"                               \
    "      --queryid=ID       the pg_stat_statements entry\n"
#define ROLE_HELP                                                                          \
    "      --role=NAME        plan as this role (SET ROLE): row-level security applies\n"   \
    "      --set=NAME=VALUE   a setting of the application, e.g. app.tenant_id=1 (repeatable)\n"
#define PARAM_HELP                                                                         \
    "      --param=VALUE      the value of $1, then $2, ... (repeatable, in order)\n"
#define EXIT_HELP                                                                          \
    "Exit status: 0 ok, 1 error, 2 usage error, 128+N on signal N (130: Ctrl-C).\n"

/* One entry per subcommand: `idxtune CMD --help` prints its own; plain
 * `idxtune --help` prints the synopses and the TUI's options. */
static const struct cmd_help {
    ixt_cmd cmd;
    const char *name, *synopsis, *options;
} HELP[] = {
    {CMD_TUI, NULL,
     "  idxtune [OPTIONS] [DBNAME|CONNINFO|URI]          the terminal UI\n",
     "Terminal UI:\n"
     "  -r, --refresh=SECONDS  refresh interval (default 2)\n"
     "      --theme=NAME       colour theme (default, light, high-contrast, monochrome)\n"
     "      --no-color         monochrome UI (also when NO_COLOR is set)\n"
     "      --ascii            ASCII line drawing (automatic when the locale is not UTF-8)\n"
     "      --no-mouse         ignore the mouse\n"
     "      --load=FILE        open a saved session\n"
     "      --review-only      with --load: give verdicts and comments; nothing but\n"
     "                         hypothetical plans runs on the server\n"
     "      --diff-from=OLD    with --load: show what changed since the session OLD\n"
     "      --lock-timeout=MS  lock timeout for trials (default 2000)\n"
     "      --runs=N           timed runs without and with an index (default 5)\n"
     "      --no-concurrently  plain CREATE/DROP INDEX in exported files\n"},
    {CMD_TOP, "top",
     "  idxtune top [OPTIONS] --once [--limit N] [--sort COL] [--interval S] [--format text|json]\n",
     "      --once             one listing, then exit (the live list is the TUI)\n"
     "      --limit=N          at most N statements\n"
     "      --sort=COLUMN      total_ms, calls, mean_ms, rows, share, calls_per_s,\n"
     "                         ms_per_s, queryid, query (default total_ms)\n"
     "      --interval=S       seconds between the two snapshots the rates need\n"
     "                         (calls_per_s, ms_per_s; default 1)\n"
     "      --format=FORMAT    text or json\n"},
    {CMD_EXPLAIN, "explain",
     "  idxtune explain [OPTIONS] (-c SQL | -f FILE | --queryid ID) [--analyze]\n"
     "                  [--param VALUE ...] [--format text|json]\n",
     STMT_HELP
     "      --analyze          EXPLAIN ANALYZE: SELECT in a read-only transaction,\n"
     "                         writes inside BEGIN ... ROLLBACK\n"
     PARAM_HELP
     "                         without values, --analyze takes pg_stats' most common\n"
     "                         value (or a histogram bound) of each parameter's column\n"
     "                         and says so on stderr\n"
     ROLE_HELP
     "      --format=FORMAT    text or json\n"},
    {CMD_TRY, "try",
     "  idxtune try [OPTIONS] (-c SQL | -f FILE | --queryid ID) --index DEF [--index DEF]\n"
     "              [--real [--runs N] [--param VALUE ...]] [--accept --session FILE]\n"
     "              [--format text|json]\n",
     STMT_HELP
     "      --index=DEF        CREATE INDEX ... to try (repeatable)\n"
     "      --real             also build it for real inside a rolled-back transaction\n"
     "                         when the build is estimated to fit in --lock-timeout\n"
     PARAM_HELP
     "                         a real trial runs the statement: it needs one per $n\n"
     "      --runs=N           timed runs without and with the index (default 5)\n"
     "      --lock-timeout=MS  lock timeout for the real build (default 2000)\n"
     "      --accept           add the index with its evidence to --session FILE\n"
     "      --session=FILE     the session file\n"
     ROLE_HELP
     "      --format=FORMAT    text or json\n"},
    {CMD_ADVISE, "advise",
     "  idxtune advise [OPTIONS] [--queries FILE | --top N] [--budget-mb MB]\n"
     "                 [--role NAME --set NAME=VALUE] [--session FILE] [--format text|sql|json|md]\n",
     "      --queries=FILE     statements to advise on, separated by ';'\n"
     "      --top=N            the N statements with the most total time that have a plan\n"
     "                         (COMMIT, SET, EXPLAIN... take no place; default 50)\n"
     "      --budget-mb=MB     storage budget of the advice (0: none)\n"
     "      --write-weight=W   weight of index maintenance against read savings (default 1)\n"
     ROLE_HELP
     "      --session=FILE     record the advice as accepted in FILE\n"
     "      --no-concurrently  plain CREATE INDEX (--format sql|md)\n"
     "      --format=FORMAT    text, sql, json or md\n"},
    {CMD_EXPORT, "export",
     "  idxtune export --session FILE [--format sql|md|json] [-o FILE] [--rollback FILE]\n"
     "                 [--no-concurrently] [--approved-only] [--force]\n",
     "      --session=FILE     the session file\n"
     "  -o, --output=FILE      write to FILE instead of standard output\n"
     "      --rollback=FILE    also write the rollback SQL\n"
     "      --no-concurrently  plain CREATE/DROP INDEX for migration tools\n"
     "      --approved-only    write only the approved indexes (otherwise the others\n"
     "                         are written commented out)\n"
     "      --force            replace existing files\n"
     "      --format=FORMAT    sql, md or json\n"},
    {CMD_INDEXES, "indexes",
     "  idxtune indexes [OPTIONS] [--format text|json|md|sql] [-o FILE] [--rollback FILE]\n"
     "                  [--force]\n",
     "  -o, --output=FILE      write to FILE instead of standard output\n"
     "      --rollback=FILE    also write the rollback SQL (--format sql)\n"
     "      --force            replace existing files\n"
     "      --format=FORMAT    text, json, md or sql\n"},
    {CMD_REVIEW, "review",
     "  idxtune review --session FILE [--approve NAME | --reject NAME | --needs-trial NAME]\n"
     "                 [--comment TEXT] [--as NAME] [--format text|json|md]\n",
     "      --session=FILE     the session file (written back)\n"
     "      --approve=NAME, --reject=NAME, --needs-trial=NAME\n"
     "                         record a verdict on the index NAME (without one: list)\n"
     "      --comment=TEXT     the reason, with the verdict\n"
     "      --as=NAME          the reviewer (default: the operating system user)\n"
     "      --format=FORMAT    text, json or md\n"},
    {CMD_DIFF, "diff",
     "  idxtune diff OLD.json NEW.json [--format text|md]\n",
     "      --format=FORMAT    text or md\n"},
    {CMD_VERIFY, "verify",
     "  idxtune verify [OPTIONS] --session FILE [--window SECONDS] [--phase N]\n"
     "                 [--format text|json|md] [-o FILE]\n",
     "      --session=FILE     the session whose indexes were rolled out\n"
     "      --window=SECONDS   measuring window (default 60)\n"
     "      --phase=N          verify phases 1..N of the rollout (default: all)\n"
     ROLE_HELP
     "  -o, --output=FILE      write to FILE instead of standard output\n"
     "      --format=FORMAT    text, json or md\n"},
};

static void print_help(ixt_cmd cmd, FILE *out)
{
    const struct cmd_help *h = NULL;
    for (size_t i = 0; i < sizeof HELP / sizeof HELP[0]; i++)
        if (HELP[i].cmd == cmd)
            h = &HELP[i];
    fputs("idxtune " IXT_VERSION " - interactive index tuner for PostgreSQL\n\nUsage:\n", out);
    if (cmd == CMD_TUI)
        for (size_t i = 0; i < sizeof HELP / sizeof HELP[0]; i++)
            fputs(HELP[i].synopsis, out);
    else
        fputs(h->synopsis, out);
    fprintf(out, "\n%s%s\n" CONN_HELP "\n"
                 "  -?, --help             show this help%s\n"
                 "      --version          show the version\n\n"
                 "Settings are read from ~/.config/idxtune/config first (same names as the\n"
                 "long options).  Options may come before or after the subcommand.\n"
                 "Ctrl-C, SIGTERM and SIGHUP cancel what runs on the server, then exit.\n" EXIT_HELP,
            cmd == CMD_TUI ? "" : "Options:\n", h->options,
            cmd == CMD_TUI ? " (idxtune COMMAND --help: that command's)" : "");
}

static int parse_format(const char *s, ixt_format *f)
{
    static const char *const names[] = {"text", "json", "sql", "md"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *f = (ixt_format)i;
            return 0;
        }
    return -1;
}

static int parse_cmd(const char *s, ixt_cmd *c)
{
    static const struct { const char *name; ixt_cmd cmd; } cmds[] = {
        {"top", CMD_TOP}, {"explain", CMD_EXPLAIN}, {"try", CMD_TRY},
        {"advise", CMD_ADVISE}, {"export", CMD_EXPORT},
        {"indexes", CMD_INDEXES}, {"verify", CMD_VERIFY},
        {"review", CMD_REVIEW}, {"diff", CMD_DIFF},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(s, cmds[i].name) == 0) {
            *c = cmds[i].cmd;
            return 0;
        }
    return -1;
}

static int add_list(const char **list, int *n, const char *v, const char *what, FILE *err)
{
    if (*n >= IXT_MAX_LIST) {
        fprintf(err, "idxtune: too many %s options (at most %d)\n", what, IXT_MAX_LIST);
        return -1;
    }
    list[(*n)++] = v;
    return 0;
}

static int set_config(ixt_opts *o, const char *key, const char *value, FILE *err)
{
    ixt_err e;
    if (ixt_config_set(&o->cfg, key, value, &e) == 0)
        return 0;
    fprintf(err, "idxtune: --%s: %s\n", key, e.msg);
    return -1;
}

int cli_number(const char *opt, const char *s, long long min, long long max, long long *out, FILE *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    /* strtoll skips leading blanks and takes "" as 0: neither is a number */
    bool whole = s[0] && s[0] != ' ' && s[0] != '\t' && *end == '\0';
    if (whole && errno == 0 && v >= min && v <= max) {
        *out = v;
        return 0;
    }
    if (whole && errno != ERANGE)
        fprintf(err, "idxtune: %s must be between %lld and %lld, not '%s'\n", opt, min, max, s);
    else
        fprintf(err, "idxtune: %s needs a number%s, not '%s'\n", opt,
                errno == ERANGE ? " in range" : "", s);
    return -1;
}

static int parse_one(int c, const char *name, ixt_opts *o, FILE *out, FILE *err)
{
    switch (c) {
    case 'h': o->conn.host = optarg; return 0;
    case 'p': o->conn.port = optarg; return 0;
    case 'U': o->conn.user = optarg; return 0;
    case 'd': o->conn.dbname = optarg; return 0;
    case 'r': return set_config(o, "refresh", optarg, err);
    case O_CONFIG_KEY:
        /* Options and config keys share their names; --no-mouse is "mouse",
         * --no-concurrently "concurrently". */
        if (strcmp(name, "no-mouse") == 0)
            return set_config(o, "mouse", "false", err);
        if (strcmp(name, "no-concurrently") == 0)
            return set_config(o, "concurrently", "false", err);
        return set_config(o, name, optarg ? optarg : "true", err);
    case 'c': o->sql = optarg; return 0;
    case 'f': o->file = optarg; return 0;
    case 'o': o->output = optarg; return 0;
    case O_ONCE: o->once = true; return 0;
    case O_LIMIT: {
        long long n;
        if (cli_number(strcmp(name, "top") == 0 ? "--top" : "--limit", optarg, 1, INT_MAX, &n, err) != 0)
            return -1;
        o->limit = (int)n;
        return 0;
    }
    case O_SORT: o->sort = optarg; return 0;
    case O_FORMAT:
        if (parse_format(optarg, &o->format) == 0)
            return 0;
        fprintf(err, "idxtune: unknown format '%s' (text, json, sql, md)\n", optarg);
        return -1;
    case O_QUERYID:
        o->queryid = optarg;
        return cli_number("--queryid", optarg, LLONG_MIN, LLONG_MAX, &o->queryid_id, err);
    case O_ANALYZE: o->analyze = true; return 0;
    case O_INDEX: return add_list(o->indexes, &o->nindexes, optarg, "--index", err);
    case O_REAL: o->real = true; return 0;
    case O_PARAM: return add_list(o->params, &o->nparams, optarg, "--param", err);
    case O_ROLE: o->role = optarg; return 0;
    case O_SET: return add_list(o->settings, &o->nsettings, optarg, "--set", err);
    case O_LOAD: o->load_file = optarg; return 0;
    case O_FORCE: o->force = true; return 0;
    case O_ACCEPT: o->accept = true; return 0;
    case O_ROLLBACK: o->rollback = optarg; return 0;
    case O_VERDICT:
        if (o->verdict_on) {
            fprintf(err, "idxtune: one of --approve, --reject and --needs-trial at a time\n");
            return -1;
        }
        o->verdict_on = optarg;
        o->verdict = name[0] == 'a' ? IXT_VERDICT_APPROVED
                     : name[0] == 'r' ? IXT_VERDICT_REJECTED : IXT_VERDICT_NEEDS_TRIAL;
        return 0;
    case O_COMMENT: o->comment = optarg; return 0;
    case O_AS: o->as = optarg; return 0;
    case O_APPROVED_ONLY: o->approved_only = true; return 0;
    case O_REVIEW_ONLY: o->review_only = true; return 0;
    case O_DIFF_FROM: o->diff_from = optarg; return 0;
    case O_WINDOW: case O_PHASE: {
        long long n;
        if (cli_number(c == O_WINDOW ? "--window" : "--phase", optarg, 1, 86400, &n, err) != 0)
            return -1;
        *(c == O_WINDOW ? &o->window_s : &o->phase) = (int)n;
        return 0;
    }
    case O_INTERVAL: {
        long long n;
        if (cli_number("--interval", optarg, 1, 3600, &n, err) != 0)
            return -1;
        o->interval_ms = n * 1000;
        return 0;
    }
    case O_HELP: case '?':
        if (c == '?' && optopt != '?')
            break;
        /* answered once the subcommand is known: `idxtune top --help` */
        o->help = true;
        return 0;
    case O_VERSION:
        fprintf(out, "idxtune %s\n", IXT_VERSION);
        return 1;
    default:
        break;
    }
    fprintf(err, "Try 'idxtune --help' for more information.\n");
    return -1;
}

int cli_parse(int argc, char **argv, ixt_opts *o, FILE *out, FILE *err)
{
    ixt_config cfg = o->cfg;
    memset(o, 0, sizeof *o);
    o->cfg = cfg;
    o->cmd = CMD_TUI;
    /* getopt_long permutes: options may come before or after the
     * subcommand (idxtune -p 5433 top --once), as with git -C. */
    optind = 1;
    opterr = 1;
    int c, idx;
    while ((c = getopt_long(argc, argv, "h:p:U:d:r:c:f:o:?", LONGOPTS, &idx)) != -1) {
        const char *name = c == O_CONFIG_KEY || c == O_LIMIT || c == O_VERDICT ? LONGOPTS[idx].name : NULL;
        int rc = parse_one(c, name, o, out, err);
        if (rc != 0)
            return rc;
    }
    if (optind < argc && parse_cmd(argv[optind], &o->cmd) == 0)
        optind++;
    if (o->help) {
        print_help(o->cmd, out);
        return 1;
    }
    if (optind < argc)
        o->conn.target = argv[optind++];
    if (optind < argc && o->cmd == CMD_DIFF)
        o->target2 = argv[optind++];
    if (optind < argc) {
        fprintf(err, "idxtune: unexpected argument '%s'\nTry 'idxtune --help' for more information.\n",
                argv[optind]);
        return -1;
    }
    o->conn.statement_timeout_ms = o->cfg.statement_timeout_ms;
    o->conn.lock_timeout_ms = o->cfg.lock_timeout_ms;
    if (!o->window_s)
        o->window_s = 60;
    return 0;
}
