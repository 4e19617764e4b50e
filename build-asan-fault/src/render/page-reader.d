build-asan-fault/src/render/page-reader.o: src/render/page-reader.c \
 src/render/esc.h src/render/page.h src/http/http.h src/util/arena.h \
 src/util/buf.h src/util/str.h src/render/tmpl.h src/store/store.h
src/render/esc.h:
src/render/page.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/render/tmpl.h:
src/store/store.h:
