build-asan-fault/src/http/cookie.o: src/http/cookie.c src/http/http-int.h \
 src/http/http.h src/util/arena.h src/util/buf.h src/util/str.h
src/http/http-int.h:
src/http/http.h:
src/util/arena.h:
src/util/buf.h:
src/util/str.h:
