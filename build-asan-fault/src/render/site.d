build-asan-fault/src/render/site.o: src/render/site.c src/render/page.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h \
 src/render/tmpl.h src/store/store.h src/util/xalloc.h
src/render/page.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/render/tmpl.h:
src/store/store.h:
src/util/xalloc.h:
