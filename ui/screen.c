// SPDX-License-Identifier: GPL-2.0
/*
 * The screen manager: the stack of screens, the frame they all read, the
 * top and bottom lines, the keys every screen shares, and the loop that
 * waits for a key or the next refresh, whichever comes first. It knows no
 * screen by name: the first ones are pushed by whoever opened it, the help
 * key's comes from its options.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "screen.h"
#include "top/format.h"
#include "top/frame_filter.h"
#include "util/stop.h"
#include "util/text_cells.h"

#define MAX_DEPTH    8
#define KEY_ESCAPE   27
#define MESSAGE_MS   5000
#define SPEED_FACTOR 2.0

struct ui {
	struct top_source *src;
	struct ui_screen *(*open_help)(void);
	struct ui_screen *(*open_findings)(void);
	SCREEN *term;
	struct top_frame frame;
	struct ui_screen *stack[MAX_DEPTH];
	int depth;
	uint64_t delay_ms, next_refresh_ms;
	uint32_t pid;
	bool frozen; /* live: space stops refreshing */
	bool quit, refresh_now, utf8;
	char message[160];
	bool message_error;
	uint64_t message_until_ms;
};

/* ---- for screens ---- */

void ui_push(struct ui *ui, struct ui_screen *s)
{
	if (!s)
		return;
	if (ui->depth == MAX_DEPTH) {
		s->ops->free(s);
		return;
	}
	ui->stack[ui->depth++] = s;
	if (s->ops->frame)
		s->ops->frame(s, &ui->frame);
}

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_error = error;
	ui->message_until_ms = monotonic_ms() + MESSAGE_MS;
}

int ui_snapshot(struct ui *ui, uint32_t vm)
{
	int ret = ui->src->ops->snapshot(ui->src->ctx, vm);

	if (!ret)
		ui->refresh_now = true;
	return ret;
}

bool ui_utf8(const struct ui *ui)
{
	return ui->utf8;
}

int ui_screen_height(void)
{
	return LINES - 4; /* title, last event; message, function bar */
}

bool ui_prompt(struct ui *ui, const char *question, char *buf, size_t len)
{
	size_t n = strlen(buf);
	int key;

	(void)ui;
	curs_set(1);
	timeout(-1);
	for (;;) {
		char line[256];

		snprintf(line, sizeof(line), "%s %s", question, buf);
		ui_draw_text(LINES - 2, 0, COLS, UI_STATUS, line);
		move(LINES - 2, (int)text_cells(line) < COLS ? (int)text_cells(line) : COLS - 1);
		refresh();
		key = getch();
		if (key == '\n' || key == KEY_ENTER || key == '\r')
			break;
		if (key == KEY_ESCAPE || (key == ERR && stop_requested())) {
			curs_set(0);
			return false;
		}
		if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n)
			buf[--n] = '\0';
		else if (key >= ' ' && key < 127 && n + 1 < len)
			buf[n++] = (char)key, buf[n] = '\0';
	}
	curs_set(0);
	return true;
}

/* ---- refreshing ---- */

static void fetch(struct ui *ui)
{
	/* parenthesised: curses defines refresh() as a macro; a failure says why in the status */
	(ui->src->ops->refresh)(ui->src->ctx, &ui->frame);
	top_frame_keep_pid(&ui->frame, ui->pid);
	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i]->ops->frame)
			ui->stack[i]->ops->frame(ui->stack[i], &ui->frame);
	ui->next_refresh_ms = monotonic_ms() + ui->delay_ms;
	ui->refresh_now = false;
}

/* A replay that is paused, or a frozen live view, changes only when a key says so. */
static bool still(const struct ui *ui)
{
	return ui->frozen || (ui->frame.is_replay && ui->frame.replay.paused);
}

/* ---- the keys every screen shares ---- */

static void say_replay_only(struct ui *ui, int ret, const char *what)
{
	if (ret == -ENOTSUP)
		ui_message(ui, true, "%s: only a replay (-i RECORDING) can", what);
	else if (ret)
		ui_message(ui, true, "%s: %s", what, strerror(-ret));
	ui->refresh_now = true;
}

static void key_quit(struct ui *ui)
{
	ui->quit = true;
}

static void key_help(struct ui *ui)
{
	ui_push(ui, ui->open_help());
}

static void key_findings(struct ui *ui)
{
	ui_push(ui, ui->open_findings());
}

void ui_key_back(struct ui *ui)
{
	if (ui->depth > 1) {
		struct ui_screen *s = ui->stack[--ui->depth];

		s->ops->free(s);
	}
}

static void key_pause(struct ui *ui)
{
	int ret = ui->src->ops->set_paused(ui->src->ctx, !ui->frame.replay.paused);

	if (ret == -ENOTSUP) { /* live: freeze the screen, not the VMs */
		ui->frozen = !ui->frozen;
		ui_message(ui, false, ui->frozen ? "frozen: space resumes" : "refreshing again");
		return;
	}
	say_replay_only(ui, ret, "pause");
}

static void set_speed(struct ui *ui, double factor)
{
	say_replay_only(ui, ui->src->ops->set_speed(ui->src->ctx, ui->frame.replay.speed * factor),
			"speed");
}

static void key_faster(struct ui *ui)
{
	set_speed(ui, SPEED_FACTOR);
}

static void key_slower(struct ui *ui)
{
	set_speed(ui, 1 / SPEED_FACTOR);
}

/* The events each step key moves by. */
static const struct {
	int key;
	long events;
} step_keys[] = { { 'n', 1 }, { 'p', -1 }, { 'N', 10 }, { 'P', -10 } };

static long events_of_key(int key)
{
	for (size_t i = 0; i < sizeof(step_keys) / sizeof(step_keys[0]); i++)
		if (step_keys[i].key == key)
			return step_keys[i].events;
	return 0;
}

/* Step keys already typed (held down, pressed fast) join this step: a step
 * back reads the recording again from its start, once is enough. */
static long queued_steps(void)
{
	long n = 0;
	int key;

	timeout(0);
	while ((key = getch()) != ERR) {
		if (!events_of_key(key)) {
			ungetch(key);
			break;
		}
		n += events_of_key(key);
	}
	return n;
}

static void step(struct ui *ui, long n)
{
	n += queued_steps();
	if (n)
		say_replay_only(ui, ui->src->ops->step(ui->src->ctx, n), "step");
}

static void key_next(struct ui *ui)
{
	step(ui, 1);
}

static void key_previous(struct ui *ui)
{
	step(ui, -1);
}

static void key_next10(struct ui *ui)
{
	step(ui, 10);
}

static void key_previous10(struct ui *ui)
{
	step(ui, -10);
}

static void key_jump(struct ui *ui)
{
	const struct top_replay *r = &ui->frame.replay;
	char answer[32] = "", *end;
	double secs;
	uint64_t ns;

	if (!ui->frame.is_replay) {
		say_replay_only(ui, -ENOTSUP, "go to a time");
		return;
	}
	if (!ui_prompt(ui, "Go to (seconds from the start, or 'end'):", answer, sizeof(answer)) ||
	    !answer[0])
		return;
	secs = strtod(answer, &end);
	if (!strcmp(answer, "end")) {
		ns = r->end_ns;
	} else if (end == answer || *end || secs < 0) {
		ui_message(ui, true, "'%s' is not a time: seconds from the start, or 'end'",
			   answer);
		return;
	} else {
		ns = r->start_ns + (uint64_t)(secs * 1e9 + 0.5);
	}
	say_replay_only(ui, ui->src->ops->seek(ui->src->ctx, ns), "go to a time");
}

static void key_resize(struct ui *ui)
{
	(void)ui; /* ncurses has the new size already: the next draw uses it */
	clear();
}

static const struct {
	int key;
	void (*fn)(struct ui *ui);
} common_keys[] = {
	{ 'q', key_quit },	     { 'Q', key_quit },
	{ KEY_F(10), key_quit },     { 'h', key_help },
	{ '?', key_help },	     { KEY_F(1), key_help },
	{ KEY_ESCAPE, ui_key_back }, { KEY_BACKSPACE, ui_key_back },
	{ 127, ui_key_back },	     { 8, ui_key_back },
	{ KEY_LEFT, ui_key_back },   { ' ', key_pause },
	{ '+', key_faster },	     { '=', key_faster },
	{ '-', key_slower },	     { 'n', key_next },
	{ 'p', key_previous },	     { 'N', key_next10 },
	{ 'P', key_previous10 },     { 'g', key_jump },
	{ 'f', key_findings },	     { KEY_RESIZE, key_resize },
};

static const struct ui_key_label replay_labels[] = {
	{ "h", "Help" },  { "Esc", "Back" },  { "f", "Findings" }, { "Spc", "Play" },
	{ "n/p", "Step" }, { "g", "Go to" }, { "+/-", "Speed" },   { "q", "Quit" },
	{ NULL, NULL },
};
static const struct ui_key_label live_labels[] = {
	{ "h", "Help" }, { "Esc", "Back" },	  { "f", "Findings" },
	{ "Spc", "Freeze" }, { "q", "Quit" }, { NULL, NULL },
};

static void handle_key(struct ui *ui, int key)
{
	struct ui_screen *top = ui->stack[ui->depth - 1];

	if (top->ops->key(top, ui, &ui->frame, key) == UI_KEY_HANDLED)
		return;
	for (size_t i = 0; i < sizeof(common_keys) / sizeof(common_keys[0]); i++)
		if (common_keys[i].key == key) {
			common_keys[i].fn(ui);
			return;
		}
}

/* ---- drawing ---- */

static void draw_title(struct ui *ui)
{
	const struct top_frame *f = &ui->frame;
	char left[256] = "kvmirq top", right[128] = "", part[96], at[24], end[24];

	for (int i = 0; i < ui->depth; i++) {
		ui->stack[i]->ops->title(ui->stack[i], f, part, sizeof(part));
		snprintf(left + strlen(left), sizeof(left) - strlen(left), "%s%s", i ? " > " : ": ",
			 part);
	}
	if (f->is_replay)
		snprintf(right, sizeof(right), " %s/%s ev %llu/%llu %gx %s ",
			 top_format_offset(f->replay.clock_ns, f->replay.start_ns, at, sizeof(at)) +
				 1,
			 top_format_offset(f->replay.end_ns, f->replay.start_ns, end, sizeof(end)) +
				 1,
			 (unsigned long long)f->replay.event,
			 (unsigned long long)f->replay.nr_events, f->replay.speed,
			 f->replay.paused ? "paused" : "playing");
	else
		snprintf(right, sizeof(right), " live, every %.1fs%s ", (double)ui->delay_ms / 1e3,
			 ui->frozen ? ", frozen" : "");
	/* the position always shows; the breadcrumb gives way */
	if ((int)strlen(right) > COLS * 2 / 3)
		right[0] = '\0';
	ui_draw_text(0, 0, COLS - (int)strlen(right), UI_TITLE, left);
	ui_draw_text(0, COLS - (int)strlen(right), (int)strlen(right), UI_TITLE, right);
	if (f->is_replay) {
		char line[200];

		snprintf(line, sizeof(line), "last: %s",
			 f->replay.last_event[0] ? f->replay.last_event : "(no event applied yet)");
		ui_draw_text(1, 0, COLS, UI_NORMAL, line);
	} else {
		ui_draw_text(1, 0, COLS, UI_NORMAL, f->source);
	}
}

static void draw_bottom(struct ui *ui)
{
	const struct ui_screen *top = ui->stack[ui->depth - 1];

	if (ui->message[0] && monotonic_ms() < ui->message_until_ms)
		ui_draw_text(LINES - 2, 0, COLS, ui->message_error ? UI_ERROR : UI_STATUS,
			     ui->message);
	else
		ui_draw_text(LINES - 2, 0, COLS, UI_STATUS, ui->frame.status);
	ui_bar_draw(LINES - 1, top->ops->labels, ui->frame.is_replay ? replay_labels : live_labels);
}

static void draw(struct ui *ui)
{
	struct ui_screen *top = ui->stack[ui->depth - 1];

	erase();
	if (COLS < 40 || LINES < 10) {
		ui_draw_text(0, 0, COLS, UI_ERROR, "kvmirq top: the terminal is too small");
	} else {
		draw_title(ui);
		top->ops->draw(top, ui, &ui->frame, 2, ui_screen_height());
		draw_bottom(ui);
	}
	refresh();
}

/* ---- the loop ---- */

static int wait_ms(const struct ui *ui)
{
	uint64_t now = monotonic_ms();

	if (ui->message[0] && now < ui->message_until_ms)
		return 250; /* to take the message down on time */
	if (still(ui))
		return -1;
	return ui->next_refresh_ms > now ? (int)(ui->next_refresh_ms - now) : 0;
}

struct ui *ui_open(struct top_source *src, const struct ui_options *o)
{
	struct ui *ui = calloc(1, sizeof(*ui));

	if (!ui) {
		fprintf(stderr, "kvmirq top: %s\n", strerror(ENOMEM));
		return NULL;
	}
	ui->src = src;
	ui->pid = o->pid;
	ui->open_help = o->open_help;
	ui->open_findings = o->open_findings;
	ui->delay_ms = o->delay_s > 0 ? (uint64_t)(o->delay_s * 1e3) : 1000;
	setlocale(LC_ALL, "");
	ui->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	ui->term = newterm(NULL, stdout, stdin);
	if (!ui->term) {
		fprintf(stderr, "kvmirq top: cannot use the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		free(ui);
		return NULL;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	ui_colors_init();
	stop_on_signals();
	fetch(ui);
	return ui;
}

void ui_run(struct ui *ui)
{
	while (!ui->quit && !stop_requested() && ui->depth) {
		int key;

		if (ui->refresh_now || (!still(ui) && monotonic_ms() >= ui->next_refresh_ms))
			fetch(ui);
		draw(ui);
		timeout(wait_ms(ui));
		key = getch();
		if (key != ERR) {
			if (key != KEY_RESIZE)
				ui->message[0] = '\0';
			handle_key(ui, key);
		}
	}
}

void ui_close(struct ui *ui)
{
	endwin();
	delscreen(ui->term);
	while (ui->depth) {
		struct ui_screen *s = ui->stack[--ui->depth];

		s->ops->free(s);
	}
	top_frame_clear(&ui->frame);
	free(ui);
}
