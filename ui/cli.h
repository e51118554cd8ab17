/* cli: command-line options (getopt_long) shared by the TUI and the batch
 * subcommands; option names match the config file's keys. */
#ifndef IDXTUNE_UI_CLI_H
#define IDXTUNE_UI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "idxtune/config.h"
#include "idxtune/conn.h"
#include "idxtune/review.h"

typedef enum ixt_cmd {
    CMD_TUI, CMD_TOP, CMD_EXPLAIN, CMD_TRY, CMD_ADVISE, CMD_EXPORT,
    CMD_INDEXES,
    CMD_REVIEW, CMD_DIFF, CMD_VERIFY
} ixt_cmd;

typedef enum ixt_format { FMT_TEXT, FMT_JSON, FMT_SQL, FMT_MD } ixt_format;

#define IXT_MAX_LIST 32

typedef struct ixt_opts {
    ixt_cmd cmd;
    ixt_conn_opts conn;
    ixt_config cfg;          /* config file, then the command line */
    const char *load_file;
    /* batch */
    bool once;
    int limit;
    const char *sort;
    ixt_format format;
    const char *sql;         /* -c */
    const char *file;        /* -f */
    const char *queryid;     /* --queryid as given, NULL when not */
    long long queryid_id;    /* --queryid as a number */
    bool analyze;
    const char *indexes[IXT_MAX_LIST];
    int nindexes;
    bool real;
    const char *params[IXT_MAX_LIST];  /* --param: $1, $2, ... */
    int nparams;
    const char *role;
    const char *settings[IXT_MAX_LIST];
    int nsettings;
    const char *output;
    const char *rollback;
    bool force;
    bool accept;
    long long interval_ms;   /* --interval: between top's two snapshots, 0 when not given */
    bool help;               /* --help: answered once the subcommand is known */
    /* review, diff */
    const char *verdict_on;  /* --approve/--reject/--needs-trial NAME; NULL lists */
    ixt_verdict verdict;
    const char *comment;
    const char *as;          /* the reviewer's name */
    bool approved_only;      /* export */
    bool review_only;        /* TUI: verdicts and hypothetical plans only */
    const char *diff_from;   /* TUI: the older session to compare --load with */
    const char *target2;     /* diff: the newer file (conn.target is the older) */
    int window_s;            /* verify */
    int phase;               /* verify: 0 all */
} ixt_opts;

/* Parses argv.  Returns 0 to go on, 1 when --help or --version was
 * answered (exit 0), -1 on a usage error (message printed, exit 2). */
int cli_parse(int argc, char **argv, ixt_opts *o, FILE *out, FILE *err);

/* A whole decimal number in [min, max] for option opt ("--limit"): 0 and
 * *out set, or -1 with a message naming the option on err (a usage
 * error).  Trailing text, an empty string and overflow are refused. */
int cli_number(const char *opt, const char *s, long long min, long long max, long long *out, FILE *err);

#endif
