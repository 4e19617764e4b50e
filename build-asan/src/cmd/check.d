build-asan/src/cmd/check.o: src/cmd/check.c src/cmd/cmd.h \
 src/render/page.h src/http/http.h src/util/arena.h src/util/buf.h \
 src/util/str.h src/render/tmpl.h src/store/store.h
src/cmd/cmd.h:
src/render/page.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/render/tmpl.h:
src/store/store.h:
