build-asan/src/render/page-ops.o: src/render/page-ops.c src/render/page.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h \
 src/render/tmpl.h src/store/store.h src/util/metrics.h
src/render/page.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/render/tmpl.h:
src/store/store.h:
src/util/metrics.h:
