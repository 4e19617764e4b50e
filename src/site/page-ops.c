/* page-ops.c: pages for operators rather than readers: /metrics. */
#include "site/page.h"
#include "util/metrics.h"

/*
 * Only for the addresses in GAZETTE_METRICS_ALLOW (loopback by default):
 * the numbers tell how busy the site is and how its database and cache
 * fare, which is the operator's business. The client is req->client, as
 * for every other check by address: behind a trusted proxy the address it
 * names, so a proxy on the same host does not make everyone loopback
 * (unless it is not declared trusted: then every request is the proxy's).
 * Anyone else gets the site's 404, as for a path that is not there.
 */
void
page_metrics(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;

	if (!http_cidr_list_match(s->metrics_allow, s->nmetrics_allow,
		req->client)) {
		page_not_found(req, resp, ctx);
		return;
	}
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	http_resp_header(resp, "Cache-Control", "no-store");
	metrics_write(&resp->body);
}
