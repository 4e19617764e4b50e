/* problem.c: RFC 7807 problem documents for the JSON API. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "util/arena.h"
#include "util/buf.h"

/* One type URI per kind of problem a client may want to tell apart; the
 * plain HTTP statuses are "about:blank" as RFC 7807 section 4.2 says. */
static const char *
type_of(int status)
{
	switch (status) {
	case 400:
		return "urn:gazette:problem:bad-request";
	case 409:
		return "urn:gazette:problem:conflict";
	case 422:
		return "urn:gazette:problem:invalid";
	default:
		return "about:blank";
	}
}

bool
api_fail(struct api_problem *p, struct arena *a, int status, const char *field,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list	   ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	memset(p, 0, sizeof(*p));
	p->status = status;
	p->type = type_of(status);
	p->title = http_status_text(status);
	p->detail = arena_strndup(a, buf_str(&b), b.len);
	p->field = field ? arena_strdup(a, field) : NULL;
	buf_free(&b);
	return false;
}

void
api_problem_send(struct http_resp *resp, const struct api_problem *p)
{
	struct buf *b = &resp->body;
	bool	    first = true;

	buf_reset(b);
	resp->status = p->status ? p->status : 500;
	resp->content_type = "application/problem+json";
	http_resp_header(resp, "Cache-Control", "no-store");
	buf_putc(b, '{');
	jw_key(b, &first, "type");
	jw_str(b, p->type ? p->type : "about:blank");
	jw_key(b, &first, "title");
	jw_str(b, p->title ? p->title : http_status_text(resp->status));
	jw_key(b, &first, "status");
	buf_printf(b, "%d", resp->status);
	if (p->detail) {
		jw_key(b, &first, "detail");
		jw_str(b, p->detail);
	}
	if (p->field) {
		jw_key(b, &first, "field");
		jw_str(b, p->field);
	}
	if (p->line > 0) {
		jw_key(b, &first, "line");
		buf_printf(b, "%d", p->line);
		jw_key(b, &first, "column");
		buf_printf(b, "%d", p->column);
	}
	buf_puts(b, "}\n");
}

void
api_error(struct http_resp *resp, struct arena *a, int status,
    const char *field, const char *fmt, ...)
{
	struct api_problem p;
	struct buf	   b = BUF_INIT;
	va_list		   ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	api_fail(&p, a, status, field, "%s", buf_str(&b));
	buf_free(&b);
	api_problem_send(resp, &p);
}
