/* theme: the file format, errors with file and line, colour mapping down
 * to 256/16/8 colours, the search order and the shipped themes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxtune/theme.h"
#include "testutil.h"

#define RGB(x) (IXT_COLOR_RGB | (x))

static char *data_path(const char *rel)
{
    return ixt_xasprintf("%s/themes/%s", ixt_testdata(), rel);
}

/* ===== format ===== */

static void test_parse_roles(void **state)
{
    (void)state;
    ixt_theme t;
    ixt_err e;
    const char *text = "name = mine\n"
                       "# a comment\n"
                       "\n"
                       "title = black on cyan, bold | reverse\n"
                       "selected = #ffffff on 24, underline italic | reverse bold   # trailing comment\n"
                       "cost-hot = bright-red\n"
                       "muted = on #303030\n"
                       "match = default, dim\n"
                       "tree = bold\n"
                       "border = , underline | none\n";
    assert_int_equal(ixt_theme_parse(text, "mine.theme", &t, &e), 0);
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.roles[IXT_ROLE_TITLE].fg, 0);
    assert_int_equal(t.roles[IXT_ROLE_TITLE].bg, 6);
    assert_int_equal(t.roles[IXT_ROLE_TITLE].attrs, IXT_ATTR_BOLD);
    assert_int_equal(t.roles[IXT_ROLE_TITLE].mono, IXT_ATTR_REVERSE);
    /* #rrggbb is kept as RGB, not rounded to the palette */
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].fg, RGB(0xffffff));
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].bg, 24);
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].attrs, IXT_ATTR_UNDERLINE | IXT_ATTR_ITALIC);
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].mono, IXT_ATTR_REVERSE | IXT_ATTR_BOLD);
    assert_int_equal(t.roles[IXT_ROLE_COST_HOT].fg, 9);
    assert_int_equal(t.roles[IXT_ROLE_COST_HOT].bg, IXT_COLOR_DEFAULT);
    assert_int_equal(t.roles[IXT_ROLE_COST_HOT].attrs, 0);
    assert_int_equal(t.roles[IXT_ROLE_MUTED].fg, IXT_COLOR_DEFAULT);
    assert_int_equal(t.roles[IXT_ROLE_MUTED].bg, RGB(0x303030));
    /* without '|' the attributes hold without colour too */
    assert_int_equal(t.roles[IXT_ROLE_MATCH].mono, IXT_ATTR_DIM);
    /* the foreground may be left out */
    assert_int_equal(t.roles[IXT_ROLE_TREE].fg, IXT_COLOR_DEFAULT);
    assert_int_equal(t.roles[IXT_ROLE_TREE].attrs, IXT_ATTR_BOLD);
    assert_int_equal(t.roles[IXT_ROLE_BORDER].attrs, IXT_ATTR_UNDERLINE);
    assert_int_equal(t.roles[IXT_ROLE_BORDER].mono, 0);
    /* a role left out keeps the built-in style */
    ixt_theme b;
    ixt_theme_builtin(&b);
    assert_memory_equal(&t.roles[IXT_ROLE_ERROR], &b.roles[IXT_ROLE_ERROR], sizeof(ixt_style));
    assert_memory_equal(&t.roles[IXT_ROLE_NORMAL], &b.roles[IXT_ROLE_NORMAL], sizeof(ixt_style));
}

static void test_parse_file_variants(void **state)
{
    (void)state;
    ixt_theme t;
    ixt_err e;
    char *path = data_path("user/solarized.theme");
    assert_int_equal(ixt_theme_load_file(path, &t, &e), 0);
    free(path);
    assert_string_equal(t.name, "solarized"); /* no name line: the file's */
    assert_int_equal(t.roles[IXT_ROLE_NORMAL].fg, RGB(0x839496));
    assert_int_equal(t.roles[IXT_ROLE_NORMAL].bg, RGB(0x002b36));
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].attrs, IXT_ATTR_BOLD); /* no comma needed */
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].mono, IXT_ATTR_REVERSE);
    assert_int_equal(t.roles[IXT_ROLE_HEADER].fg, 33);  /* colour33 */
    assert_int_equal(t.roles[IXT_ROLE_HEADER].attrs, IXT_ATTR_UNDERLINE);
    assert_int_equal(t.roles[IXT_ROLE_COST_HOT].fg, 9); /* brightred */
    assert_int_equal(t.roles[IXT_ROLE_COST_HOT].bg, IXT_COLOR_DEFAULT);
    assert_int_equal(t.roles[IXT_ROLE_MUTED].bg, RGB(0x073642));

    path = data_path("crlf.theme"); /* Windows line ends */
    assert_int_equal(ixt_theme_load_file(path, &t, &e), 0);
    free(path);
    assert_string_equal(t.name, "crlf");
    assert_int_equal(t.roles[IXT_ROLE_TITLE].mono, IXT_ATTR_REVERSE);
}

static void expect_error(const char *text, const char *msg)
{
    ixt_theme t, before;
    ixt_err e;
    ixt_theme_monochrome(&t);
    before = t;
    if (ixt_theme_parse(text, "x.theme", &t, &e) != -1)
        fail_msg("accepted: %s", text);
    assert_string_equal(e.msg, msg);
    /* a failed parse leaves the theme as it was */
    assert_memory_equal(&t, &before, sizeof t);
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    expect_error("title = black\n\nselected = purpel\n", "x.theme:3: unknown colour 'purpel'");
    expect_error("title = blakc\n", "x.theme:1: unknown colour 'blakc' (did you mean 'black'?)");
    expect_error("title = red on\n", "x.theme:1: 'on' needs a background colour");
    expect_error("title = red on #12345\n", "x.theme:1: unknown colour '#12345'");
    expect_error("title = 256\n", "x.theme:1: unknown colour '256'");
    expect_error("titel = black\n", "x.theme:1: unknown role 'titel' (did you mean 'title'?)");
    expect_error("colours = black\n", "x.theme:1: unknown role 'colours'");
    expect_error("# c\ntitle black\n", "x.theme:2: expected 'ROLE = FG [on BG][, attributes]'");
    expect_error("title =\n", "x.theme:1: missing style (FG [on BG][, attributes])");
    expect_error("name =\n", "x.theme:1: name needs a value");
    expect_error("title = red, blink\n",
                 "x.theme:1: unknown attribute 'blink' (bold, dim, underline, reverse, italic)");
    /* a '#' glued to a word is a colour, never a comment */
    expect_error("title = #ffff on black\n", "x.theme:1: unknown colour '#ffff'");
    expect_error("title = red | bold, undrline\n",
                 "x.theme:1: unknown attribute 'undrline' (did you mean 'underline'?) "
                 "(bold, dim, underline, reverse, italic)");

    char *long_name = ixt_xasprintf("name = %0100d\n", 7);
    expect_error(long_name, "x.theme:1: name longer than 63 characters");
    free(long_name);

    ixt_theme t;
    ixt_err e;
    char *path = data_path("broken.theme");
    assert_int_equal(ixt_theme_load_file(path, &t, &e), -1);
    char *want = ixt_xasprintf("%s:4: unknown colour 'purpel'", path);
    assert_string_equal(e.msg, want);
    free(want);
    free(path);
    assert_int_equal(ixt_theme_load_file("/nonexistent/x.theme", &t, &e), -1);
    assert_non_null(strstr(e.msg, "/nonexistent/x.theme"));
}

/* Random bytes and mangled theme lines: errors or success, never a crash
 * (the point of running this under ASan and valgrind). */
static void test_parse_garbage(void **state)
{
    (void)state;
    static const char pieces[][12] = {"title", "=", " on ", ",", "|", "#", "#ffffff", "bold",
                                      "\n", "red", "256", "name", "  ", "\r", "bright-", "on"};
    unsigned seed = 12345;
    int ok = 0;
    for (int round = 0; round < 2000; round++) {
        char text[256] = "";
        size_t len = 0;
        for (int k = 0; k < 20; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % 16];
            size_t n = strlen(p);
            if (round % 3 == 0) { /* raw bytes */
                p = (const char *)&seed;
                n = 1 + (seed >> 8) % 3;
            }
            if (len + n >= sizeof text)
                break;
            memcpy(text + len, p, n);
            len += n;
            text[len] = '\0';
        }
        ixt_theme t;
        ixt_err e;
        ok += ixt_theme_parse(text, "g.theme", &t, &e) == 0;
    }
    assert_true(ok > 0 && ok < 2000);
}

/* ===== colours ===== */

static void test_colour_parse(void **state)
{
    (void)state;
    assert_int_equal(ixt_color_parse("default"), IXT_COLOR_DEFAULT);
    assert_int_equal(ixt_color_parse("red"), 1);
    assert_int_equal(ixt_color_parse("WHITE"), 7);
    assert_int_equal(ixt_color_parse("bright-white"), 15);
    assert_int_equal(ixt_color_parse("brightblack"), 8);
    assert_int_equal(ixt_color_parse("bright_cyan"), 14);
    assert_int_equal(ixt_color_parse("grey"), 8);
    assert_int_equal(ixt_color_parse("0"), 0);
    assert_int_equal(ixt_color_parse("200"), 200);
    assert_int_equal(ixt_color_parse("colour255"), 255);
    assert_int_equal(ixt_color_parse("color16"), 16);
    assert_int_equal(ixt_color_parse("#5fafd7"), RGB(0x5fafd7));
    assert_int_equal(ixt_color_parse("#FFFFFF"), RGB(0xffffff));
    assert_int_equal(ixt_color_parse("#000000"), RGB(0));
    assert_int_equal(ixt_color_parse("256"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("-1"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("0012"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("colour256"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("bright-default"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("bright-12"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("#zzzzzz"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("#fff"), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse(""), IXT_COLOR_INVALID);
    assert_int_equal(ixt_color_parse("purple"), IXT_COLOR_INVALID);
}

static void test_colour_rgb(void **state)
{
    (void)state;
    int rgb[3];
    assert_true(ixt_color_to_rgb(196, rgb));
    assert_int_equal(rgb[0], 255);
    assert_int_equal(rgb[1], 0);
    assert_int_equal(rgb[2], 0);
    assert_true(ixt_color_to_rgb(244, rgb));
    assert_int_equal(rgb[0], 128);
    assert_true(ixt_color_to_rgb(ixt_color_rgb(1, 2, 3), rgb));
    assert_int_equal(rgb[0] * 10000 + rgb[1] * 100 + rgb[2], 10203);
    assert_false(ixt_color_to_rgb(IXT_COLOR_DEFAULT, rgb));
    /* RGB -> 256: cube or grey ramp, whichever is nearer */
    assert_int_equal(ixt_color_nearest256(0x5f, 0xaf, 0xd7), 74);  /* exact cube */
    assert_int_equal(ixt_color_nearest256(0, 0, 0), 16);
    assert_int_equal(ixt_color_nearest256(255, 255, 255), 231);
    assert_int_equal(ixt_color_nearest256(255, 0, 0), 196);
    assert_int_equal(ixt_color_nearest256(0x80, 0x80, 0x80), 244); /* grey ramp */
    assert_int_equal(ixt_color_nearest256(0xee, 0xee, 0xee), 255);
    assert_int_equal(ixt_color_nearest256(0x00, 0x2b, 0x36), 234); /* grey 28 beats cube 0,0,95 */
    /* every palette colour maps back to itself or an identical-looking one */
    for (int c = 16; c < 256; c++) {
        ixt_color_to_rgb(c, rgb);
        int back = ixt_color_nearest256(rgb[0], rgb[1], rgb[2]), rgb2[3];
        ixt_color_to_rgb(back, rgb2);
        assert_memory_equal(rgb, rgb2, sizeof rgb);
    }
}

static void test_colour_256to16(void **state)
{
    (void)state;
    assert_int_equal(ixt_color_256to16(3), 3);    /* basic colours stay */
    assert_int_equal(ixt_color_256to16(12), 12);
    assert_int_equal(ixt_color_256to16(196), 9);  /* #ff0000 bright red */
    assert_int_equal(ixt_color_256to16(124), 1);  /* #af0000 red */
    assert_int_equal(ixt_color_256to16(88), 1);   /* #870000 red */
    assert_int_equal(ixt_color_256to16(28), 2);   /* #008700 green */
    assert_int_equal(ixt_color_256to16(46), 10);  /* #00ff00 bright green */
    assert_int_equal(ixt_color_256to16(136), 3);  /* #af8700 dark yellow stays yellow */
    assert_int_equal(ixt_color_256to16(130), 3);  /* #af5f00 orange-brown: yellow, not red */
    assert_int_equal(ixt_color_256to16(21), 12);  /* #0000ff bright blue */
    assert_int_equal(ixt_color_256to16(18), 4);   /* #000087 blue */
    assert_int_equal(ixt_color_256to16(30), 6);   /* #008787 cyan */
    assert_int_equal(ixt_color_256to16(201), 13); /* #ff00ff bright magenta */
    assert_int_equal(ixt_color_256to16(16), 0);   /* black */
    assert_int_equal(ixt_color_256to16(232), 0);  /* darkest grey */
    assert_int_equal(ixt_color_256to16(244), 8);  /* mid grey */
    assert_int_equal(ixt_color_256to16(250), 7);  /* light grey */
    assert_int_equal(ixt_color_256to16(231), 15); /* white */
    for (int c = 0; c < 256; c++) {
        int m = ixt_color_256to16(c);
        assert_true(m >= 0 && m < 16);
    }
}

static void test_colour_fit(void **state)
{
    (void)state;
    bool bright = false;
    int red = RGB(0xff0000);
    assert_int_equal(ixt_color_fit(red, 256, &bright), 196);
    assert_int_equal(ixt_color_fit(red, 16, &bright), 9);
    assert_false(bright);
    assert_int_equal(ixt_color_fit(red, 8, &bright), 1);
    assert_true(bright);
    bright = false;
    assert_int_equal(ixt_color_fit(4, 8, &bright), 4);
    assert_false(bright);
    assert_int_equal(ixt_color_fit(IXT_COLOR_DEFAULT, 256, &bright), IXT_COLOR_DEFAULT);
    assert_int_equal(ixt_color_fit(200, 256, &bright), 200);
    assert_int_equal(ixt_color_fit(200, 0, &bright), IXT_COLOR_DEFAULT); /* no colours */
    /* direct colour: exact RGB, basic colours 0..7 as they are */
    assert_int_equal(ixt_color_fit(RGB(0x5fafd7), IXT_COLORS_DIRECT, &bright), 0x5fafd7);
    assert_int_equal(ixt_color_fit(196, IXT_COLORS_DIRECT, &bright), 0xff0000);
    assert_int_equal(ixt_color_fit(3, IXT_COLORS_DIRECT, &bright), 3);
    assert_int_equal(ixt_color_fit(9, IXT_COLORS_DIRECT, &bright), 0xff0000);
    assert_int_equal(ixt_color_fit(RGB(0x000005), IXT_COLORS_DIRECT, &bright), 0);
}

static void test_style_fit(void **state)
{
    (void)state;
    ixt_fitted f;
    /* bright on 8 colours: the base colour, bold */
    ixt_style s = {15, 1, 0, 0};
    ixt_style_fit(&s, 8, true, &f);
    assert_int_equal(f.fg, 7);
    assert_int_equal(f.bg, 1);
    assert_int_equal(f.attrs, IXT_ATTR_BOLD);
    ixt_style_fit(&s, 16, true, &f);
    assert_int_equal(f.fg, 15);
    assert_int_equal(f.attrs, 0);
    /* two colours that fall together on 8 colours: the text stays readable */
    ixt_style same = {RGB(0xd0d0d0), RGB(0xe4e4e4), IXT_ATTR_UNDERLINE, 0};
    ixt_style_fit(&same, 256, true, &f);
    assert_int_not_equal(f.fg, f.bg);
    ixt_style_fit(&same, 8, true, &f);
    assert_int_equal(f.bg, 7);
    assert_int_equal(f.fg, 0); /* black on white */
    assert_int_equal(f.attrs, IXT_ATTR_UNDERLINE);
    ixt_style dark = {RGB(0x080808), RGB(0x121212), 0, 0};
    ixt_style_fit(&dark, 16, true, &f);
    assert_int_equal(f.bg, 0);
    assert_int_equal(f.fg, 7); /* white on black */
    /* without the terminal's default colours: white on black */
    ixt_style def = {IXT_COLOR_DEFAULT, IXT_COLOR_DEFAULT, 0, 0};
    ixt_style_fit(&def, 256, false, &f);
    assert_int_equal(f.fg, 7);
    assert_int_equal(f.bg, 0);
    ixt_style_fit(&def, 256, true, &f);
    assert_int_equal(f.fg, -1);
    assert_int_equal(f.bg, -1);
    ixt_style black_text = {0, IXT_COLOR_DEFAULT, 0, 0};
    ixt_style_fit(&black_text, 8, false, &f);
    assert_int_not_equal(f.fg, f.bg); /* black on the stand-in black: white */
}

static void test_color_wanted(void **state)
{
    (void)state;
    assert_true(ixt_color_wanted(false, NULL));
    assert_true(ixt_color_wanted(false, "")); /* set but empty: colour */
    assert_false(ixt_color_wanted(false, "1"));
    assert_false(ixt_color_wanted(false, "0")); /* any non-empty value */
    assert_false(ixt_color_wanted(true, NULL));
}

/* ===== shipped themes ===== */

static bool styles_differ(const ixt_style *a, const ixt_style *b, int ncolors)
{
    ixt_fitted x, y;
    ixt_style_fit(a, ncolors, true, &x);
    ixt_style_fit(b, ncolors, true, &y);
    return x.fg != y.fg || x.bg != y.bg || x.attrs != y.attrs;
}

static void check_shipped(const ixt_theme *t)
{
    static const int depths[] = {IXT_COLORS_DIRECT, 256, 16, 8};
    static const ixt_role pairs[][2] = {
        {IXT_ROLE_COST_HOT, IXT_ROLE_COST_WARM}, {IXT_ROLE_GOOD, IXT_ROLE_BAD},
        {IXT_ROLE_SELECTED, IXT_ROLE_NORMAL}, {IXT_ROLE_COST_WARM, IXT_ROLE_NORMAL},
        {IXT_ROLE_COST_HOT, IXT_ROLE_NORMAL}, {IXT_ROLE_MUTED, IXT_ROLE_NORMAL},
        {IXT_ROLE_TAB_ACTIVE, IXT_ROLE_TAB_INACTIVE}, {IXT_ROLE_ERROR, IXT_ROLE_NORMAL},
    };
    bool mono = strcmp(t->name, "monochrome") == 0;
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        const ixt_style *a = &t->roles[pairs[p][0]], *b = &t->roles[pairs[p][1]];
        /* the monochrome theme shows hot/warm and warm/normal alike */
        if (!mono || a->mono != b->mono)
            for (size_t d = 0; d < 4; d++)
                if (!styles_differ(a, b, depths[d]))
                    fail_msg("theme %s: %s and %s look the same with %d colours", t->name,
                             ixt_role_name(pairs[p][0]), ixt_role_name(pairs[p][1]), depths[d]);
    }
    /* without colour: selection by reverse video, errors stand out */
    assert_true(t->roles[IXT_ROLE_SELECTED].mono & IXT_ATTR_REVERSE);
    assert_true(t->roles[IXT_ROLE_ERROR].mono != 0);
    assert_true(t->roles[IXT_ROLE_GOOD].mono != t->roles[IXT_ROLE_BAD].mono);
}

static void test_shipped_themes(void **state)
{
    (void)state;
    char *dirs[] = {"/nonexistent", "themes"};
    char **names;
    size_t n = ixt_theme_list_from(dirs, 2, &names);
    assert_int_equal(n, 4);
    assert_string_equal(names[0], "default");
    assert_string_equal(names[1], "high-contrast");
    assert_string_equal(names[2], "light");
    assert_string_equal(names[3], "monochrome");
    for (size_t i = 0; i < n; i++) {
        ixt_theme t;
        ixt_err e;
        if (ixt_theme_load_from(names[i], dirs, 2, &t, &e) != 0)
            fail_msg("theme %s: %s", names[i], e.msg);
        assert_string_equal(t.name, names[i]);
        check_shipped(&t);
    }
    ixt_theme_list_free(names, n);

    /* the compiled-in themes are the files */
    ixt_theme file, built;
    ixt_err e;
    assert_int_equal(ixt_theme_load_file("themes/default.theme", &file, &e), 0);
    ixt_theme_builtin(&built);
    assert_memory_equal(&file, &built, sizeof file);
    assert_int_equal(ixt_theme_load_file("themes/monochrome.theme", &file, &e), 0);
    ixt_theme_monochrome(&built);
    assert_memory_equal(&file, &built, sizeof file);
    check_shipped(&built);
    for (int r = 0; r < IXT_ROLE_COUNT; r++) {
        assert_int_equal(built.roles[r].fg, IXT_COLOR_DEFAULT);
        assert_int_equal(built.roles[r].bg, IXT_COLOR_DEFAULT);
        assert_int_equal(built.roles[r].attrs, built.roles[r].mono);
        assert_string_not_equal(ixt_role_name((ixt_role)r), "?");
    }
    assert_string_equal(ixt_role_name(IXT_ROLE_COUNT), "?");
}

/* ===== search ===== */

static void test_dirs(void **state)
{
    (void)state;
    char **d;
    size_t n = ixt_theme_dirs_for("/x", "/home/u", "/opt/ixt/share/idxtune", &d);
    assert_int_equal(n, 3);
    assert_string_equal(d[0], "/x/idxtune/themes");
    assert_string_equal(d[1], "/opt/ixt/share/idxtune/themes");
    assert_string_equal(d[2], "themes");
    ixt_theme_list_free(d, n);
    n = ixt_theme_dirs_for("", "/home/u", NULL, &d); /* empty XDG_CONFIG_HOME is unset */
    assert_int_equal(n, 2);
    assert_string_equal(d[0], "/home/u/.config/idxtune/themes");
    assert_string_equal(d[1], "themes");
    ixt_theme_list_free(d, n);
    n = ixt_theme_dirs_for(NULL, NULL, "/usr/share/idxtune", &d);
    assert_int_equal(n, 2);
    assert_string_equal(d[0], "/usr/share/idxtune/themes");
    ixt_theme_list_free(d, n);
}

static void test_search_order(void **state)
{
    (void)state;
    char *user = data_path("user"), *broken = data_path("broken-default");
    char *dirs[] = {user, "/nonexistent", "themes"};
    ixt_theme t;
    ixt_err e;
    /* the user's light theme comes first */
    assert_int_equal(ixt_theme_load_from("light", dirs, 3, &t, &e), 0);
    assert_int_equal(t.roles[IXT_ROLE_NORMAL].fg, 1);
    assert_string_equal(t.name, "light");
    /* others fall through to the shipped directory */
    assert_int_equal(ixt_theme_load_from("high-contrast", dirs, 3, &t, &e), 0);
    assert_string_equal(t.name, "high-contrast");
    assert_int_equal(t.roles[IXT_ROLE_NORMAL].bg, 0);
    /* the list merges the directories, without duplicates or hidden files */
    char **names;
    size_t n = ixt_theme_list_from(dirs, 3, &names);
    assert_int_equal(n, 5);
    const char *want[] = {"default", "high-contrast", "light", "monochrome", "solarized"};
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], want[i]);
    ixt_theme_list_free(names, n);
    /* a broken file is an error, not skipped for the next directory */
    char *dirs2[] = {broken, "themes"};
    assert_int_equal(ixt_theme_load_from("default", dirs2, 2, &t, &e), -1);
    assert_non_null(strstr(e.msg, "broken-default/default.theme:4: unknown colour 'gren' (did you mean 'green'?)"));
    /* not found names where it looked */
    assert_int_equal(ixt_theme_load_from("nope", dirs, 3, &t, &e), -1);
    char *msg = ixt_xasprintf("theme 'nope' not found (looked in %s, /nonexistent, themes)", user);
    assert_string_equal(e.msg, msg);
    free(msg);
    assert_int_equal(ixt_theme_load_from("", dirs, 3, &t, &e), -1);
    /* a path */
    char *path = data_path("user/solarized.theme");
    assert_int_equal(ixt_theme_load_from(path, NULL, 0, &t, &e), 0);
    assert_string_equal(t.name, "solarized");
    free(path);
    /* with no directory at all the built-in themes remain */
    assert_int_equal(ixt_theme_load_from("default", NULL, 0, &t, &e), 0);
    assert_string_equal(t.name, "default");
    assert_int_equal(ixt_theme_load_from("monochrome", NULL, 0, &t, &e), 0);
    assert_int_equal(t.roles[IXT_ROLE_SELECTED].attrs, IXT_ATTR_REVERSE);
    n = ixt_theme_list_from(NULL, 0, &names);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "default");
    assert_string_equal(names[1], "monochrome");
    ixt_theme_list_free(names, n);
    free(user);
    free(broken);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_roles),
        cmocka_unit_test(test_parse_file_variants),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_parse_garbage),
        cmocka_unit_test(test_colour_parse),
        cmocka_unit_test(test_colour_rgb),
        cmocka_unit_test(test_colour_256to16),
        cmocka_unit_test(test_colour_fit),
        cmocka_unit_test(test_style_fit),
        cmocka_unit_test(test_color_wanted),
        cmocka_unit_test(test_shipped_themes),
        cmocka_unit_test(test_dirs),
        cmocka_unit_test(test_search_order),
    };
    return IXT_RUN_TESTS(tests);
}
