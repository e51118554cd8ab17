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
    O_NO_CONCURRENTLY,
};

static const struct option LONGOPTS[] = {
    {"host", required_argument, NULL, 'h'},
    {"port", required_argument, NULL, 'p'},
    {"username", required_argument, NULL, 'U'},
    {"dbname", required_argument, NULL, 'd'},
    {"refresh", required_argument, NULL, 'r'},
    {"theme", required_argument, NULL, O_CONFIG_KEY},
    {"lock-timeout", required_argument, NULL, O_CONFIG_KEY},
    {"statement-timeout", required_argument, NULL, O_CONFIG_KEY},
    {"runs", required_argument, NULL, O_CONFIG_KEY},
    {"budget-mb", required_argument, NULL, O_CONFIG_KEY},
    {"write-weight", required_argument, NULL, O_CONFIG_KEY},
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
    {"role", required_argument, NULL, O_ROLE},
    {"set", required_argument, NULL, O_SET},
    {"load", required_argument, NULL, O_LOAD},
    {"session", required_argument, NULL, O_LOAD},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, O_FORCE},
    {"accept", no_argument, NULL, O_ACCEPT},
    {"rollback", required_argument, NULL, O_ROLLBACK},
    {"no-concurrently", no_argument, NULL, O_NO_CONCURRENTLY},
    {NULL, 0, NULL, 0},
};

static const char USAGE[] =
    "idxtune " IXT_VERSION " - interactive index tuner for PostgreSQL\n"
    "\n"
    "Usage:\n"
    "  idxtune [OPTIONS] [DBNAME|CONNINFO|URI]          the terminal UI\n"
    "  idxtune top [OPTIONS] --once [--limit N] [--sort COL] [--format text|json]\n"
    "  idxtune explain [OPTIONS] (-c SQL | -f FILE | --queryid ID) [--analyze]\n"
    "                  [--format text|json]\n"
    "  idxtune try [OPTIONS] (-c SQL | -f FILE | --queryid ID) --index DEF [--index DEF]\n"
    "              [--real [--runs N]] [--accept --session FILE] [--format text|json]\n"
    "  idxtune advise [OPTIONS] [--queries FILE | --top N] [--budget-mb MB]\n"
    "                 [--role NAME --set NAME=VALUE] [--session FILE] [--format text|sql|json|md]\n"
    "  idxtune export --session FILE [--format sql|md|json] [-o FILE] [--rollback FILE]\n"
    "                 [--no-concurrently] [--force]\n"
    "\n"
    "Connection (as psql; PG* environment, ~/.pgpass and service files work):\n"
    "  -h, --host=HOST        server host or socket directory\n"
    "  -p, --port=PORT        server port\n"
    "  -U, --username=USER    user name\n"
    "  -d, --dbname=DBNAME    database name, conninfo string or URI\n"
    "\n"
    "Terminal UI:\n"
    "  -r, --refresh=SECONDS  refresh interval (default 2)\n"
    "      --theme=NAME       colour theme (default, light, high-contrast, monochrome)\n"
    "      --no-color         monochrome UI (also when NO_COLOR is set)\n"
    "      --ascii            ASCII line drawing (automatic when the locale is not UTF-8)\n"
    "      --no-mouse         ignore the mouse\n"
    "\n"
    "Batch:\n"
    "      --once             one snapshot (top)\n"
    "      --limit=N          at most N statements (top)\n"
    "      --sort=COLUMN      total_ms, calls, mean_ms, rows, share, calls_per_s,\n"
    "                         ms_per_s, queryid, query (top; default total_ms)\n"
    "      --format=FORMAT    text or json\n"
    "  -c, --command=SQL      the statement (explain)\n"
    "  -f, --file=FILE        read the statement from FILE (explain)\n"
    "      --queryid=ID       the pg_stat_statements entry (explain)\n"
    "      --analyze          EXPLAIN ANALYZE: SELECT in a read-only transaction,\n"
    "                         writes inside BEGIN ... ROLLBACK\n"
    "      --index=DEF        CREATE INDEX ... to try (try; repeatable)\n"
    "      --real             also build it for real inside a rolled-back transaction (try)\n"
    "      --runs=N           timed runs without and with the index (default 5)\n"
    "      --accept           add the index with its evidence to --session FILE (try)\n"
    "      --session=FILE     session file (try, export; --load for the TUI)\n"
    "  -o, --output=FILE      write to FILE instead of standard output (export)\n"
    "      --rollback=FILE    also write the rollback SQL (export)\n"
    "      --no-concurrently  plain CREATE/DROP INDEX for migration tools (export)\n"
    "      --force            replace existing files (export)\n"
    "      --load=FILE        open a saved session in the TUI\n"
    "      --queries=FILE     statements to advise on, separated by ';' (advise)\n"
    "      --top=N            the N statements with the most total time (advise; default 50)\n"
    "      --budget-mb=MB     storage budget of the advice (0: none)\n"
    "      --write-weight=W   weight of index maintenance against read savings (advise; default 1)\n"
    "      --role=NAME        plan as this role (SET ROLE): row-level security applies\n"
    "      --set=NAME=VALUE   a setting of the application, e.g. app.tenant_id=1 (repeatable)\n"
    "      --statement-timeout=MS   per-statement timeout (default 30000)\n"
    "      --lock-timeout=MS  lock timeout for trials (default 2000)\n"
    "\n"
    "  -?, --help             show this help\n"
    "      --version          show the version\n"
    "\n"
    "Settings are read from ~/.config/idxtune/config first (same names as the\n"
    "long options).  Options may come before or after the subcommand.\n"
    "Ctrl-C, SIGTERM and SIGHUP cancel what runs on the server, then exit.\n"
    "Exit status: 0 ok, 1 error, 2 usage error, 128+N on signal N (130: Ctrl-C).\n";

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
        /* Options and config keys share their names; --no-mouse is "mouse". */
        if (strcmp(name, "no-mouse") == 0)
            return set_config(o, "mouse", "false", err);
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
    case O_ROLE: o->role = optarg; return 0;
    case O_SET: return add_list(o->settings, &o->nsettings, optarg, "--set", err);
    case O_LOAD: o->load_file = optarg; return 0;
    case O_FORCE: o->force = true; return 0;
    case O_ACCEPT: o->accept = true; return 0;
    case O_ROLLBACK: o->rollback = optarg; return 0;
    case O_NO_CONCURRENTLY: o->no_concurrently = true; return 0;
    case O_HELP: case '?':
        if (c == '?' && optopt != '?')
            break;
        fputs(USAGE, out);
        return 1;
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
        const char *name = c == O_CONFIG_KEY || c == O_LIMIT ? LONGOPTS[idx].name : NULL;
        int rc = parse_one(c, name, o, out, err);
        if (rc != 0)
            return rc;
    }
    if (optind < argc && parse_cmd(argv[optind], &o->cmd) == 0)
        optind++;
    if (optind < argc)
        o->conn.target = argv[optind++];
    if (optind < argc) {
        fprintf(err, "idxtune: unexpected argument '%s'\nTry 'idxtune --help' for more information.\n",
                argv[optind]);
        return -1;
    }
    o->conn.statement_timeout_ms = o->cfg.statement_timeout_ms;
    return 0;
}
