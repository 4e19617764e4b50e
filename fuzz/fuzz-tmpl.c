/* fuzz-tmpl.c: the template compiler and renderer, with the input as a
 * template (a theme author's mistakes must be errors, never crashes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/tmpl.h"
#include "util/arena.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const char
	    *const	 names[] = { "page.html", "part.html", "feed.xml" };
	const char	*texts[3];
	struct tmpl_set *set;
	struct tval	*root, *list, *item;
	struct arena	 a;
	struct buf	 out = BUF_INIT;
	char		 err[256], *t;
	size_t		 i;

	t = malloc(n + 1);
	memcpy(t, data, n);
	t[n] = '\0';
	texts[0] = t;
	texts[1] = "<p>{{title}}</p>";
	texts[2] = t;
	arena_init(&a);
	root = tv_map(&a);
	tv_set_str(&a, root, "title", "<script>\"'&</script>");
	tv_set_str(&a, root, "url", "javascript:alert(1)");
	tv_set(&a, root, "body", tv_raw(&a, "<b>ok</b>", 9));
	list = tv_list(&a);
	for (i = 0; i < 3; i++) {
		item = tv_map(&a);
		tv_set_int(&a, item, "n", (int64_t)i);
		tv_set_str(&a, item, "name", "x\"y");
		tv_push(&a, list, item);
	}
	tv_set(&a, root, "items", list);
	tv_set_bool(&a, root, "yes", true);
	err[0] = '\0';
	set = tmpl_set_from_strings(names, texts, 3, err, sizeof(err));
	if (set == NULL) {
		if (err[0] == '\0')
			abort(); /* a refusal always says why */
	} else {
		tmpl_render(set, "page.html", root, &out);
		buf_reset(&out);
		tmpl_render(set, "feed.xml", root, &out);
		tmpl_set_free(set);
	}
	buf_free(&out);
	arena_free(&a);
	free(t);
	return 0;
}
