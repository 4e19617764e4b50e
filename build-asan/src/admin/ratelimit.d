build-asan/src/admin/ratelimit.o: src/admin/ratelimit.c src/admin/admin.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h \
 src/render/page.h src/render/tmpl.h src/store/store.h
src/admin/admin.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/render/page.h:
src/render/tmpl.h:
src/store/store.h:
