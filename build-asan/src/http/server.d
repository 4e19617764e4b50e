build-asan/src/http/server.o: src/http/server.c src/http/http-int.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h \
 src/util/xalloc.h
src/http/http-int.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
src/util/xalloc.h:
