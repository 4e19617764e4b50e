/* page-ops.c: pages for operators rather than readers: /metrics. */
#include "site/page.h"
#include "util/metrics.h"

/*
 * Open to any client, like /healthz: the numbers say how busy the site is,
 * nothing about its readers. A site that wants them private denies the
 * path at its proxy (contrib/nginx.conf does).
 */
void
page_metrics(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	http_resp_header(resp, "Cache-Control", "no-store");
	metrics_write(&resp->body);
}
