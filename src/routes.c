/* routes.c: every route of the site, the administration and the API in
 * one table, and the one place that tells an API path from a page when
 * nothing matched or a query was bad.
 *
 * Order matters where patterns overlap: route_match takes the first
 * match, so the admin's routes come before the readers'
 * "/:year/:month/:slug" (which would take /admin/articles/7), and the API
 * and the discovery routes (feeds, sitemaps, search) before the /:year/…
 * patterns, which would take any path of the same shape. */
#include "routes.h"
#include "admin/admin.h"
#include "api/api.h"
#include "site/comments.h"
#include "site/feed.h"
#include "site/page.h"

/* Methods: pages are GET, changes POST; a route answering both does the
 * change only on POST (admin_begin checks its token). */
#define G HTTP_M(HTTP_GET)
#define P HTTP_M(HTTP_POST)
/* Every method goes to the API handlers, which answer 405 themselves with
 * a problem document. */
#define API_METHODS \
	(HTTP_M(HTTP_GET) | HTTP_M(HTTP_POST) | HTTP_M(HTTP_PUT) | \
	    HTTP_M(HTTP_PATCH) | HTTP_M(HTTP_DELETE) | HTTP_M(HTTP_OPTIONS))

const struct route routes[] = {
	/* The query parameters each page reads on a GET are all it sees
 * (struct route); a POST reads its body. */
	{ G | P, "/admin/login", admin_login, "next why" },
	{ P, "/admin/logout", admin_logout },
	{ G, "/admin", admin_dashboard },
	{ G, "/admin/", admin_dashboard },
	{ G, "/admin/articles", admin_articles,
	    "status tag author q page msg" },
	{ G | P, "/admin/articles/new", admin_article_new },
	{ G | P, "/admin/articles/:id", admin_article_edit, "msg" },
	{ G | P, "/admin/articles/:id/delete", admin_article_delete },
	{ G, "/admin/articles/:id/revisions/:rev", admin_revision },
	{ P, "/admin/articles/:id/revisions/:rev/restore",
	    admin_revision_restore },
	{ P, "/admin/preview", admin_preview },
	{ G | P, "/admin/users", admin_users, "msg" },
	{ G | P, "/admin/settings", admin_settings, "msg" },
	{ G | P, "/admin/comments", admin_comments, "status before msg" },
	{ G | P, "/admin/comments/:id", admin_comment_edit },
	{ G | P, "/admin/*", admin_unknown },

	/* The API refuses parameters it does not take (SPEC §9). */
	{ API_METHODS, "/api/v1/articles", api_articles,
	    "cursor limit status tag author", true },
	{ API_METHODS, "/api/v1/articles/:slug", api_article, NULL, true },
	{ API_METHODS, "/api/v1/articles/:slug/comments", api_article_comments,
	    "cursor limit status", true },
	{ API_METHODS, "/api/v1/comments/:id", api_comment, NULL, true },
	{ API_METHODS, "/api/v1/search", api_search, "q cursor limit", true },
	/* Anything else under /api is the API's 404, a problem document:
	 * never a reader page's pattern (/:year/:month/:slug would take
	 * /api/v1/nope). */
	{ API_METHODS, "/api", api_unknown },
	{ API_METHODS, "/api/", api_unknown },
	{ API_METHODS, "/api/*", api_unknown },
	/* WordPress's /?p=N and /?page_id=N links (page_redirect_query). */
	{ HTTP_M(HTTP_GET), "/", page_home, "p page_id" },
	{ HTTP_M(HTTP_GET), "/page/:n", page_home },
	{ HTTP_M(HTTP_GET), "/healthz", page_healthz },
	{ HTTP_M(HTTP_GET), "/robots.txt", page_robots },
	{ HTTP_M(HTTP_GET), "/static/:file", page_static },
	{ HTTP_M(HTTP_GET), "/tags", page_tags },
	{ HTTP_M(HTTP_GET), "/tags/:tag", page_tag },
	{ HTTP_M(HTTP_GET), "/tags/:tag/page/:n", page_tag },
	{ HTTP_M(HTTP_GET), "/authors/:name", page_author },
	{ HTTP_M(HTTP_GET), "/authors/:name/page/:n", page_author },
	/* Discovery (feeds, sitemaps, search): before the /:year/… patterns,
	 * which would take any path of the same shape. */
	{ HTTP_M(HTTP_GET), "/feed.atom", feed_site },
	{ HTTP_M(HTTP_GET), "/feed.rss", feed_site },
	{ HTTP_M(HTTP_GET), "/feed.json", feed_site },
	{ HTTP_M(HTTP_GET), "/tags/:tag/feed.atom", feed_tag },
	{ HTTP_M(HTTP_GET), "/tags/:tag/feed.rss", feed_tag },
	{ HTTP_M(HTTP_GET), "/tags/:tag/feed.json", feed_tag },
	{ HTTP_M(HTTP_GET), "/authors/:name/feed.atom", feed_author },
	{ HTTP_M(HTTP_GET), "/authors/:name/feed.rss", feed_author },
	{ HTTP_M(HTTP_GET), "/authors/:name/feed.json", feed_author },
	{ HTTP_M(HTTP_GET), "/sitemap.xml", sitemap_index },
	{ HTTP_M(HTTP_GET), "/sitemaps/:n", sitemap_part },
	{ HTTP_M(HTTP_GET), "/sitemap-news.xml", sitemap_news },
	{ HTTP_M(HTTP_GET), "/search", page_search, "q page" },
	{ HTTP_M(HTTP_GET), "/:year/", page_archive },
	{ HTTP_M(HTTP_GET), "/:year/page/:n", page_archive },
	{ HTTP_M(HTTP_GET), "/:year/:month/", page_archive },
	{ HTTP_M(HTTP_GET), "/:year/:month/page/:n", page_archive },
	{ HTTP_M(HTTP_GET), "/:year/:month/:slug", page_article,
	    "comments_after reply held" },
	{ HTTP_M(HTTP_POST), "/:year/:month/:slug/comments", comment_post },
	{ HTTP_M(HTTP_GET), "/:year/:month/:slug/comments.atom", comment_feed },
	{ HTTP_M(HTTP_GET), "/metrics", page_metrics },
};
const size_t routes_n = sizeof(routes) / sizeof(routes[0]);

void
routes_not_found(struct http_req *req, struct http_resp *resp, void *ctx)
{
	if (api_not_found(req, resp))
		return;
	page_not_found(req, resp, ctx);
}

void
routes_error(struct http_req *req, struct http_resp *resp, int status,
    const char *msg, void *ctx)
{
	if (api_path(req->path))
		api_error(resp, req->arena, status, NULL, "%s", msg);
	else
		page_error(req, resp, status, msg, ctx);
}

void
routes_bad_query(struct http_req *req, struct http_resp *resp, void *ctx,
    const char *param, const char *msg)
{
	if (api_bad_query(req, resp, param, msg))
		return;
	page_bad_query(req, resp, ctx, param, msg);
}
