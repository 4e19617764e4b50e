build-fault/src/admin/page-admin-articles.o: \
 src/admin/page-admin-articles.c src/admin/admin.h src/http/http.h \
 src/util/arena.h src/util/buf.h src/util/str.h src/render/page.h \
 src/render/tmpl.h src/store/store.h src/render/esc.h \
 src/render/markdown.h
src/admin/admin.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/render/page.h:
src/render/tmpl.h:
src/store/store.h:
src/render/esc.h:
src/render/markdown.h:
