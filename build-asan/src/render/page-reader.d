build-asan/src/render/page-reader.o: src/render/page-reader.c \
 src/feed/feed.h src/http/http.h src/util/arena.h src/util/buf.h \
 src/util/str.h src/store/store.h src/render/esc.h src/render/page.h \
 src/render/tmpl.h
src/feed/feed.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/store/store.h:
src/render/esc.h:
src/render/page.h:
src/render/tmpl.h:
